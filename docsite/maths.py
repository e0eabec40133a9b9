"""Maths typeset at build time: each formula becomes KaTeX's HTML, so no page runs KaTeX.

pymdownx.arithmatex (generic mode) leaves each formula as its TeX source in an element of
class "arithmatex": \\(...\\) in a <span>, \\[...\\] in a <div>. Typesetting them in the
browser (KaTeX's auto-render walking the whole page) cost a phone 1.5 s of blocked main
thread on Act 3. This step hands every formula of a page to KaTeX in one node
process (node_modules/katex, from `npm ci`, the version package-lock.json pins), puts the
result inside the same element, and links KaTeX's stylesheet (served by docsite/assets.py)
from the <head> of the pages that have maths only. Pages then carry KaTeX's CSS and fonts,
and no KaTeX script.

A formula KaTeX cannot parse fails the build, naming the page and the formula. It runs in
on_post_page, after the search plugin has indexed the page, so search still finds a
formula by its TeX source. Maths in a notebook's markdown cells ($...$) is not typeset:
the build warns (and --strict fails) if a notebook page has any.
"""

from __future__ import annotations

import atexit
import html
import json
import logging
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.maths")

ROOT = Path(__file__).resolve().parents[1]
KATEX = ROOT / "node_modules" / "katex"
STYLESHEET = "vendor/katex/katex.min.css"  # docsite/assets.py ships it

# An arithmatex element as the build writes it: its TeX is plain text (HTML-escaped).
FORMULA = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<tex>[^<]*)</(?P=tag)>'
)
DELIMITERS = {"\\(": "\\)", "\\[": "\\]"}
# Dollar maths in a notebook's rendered markdown cell, which this step does not typeset.
NOTEBOOK_DOLLARS = re.compile(r'class="[^"]*jp-MarkdownOutput[^"]*"[^>]*>(?:(?!</div>).)*?\$[^$\s][^$]*\$', re.DOTALL)

# Reads one JSON line per page ([[tex, display], ...]) and answers one JSON line: for each
# formula {"html": ...} or {"error": ...}.
RENDERER = r"""
const katex = require(process.argv[1])
const readline = require("readline")
readline.createInterface({ input: process.stdin }).on("line", line => {
  const out = JSON.parse(line).map(([tex, display]) => {
    try { return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error" }) } }
    catch (e) { return { error: String(e.message) } }
  })
  process.stdout.write(JSON.stringify(out) + "\n")
})
"""

_node = None


def renderer():
    """The node process that typesets, started at the first page with maths."""
    global _node
    if _node is None or _node.poll() is not None:
        if not (KATEX / "package.json").is_file():
            raise PluginError(f"no KaTeX in {KATEX.parent}: run `npm ci` at the repository root, or `make build`.")
        try:
            _node = subprocess.Popen(["node", "-e", RENDERER, str(KATEX)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=ROOT)
        except FileNotFoundError:
            raise PluginError("maths.py needs node (it runs KaTeX at build time): install Node.js, then `npm ci`.")
    return _node


@atexit.register
def stop():
    global _node
    if _node is not None:
        _node.stdin.close()
        _node.wait(timeout=10)
        _node = None


def typeset(formulas):
    """KaTeX's HTML (or its error) for each (tex, display) pair, in order."""
    node = renderer()
    node.stdin.write(json.dumps(formulas) + "\n")
    node.stdin.flush()
    answer = node.stdout.readline()
    if not answer:
        raise PluginError("KaTeX's node process ended without an answer")
    return json.loads(answer)


def source(element):
    """(tex, display) for one arithmatex element's text."""
    text = html.unescape(element.group("tex")).strip()
    opening = text[:2]
    if opening in DELIMITERS and text.endswith(DELIMITERS[opening]):
        return text[2:-2].strip(), opening == "\\["
    return text, True  # an environment (\begin{align}...) that arithmatex leaves bare: a block


def typeset_page(output: str, page: Page) -> str:
    if page.file.src_uri.endswith(".py") and NOTEBOOK_DOLLARS.search(output):
        log.warning("%s: a markdown cell has $...$ maths, which docsite/maths.py does not typeset",
                    page.file.src_uri)
    elements = list(FORMULA.finditer(output))
    if not elements:
        return output
    formulas = [source(e) for e in elements]
    results = typeset(formulas)
    errors = [f"{tex!r}: {r['error']}" for (tex, _), r in zip(formulas, results) if "error" in r]
    if errors:
        raise PluginError(f"{page.file.src_uri}: KaTeX cannot typeset {len(errors)} formula(s): " + "; ".join(errors[:3]))
    pieces, last = [], 0
    for element, result in zip(elements, results):
        tag = element.group("tag")
        pieces += [output[last:element.start()], f'<{tag} class="arithmatex">', result["html"], f"</{tag}>"]
        last = element.end()
    pieces.append(output[last:])
    output = "".join(pieces)
    link = f'<link rel="stylesheet" href="{get_relative_url(STYLESHEET, page.url)}">'
    return output.replace("</head>", f"  {link}\n  </head>", 1)
