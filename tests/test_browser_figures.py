"""The live figures in a real browser, against the package run natively.

Each figure draws numbers computed by docsite/live/figures.py: its first frame at build time,
then in the page's Python worker (Pyodide); these tests read them back from the page and
compare them with the package run here, in CPython: next-letter probabilities, attention
weights, the backward stepper's gradients, a 20-step training run against `microgpt train`,
temperature samples. They also check that a page starts no Python until a figure is touched,
that a figure can be stopped, times out and answers bad input in plain words, that leaving a
page ends its training, that the figures work by keyboard, and that they fit a phone.
"""

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from docsite.served import ROOT
from docsite.chromium import PYTHON_MS, VIEWS, Tab, click_nav_link
from test_figures import figures, package_probs

from microgpt.engine import Value

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]



@pytest.fixture
def tab(browser, site, request):  # noqa: F811
    view = getattr(request, "param", "desktop")
    tab = Tab(browser, site, view)
    yield tab
    tab.context.close()


def figure(tab, page, name):
    tab.page.goto(tab.site.url + page)
    fig = tab.page.locator(f'[data-figure="{name}"]')
    fig.scroll_into_view_if_needed()
    return fig


def wait_for(tab, name, key, value, timeout=PYTHON_MS):
    """Until the figure's data-<key> says value: the figure has drawn that input's numbers."""
    tab.page.wait_for_function(
        "([name, key, value]) => document.querySelector(`[data-figure=\"${name}\"]`).dataset[key] === value",
        arg=[name, key, value], timeout=timeout)


def arrived(tab, page):
    """Until the address is the page's: Material's anchor tracking may add the heading in view."""
    tab.page.wait_for_url(re.compile(re.escape(tab.site.url + page) + "(#.*)?$"))


def assert_clean(tab):
    assert tab.failures() == []


def wait_state(tab, name, state, timeout=PYTHON_MS):
    """Until the figure's data-state is state: "built" (the build's frame), "busy", "ready"
    (Python's answer drawn), "error" or "stopped"."""
    wait_for(tab, name, "state", state, timeout)


def status(fig):
    return fig.locator("[data-status]").inner_text()


def python_requests(requests):
    return [u for u in requests if "pyodide" in u or "repository.zip" in u or "runtime-worker" in u]


def test_next_letter_is_the_package_softmax(tab):
    fig = figure(tab, "act-3-mind/", "next-letter")
    prefix_box = fig.locator("input[type=text]")
    for prefix in ["chr", "", "em", "maxwel", "q"]:
        prefix_box.fill(prefix)
        wait_for(tab, "next-letter", "prefix", prefix)
        rows = fig.locator("tr[data-token]")
        shown = {rows.nth(i).get_attribute("data-token"): rows.nth(i).get_attribute("data-prob")
                 for i in range(rows.count())}
        expected = package_probs(prefix)
        labels = [*"abcdefghijklmnopqrstuvwxyz", "BOS"]
        assert sorted(shown) == sorted(labels)
        for label, p in zip(labels, expected):
            assert float(shown[label]) == pytest.approx(p, abs=1e-12), (prefix, label)
    # a letter is a button: pressing it appends the letter, by keyboard too
    fig.locator('tr[data-token="a"] button').focus()
    tab.page.keyboard.press("Enter")
    wait_for(tab, "next-letter", "prefix", "qa")
    assert_clean(tab)


def test_a_figure_shows_its_first_frame_and_starts_python_only_when_touched(tab):
    """The build's frame is the package's numbers; scrolling past starts nothing; a touch does."""
    requests = []
    tab.page.on("request", lambda r: requests.append(r.url))
    tab.page.goto(tab.site.url + "act-3-mind/")
    for name in ("next-letter", "attention"):
        tab.page.locator(f'[data-figure="{name}"]').scroll_into_view_if_needed()
        wait_state(tab, name, "built", timeout=10_000)
    tab.page.wait_for_timeout(1500)
    assert python_requests(requests) == []
    fig = tab.page.locator('[data-figure="next-letter"]')
    rows = fig.locator("tr[data-token]")
    shown = {rows.nth(i).get_attribute("data-token"): float(rows.nth(i).get_attribute("data-prob"))
             for i in range(rows.count())}
    assert [shown[label] for label in [*"abcdefghijklmnopqrstuvwxyz", "BOS"]] == package_probs("chr")
    assert tab.page.locator('[data-figure="attention"] td[data-weight]').count() > 0
    assert fig.locator("[data-model-name]").inner_text() == "the reference model"
    fig.locator("input[type=text]").focus()
    wait_state(tab, "next-letter", "ready")
    assert python_requests(requests)
    assert tab.page.evaluate("MicrogptRuntime.workersStarted") == 1
    assert_clean(tab)


class ModelNames(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.figures, self.names, self.frames, self.inside = [], [], 0, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self.figures.append(attrs["data-figure"])
        self.frames += "data-first-frame" in attrs
        self.inside = "name" if "data-model-name" in attrs else None

    def handle_data(self, data):
        if self.inside:
            self.names.append(data)
            self.inside = None


def test_every_page_with_a_live_figure_says_which_model_it_reads(site):
    """Each figure that reads a model says which (the backward stepper uses Value alone)."""
    pages = 0
    for html_file in site.html_files():
        found = ModelNames(html_file.read_text(encoding="utf-8"))
        readers = [name for name in found.figures if name != "backward"]
        pages += bool(readers)
        assert found.names == ["the reference model"] * len(readers), html_file
        assert found.frames == len([name for name in found.figures if name != "train"]), html_file
    assert pages >= 3


def test_figures_after_instant_navigation(tab):
    """A figure on a page reached by Material's instant navigation (no reload) still works,
    and the figures of the next page share the same Python."""
    tab.page.goto(tab.site.url + "act-1-world/")
    click_nav_link(tab.page, tab.site.url + "act-3-mind/")
    arrived(tab, "act-3-mind/")
    tab.page.locator('[data-figure="next-letter"] input').fill("chri")
    wait_for(tab, "next-letter", "prefix", "chri")
    click_nav_link(tab.page, tab.site.url + "act-5-voice/")
    arrived(tab, "act-5-voice/")
    tab.page.wait_for_selector('[data-figure="temperature"]')  # the URL changes before the content
    wait_for(tab, "temperature", "state", "built")
    tab.page.locator('[data-figure="temperature"] input').focus()
    wait_for(tab, "temperature", "state", "ready")
    assert tab.page.evaluate("MicrogptRuntime.workersStarted") == 1
    assert tab.page.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded
    assert_clean(tab)


def test_attention_weights_are_the_package_weights(tab):
    fig = figure(tab, "act-3-mind/", "attention")
    fig.locator("input[type=text]").fill("anna")
    wait_for(tab, "attention", "name", "anna")
    expected = figures.attention("anna")["weights"]
    for layer, heads in enumerate(expected):
        for head, rows in enumerate(heads):
            table = fig.locator(f'table[data-layer="{layer}"][data-head="{head}"]')
            for q, row in enumerate(rows):
                cells = table.locator("tbody tr").nth(q).locator("td[data-weight]")
                shown = [float(cells.nth(k).get_attribute("data-weight")) for k in range(cells.count())]
                assert shown == pytest.approx(row, abs=1e-12)
            assert table.locator("td.mg-future").count() == 5 * 4 // 2  # the hidden future: 10 of 25
    assert_clean(tab)


def grads(fig):
    rows = fig.locator("tr[data-node]")
    return {rows.nth(i).get_attribute("data-node"): rows.nth(i).get_attribute("data-grad")
            for i in range(rows.count())}


def test_backward_stepper_worked_example_and_a_typed_expression(tab):
    fig = figure(tab, "act-2-engine/", "backward")
    wait_for(tab, "backward", "at", "0")  # the graph is built
    # by keyboard: Next eight times (four nodes forward, four edges back)
    fig.locator("[data-step=next]").focus()
    for _ in range(8):
        tab.page.keyboard.press("Enter")
    assert fig.get_attribute("data-at") == "8"
    shown = grads(fig)
    assert shown["a"] == "4" and shown["b"] == "2" and shown["a * b + a"] == "1"

    expression = "(a * b + a ** 2).log() + (b - a).relu() * (a / b).exp()"
    fig.locator("[data-input=expression]").fill(expression)
    fig.locator("[data-input=variables]").fill("a = 1.5, b = 2.0")
    fig.locator("[data-input=variables]").press("Enter")
    tab.page.wait_for_function(
        "document.querySelector('[data-figure=backward] tr[data-node]') === null", timeout=PYTHON_MS)
    fig.locator("[data-step=all]").click()
    a, b = Value(1.5), Value(2.0)
    ((a * b + a**2).log() + (b - a).relu() * (a / b).exp()).backward()
    shown = grads(fig)
    assert float(shown["a"]) == pytest.approx(a.grad, abs=1e-12)
    assert float(shown["b"]) == pytest.approx(b.grad, abs=1e-12)
    assert_clean(tab)


def test_training_in_the_browser_prints_what_microgpt_train_prints(tab):
    fig = figure(tab, "act-4-training/", "train")
    fig.locator("input[name=steps]").fill("20")
    fig.locator("button[type=submit]").click()
    wait_for(tab, "train", "trained", "20")
    shown = fig.locator("[data-train-log]").inner_text().strip().splitlines()
    cli = subprocess.run([sys.executable, "-m", "microgpt", "train", "--steps", "20", "--n-embd", "16",
                          "--lr", "0.01", "--seed", "42"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()
    assert shown == cli
    assert "yours: 20 steps on the bundled" in fig.locator("[data-status]").inner_text()
    assert_clean(tab)


def test_the_reference_model_button_shows_only_once_there_is_a_model_of_yours(tab):
    fig = figure(tab, "act-4-training/", "train")
    assert not fig.locator("[data-action=reference]").is_visible()
    assert fig.locator("[data-action=stop]").is_disabled()
    assert_clean(tab)


def test_training_stop_keeps_what_was_trained(tab):
    fig = figure(tab, "act-4-training/", "train")
    fig.locator("input[name=steps]").fill("400")
    fig.locator("button[type=submit]").click()
    tab.page.wait_for_function(
        "document.querySelector('[data-train-log]') && /step +10 \\//.test(document.querySelector('[data-train-log]').textContent)",
        timeout=PYTHON_MS)
    fig.locator("[data-action=stop]").click()
    tab.page.wait_for_function("document.querySelector('[data-figure=train]').dataset.trained", timeout=PYTHON_MS)
    kept = int(fig.get_attribute("data-trained"))
    assert 10 <= kept < 400
    assert f"yours: {kept} steps on the bundled" in fig.locator("[data-status]").inner_text()
    assert fig.locator("[data-action=reference]").is_visible()  # now there is a model to leave
    assert_clean(tab)


def test_temperature_samples_are_the_package_samples(tab):
    fig = figure(tab, "act-5-voice/", "temperature")
    wait_for(tab, "temperature", "temperature", "0.5")
    slider = fig.locator("input[type=range]")
    slider.focus()
    for _ in range(5):  # 0.5 -> 1.0 by keyboard
        tab.page.keyboard.press("ArrowRight")
    wait_for(tab, "temperature", "temperature", "1")
    expected = figures.temperature(1.0, 20, 42)
    names = [li.inner_text().removesuffix(" in the training set").strip()
             for li in fig.locator("li[data-real]").all()]
    assert names == [s["name"] or "(empty)" for s in expected["samples"]]
    assert fig.locator("[data-real-count]").get_attribute("data-real-count") == str(expected["real"])
    assert_clean(tab)


def test_bad_input_gets_a_plain_sentence_and_clears_the_stale_table(tab):
    fig = figure(tab, "act-3-mind/", "next-letter")
    box = fig.locator("input[type=text]")
    box.fill("EMMA")  # capitals: read as lowercase, and said so
    wait_for(tab, "next-letter", "prefix", "emma")
    assert status(fig).startswith("Read as “emma”: this model knows only lowercase letters.")
    rows = fig.locator("tr[data-token]")
    shown = {rows.nth(i).get_attribute("data-token"): float(rows.nth(i).get_attribute("data-prob"))
             for i in range(rows.count())}
    assert [shown[label] for label in [*"abcdefghijklmnopqrstuvwxyz", "BOS"]] == package_probs("emma")
    box.fill("emma3")
    wait_state(tab, "next-letter", "error")
    assert status(fig) == "This model knows only the letters abcdefghijklmnopqrstuvwxyz, so it cannot read “3”."
    assert fig.locator("tr[data-token]").count() == 0  # no table left beside the error

    att = tab.page.locator('[data-figure="attention"]')
    att.locator("input").evaluate("input => input.removeAttribute('maxlength')")  # as a script can
    att.locator("input").fill("a" * 16)
    wait_state(tab, "attention", "error")
    assert status(att) == "At most 15 letters: the model reads 16 positions, and BOS takes the first (16 given)."
    assert att.locator("td[data-weight]").count() == 0
    att.locator("input").fill("A" * 15)  # the longest name fits
    wait_for(tab, "attention", "name", "a" * 15)
    assert att.locator('table[data-layer="0"][data-head="0"] tbody tr').count() == 16
    assert_clean(tab)


HOSTILE_EXPRESSIONS = [  # the expression, its inputs, what the reader is told
    ("a + 9 ** 9 ** 9", "a = 1", "Cannot compute it: a number grows too large for a float."),
    ("(-a) ** 0.5", "a = 1", "The value of (-a) ** 0.5 is not a real number (a negative number to a fractional power)."),
    ("a * 1e308 * 10", "a = 1", "The value of a * 1e+308 * 10 is too large for a float (inf)."),
    ("a * 1e308 * 10 - a * 1e308 * 10", "a = 1", "The value of a * 1e+308 * 10 is too large for a float (inf)."),
    ("a * 2", "a = 1e400", "The input a = 1e400 is too large for a float: use a number below 1e+308."),
    ("(" * 200 + "a" + ")" * 200, "a = 1", "At most 120 characters in the expression (401 given)."),
]


def test_backward_answers_hostile_input_in_plain_words_at_once(tab):
    fig = figure(tab, "act-2-engine/", "backward")
    expression, variables = fig.locator("[data-input=expression]"), fig.locator("[data-input=variables]")
    for typed, inputs, said in HOSTILE_EXPRESSIONS:
        expression.fill(typed)
        variables.fill(inputs)
        variables.press("Enter")
        wait_state(tab, "backward", "error")
        assert status(fig) == said
        assert fig.locator("tr[data-node]").count() == 0
        assert fig.locator("[data-step=next]").is_disabled()
        fig.evaluate("f => { f.dataset.state = '' }")  # so the next wait sees the next answer
    expression.fill("a * b + a")  # and it still works, in the same worker
    variables.fill("a = 2, b = 3")
    variables.press("Enter")
    wait_state(tab, "backward", "ready")
    assert tab.page.evaluate("MicrogptRuntime.workersStarted") == 1
    assert_clean(tab)


def test_a_figure_has_a_stop_and_a_time_limit(tab):
    fig = figure(tab, "act-3-mind/", "next-letter")
    stop = fig.get_by_role("button", name="Stop")
    assert stop.is_hidden()
    fig.locator("input[type=text]").fill("em")  # Python starts: seconds, with Stop shown
    stop.click()
    wait_state(tab, "next-letter", "stopped", timeout=5_000)
    assert status(fig) == "Stopped. Change the input to ask again."
    assert stop.is_hidden()
    fig.locator("input[type=text]").fill("emm")  # asking again starts a fresh Python
    wait_for(tab, "next-letter", "prefix", "emm")
    # the start allowance off too: whether this worker counts as just started depends on when its
    # restart is announced, which under load may come after the answer to "emm"
    tab.page.evaluate("MicrogptFigures.settings.timeoutMs = 1; MicrogptFigures.settings.startMs = 0")
    fig.locator("input[type=text]").fill("emma")
    wait_state(tab, "next-letter", "error")
    assert status(fig) == "This took longer than 0.001 seconds, so it was stopped. Try a smaller input."
    assert fig.locator("tr[data-token]").count() == 0 and stop.is_hidden()
    tab.page.evaluate("MicrogptFigures.settings.timeoutMs = 15000; MicrogptFigures.settings.startMs = 120000")
    fig.locator("input[type=text]").fill("emmy")
    wait_for(tab, "next-letter", "prefix", "emmy")
    assert_clean(tab)


def test_quick_typing_does_not_pile_up_requests(tab):
    fig = figure(tab, "act-3-mind/", "next-letter")
    fig.locator("input[type=text]").focus()
    wait_state(tab, "next-letter", "ready")
    tab.page.evaluate("""() => {
        const s = MicrogptRuntime.session(), call = s.call.bind(s)
        window.answered = 0
        s.call = (code, options) => call(code, options).then(v => {
            if (code.includes("next_letter")) window.answered++
            return v
        })
        // two seconds of work in the figure's name, so that what the reader types next waits
        s.call("import time\\nt = time.perf_counter()\\nwhile time.perf_counter() - t < 2: pass",
               { owner: "figure:next-letter", priority: "low" })
    }""")
    for prefix in ["m", "ma", "max", "maxw", "maxwe", "maxwel"]:
        fig.locator("input[type=text]").fill(prefix)
    wait_for(tab, "next-letter", "prefix", "maxwel")
    assert tab.page.evaluate("window.answered") == 1  # each request replaced the one waiting before it
    assert_clean(tab)


def test_leaving_act_4_ends_its_training_and_a_new_run_starts_clean(tab):
    tab.page.goto(tab.site.url + "act-3-mind/")
    click_nav_link(tab.page, tab.site.url + "act-4-training/")
    arrived(tab, "act-4-training/")
    fig = tab.page.locator('[data-figure="train"]')
    fig.locator("input[name=steps]").fill("400")
    fig.locator("button[type=submit]").click()
    tab.page.wait_for_function(
        "/step +5 \\//.test(document.querySelector('[data-train-log]')?.textContent)", timeout=PYTHON_MS)
    click_nav_link(tab.page, tab.site.url + "act-5-voice/")
    arrived(tab, "act-5-voice/")
    tab.page.wait_for_function("!MicrogptRuntime.session().busy", timeout=5_000)  # nothing left running
    click_nav_link(tab.page, tab.site.url + "act-4-training/")
    arrived(tab, "act-4-training/")
    fig = tab.page.locator('[data-figure="train"]')
    fig.locator("input[name=steps]").fill("20")
    fig.locator("button[type=submit]").click()
    wait_for(tab, "train", "trained", "20")
    log = fig.locator("[data-train-log]").inner_text().strip().splitlines()
    assert [int(re.match(r"step +(\d+) /", line)[1]) for line in log[3:]] == list(range(1, 21))
    assert status(fig).startswith("Done: 20 of 20 steps trained.")
    assert tab.page.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded
    assert_clean(tab)


def test_a_block_runs_while_a_figure_trains(tab):
    fig = figure(tab, "act-4-training/", "train")
    fig.locator("input[name=steps]").fill("400")
    fig.locator("button[type=submit]").click()
    log = fig.locator("[data-train-log]")
    tab.page.wait_for_function(
        "/step +3 \\//.test(document.querySelector('[data-train-log]')?.textContent)", timeout=PYTHON_MS)
    description = json.loads(tab.page.locator("#runnable-fences").get_attribute("data-description"))
    index = next(r["index"] for r in description if r["output"] and not r["chain"] and not r["browser_skip"])
    block = tab.page.locator(f'[data-runnable="{index}"]')
    block.get_by_role("button", name="Run", exact=True).press("Enter")
    tab.page.wait_for_function("b => b.dataset.runState === 'done'", arg=block.element_handle(), timeout=10_000)
    lines = len(log.inner_text().splitlines())
    tab.page.wait_for_function("n => document.querySelector('[data-train-log]').textContent.split('\\n').length > n + 1",
                               arg=lines, timeout=30_000)  # and the training goes on
    assert fig.get_attribute("data-state") == "busy"
    assert_clean(tab)


def test_the_training_chart_has_ticks_a_fitted_axis_and_its_words_off_the_curve(tab):
    fig = figure(tab, "act-4-training/", "train")
    fig.locator("input[name=steps]").fill("20")
    fig.locator("button[type=submit]").click()
    wait_for(tab, "train", "trained", "20")
    chart = fig.locator("svg.mg-curve")
    def texts(selector):
        return [float(t) for t in chart.locator(selector).evaluate_all("ts => ts.map(t => t.textContent)")]

    y_ticks, x_ticks = texts(".mg-tick--y"), texts(".mg-tick--x")
    assert len(y_ticks) >= 2 and len(x_ticks) >= 2 and x_ticks[0] == 0 and x_ticks[-1] <= 20
    assert y_ticks[0] > 1  # a loss of about 3 is not drawn on an axis from 0
    assert chart.locator("text").count() == len(y_ticks) + len(x_ticks)  # no other words in the plot
    legend = fig.locator(".mg-curve__legend")
    assert "ln 27 = 3.30" in legend.inner_text()
    assert legend.bounding_box()["y"] + legend.bounding_box()["height"] <= chart.bounding_box()["y"]
    assert chart.locator("polyline.mg-mean").count() == 1 and chart.locator("line.mg-guess").count() == 1
    assert_clean(tab)


@pytest.mark.parametrize("tab", ["phone", "dark"], indirect=True)
def test_figures_fit_a_phone_and_follow_the_palette(tab):
    fig = figure(tab, "act-3-mind/", "next-letter")
    tab.page.wait_for_selector('[data-figure="next-letter"] tr[data-token]', timeout=PYTHON_MS)
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWS[tab.view]["viewport"]["width"]
    box = fig.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWS[tab.view]["viewport"]["width"]
    # the bars are the palette's accent and the letters its text colour, in light and dark alike
    colours = tab.page.evaluate("""() => {
        const probe = document.createElement("div")
        probe.style.color = "var(--md-default-fg-color)"
        probe.style.background = "var(--md-accent-fg-color)"
        document.querySelector(".md-typeset").append(probe)
        const wanted = [getComputedStyle(probe).color, getComputedStyle(probe).backgroundColor]
        probe.remove()
        return wanted.concat([getComputedStyle(document.querySelector(".mg-token")).color,
                              getComputedStyle(document.querySelector(".mg-bar__fill")).backgroundColor])
    }""")
    text, accent, token, bar = colours
    assert token == text and bar == accent
    assert tab.page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if tab.view == "dark" else "default")
    assert_clean(tab)


def test_a_kept_model_is_the_one_the_next_page_asks(tab):
    """After training, a page reached by instant navigation says its first frame is the
    reference model's, and asks the reader's model once touched."""
    tab.page.goto(tab.site.url + "act-4-training/")
    fig = tab.page.locator('[data-figure="train"]')
    fig.locator("input[name=steps]").fill("3")
    fig.locator("button[type=submit]").click()
    wait_for(tab, "train", "trained", "3")
    yours = fig.locator("[data-model-name]").inner_text()
    assert yours.startswith("yours: 3 steps on the bundled ")
    click_nav_link(tab.page, tab.site.url + "act-5-voice/")
    arrived(tab, "act-5-voice/")
    tab.page.wait_for_selector('[data-figure="temperature"]')
    wait_for(tab, "temperature", "state", "built")
    temp = tab.page.locator('[data-figure="temperature"]')
    assert temp.locator("[data-model-name]").inner_text() == yours
    assert status(temp) == f"This is the reference model, computed when the site was built: touch the figure to ask {yours}."
    temp.locator("input").focus()
    wait_for(tab, "temperature", "state", "ready")
    names = [li.inner_text().removesuffix(" in the training set").strip() for li in temp.locator("li[data-real]").all()]
    assert names != [s["name"] or "(empty)" for s in figures.temperature(0.5)["samples"]]  # not the reference's
    assert_clean(tab)
