"""The in-page Python in a hostile reader's hands (headless Chromium, offline).

One worker per page, shared by blocks, figures and exercises; output floods reach the page
at a bounded rate and size and Stop ends them; code that poisons the package, builtins, the
files or the working directory does not change what the next unedited block prints; a
check cannot be faked from the reader's code; a second Ctrl+Enter replaces a run cleanly; a
runtime that fails to download says so with a Retry; every message is in the reader's
terms; statuses are readable in both palettes; the editor behaves as an editor.
"""

import re

import pytest
from docsite.chromium import FINISHED, PYTHON_MS, TIMEOUT_MS, Tab, description_on, first_block, press_check, run_block, type_code

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]


# Counts the Python workers the page starts and the messages they send it (Material's search
# has a worker of its own, not counted).
COUNT_WORKERS = """(() => {
  const Real = window.Worker
  window.__workers = 0
  window.__messages = 0
  window.Worker = function (...args) {
    const worker = new Real(...args)
    if (!String(args[0]).includes("runtime-worker")) return worker
    window.__workers += 1
    worker.addEventListener("message", () => { window.__messages += 1 })
    return worker
  }
})()"""


@pytest.fixture
def desktop(browser, site):
    tab = Tab(browser, site, "desktop")
    tab.context.add_init_script(COUNT_WORKERS)
    yield tab
    tab.context.close()


def run_code(tab, block, code, timeout=PYTHON_MS):
    type_code(tab, block, code)
    return run_block(tab, block, timeout)


# The editor's text through the page's own reader of it (blocks.js textOf), imported from
# beside the page's one script.
TEXT_OF = """e => e.tagName === 'TEXTAREA' ? e.value
  : import(new URL('blocks.js', document.querySelector('script[src$="loader.js"]').src)).then(m => m.textOf(e))"""


def text_of(editor):
    """What the reader typed, as the page reads it (an Enter may be a <br>)."""
    return editor.evaluate(TEXT_OF)


def status(block):
    return block.locator(".run-status").text_content()


# --- Floods ------------------------------------------------------------------------------

def test_an_endless_flood_is_bounded_and_stop_ends_it(desktop):
    page = desktop.page
    block = first_block(desktop)
    run_block(desktop, block, PYTHON_MS)  # Python started
    type_code(desktop, block, 'while True:\n    print("x" * 1000)')
    block.get_by_role("button", name="Run", exact=True).press("Enter")
    output = block.locator("[data-run-output]")
    page.wait_for_function("o => o.textContent.includes('more characters not shown')", arg=output.element_handle(),
                           timeout=PYTHON_MS)
    before = page.evaluate("window.__messages")
    page.wait_for_timeout(3000)
    during = page.evaluate("window.__messages") - before
    # the worker batches its output: at most one message every 50 ms (a few more for slack)
    assert during <= 3000 / 50 + 10, f"{during} messages in 3 s"
    chars, nodes = output.evaluate("o => [o.textContent.length, o.childNodes.length]")
    assert chars <= 50_000 + 60 and nodes <= 2, (chars, nodes)
    assert page.evaluate("() => 1 + 1") == 2  # the page answers
    block.get_by_role("button", name="Stop").press("Enter")
    page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=TIMEOUT_MS)
    assert status(block) == "Stopped."
    assert not desktop.failures()


def test_one_huge_print_is_cut_and_says_by_how_much(desktop):
    block = first_block(desktop)
    state, printed = run_code(desktop, block, 'print("y" * 5_000_000)')
    assert state == "done" and status(block).startswith("Done")
    # The worker sends the newest 20,000 characters of a batch: the newline print writes after
    # the string may end the same batch or start the next one.
    cut, shown = re.fullmatch(r"… ([\d,]+) more characters not shown\n(y+\n)", printed).groups()
    assert int(cut.replace(",", "")) + len(shown) == 5_000_001 and len(shown) in (20_000, 20_001), (cut, len(shown))


# --- Isolation ---------------------------------------------------------------------------

POISONS = {
    "a file of the package": "from pathlib import Path\nPath('microgpt/names.txt').write_text('hacked\\n')",
    "a function of the package": "import microgpt.data as d\nd.load_docs = lambda path: ['zz']",
    "a method of the package": "from microgpt.data import Tokenizer\nTokenizer.from_docs = None",
    "builtins": "import builtins\nbuiltins.print = lambda *a, **k: None",
    "the working directory": "import os\nos.chdir('/')",
    "a removed file": "import os\nos.remove('microgpt/data.py')",
}


def test_a_poisoning_block_does_not_change_what_unedited_blocks_print(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    blocks = page.locator("[data-runnable]")
    attacker = blocks.nth(0)
    victims = [blocks.nth(k) for k in range(1, blocks.count())
               if blocks.nth(k).locator(".run-bar").count()][:4]
    for name, poison in POISONS.items():
        state, printed = run_code(desktop, attacker, poison)
        assert state == "done", f"{name}: {printed}"
        for victim in victims:
            state, printed = run_block(desktop, victim, PYTHON_MS)
            assert state == "done" and victim.get_attribute("data-run-match") != "false", \
                f"after poisoning {name}, an unedited block printed:\n{printed[:500]}\n{status(victim)}"
    # a restart only after a run that changed something: one worker per poison, plus the first
    assert page.evaluate("window.__workers") == len(POISONS) + 1


def test_an_edited_run_that_changes_nothing_keeps_the_worker(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    blocks = page.locator("[data-runnable]")
    assert run_code(desktop, blocks.nth(0), "import math, json\nx = [math.sqrt(2)]\nprint(json.dumps(x))")[0] == "done"
    assert run_block(desktop, blocks.nth(1), PYTHON_MS)[0] == "done"
    assert page.evaluate("window.__workers") == 1


def test_memory_a_run_grew_is_handed_back(desktop):
    """wasm memory never shrinks: a worker that grew past its bound is replaced after the job,
    so one big bytearray is not held until a reload."""
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    blocks = page.locator("[data-runnable]")
    code = "big = bytearray(900 * 1024 * 1024)\ndel big\nprint('allocated and freed')"
    state, printed = run_code(desktop, blocks.nth(0), code)
    assert state == "done" and "allocated and freed" in printed
    assert run_block(desktop, blocks.nth(1), PYTHON_MS)[0] == "done"
    assert page.evaluate("window.__workers") == 2  # the heavy one was replaced, not reused


def test_reset_clears_the_result_and_ctrl_z_undoes_it(desktop):
    page = desktop.page
    block = first_block(desktop)
    run_code(desktop, block, "1 / 0")
    assert block.get_attribute("data-run-state") == "error"
    block.get_by_role("button", name="Reset").press("Enter")
    assert block.get_attribute("data-run-state") is None and status(block) == ""
    assert block.locator("[data-run-output]").is_hidden()
    editor = block.get_by_role("textbox")
    editor.focus()
    page.keyboard.press("Control+z")
    assert text_of(editor) == "1 / 0"


# --- Checks --------------------------------------------------------------------------------

def check(tab, exercise, code):
    editor = exercise.get_by_role("textbox")
    editor.evaluate("(e, text) => { e.textContent = text }", code)
    return press_check(tab, exercise)


FAKES = [
    "from docsite.live import exercises\nexercises.says_the_same = lambda a, b: True\nprediction = 'no idea'",
    "from docsite.live import exercises\nexercises.check = lambda name, code: [[True, 'fine']]\nprediction = 'no idea'",
    "from docsite.live import exercises\nfor act in exercises.ACTS.values():\n    for k in act.EXERCISES:\n"
    "        act.EXERCISES[k] = lambda code: [(True, 'fine')]\nprediction = 'no idea'",
    "from docsite.live import exercises\nexercises.Run.result = lambda self: (True, 'fine')\nprediction = 'no idea'",
    "import builtins\nbuiltins.print = lambda *a, **k: None\nprediction = 'no idea'",
]


def test_a_check_cannot_be_faked_from_the_reader_code(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    exercise = page.locator('[data-exercise="act1-predict-encode"]')
    exercise.scroll_into_view_if_needed()
    for fake in FAKES:
        state, text = check(desktop, exercise, fake)
        assert state == "fail", f"this code passed the check:\n{fake}\n{text}"
        # and the next honest wrong answer is judged honestly
        state, text = check(desktop, exercise, "prediction = 'no idea'")
        assert state == "fail", text
    exercise.locator("summary", has_text="Solution").click()
    exercise.get_by_role("button", name="Use this solution").press("Enter")
    state, text = check(desktop, exercise, text_of(exercise.get_by_role("textbox")))
    assert state == "pass", text


def test_a_check_answers_exits_and_floods_in_words(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    exercise = page.locator('[data-exercise="act1-predict-encode"]')
    for code, words in (("raise SystemExit(3)", "Your code raised an exception: SystemExit: 3"),
                        ("raise KeyboardInterrupt", "Your code raised an exception: KeyboardInterrupt"),
                        ("print('z' * 3_000_000)\nprediction = 'z'", "more characters not shown")):
        state, text = check(desktop, exercise, code)
        assert state == "fail" and words in text, text
        assert "Traceback" not in text and "has no attribute" not in text, text
    assert page.evaluate("window.__workers") == 1, "a check that changes nothing keeps the worker"


# --- A second Ctrl+Enter ------------------------------------------------------------------

def test_ctrl_enter_during_a_run_replaces_it_cleanly(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    description = description_on(desktop)
    index = next(r["index"] for r in description if r["output"] and not r["chain"] and not r["browser_skip"])
    block = page.locator(f'[data-runnable="{index}"]')
    run_block(desktop, block, PYTHON_MS)
    block.evaluate("""el => {
      window.__statuses = []
      new MutationObserver(() => window.__statuses.push(el.querySelector('.run-status').textContent))
        .observe(el.querySelector('.run-status'), {childList: true, characterData: true, subtree: true})
    }""")
    block.get_by_role("textbox").focus()
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("el => el.dataset.runState === 'done'", arg=block.element_handle(), timeout=PYTHON_MS)
    statuses = page.evaluate("window.__statuses")
    assert not [s for s in statuses if "Stopped" in s or "bug of the site" in s], statuses
    assert block.get_attribute("data-run-match") == "true", status(block)


# --- A runtime that does not load ----------------------------------------------------------

@pytest.mark.parametrize("how", ["abort", "truncate"])
def test_a_failed_download_says_so_with_a_retry(desktop, how):
    page = desktop.page

    def broken(route):
        if how == "abort":
            route.abort("connectionreset")
        else:
            response = route.fetch()
            route.fulfill(response=response, body=response.body()[: 1_000_000])

    desktop.context.route(re.compile(r"pyodide\.asm\.wasm$"), broken)  # the worker's requests too
    block = first_block(desktop)
    block.get_by_role("button", name="Run", exact=True).press("Enter")
    page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=PYTHON_MS)
    assert status(block).startswith("Python could not be loaded in your browser"), status(block)
    retry = block.get_by_role("button", name="Retry")
    assert retry.is_visible()
    desktop.context.unroute(re.compile(r"pyodide\.asm\.wasm$"))
    retry.click()
    page.wait_for_function("el => el.dataset.runState === 'done'", arg=block.element_handle(), timeout=PYTHON_MS)


# --- Messages in the reader's terms --------------------------------------------------------

def test_messages_are_the_reader_s(desktop):
    block = first_block(desktop)
    state, printed = run_code(desktop, block, "name = input('Your name? ')")
    assert state == "error" and "input() is not available in the page" in printed
    state, printed = run_code(desktop, block, "print(1")
    assert "SyntaxError" in printed and "ast.py" not in printed and "<exec>" not in printed, printed
    state, printed = run_code(desktop, block, "import json\njson.loads('{')")
    assert "/lib/python" not in printed and "json.decoder.JSONDecodeError" in printed, printed
    state, printed = run_code(desktop, block, "import os\nos._exit(1)")
    assert status(block) == "Python was restarted." and "ended Python itself" in printed, printed
    assert "at " not in printed and "wasm" not in printed
    label = block.get_by_role("textbox").get_attribute("aria-label")
    assert "line" not in label and "Tab indents" in label, label


def test_deep_recursion_says_what_happened(desktop):
    block = first_block(desktop)
    state, printed = run_code(desktop, block, "import sys\nsys.setrecursionlimit(10**6)\n"
                                              "def f(n):\n    return f(n + 1)\nf(0)")
    assert state == "error" and ("ran out of stack" in printed or "RecursionError" in printed), printed
    assert "wasm-function" not in printed
    assert run_code(desktop, block, "print('again')") == ("done", "again\n")


# --- Focus, contrast, hidden boxes ---------------------------------------------------------

def test_focus_moves_to_stop_and_back_to_run(desktop):
    page = desktop.page
    block = first_block(desktop)
    run_block(desktop, block, PYTHON_MS)
    type_code(desktop, block, "total = 0\nfor i in range(3_000_000):\n    total += i\nprint(total)")
    block.get_by_role("button", name="Run", exact=True).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.textContent") == "Stop"
    page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=PYTHON_MS)
    assert page.evaluate("document.activeElement.textContent") == "Run"


def test_hidden_output_boxes_are_not_drawn_nor_tabbable(desktop):
    block = first_block(desktop)
    output = block.locator("[data-run-output]")
    assert output.evaluate("o => getComputedStyle(o).display") == "none"
    assert output.bounding_box() is None


CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number)
  let bg = el, colour
  while (bg && (colour = getComputedStyle(bg).backgroundColor) && rgb(colour)[3] === 0) bg = bg.parentElement
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0)
  const fg = rgb(getComputedStyle(el).color)
  const back = rgb(colour)
  const alpha = fg.length > 3 ? fg[3] : 1
  const mixed = [0, 1, 2].map(i => fg[i] * alpha + back[i] * (1 - alpha))
  const [a, b] = [lum(mixed), lum(back)].sort((x, y) => y - x)
  return (a + 0.05) / (b + 0.05)
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_statuses_meet_wcag_aa_contrast(browser, site, scheme):
    tab = Tab(browser, site, "desktop" if scheme == "light" else "dark")
    try:
        block = first_block(tab)
        run_code(tab, block, "1 / 0")
        error = block.locator(".run-status").evaluate(CONTRAST)
        run_code(tab, block, "print('fine')")
        done = block.locator(".run-status").evaluate(CONTRAST)
        assert error >= 4.5 and done >= 4.5, (error, done)
    finally:
        tab.context.close()


# --- The editor ----------------------------------------------------------------------------

def test_tab_indents_escape_leaves_and_edits_survive_a_reload(desktop):
    page = desktop.page
    block = first_block(desktop)
    editor = block.get_by_role("textbox")
    assert editor.get_attribute("aria-multiline") == "true"
    type_code(desktop, block, "for i in range(2):")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.insert_text("print(i)")
    assert text_of(editor).endswith("\n    print(i)"), text_of(editor)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Run"
    page.reload()
    block = page.locator("[data-runnable]").first
    assert text_of(block.get_by_role("textbox")).endswith("\n    print(i)")
    assert run_block(desktop, block, PYTHON_MS) == ("done", "0\n1\n")
    block.get_by_role("button", name="Reset").press("Enter")
    page.reload()
    assert "print(i)" not in text_of(page.locator("[data-runnable]").first.get_by_role("textbox"))


NO_PLAINTEXT_ONLY = """(() => {
  const property = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "contentEditable")
  Object.defineProperty(HTMLElement.prototype, "contentEditable", {
    get() { return property.get.call(this) },
    set(value) {
      if (value === "plaintext-only") throw new DOMException("not supported", "SyntaxError")
      property.set.call(this, value)
    },
  })
})()"""


def test_a_browser_without_plaintext_only_gets_a_textarea_and_quizzes(desktop):
    desktop.context.add_init_script(NO_PLAINTEXT_ONLY)
    page = desktop.page
    block = first_block(desktop)
    editor = block.get_by_role("textbox")
    assert editor.evaluate("e => e.tagName") == "TEXTAREA"
    editor.fill("print('from the textarea')")
    assert run_block(desktop, block, PYTHON_MS) == ("done", "from the textarea\n")
    question = page.locator("[data-quiz-question][data-kind=number]").first
    question.get_by_label("Your answer").fill("-1")
    question.get_by_label("Your answer").press("Enter")
    assert question.get_attribute("data-answered") == "retry"
    exercise = page.locator("[data-exercise]").first
    assert exercise.get_by_role("textbox").evaluate("e => e.tagName") == "TEXTAREA"
    assert not desktop.failures()


# --- One worker per page --------------------------------------------------------------------

def test_run_a_figure_and_a_check_on_act_3_start_one_worker(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-3-mind/")
    block = page.locator("[data-runnable]").first
    assert run_block(desktop, block, PYTHON_MS)[0] == "done"
    figure = page.locator('[data-figure="next-letter"]')
    figure.scroll_into_view_if_needed()
    figure.locator("input[type=text]").fill("chri")
    page.wait_for_function("() => window.MicrogptRuntime.session().busy === false", timeout=PYTHON_MS)
    figure.locator("tr[data-token]").first.wait_for()
    exercise = page.locator("[data-exercise]").first
    exercise.scroll_into_view_if_needed()
    press_check(desktop, exercise)
    assert page.evaluate("window.__workers") == 1
    assert page.evaluate("window.MicrogptRuntime.workersStarted") == 1


def test_ctrl_enter_during_a_check_replaces_it_cleanly(desktop):
    page = desktop.page
    page.goto(desktop.site.url + "act-1-world/")
    exercise = page.locator('[data-exercise="act1-predict-encode"]')
    check(desktop, exercise, "prediction = 'warm'")  # Python started
    exercise.evaluate("""el => {
      window.__statuses = []
      new MutationObserver(() => window.__statuses.push(el.querySelector('.run-status').textContent))
        .observe(el.querySelector('.run-status'), {childList: true, characterData: true, subtree: true})
    }""")
    exercise.get_by_role("textbox").focus()
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("el => el.querySelector('.run-status').textContent.startsWith('Checked')",
                           arg=exercise.element_handle(), timeout=PYTHON_MS)
    statuses = page.evaluate("window.__statuses")
    assert not [s for s in statuses if "Stopped" in s], statuses
    assert exercise.locator("[data-check-result]").get_attribute("data-check-state") == "fail"
