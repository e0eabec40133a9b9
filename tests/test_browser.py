"""The built site in a real browser (headless Chromium), with no network.

Every page of the nav is opened in three views (desktop, phone, dark palette) from
the site built for this session (see site_fixtures.py) and must:
  - load with no console error, no uncaught exception, no failed request and no
    HTTP status >= 400;
  - ask nothing of any other site: each such request is blocked, so the page is
    seen as it is offline, and recorded, which fails the test;
  - draw every mermaid diagram as an SVG with its nodes, typeset every formula with
    KaTeX, load every image, and on a notebook page show the cells' outputs.
The number of diagrams, formulas and images to expect comes from the built HTML.
Search and instant navigation are tried in each view too. Chromium must be at
/usr/bin/chromium: without it these tests fail, they never skip.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from docsite.served import (
    LOAD_LAZY_IMAGES,
    NOTEBOOK_SUFFIXES,
    OPEN_SHADOW_ROOTS,
    RENDER_STATE,
    RENDERED,
    nav_pages,
    rendering_work,
)

# One group: under `pytest -n 2 --dist loadgroup` a single worker builds the site and runs Chromium.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGES = [url for url, _ in nav_pages()]
NOTEBOOK_PAGES = {url for url, source in nav_pages() if source.endswith(NOTEBOOK_SUFFIXES)}
SEARCH_WORD = "softmax"
SEARCH_TARGET = next((url for url in PAGES if url.startswith("act-3")), None)  # the act that explains softmax

VIEWS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
}
SCHEME = {"desktop": "default", "phone": "default", "dark": "slate"}  # body[data-md-color-scheme]
TIMEOUT_MS = 20_000  # the longest wait for any one thing; mermaid on a busy 2-core machine takes a few seconds


def page_id(url):
    return url.rstrip("/") or "home"


# --- The browser and one fresh context per test ----------------------------------------

# The `browser` fixture (one Chromium for the session) is in tests/conftest.py.


@pytest.fixture(params=list(VIEWS))
def view(request):
    return request.param


class Tab:
    """A page in a new browser context of one view, recording everything that went wrong."""

    def __init__(self, browser, site, view):
        self.site = site
        self.view = view
        self.context = browser.new_context(**VIEWS[view])
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_init_script(OPEN_SHADOW_ROOTS)
        self.blocked = []  # requests to other sites
        self.problems = []  # everything else
        # Only requests to this server go through; any other is aborted and recorded.
        self.context.route(re.compile(rf"^(?!{re.escape(site.url)}|data:|blob:)"), self.block)
        self.page = self.context.new_page()
        self.console = []  # every console message, workers' too: to explain a test that timed out
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        self.page.on("crash", lambda _: self.problems.append("the page crashed (Chromium killed its renderer)"))
        self.page.on("requestfailed", self.on_request_failed)
        self.page.on("response", self.on_response)

    def block(self, route):
        self.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def on_console(self, message):
        self.console.append(f"{message.type}: {message.text}")
        if message.type == "error":
            self.problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def on_request_failed(self, request):
        if request.url not in self.blocked:
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def on_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def failures(self):
        lines = [f"request to another site (blocked; the site must work offline): {url}" for url in self.blocked]
        return lines + self.problems


@pytest.fixture
def tab(browser, site, view):
    tab = Tab(browser, site, view)
    yield tab
    tab.context.close()


# --- What the page shows -------------------------------------------------------------------

def wait_until_rendered(tab, url, fonts=True):
    """Wait until the page at `url` (open in tab) has drawn what its HTML asks for, then
    return what it shows and the list of what is wrong with it. fonts=False: do not require
    document.fonts to have settled (see test_instant_navigation)."""
    facts = tab.site.facts(url)
    page = tab.page
    page.evaluate(LOAD_LAZY_IMAGES)
    try:
        page.wait_for_function(RENDERED, arg=rendering_work(facts, fonts), timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        pass  # the checks below say what is missing
    state = page.evaluate(RENDER_STATE)
    wrong = []
    if state["scheme"] != SCHEME[tab.view]:
        wrong.append(f"colour scheme is {state['scheme']!r}, expected {SCHEME[tab.view]!r}")
    if state["waiting"] or len(state["diagrams"]) != facts.diagrams:
        wrong.append(f"{len(state['diagrams'])} of {facts.diagrams} mermaid diagrams drawn ({state['waiting']} still waiting)")
    for k, diagram in enumerate(state["diagrams"], 1):
        if diagram is None:
            wrong.append(f"diagram {k}: no SVG")
        elif diagram["error"] or diagram["area"] <= 0 or diagram["labels"] == 0:
            wrong.append(f"diagram {k}: a broken SVG ({diagram})")
    if state["arithmatex"] != facts.formulas:
        wrong.append(f"{state['arithmatex']} formulas in the page, {facts.formulas} in its HTML")
    if state["untypeset"]:
        wrong.append(f"{len(state['untypeset'])} of {facts.formulas} formulas not typeset by KaTeX: {state['untypeset'][:3]}")
    if state["katexErrors"]:
        wrong.append(f"KaTeX errors: {state['katexErrors'][:3]}")
    if len(state["images"]) != facts.images:
        wrong.append(f"{len(state['images'])} images in the page, {facts.images} in its HTML")
    wrong += [f"image not loaded: {i['src'][:100]}" for i in state["images"] if not i["complete"] or i["width"] == 0]
    if url in NOTEBOOK_PAGES or facts.notebook:
        outputs = state["notebookOutputs"]
        if not facts.notebook:
            wrong.append("a notebook page without a rendered notebook")
        if not outputs or len(outputs) < facts.notebook_outputs:
            wrong.append(f"{len(outputs)} notebook cell outputs shown, {facts.notebook_outputs} in the HTML")
        wrong += [f"notebook output {k} is empty" for k, o in enumerate(outputs, 1) if not o["text"] and not o["pictures"]]
    if fonts and state["fontsLoading"]:
        wrong.append("web fonts still loading")
    return state, wrong


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
    outcome = tab.page.evaluate("fetch('https://cdn.jsdelivr.net/npm/mermaid').then(() => 'fetched', () => 'blocked')")
    assert outcome == "blocked"
    assert tab.blocked == ["https://cdn.jsdelivr.net/npm/mermaid"]


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


# Material's nav on a phone is a drawer of sliding levels. Open the levels that hold
# `link` (and close the others) by setting their toggles, as tapping their labels would.
SHOW_IN_DRAWER = """link => {
  const wanted = new Set()
  for (let item = link.closest("li.md-nav__item--nested"); item; item = item.parentElement.closest("li.md-nav__item--nested"))
    wanted.add(item.querySelector(":scope > input.md-nav__toggle"))
  for (const toggle of link.closest(".md-sidebar").querySelectorAll("input.md-nav__toggle"))
    toggle.checked = wanted.has(toggle)
}"""


def click_nav_link(page, target_url):
    drawer = page.locator("label.md-header__button[for='__drawer']")
    if drawer.is_visible():
        drawer.click()
    links = page.locator(".md-sidebar--primary a.md-nav__link")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert target_url in hrefs, f"no nav link to {target_url}"
    link = links.nth(hrefs.index(target_url))
    try:
        link.click(trial=True, timeout=1500)  # reachable as it is
    except PlaywrightTimeout:
        link.evaluate(SHOW_IN_DRAWER)
    link.click()


def test_instant_navigation(request, tab):
    """A nav link from a page without diagrams to one with diagrams and maths loads the
    new page in place (no reload), and its diagrams and maths are drawn."""
    facts = {url: tab.site.facts(url) for url in PAGES}
    target = next((url for url in PAGES if facts[url].diagrams and facts[url].formulas), None)
    assert target is not None, "no page has both a mermaid diagram and maths to navigate to"
    plain = [url for url in PAGES if url != target and not facts[url].diagrams and url not in NOTEBOOK_PAGES]
    assert plain, "no page without a diagram to navigate from"
    start = min(plain, key=lambda url: facts[url].formulas > 0)  # one without maths either, if there is one
    page = tab.page
    page.goto(tab.site.url + start)
    page.evaluate("window.__loadedOnce = true")
    mermaid_loaded = "performance.getEntriesByType('resource').some(e => e.name.includes('/vendor/mermaid/'))"
    wrong = ["mermaid was loaded by a page without diagrams"] if page.evaluate(mermaid_loaded) else []
    click_nav_link(page, tab.site.url + target)
    page.wait_for_url(tab.site.url + target)
    # Fonts are checked on every full page load above. After an in-place hop, Chromium has
    # twice left document.fonts.status at "loading" for over 20 s late in a full run (never
    # when this test runs alone, with every maths glyph drawn): a browser state a reader
    # does not see. A font fetched from elsewhere or failing still fails (tab.failures()).
    state, more = wait_until_rendered(tab, target, fonts=False)
    wrong += more
    if not page.evaluate("window.__loadedOnce === true"):
        wrong.append(f"/{start} -> /{target} reloaded the whole page: instant navigation did not take over")
    assert_nothing_wrong(tab, wrong, f"instant navigation /{start} -> /{target}")
    verified(request, "instant navigation", tab, target, state)


# --- Code that fits --------------------------------------------------------------------------

# Issue 14's targets: no code block scrolls sideways at 1280px, and at most 10% do at 390px,
# reached by keeping the package's lines short (it is the exhibit), not by shrinking the font.
# The count at 1280px was a ratchet, lowered as pages were rewrapped, down to the target (the
# ladder page last): now no block may scroll sideways at 1280px.
WIDE_CODE_AT_1280 = 0   # blocks, of 345 (measured): the target, reached
WIDE_CODE_SHARE_AT_390 = 0.10
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

    On a phone (390px, about 45 monospace characters) the decision (issue 14) is to wrap, not
    to scroll and not to rewrite the package to 45 columns: a line too long for the screen
    soft-wraps, its continuation hanging four columns deeper beside a bar in the margin
    (docsite/codewidth.py marks each long line at build time; extra.css wraps at phone width
    only). Scrolling sideways hides the end of a line, and a reader on a phone reads a block
    line by line, not by panning. So at 390px this test checks the issue's target (at most 10%
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
