"""Maths typeset at build time (docsite/maths.py): KaTeX's HTML in the page, no KaTeX script.

Fast, no browser, no build (one node process): the hook fills each arithmatex element with
KaTeX's output (inline and display), leaves its TeX unescaped for KaTeX, links KaTeX's
stylesheet from pages with maths only (at the right depth), and fails the build on a formula
KaTeX cannot parse. (That the maths shows in a page is tests/test_browser.py's.)
"""

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from docsite import maths

HEAD = "<html><head><title>t</title></head><body>"


def page(url, src="act-3-mind.md"):
    return SimpleNamespace(url=url, file=SimpleNamespace(src_uri=src))


def test_inline_and_display_maths_become_katex_html():
    html = (HEAD + '<p>A <span class="arithmatex">\\(a &lt; b\\)</span> and</p>'
            '<div class="arithmatex">\\[\n\\sum_{i=1}^{n} x_i\n\\]</div></body></html>')
    out = maths.typeset_page(html, page("act-3-mind/"))
    inline, display = out.split('<div class="arithmatex">')
    assert '<span class="arithmatex"><span class="katex">' in inline
    assert "&lt;" in inline and "\\(" not in inline  # the TeX was unescaped, KaTeX escaped its own output
    assert '<span class="katex-display">' in display and "\\sum" not in display.split("annotation")[0]
    assert '<annotation encoding="application/x-tex">\\sum_{i=1}^{n} x_i</annotation>' in display
    assert out.count('<link rel="stylesheet" href="../vendor/katex/katex.min.css">') == 1
    assert out.index("katex.min.css") < out.index("</head>")


def test_only_pages_with_maths_link_the_stylesheet_at_their_depth():
    plain = HEAD + "<p>No maths, $5 is not maths.</p></body></html>"
    assert maths.typeset_page(plain, page("glossary/")) == plain
    home = HEAD + '<span class="arithmatex">\\(x\\)</span></body></html>'
    assert 'href="vendor/katex/katex.min.css"' in maths.typeset_page(home, page(""))
    deep = maths.typeset_page(home, page("source/engine/"))
    assert 'href="../../vendor/katex/katex.min.css"' in deep


def test_a_formula_katex_cannot_parse_fails_the_build():
    broken = HEAD + '<span class="arithmatex">\\(\\frac{1}{\\)</span></body></html>'
    with pytest.raises(PluginError, match=r"act-3-mind.md: KaTeX cannot typeset 1 formula"):
        maths.typeset_page(broken, page("act-3-mind/"))

