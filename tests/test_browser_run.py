"""Run it here: every runnable block of every page, run in the reader's browser.

The built site (see docsite/served.py) is opened in headless Chromium with every
request that leaves 127.0.0.1 blocked and recorded (as in test_browser.py). On
each page, Run is pressed on every block marked data-runnable, in page order; what
the browser printed must equal the page's output block, and a block without one
must finish without an exception. The page's description of its blocks (embedded
by docsite/fences.py) must be the very description pytest runs the fences
from, so the code run here is the code the docs tests ran.

Then the reader's moves, one test each: edit and Run, Reset, Ctrl+Enter, Stop, an
exception, instant navigation away and back, the phone layout.
"""

import json
import re
from dataclasses import asdict

import pytest
from docsite.served import ROOT, nav_pages
from docsite.chromium import FINISHED, FIRST_PAGE, PYTHON_MS, TIMEOUT_MS, Tab, description_on, first_block, run_block, type_code

from docsite import fences
from docsite.outputs import same_output

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGES = [(url, source) for url, source in nav_pages() if source.endswith(".md")]


def page_id(page):
    return page[0].rstrip("/") or "home"


@pytest.fixture
def desktop(browser, site):
    tab = Tab(browser, site, "desktop")
    yield tab
    tab.context.close()


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_block_runs_in_the_browser(request, desktop, page):
    url, source = page
    runnables = fences.page_runnables(ROOT / "docs" / source)
    if not runnables:
        pytest.skip(f"{source} has no runnable Python block")
    desktop.page.goto(desktop.site.url + url)
    assert description_on(desktop) == json.loads(json.dumps([asdict(r) for r in runnables])), \
        "the page's description of its blocks is not the one the docs tests run"

    wrong, differs, ran = [], [], 0
    for runnable in runnables:
        if runnable.browser_skip:
            note = desktop.page.locator("p.run-skip").filter(has_text=runnable.browser_skip[:40])
            if note.count() == 0:
                wrong.append(f"line {runnable.line}: not runnable here, but the page does not say why")
            request.node.user_properties.append(("skipped", f"{source}:{runnable.line}: {runnable.browser_skip}"))
            continue
        block = desktop.page.locator(f'[data-runnable="{runnable.index}"]')
        shown = block.locator("pre > code").first.evaluate("c => c.textContent").removesuffix("\n")
        if shown != runnable.code.removesuffix("\n"):
            wrong.append(f"line {runnable.line}: the code on the page is not the code the tests run")
        state, printed = run_block(desktop, block)
        ran += 1
        if state != "done":
            differs.append(f"line {runnable.line}: {state}:\n{printed[-1500:]}")
        elif runnable.output is not None and not same_output(runnable.output, printed):
            differs.append(f"line {runnable.line}: printed\n{printed[:800]}\ninstead of the page's\n{runnable.output[:800]}")
    request.node.user_properties.append(("ran", ran))
    everything = desktop.failures() + wrong + differs
    assert not everything, f"/{url}: {len(differs)} of {ran} blocks differ from the tests' run:\n  " + "\n  ".join(everything)


# --- The reader's moves ---------------------------------------------------------------

def test_edit_run_and_reset(desktop):
    block = first_block(desktop)
    original = block.locator("pre > code").first.evaluate("c => c.textContent")
    type_code(desktop, block, 'print(sum(range(10)), "from the edited block")')
    state, printed = run_block(desktop, block, PYTHON_MS)
    assert (state, printed) == ("done", "45 from the edited block\n")
    block.get_by_role("button", name="Reset").press("Enter")
    assert block.locator("pre > code").first.evaluate("c => c.textContent") == original
    assert not desktop.failures()


def test_ctrl_enter_runs_the_block(desktop):
    block = first_block(desktop)
    type_code(desktop, block, "print('run by keyboard')")
    desktop.page.keyboard.press("Control+Enter")
    desktop.page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=PYTHON_MS)
    assert block.locator("[data-run-output]").text_content() == "run by keyboard\n"


def test_an_exception_shows_as_a_python_traceback(desktop):
    block = first_block(desktop)
    type_code(desktop, block, "def divide(a, b):\n    return a / b\n\ndivide(1, 0)")
    state, printed = run_block(desktop, block, PYTHON_MS)
    assert state == "error"
    assert printed.startswith("Traceback (most recent call last):")
    assert "in divide" in printed and printed.rstrip().endswith("ZeroDivisionError: division by zero")
    assert not desktop.failures(), "an exception in the reader's code must not break the page"


def test_stop_ends_a_long_run_and_the_next_run_starts_fresh(desktop):
    block = first_block(desktop)
    type_code(desktop, block, "step = 0\nwhile True:\n    step += 1\n    if step % 200_000 == 0:\n        print(step)")
    block.get_by_role("button", name="Run", exact=True).press("Enter")
    desktop.page.wait_for_function("el => el.textContent.includes('200000')",
                                   arg=block.locator("[data-run-output]").element_handle(), timeout=PYTHON_MS)
    # the page stays responsive while Python runs: the worker holds the loop, not the page
    assert desktop.page.evaluate("() => 1 + 1") == 2
    block.get_by_role("button", name="Stop").press("Enter")
    desktop.page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=TIMEOUT_MS)
    assert block.get_attribute("data-run-state") == "error"
    assert "Stopped" in block.locator(".run-status").text_content()
    type_code(desktop, block, "print('step' in globals())")
    assert run_block(desktop, block, PYTHON_MS) == ("done", "False\n")


def test_blocks_run_after_instant_navigation_away_and_back(desktop):
    block = first_block(desktop)
    assert run_block(desktop, block, PYTHON_MS)[0] == "done"
    page = desktop.page
    page.locator("a.md-footer__link--next").first.click()  # Material's instant navigation
    page.wait_for_url(re.compile(r"/act-2-engine/(#.*)?$"))  # navigation.tracking adds the section
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1, "a full page load"
    other = page.locator("[data-runnable]").first
    assert run_block(desktop, other, PYTHON_MS)[0] == "done"
    page.go_back()
    page.wait_for_url(re.compile(rf"/{FIRST_PAGE}(#.*)?$"))
    again = page.locator("[data-runnable]").first
    again.get_by_role("button", name="Run", exact=True).wait_for()
    assert run_block(desktop, again, PYTHON_MS)[0] == "done"
    assert not desktop.failures()


def test_the_controls_fit_a_phone(browser, site):
    tab = Tab(browser, site, "phone")
    try:
        block = first_block(tab)
        state, _ = run_block(tab, block, PYTHON_MS)
        assert state == "done"
        width = tab.page.evaluate("() => document.documentElement.clientWidth")
        for control in ("Run", "Reset"):
            box = block.get_by_role("button", name=control).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{control} is off the screen"
        assert tab.page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        assert not tab.failures()
    finally:
        tab.context.close()
