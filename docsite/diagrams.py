"""Mermaid diagrams drawn ahead of time: each ```mermaid fence becomes an inline SVG.

The mermaid source stays in the page (the source of truth). `make diagrams`
(tools/render_diagrams.py: mermaid from node_modules in headless Chromium, offline)
draws each fence once into docs/diagrams/<digest>.svg, where the digest covers the
fence's source and the mermaid version pinned in package.json. At build time this
step puts that SVG where the fence was, so no page loads mermaid (3.4 MB of script
that costs a phone about 3 s to start). A fence with no drawing, or one
drawn from an older source or another mermaid, fails the build and names the
command that redraws it. tests/test_diagrams.py checks the same without a build.

The SVGs carry Material's CSS variables for their colours, so they follow the light
and dark palettes; their <title> and <desc> (from accTitle and accDescr) are what a
screen reader reads.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.structure.files import Files

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DIAGRAMS = DOCS / "diagrams"
COMMAND = "make diagrams"

# A fenced block of mermaid in a page's Markdown, at any indentation (inside a tab,
# an admonition or a list item), with backticks or tildes.
MARKDOWN_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*mermaid\b[^\n]*\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
# The same fence once pymdownx.superfences has turned it into HTML (mkdocs.yml's custom fence).
HTML_FENCE = re.compile(r'<pre class="mermaid"><code>(?P<body>.*?)</code></pre>', re.DOTALL)
# Every id the renderer gives an SVG starts with this, followed by the digest.
ID_PREFIX = "diagram-"
# A drawing is scaled down to the width of the page, but no further than this: below it the
# labels (16px when drawn) get too small to read, and the drawing scrolls sideways instead.
SMALLEST_SCALE = 0.75
PHONE_TEXT_WIDTH = 358  # px: Material's text column on a 390px phone


def mermaid_version():
    """The mermaid version package.json pins: part of every digest, so an upgrade redraws all."""
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["mermaid"]


def normalize(source):
    """A fence's text as mermaid sees it: dedented, no trailing blanks, no blank ends."""
    lines = textwrap.dedent(source).strip("\n").splitlines()
    return "\n".join(line.rstrip() for line in lines) + "\n"


def digest(source, version=None):
    """The name of a fence's drawing: 16 hex digits of SHA-256 over mermaid's version and the source."""
    text = f"mermaid {version or mermaid_version()}\n{normalize(source)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def svg_path(source, version=None):
    return DIAGRAMS / f"{digest(source, version)}.svg"


def fences(markdown):
    """The source of every mermaid fence in a page's Markdown, in page order."""
    return [normalize(m.group("body")) for m in MARKDOWN_FENCE.finditer(markdown)]


def page_fences():
    """{page: [source, ...]} for every page with a diagram, each source as the build sees it:
    with its {{ values }} filled in (docsite/directives.py), since the drawing shows them."""
    from docsite.directives import fill_values

    found = {}
    for page in pages():
        markdown = page.read_text(encoding="utf-8")
        sources = [fill_values(s, page.name) for s in fences(markdown)]
        if sources:
            found[page] = sources
    return found


def pages():
    """Every Markdown page under docs/ (the notebook page has no mermaid cell: see
    tests/test_diagrams.py, which checks that too)."""
    return sorted(p for p in DOCS.rglob("*.md") )


def title_of(source):
    match = re.search(r"^\s*accTitle\s*:\s*(.+)$", source, re.MULTILINE)
    return match.group(1).strip() if match else source.strip().splitlines()[0]


def missing_message(where, number, source, path):
    return (f"{where}: diagram {number} ({title_of(source)!r}) has no drawing of its current source "
            f"({path.relative_to(ROOT)} is missing, so the drawing is out of date or was never made): "
            f"run `{COMMAND}` and commit docs/diagrams/")


def wrap(svg, source):
    """The drawing in its box. Too wide to shrink onto a phone, the box scrolls sideways and
    is then in the tab order, so that a keyboard can scroll it (named after the drawing)."""
    match = re.search(r"max-width:\s*([0-9.]+)px", svg)
    width = float(match.group(1))
    narrowest = round(width * SMALLEST_SCALE)
    svg = svg[:match.start()] + f"max-width: {round(width)}px; min-width: {narrowest}px" + svg[match.end():]
    if narrowest <= PHONE_TEXT_WIDTH:
        return f'<div class="diagram">{svg}</div>'
    label = html.escape(f"{title_of(source)} (diagram, scrolls sideways)", quote=True)
    return f'<div class="diagram" tabindex="0" role="region" aria-label="{label}">{svg}</div>'


def inline_drawings(content: str, where: str) -> str:
    version = mermaid_version()
    seen = {}

    def inline(match):
        source = normalize(html.unescape(match.group("body")))
        path = svg_path(source, version)
        number = sum(seen.values()) + 1
        if not path.exists():
            raise PluginError(missing_message(where, number, source, path))
        svg = path.read_text(encoding="utf-8").strip()
        name = path.stem
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # the same diagram twice on one page: its ids must still be unique
            svg = svg.replace(ID_PREFIX + name, f"{ID_PREFIX}{name}-{seen[name]}")
        return wrap(svg, source)

    return HTML_FENCE.sub(inline, content)


def drop_drawing_files(files: Files) -> Files:
    """The drawings are inlined into their pages: the site need not serve them as files too."""
    for file in [f for f in files if f.src_uri.startswith("diagrams/")]:
        files.remove(file)
    return files
