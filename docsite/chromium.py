"""Driving the built site in headless Chromium: shared by the browser tests, the benchmarks and
tools/render_diagrams.py.

- `CHROMIUM`, `CHROMIUM_ARGS`, `launch_chromium`: which browser, started how (the one list of
  launch flags; Lighthouse is handed the same list).
- `only_this_site`: the pattern of every request that leaves the served site; a test or a
  benchmark routes it to an abort, so the site is seen as it is offline.
- `Tab`: a page in a fresh context of one view (desktop, phone, dark), recording everything
  that went wrong in it.
- `RENDERED`, `RENDER_STATE`, `wait_until_rendered`: whether a page has drawn what its HTML
  asks for (diagrams, maths, images, notebook outputs), and what is missing if not.
- `run_block`, `press_check`, `REVEAL`, `click_nav_link`: what a reader does (press Run on a
  block or Check on an exercise, unfold what hides it, follow a link of the nav on any screen).
  The tests press a button with Enter, as a reader who tabs to it: a mouse click aims at
  coordinates, and on a busy machine a block that renders late above it can move it between
  the aim and the click, which is then lost without a trace.

Playwright is imported by the functions that need it, so the build never loads it.
"""

import json
import os
import re
from pathlib import Path

from docsite.served import PageFacts, Site, nav_pages

# Debian's chromium (the Makefile's `browser` target installs it; GitHub's Ubuntu images link the
# same path to their own Chromium). Playwright downloads nothing. CHROMIUM=... for another build.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # Chromium refuses to start as root with its sandbox on (a CI container runs as root)
    "--disable-gpu",
    "--disable-background-networking",  # no update, safe-browsing or metrics requests of its own
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

TIMEOUT_MS = 20_000  # the longest wait for any one thing a page draws, on a busy 2-core machine
PYTHON_MS = 180_000  # a fresh tab's cold start of Pyodide plus a short run, on a busy 2-core machine
RUN_TIMEOUT_MS = 600_000  # the longest block trains the model for a while; a busy 2-core machine is slow

VIEWS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
}
SCHEME = {"desktop": "default", "phone": "default", "dark": "slate"}  # body[data-md-color-scheme]
NOTEBOOK_PAGES = {url for url, source in nav_pages() if source.endswith(".py")}  # mkdocs-jupyter renders them


def launch_chromium(playwright):
    """Headless Chromium from CHROMIUM. A missing browser is an error, never a reason to skip."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}: the browser tests need it and do not skip without it. "
            "`make browser` installs Debian's chromium (as root); GitHub's Ubuntu runners have it already."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def only_this_site(site_url: str) -> re.Pattern:
    """Every address that is not under `site_url` (nor data: or blob:): a request to route to an abort."""
    return re.compile(rf"^(?!{re.escape(site_url)}|data:|blob:)")


class Tab:
    """A page in a new browser context of one view, recording everything that went wrong."""

    def __init__(self, browser, site: Site, view: str):
        self.site = site
        self.view = view
        self.context = browser.new_context(**VIEWS[view])
        self.context.set_default_timeout(TIMEOUT_MS)
        self.blocked = []  # requests to other sites
        self.problems = []  # everything else
        self.context.route(only_this_site(site.url), self.block)
        self.page = self.context.new_page()
        self.console = []  # every console message, workers' too: to explain a test that timed out
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        self.page.on("crash", lambda _: self.problems.append("the page crashed (Chromium killed its renderer)"))
        self.page.on("requestfailed", self.on_request_failed)
        self.page.on("response", self.on_response)
        # What was asked for and has not arrived, workers' requests included: to explain a wait.
        self.open = {}
        self.context.on("request", lambda request: self.open.__setitem__(request, request.url))
        self.context.on("requestfinished", lambda request: self.open.pop(request, None))
        self.context.on("requestfailed", lambda request: self.open.pop(request, None))

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

    def failures(self) -> list[str]:
        lines = [f"request to another site (blocked; the site must work offline): {url}" for url in self.blocked]
        return lines + self.problems

    def wait_until(self, condition: str, element, timeout: int, stood) -> None:
        """Wait until `condition` (a JavaScript function of the element) holds for `element` (a
        locator). If it does not in `timeout` ms, fail saying where the element stood (`stood()`,
        read at that moment) and where the page stands."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(condition, arg=element.element_handle(), timeout=timeout)
        except PlaywrightTimeout:
            raise AssertionError(f"{stood()}\n{self.where_it_stands()}") from None

    def where_it_stands(self) -> str:
        """For a wait that timed out: the page's Python session, the requests still open, the
        last console lines and anything that went wrong."""
        try:
            python = self.page.evaluate(PYTHON_STATE)
        except Exception as error:  # the page may be gone: say so rather than hide the timeout
            python = f"unreadable ({error})"
        return (f"python: {python}\nrequests still open: {sorted(self.open.values())}\n"
                f"console: {self.console[-20:]}\nproblems: {self.failures()}")


# The page's one Python session (runtime.js), as a test reads it when a wait runs out.
PYTHON_STATE = """() => {
  const runtime = window.MicrogptRuntime
  if (!runtime) return "no runtime on this page"
  const s = runtime.session()
  return {workersStarted: runtime.workersStarted, workerLoaded: !!s.ready,
          running: s.current && s.current.owner, queued: s.queue.map(job => job.owner)}
}"""


# --- What a page shows ----------------------------------------------------------------------
# The tests and benchmarks/page_weight.py both wait on RENDERED, then read RENDER_STATE.

# Before the checks read a page, everything it holds is laid out: images marked loading=lazy
# load only near the viewport, so they are made eager; and on `beforeprint` Material opens every
# folded block, so the formulas inside are drawn and the fonts they need are asked for now.
# (Without it, a font first needed later turns document.fonts back to "loading" between the
# wait and the reading, on a page with maths in folds such as Act 3.)
LOAD_LAZY_IMAGES = ("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager' });"
                    " window.dispatchEvent(new Event('beforeprint'))")

# The state of the page's rendering work. The diagrams are mermaid's SVG, drawn ahead of time;
# its node shapes differ per diagram type, and a type not listed here is counted by its labels.
RENDER_STATE = """() => {
  const NODES = "g.node, rect.actor, .pieCircle, rect.task, .mindmap-node, g.note"
  const content = document.querySelector("[data-md-component=content]") || document.body
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    waiting: document.querySelectorAll("pre.mermaid").length,  // a fence the build left undrawn
    diagrams: [...document.querySelectorAll("div.diagram")].map(host => {
      const svg = host.querySelector("svg")
      if (!svg) return null
      const box = svg.getBoundingClientRect()  // as laid out in the page: 0 if hidden or collapsed
      return {
        nodes: svg.querySelectorAll(NODES).length,
        labels: [...svg.querySelectorAll("text, foreignObject")].filter(t => t.textContent.trim()).length,
        area: box.width * box.height,
        error: svg.querySelector(".error-icon") !== null || /syntax error/i.test(svg.textContent),
      }
    }),
    arithmatex: document.querySelectorAll(".arithmatex").length,
    untypeset: [...document.querySelectorAll(".arithmatex")]
      .filter(e => !e.querySelector(".katex")).map(e => e.textContent.trim().slice(0, 60)),
    formulas: content.querySelectorAll(".katex").length,
    katexErrors: [...document.querySelectorAll(".katex-error")].map(e => e.textContent.slice(0, 60)),
    images: [...document.images].map(i => ({ src: i.currentSrc || i.src, complete: i.complete, width: i.naturalWidth })),
    notebookOutputs: [...document.querySelectorAll(".jp-OutputArea-output")]
      .map(o => ({ text: o.textContent.trim().length, pictures: o.querySelectorAll("img, svg").length })),
    fontsLoading: document.fonts.status !== "loaded",
  }
}"""

# True once the page has drawn what its HTML asks for (expected: rendering_work(facts)).
# The counts also tell the page apart from the one before it under instant navigation.
RENDERED = f"""expected => {{
  const state = ({RENDER_STATE})()
  return state.waiting === 0
    && state.diagrams.length >= expected.diagrams && state.diagrams.every(d => d !== null)
    && state.arithmatex === expected.formulas && state.untypeset.length === 0
    && state.images.length === expected.images && state.images.every(i => i.complete)
    && state.notebookOutputs.length >= expected.notebookOutputs
    && !(expected.fonts && state.fontsLoading)
}}"""


def rendering_work(facts: PageFacts, fonts: bool = True) -> dict:
    """What RENDERED waits for on a page, from its PageFacts (and whether to wait for web fonts)."""
    return {"diagrams": facts.diagrams, "formulas": facts.formulas, "images": facts.images,
            "notebookOutputs": facts.notebook_outputs, "fonts": fonts}


def wait_until_rendered(tab: Tab, url: str, fonts: bool = True) -> tuple[dict, list[str]]:
    """Wait until the page at `url` (open in tab) has drawn what its HTML asks for, then
    return what it shows and the list of what is wrong with it. fonts=False: do not require
    document.fonts to have settled (an in-place hop of instant navigation can leave it loading)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
        wrong.append(f"{len(state['diagrams'])} of {facts.diagrams} diagrams drawn ({state['waiting']} mermaid fences left undrawn)")
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


# --- What a reader does -------------------------------------------------------------------

# What a reader does to see a block folded away: open its collapsible block, pick its tab.
REVEAL = """el => {
  for (let d = el.closest("details"); d; d = d.parentElement.closest("details")) d.open = true
  for (let tab = el.closest(".tabbed-block"); tab; tab = tab.parentElement.closest(".tabbed-block")) {
    const index = [...tab.parentElement.children].indexOf(tab)
    tab.closest(".tabbed-set").querySelectorAll(":scope > input")[index].click()
  }
}"""

STARTED = "el => !!el.dataset.runState"
FINISHED = "el => el.dataset.runState === 'done' || el.dataset.runState === 'error'"
CHECKED = "el => el.dataset.checkState === 'pass' || el.dataset.checkState === 'fail'"  # a [data-check-result]
FIRST_PAGE = "act-1-world/"


def run_block(tab: Tab, block, timeout: int = RUN_TIMEOUT_MS) -> tuple[str, str]:
    """Press Run on `block` (a [data-runnable] locator) and wait for it to finish: its state
    ('done' or 'error') and what it printed."""
    block.evaluate(REVEAL)
    # By keyboard (see the top of this file): a block above that renders late
    # (content-visibility, a live figure filling in) can move the button under a click.
    block.get_by_role("button", name="Run", exact=True).press("Enter")
    for done, wait, what in ((STARTED, TIMEOUT_MS, "start"), (FINISHED, timeout, "finish")):
        tab.wait_until(done, block, wait, lambda: (
            f"block {block.get_attribute('data-runnable')} did not {what} in {wait / 1000:.0f} s after Run: "
            f"state {block.get_attribute('data-run-state')!r}, status {block.locator('.run-status').text_content()!r}\n"
            f"printed so far: {block.locator('[data-run-output]').text_content()[-800:]!r}"))
    return block.get_attribute("data-run-state"), block.locator("[data-run-output]").text_content()


def press_check(tab: Tab, exercise, timeout: int = PYTHON_MS) -> tuple[str, str]:
    """Press Check on `exercise` (a [data-exercise] locator) and wait for its verdict: the
    result's state ('pass' or 'fail') and its text."""
    result = exercise.locator("[data-check-result]")
    exercise.get_by_role("button", name="Check", exact=True).press("Enter")
    tab.wait_until(CHECKED, result, timeout, lambda: (
        f"exercise {exercise.get_attribute('data-exercise')} gave no verdict in {timeout / 1000:.0f} s after Check: "
        f"state {result.get_attribute('data-check-state')!r}, text {result.inner_text()[-800:]!r}, "
        f"status {exercise.locator('.run-status').text_content()!r}"))
    return result.get_attribute("data-check-state"), result.inner_text()


def description_on(tab: Tab) -> list[dict]:
    """The page's description of its runnable blocks, as docsite/fences.py embedded it."""
    return json.loads(tab.page.locator("#runnable-fences").get_attribute("data-description"))


def first_block(tab: Tab):
    """The first runnable block of Act 1, opened in `tab`."""
    tab.page.goto(tab.site.url + FIRST_PAGE)
    return tab.page.locator("[data-runnable]").first


def type_code(tab: Tab, block, code: str) -> None:
    """Replace the code of `block` by typing, as a reader does: select all, delete, type."""
    # Once the page's script has made it editable: a click before that selects nothing, and
    # the typing goes nowhere while Run still runs the page's code.
    editor = block.locator("pre > code[contenteditable]").first
    editor.click()
    tab.page.keyboard.press("Control+A")
    tab.page.keyboard.press("Delete")
    tab.page.keyboard.insert_text(code)


# Material's nav on a phone is a drawer of sliding levels. Open the levels that hold
# `link` (and close the others) by setting their toggles, as tapping their labels would.
SHOW_IN_DRAWER = """link => {
  const wanted = new Set()
  for (let item = link.closest("li.md-nav__item--nested"); item; item = item.parentElement.closest("li.md-nav__item--nested"))
    wanted.add(item.querySelector(":scope > input.md-nav__toggle"))
  for (const toggle of link.closest(".md-sidebar").querySelectorAll("input.md-nav__toggle"))
    toggle.checked = wanted.has(toggle)
}"""


def click_nav_link(page, target_url: str) -> None:
    """Follow the nav's link to `target_url`, through the drawer on a phone."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
