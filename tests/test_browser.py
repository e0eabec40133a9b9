"""The built site in a real browser (headless Chromium), with no network.

Every page of the nav is opened in three views (desktop, phone, dark palette) from
the site built for this session (tests/conftest.py) and must:
  - load with no console error, no uncaught exception, no failed request and no
    HTTP status >= 400;
  - ask nothing of any other site: each such request is blocked, so the page is
    seen as it is offline, and recorded, which fails the test;
  - show every diagram (SVG drawn at build time) with its nodes, typeset every
    formula with KaTeX, load every image, and on a notebook page show the cells' outputs.
The number of diagrams, formulas and images to expect comes from the built HTML.
Search and instant navigation are tried in each view too. Chromium must be at
/usr/bin/chromium: without it these tests fail, they never skip.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from docsite.chromium import NOTEBOOK_PAGES, VIEWS, Tab, click_nav_link, wait_until_rendered
from docsite.served import nav_pages, page_id

# One group: under `pytest -n 2 --dist loadgroup` a single worker builds the site and runs Chromium.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGES = [url for url, _ in nav_pages()]
SEARCH_WORD = "softmax"
SEARCH_TARGET = next((url for url in PAGES if url.startswith("act-3")), None)  # the act that explains softmax


@pytest.fixture(params=list(VIEWS))
def view(request):
    return request.param


@pytest.fixture
def tab(browser, site, view):
    tab = Tab(browser, site, view)
    yield tab
    tab.context.close()


def verified(request, kind, tab, url, state):
    """Record what this test verified, for the summary at the end of the run."""
    diagrams = [d for d in state["diagrams"] if d]
    request.node.user_properties.append(("site_verified", {
        "kind": kind,
        "view": tab.view,
        "page": url,
        "diagrams": len(diagrams),
        "nodes": sum(d["nodes"] or d["labels"] for d in diagrams),
        "formulas": state["formulas"],
        "images": len(state["images"]),
        "notebook_outputs": len(state["notebookOutputs"]),
    }))


def assert_nothing_wrong(tab, wrong, where):
    everything = tab.failures() + wrong
    assert not everything, f"{where} ({tab.view}):\n  " + "\n  ".join(everything)


# --- The tests -------------------------------------------------------------------------------

def test_the_pages_tested_are_the_pages_built(site):
    """The nav (which the tests below are collected from) lists every page of the sitemap."""
    assert sorted(PAGES) == sorted(site.sitemap_pages())


@pytest.mark.parametrize("url", PAGES, ids=page_id)
def test_page(request, tab, url):
    tab.page.goto(tab.site.url + url)
    state, wrong = wait_until_rendered(tab, url)
    assert_nothing_wrong(tab, wrong, f"page /{url}")
    verified(request, "page", tab, url, state)


def test_requests_to_other_sites_are_blocked_and_reported(tab):
    """The guard that the page tests rely on: a request elsewhere fails, and is recorded."""
    tab.page.goto(tab.site.url)
    outcome = tab.page.evaluate("fetch('https://cdn.jsdelivr.net/npm/katex').then(() => 'fetched', () => 'blocked')")
    assert outcome == "blocked"
    assert tab.blocked == ["https://cdn.jsdelivr.net/npm/katex"]


def open_search(page):
    field = page.locator("input.md-search__input")
    if not field.is_visible():  # on a phone the field hides behind the header's search button
        page.locator("label.md-header__button[for='__search']").click()
    return field  # typing focuses it, which opens the search


def test_search(request, tab):
    """Typing a word into the search box lists the pages that explain it; a result opens the page."""
    assert SEARCH_TARGET, "no act-3 page in the nav"
    page = tab.page
    page.goto(tab.site.url)
    open_search(page).press_sequentially(SEARCH_WORD, delay=30)
    results = page.locator(".md-search-result__item a.md-search-result__link")
    try:
        results.first.wait_for()
    except PlaywrightTimeout:
        pytest.fail(f"no search result for {SEARCH_WORD!r} ({tab.view}): {page.locator('.md-search-result__meta').inner_text()}")
    target = tab.site.url + SEARCH_TARGET
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    on_target = [k for k, href in enumerate(hrefs) if href.split("?")[0].split("#")[0] == target]
    assert on_target, f"no result for {SEARCH_WORD!r} links to /{SEARCH_TARGET}: {hrefs}"
    results.nth(on_target[0]).click()
    page.wait_for_url(re.compile(re.escape(target)))
    state, wrong = wait_until_rendered(tab, SEARCH_TARGET)
    highlighted = page.locator("article mark").all_inner_texts()
    if not any(SEARCH_WORD in text.lower() for text in highlighted):
        wrong.append(f"the page opened from the results does not highlight {SEARCH_WORD!r}")
    assert_nothing_wrong(tab, wrong, "search")
    verified(request, "search", tab, SEARCH_TARGET, state)


def test_instant_navigation(request, tab):
    """A nav link from a page without diagrams to one with diagrams and maths loads the
    new page in place (no reload), and its diagrams and maths are drawn."""
    facts = {url: tab.site.facts(url) for url in PAGES}
    target = next((url for url in PAGES if facts[url].diagrams and facts[url].formulas), None)
    assert target is not None, "no page has both a diagram and maths to navigate to"
    plain = [url for url in PAGES if url != target and not facts[url].diagrams and url not in NOTEBOOK_PAGES]
    assert plain, "no page without a diagram to navigate from"
    start = min(plain, key=lambda url: facts[url].formulas > 0)  # one without maths either, if there is one
    page = tab.page
    page.goto(tab.site.url + start)
    page.evaluate("window.__loadedOnce = true")
    click_nav_link(page, tab.site.url + target)
    page.wait_for_url(tab.site.url + target)
    # Fonts are checked on every full page load above. After an in-place hop, Chromium has
    # twice left document.fonts.status at "loading" for over 20 s late in a full run (never
    # when this test runs alone, with every maths glyph drawn): a browser state a reader
    # does not see. A font fetched from elsewhere or failing still fails (tab.failures()).
    state, wrong = wait_until_rendered(tab, target, fonts=False)
    if not page.evaluate("window.__loadedOnce === true"):
        wrong.append(f"/{start} -> /{target} reloaded the whole page: instant navigation did not take over")
    assert_nothing_wrong(tab, wrong, f"instant navigation /{start} -> /{target}")
    verified(request, "instant navigation", tab, target, state)


# --- Code that fits --------------------------------------------------------------------------

# No code block scrolls sideways at 1280px, and at most 10% do at 390px, by keeping the
# package's lines short (it is the exhibit), not by shrinking the font.
WIDE_CODE_AT_1280 = 0  # blocks
WIDE_CODE_SHARE_AT_390 = 0.10  # of the blocks
MEASURE_CODE = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);  // folded blocks count too
  const blocks = [...document.querySelectorAll('.md-content pre > code')];
  const lines = c => c.textContent.replace(/\\n$/, '').split('\\n').length;
  const report = {blocks: blocks.length, scrolling: 0, lines: 0, marked: 0, wrapped: 0,
                  unmarked_wraps: 0, smallest_font: Infinity, marker_missing: 0};
  for (const c of blocks) {
    const style = getComputedStyle(c);
    const lh = parseFloat(style.lineHeight);
    report.smallest_font = Math.min(report.smallest_font, parseFloat(style.fontSize));
    if (c.scrollWidth > c.clientWidth + 1) report.scrolling++;
    let extra = 0;
    for (const span of c.querySelectorAll('.cw')) {
      report.marked++;
      const rows = Math.round(span.getBoundingClientRect().height / lh);
      if (rows > 1) {
        report.wrapped++;
        extra += rows - 1;
        if (getComputedStyle(span).backgroundImage === 'none') report.marker_missing++;
      }
    }
    const height = c.scrollHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const rows = Math.round(height / lh);
    report.lines += lines(c);
    report.unmarked_wraps += Math.max(0, rows - lines(c) - extra);
  }
  return report;
}"""


def test_code_blocks_fit_the_page(browser, site):
    """At 1280px a code block fits or fails this test: its lines are short enough.

    On a phone (390px, about 45 monospace characters) the choice is to wrap, not
    to scroll and not to rewrite the package to 45 columns: a line too long for the screen
    soft-wraps, its continuation hanging four columns deeper beside a bar in the margin
    (docsite/codewidth.py marks each long line at build time; extra.css wraps at phone width
    only). Scrolling sideways hides the end of a line, and a reader on a phone reads a block
    line by line, not by panning. So at 390px this test checks the target (at most 10%
    of blocks scroll), that every wrapped line carries its marker and no line wraps unmarked,
    and that the font is the desktop's: wrapping replaces scrolling, shrinking does not.
    It prints how many lines wrap, the price of this choice, so that it stays visible.
    """
    measured = {}
    for view in ("desktop", "phone"):
        context = browser.new_context(**VIEWS[view])
        page = context.new_page()
        total = {}
        for url in PAGES:
            page.goto(site.url + url, wait_until="load")
            for key, value in page.evaluate(MEASURE_CODE).items():
                combine = min if key == "smallest_font" else (lambda a, b: a + b)
                total[key] = combine(total[key], value) if key in total else value
        context.close()
        measured[view] = total
    desktop, phone = measured["desktop"], measured["phone"]
    print(f"code blocks that scroll sideways: {desktop['scrolling']} of {desktop['blocks']} at "
          f"1280px, {phone['scrolling']} of {phone['blocks']} at 390px; on the phone "
          f"{phone['wrapped']} of {phone['lines']} lines wrap")
    assert desktop["blocks"] > 0 and phone["blocks"] > 0  # the pages do show code
    assert desktop["scrolling"] <= WIDE_CODE_AT_1280, measured
    assert desktop["wrapped"] == 0 and desktop["unmarked_wraps"] == 0, measured  # no wrap at 1280
    assert phone["scrolling"] / phone["blocks"] <= WIDE_CODE_SHARE_AT_390, measured
    assert phone["wrapped"] > 0, measured  # the long lines do wrap (or the CSS did not apply)
    assert phone["unmarked_wraps"] == 0 and phone["marker_missing"] == 0, measured
    assert phone["smallest_font"] >= desktop["smallest_font"], measured
