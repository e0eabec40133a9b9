"""The mermaid diagrams, drawn ahead of time (docsite/diagrams.py, `make diagrams`).

Fast, no browser, no build: every ```mermaid fence of every page has its drawing, drawn from
its current source; no drawing is left over; each drawing is a named image that follows the
palettes; and the hook fails the build on a missing drawing and keeps ids unique on a page.
(That a drawing shows in a page, in both palettes, is tests/test_browser.py's.)
"""

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from docsite import diagrams

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fences():
    return diagrams.page_fences()


def test_every_fence_has_its_current_drawing(fences):
    assert sum(len(s) for s in fences.values()) >= 9, f"fewer diagrams than the site has: {fences.keys()}"
    missing = [diagrams.missing_message(page.relative_to(ROOT), k, source, diagrams.svg_path(source))
               for page, sources in fences.items() for k, source in enumerate(sources, 1)
               if not diagrams.svg_path(source).exists()]
    assert not missing, "\n".join(missing)


def test_no_drawing_is_left_over(fences):
    wanted = {diagrams.svg_path(s).name for sources in fences.values() for s in sources}
    orphans = sorted(p.name for p in diagrams.DIAGRAMS.glob("*.svg") if p.name not in wanted)
    assert not orphans, f"drawings no fence makes any more (`{diagrams.COMMAND}` removes them): {orphans}"


def test_the_notebook_page_has_no_diagram():
    """The notebook page is not a Markdown page: a mermaid cell there would need mermaid in the browser."""
    notebook = (ROOT / "docs" / "experiments.py").read_text(encoding="utf-8")
    assert "mermaid" not in notebook.lower()


def drawings(fences):
    return [(source, diagrams.svg_path(source).read_text(encoding="utf-8"))
            for sources in fences.values() for source in sources if diagrams.svg_path(source).exists()]


def test_each_drawing_is_a_named_image(fences):
    for source, svg in drawings(fences):
        root = re.match(r"<svg\b[^>]*>", svg).group(0)
        assert 'role="img"' in root, root
        labelled = re.search(r'aria-labelledby="([^"]+)"', root).group(1)
        described = re.search(r'aria-describedby="([^"]+)"', root).group(1)
        title = re.search(rf'<title id="{labelled}">([^<]+)</title>', svg)
        desc = re.search(rf'<desc id="{described}">([^<]+)</desc>', svg)
        assert title and title.group(1).strip() == diagrams.title_of(source), (title, diagrams.title_of(source))
        accdescr = re.search(r"^\s*accDescr\s*:\s*(.+)$", source, re.MULTILINE)
        assert accdescr and desc and desc.group(1).strip() == accdescr.group(1).strip()


def test_each_drawing_follows_the_palettes(fences):
    """Every colour is one of Material's variables: no hex, rgb or hsl colour is left."""
    for source, svg in drawings(fences):
        colours = re.findall(r"(?<![\w&])#[0-9a-fA-F]{3,8}\b(?![-_\w])|\brgba?\(|\bhsla?\(", svg)
        assert not colours, f"{diagrams.title_of(source)}: fixed colours {colours[:5]}"
        assert "var(--md-default-fg-color)" in svg


def test_each_drawing_has_its_own_ids(fences):
    for source, svg in drawings(fences):
        prefix = diagrams.ID_PREFIX + diagrams.digest(source)
        ids = re.findall(r' id="([^"]+)"', svg)
        stray = [i for i in ids if not (i.startswith(prefix) or i.startswith("chart-") and prefix in i)]
        assert not stray, f"{diagrams.title_of(source)}: ids two drawings could share: {stray[:5]}"


def fence_html(source):
    escaped = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return f'<pre class="mermaid"><code>{escaped}</code></pre>'


def test_the_build_fails_on_a_missing_drawing():
    source = "flowchart LR\n    accTitle: Never drawn\n    a --> b\n"
    with pytest.raises(PluginError, match=r"act-9\.md: diagram 1 \('Never drawn'\).*run `make diagrams`"):
        diagrams.inline_drawings(fence_html(source), "act-9.md")


def test_the_same_drawing_twice_on_a_page_keeps_ids_unique(fences):
    source = next(iter(fences.values()))[0]
    html = diagrams.inline_drawings(fence_html(source) + "<p>between</p>" + fence_html(source), "act-9.md")
    assert html.count('<div class="diagram"') == 2 and "<pre" not in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) > 2
