"""Step through the code in the page: the Step button, the player, and faithful values.

On the built site, offline, as test_browser.py opens it: a runnable block's Step records it in
the page's Python worker (docsite/live/stepper.py) and opens the player. The tests drive the player
through its HTML contract (docs/javascripts/stepper.js): buttons named Step, Back, Step over,
Step out; data-step-line on the line just run; [data-step-locals] rows "name = value".

Faithful: a walkthrough recorded in the page shows the values CPython's recording of the same
code shows. CPython versions differ in their line events (the page runs 3.14, whose
comprehensions run inside their function's frame), so the two are compared where both agree on
what happens: the values each local of each package function takes, in order, and what each
returns; numbers equal to the last bit or, where the browser's maths library rounds exp and log
otherwise, to 1e-12 relative.
"""

import json
import os
import re

import pytest
from docsite.served import ROOT, page_url
from docsite.chromium import REVEAL, Tab, run_block

from docsite import fences

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

RECORD_MS = 240_000  # the first Step starts Python in the page: slow on a busy 2-core machine
WALKTHROUGHS = [(source, runnable) for page in sorted((ROOT / "docs").rglob("*.md"))
                for source in [page.relative_to(ROOT / "docs").as_posix()]
                for runnable in fences.page_runnables(page) if runnable.step]

from docsite.live import stepper


@pytest.fixture
def desktop(browser, site):
    tab = Tab(browser, site, "desktop")
    yield tab
    tab.context.close()


@pytest.fixture
def phone(browser, site):
    tab = Tab(browser, site, "phone")
    yield tab
    tab.context.close()


def open_block(tab, source, index=0):
    tab.page.goto(tab.site.url + page_url(source))
    block = tab.page.locator(f'[data-runnable="{index}"]')
    block.evaluate(REVEAL)  # a walkthrough in a folded "Look closer" block: opened, as a reader would
    block.scroll_into_view_if_needed()
    return block


def record(block, page):
    block.get_by_role("button", name="Step", exact=True).press("Enter")
    player = page.locator("[data-stepper]")
    player.wait_for(timeout=RECORD_MS)
    return player


def position(player):
    return player.locator(".step-position").text_content()


def edit(block, code):
    editor = block.locator("textarea.run-editor, code[contenteditable]").first
    editor.evaluate("(el, code) => { if ('value' in el && el.tagName === 'TEXTAREA') el.value = code;"
                    " else el.textContent = code; el.dispatchEvent(new Event('input', {bubbles: true})) }", code)


def test_every_walkthrough_has_its_own_block():
    steps = sorted(runnable.step for _, runnable in WALKTHROUGHS)
    assert {"backward", "gpt", "train_step", "encode"} <= set(steps), steps


def test_a_run_and_a_step_share_the_pages_one_worker(desktop):
    source, runnable = next((s, r) for s, r in WALKTHROUGHS if r.step == "encode")
    block = open_block(desktop, source, runnable.index)
    assert run_block(desktop, block, RECORD_MS)[0] == "done"
    record(block, desktop.page)
    assert desktop.page.evaluate("window.MicrogptRuntime.workersStarted") == 1
    assert desktop.failures() == []


def test_step_back_over_and_out_move_through_a_recording(desktop):
    source, runnable = next((s, r) for s, r in WALKTHROUGHS if r.step == "gpt")
    block = open_block(desktop, source, runnable.index)
    player = record(block, desktop.page)
    summary = player.locator(".step-summary").text_content()
    assert re.fullmatch(r"[\d,]+ steps recorded", summary), summary
    line = player.locator("[data-step-line]")
    assert line.get_attribute("data-step-line").startswith("microgpt/model.py:")  # gpt()'s own source
    assert position(player).startswith("Step 1 of ")
    player.get_by_role("button", name="Step", exact=True).press("Enter")
    assert position(player).startswith("Step 2 of ")
    player.get_by_role("button", name="Back", exact=True).press("Enter")
    assert position(player).startswith("Step 1 of ")
    rows = player.locator("[data-step-locals] li").all_text_contents()
    assert any(row.startswith("token_id = ") for row in rows), rows
    assert all(re.match(r"^[\w.]+ = ", row) for row in rows), rows
    for _ in range(3):  # into a comprehension, one level down
        player.get_by_role("button", name="Step", exact=True).press("Enter")
    player.get_by_role("button", name="Step out", exact=True).press("Enter")
    player.get_by_role("button", name="Step over", exact=True).press("Enter")
    player.get_by_role("button", name="Back over", exact=True).press("Enter")
    assert player.locator("[data-step-line]").count() == 1
    assert desktop.failures() == []


def test_the_keyboard_steps_and_the_line_clicked_is_run_to(desktop):
    source, runnable = next((s, r) for s, r in WALKTHROUGHS if r.step == "backward")
    block = open_block(desktop, source, runnable.index)
    player = record(block, desktop.page)
    player.focus()
    desktop.page.keyboard.press("ArrowRight")
    assert position(player).startswith("Step 2 of ")
    desktop.page.keyboard.press("ArrowLeft")
    assert position(player).startswith("Step 1 of ")
    current = int(player.locator("[data-step-line]").get_attribute("data-step-line").rsplit(":", 1)[1])
    later = player.locator(f'.step-line[data-line="{current + 1}"]')
    later.click()
    assert player.locator("[data-step-line]").get_attribute("data-step-line").endswith(f":{current + 1}")
    assert desktop.failures() == []


def test_an_edited_block_is_stepped_as_edited(desktop):
    block = open_block(desktop, "act-2-engine.md", 0)
    edit(block, "x = 20\ny = x + 22\n")
    player = record(block, desktop.page)
    assert player.locator(".step-summary").text_content() == "2 steps recorded"
    player.get_by_role("button", name="Step", exact=True).press("Enter")
    assert "y = 42" in player.locator("[data-step-locals]").text_content()
    assert player.locator("[data-step-locals] [data-changed]").text_content() == "y = 42"


def test_values_arithmetic_is_stepped_over_unless_the_reader_steps_into_it(desktop):
    block = open_block(desktop, "act-2-engine.md", 0)
    edit(block, "from microgpt.engine import Value\nproduct = Value(2.0) * Value(3.0)\n")
    player = record(block, desktop.page)
    assert player.locator(".step-summary").text_content() == "2 steps recorded"
    player.get_by_role("checkbox").check()  # records again, Value's operators included
    desktop.page.wait_for_function(
        "() => /^[0-9]+ steps recorded$/.test(document.querySelector('[data-stepper] .step-summary').textContent)"
        " && document.querySelector('[data-stepper] .step-summary').textContent !== '2 steps recorded'")
    player = desktop.page.locator("[data-stepper]")
    player.get_by_role("button", name="Step", exact=True).press("Enter")
    player.get_by_role("button", name="Step", exact=True).press("Enter")
    assert player.locator("[data-step-line]").get_attribute("data-step-line").startswith("microgpt/engine.py:")
    assert player.get_by_role("checkbox").is_checked()


def test_a_budget_overrun_is_said_and_stop_ends_a_recording(desktop):
    block = open_block(desktop, "act-2-engine.md", 0)
    edit(block, "total = 0\nfor i in range(100_000):\n    total += i\n")
    player = record(block, desktop.page)
    assert player.locator(".step-summary").text_content() == "recorded the first 50,000 steps"
    edit(block, "while True:\n    pass\n")
    block.get_by_role("button", name="Step", exact=True).press("Enter")
    stop = block.get_by_role("button", name="Stop recording", exact=True)
    stop.wait_for()
    stop.click()
    status = block.locator(".step-status")
    desktop.page.wait_for_function("el => el.textContent === 'Stopped.'", arg=status.element_handle(), timeout=10_000)
    assert block.get_by_role("button", name="Step", exact=True).is_visible()


def test_the_player_fits_a_phone(phone):
    source, runnable = next((s, r) for s, r in WALKTHROUGHS if r.step == "encode")
    block = open_block(phone, source, runnable.index)
    player = record(block, phone.page)
    width = phone.page.evaluate("document.documentElement.clientWidth")
    box = player.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    for name in ("Back", "Step", "Step over", "Step out"):
        button = player.get_by_role("button", name=name, exact=True).bounding_box()
        assert button["x"] + button["width"] <= width + 1, name
    assert phone.failures() == []


# --- Faithful to the code --------------------------------------------------------------

NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+e-?\d+")


def histories(recording):
    """(function, name) -> the values a local took, in order, for the package's functions.
    Comprehensions are left out: from Python 3.12 on they run inside their function's frame."""
    found = {}
    for step in recording["steps"]:
        if step["file"] == "<block>" or step["function"].startswith("<"):
            continue
        changes = dict(step["locals"], **({"(returned)": step["returned"]} if "returned" in step else {}))
        for name, value in changes.items():
            history = found.setdefault((step["function"], name), [])
            if not history or history[-1] != value:
                history.append(value)
    return found


def same_up_to_rounding(a, b):
    """Two shown values: the same text, numbers equal or within 1e-12 relative."""
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return False
    return all(float(x) == float(y) or abs(float(x) - float(y)) <= 1e-12 * max(abs(float(x)), abs(float(y)))
               for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)))


@pytest.mark.parametrize("walkthrough", [w for w in WALKTHROUGHS if w[1].step in ("gpt", "backward")],
                         ids=lambda w: w[1].step)
def test_the_values_the_page_shows_are_the_values_the_code_computes(desktop, walkthrough):
    source, runnable = walkthrough
    page = fences.page_runnables(ROOT / "docs" / source)
    before = [page[k].code for k in runnable.chain]
    desktop.page.goto(desktop.site.url + page_url(source))
    depth = "None" if runnable.step_depth is None else runnable.step_depth
    code = ("from docsite.live import stepper\nstepper.record(" + json.dumps(runnable.code) + ", start=" + json.dumps(runnable.step)
            + f", max_depth={depth}, before=[" + ", ".join(map(json.dumps, before)) + "])")
    in_page = desktop.page.evaluate("code => MicrogptRuntime.session().call(code, {owner: 'test', timeout: 200000})", code)
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        in_cpython = stepper.record(runnable.code, start=runnable.step, max_depth=runnable.step_depth, before=before)
    finally:
        os.chdir(here)
    page_history, cpython_history = histories(in_page), histories(in_cpython)
    assert cpython_history and cpython_history.keys() <= page_history.keys(), \
        sorted(cpython_history.keys() - page_history.keys())
    differ = [(key, a, b) for key in sorted(cpython_history)
              for a, b in [(page_history[key], cpython_history[key])]
              if len(a) != len(b) or not all(map(same_up_to_rounding, a, b))]
    assert differ == []
    assert in_page["files"] == {name: text for name, text in in_cpython["files"].items()}
