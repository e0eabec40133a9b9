"""Serve KaTeX's stylesheet and fonts, and Pyodide, from the site itself: no page needs a CDN.

The files come from node_modules (installed by `npm ci` from package-lock.json)
and are added to the build under vendor/. Nothing vendored is committed.

Maths is typeset at build time (docsite/maths.py), so KaTeX's scripts are not
served: the pages that have maths link its stylesheet, which loads its fonts. Pyodide is
fetched at a reader's first Run only. Mermaid is not served at all: diagrams are
drawn ahead of time into SVG (docsite/diagrams.py). The last check below fails the build if any page
would still make the browser fetch a script, stylesheet or font from elsewhere.
"""

from __future__ import annotations

import base64
import logging
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.structure.files import Files
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.assets")

NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"

# site path -> path inside node_modules
VENDORED = {
    # Python in the page: fetched by docs/javascripts/runtime-worker.js at the first Run only
    **{f"vendor/pyodide/{name}": f"pyodide/{name}" for name in (
        "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")},
}
KATEX_CSS = "katex/dist/katex.min.css"
KATEX_FONTS = "katex/dist/fonts"

# In katex.min.css each font is offered as woff2, then woff, then ttf. Every
# browser that runs this site takes woff2, so only woff2 is shipped and the
# other two alternatives are cut out of the stylesheet.
OLDER_FONT_FORMATS = re.compile(r',\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)')
CSS_URL = re.compile(r"url\(([^)]+)\)")

# nbconvert's notebook template loads MathJax, and mermaid when a cell outputs a
# diagram, from a CDN. The site renders both itself (KaTeX for the maths), so
# those two scripts are dropped from notebook pages.
NBCONVERT_CDN_SCRIPTS = [
    re.compile(r'<script src="https://[^"]*mathjax[^"]*">\s*</script>', re.IGNORECASE),
    re.compile(r'<script type="module">(?:(?!</script>).)*?import\("https://[^"]*mermaid(?:(?!</script>).)*?</script>', re.DOTALL),
]

# Material asks api.github.com for the repository's stars and forks when the
# header's repository link carries this attribute; without it the link stays a
# plain link and the page makes no request to another site.
SOURCE_COMPONENT = ' data-md-component="source"'

# What a browser fetches by itself: script and img sources, stylesheets and
# preloads, and url(...) in inline styles. Links a reader clicks are fine.
EXTERNAL_FETCH = re.compile(
    r"""<script\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\brel=["']?(?:stylesheet|preload|preconnect|modulepreload)[^>]*>"""
    r"""|<img\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|url\(["']?(?:https?:)?//"""
    r"""|import\(["'](?:https?:)?//""",
    re.IGNORECASE,
)


def on_config(config):
    missing = [p for p in [*VENDORED.values(), KATEX_CSS, KATEX_FONTS] if not (NODE_MODULES / p).exists()]
    if missing:
        raise PluginError(
            f"{NODE_MODULES} has no KaTeX or Pyodide (no {missing[0]}): run `npm ci` at the "
            "repository root, or `make build`."
        )
    return config


def add_vendored(files: Files, config: MkDocsConfig) -> Files:
    for site_path, module_path in VENDORED.items():
        files.append(File.generated(config, site_path, abs_src_path=str(NODE_MODULES / module_path)))

    fonts = sorted((NODE_MODULES / KATEX_FONTS).glob("*.woff2"))
    for font in fonts:
        files.append(File.generated(config, f"vendor/katex/fonts/{font.name}", abs_src_path=str(font)))

    css = OLDER_FONT_FORMATS.sub("", (NODE_MODULES / KATEX_CSS).read_text(encoding="utf-8"))
    shipped = {f"fonts/{font.name}" for font in fonts}
    unresolved = sorted({u.strip("'\"") for u in CSS_URL.findall(css)} - shipped)
    if unresolved:
        raise PluginError(f"katex.min.css refers to files the site does not ship: {', '.join(unresolved)}")
    files.append(File.generated(config, "vendor/katex/katex.min.css", content=css))
    return files


# mkdocs-jupyter inlines JupyterLab's whole stylesheet (about 590 KB) and a Pygments theme
# into every notebook page: two thirds of its HTML, parsed before the page can paint. The
# site's own rules (the "Diagrams and notebook" section of extra.css) style the few classes
# the page uses, in both palettes.
NOTEBOOK_STYLESHEET = re.compile(r'<style type="text/css">.*?</style>', re.DOTALL)


# A notebook's figures are inline PNGs without a size: the page jumps as each one decodes, and
# all of them load with the page. Their size is in the PNG header (the IHDR chunk: width and
# height, 4 bytes each, from byte 16), so each <img> gets it, and loads only near the viewport.
INLINE_PNG = re.compile(r'<img (?P<before>[^>]*?)src="data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)"')


def sized(match):
    width, height = struct.unpack(">II", base64.b64decode(match.group("data")[:32])[16:24])
    return (f'<img {match.group("before")}width="{width}" height="{height}" loading="lazy" decoding="async" '
            f'src="data:image/png;base64,{match.group("data")}"')


def notebook_page(html: str, where: str) -> str:
    """The notebook page's HTML without nbconvert's CDN scripts and stylesheet, its PNGs sized."""
    if where.endswith(".py"):
        for script in NBCONVERT_CDN_SCRIPTS:
            html = script.sub("", html)
        html = NOTEBOOK_STYLESHEET.sub("", html)
        html = INLINE_PNG.sub(sized, html)
    return html


def warn_external_fetches(output: str, where: str) -> str:
    output = output.replace(SOURCE_COMPONENT, "")
    for match in EXTERNAL_FETCH.finditer(output):
        tag = match.group(0)
        if tag.lower().startswith("<link") and not re.search(r"""href=["']?(?:https?:)?//""", tag):
            continue  # a local stylesheet
        start = max(match.start() - 40, 0)
        log.warning(
            "%s makes the browser fetch from another site, which breaks the offline site: ...%s...",
            where,
            output[start : match.end() + 60].replace("\n", " "),
        )
    return output
