"""The live figures in a real browser, against the package run natively.

Each figure draws numbers computed in the page by docs/live/figures.py in the Python worker
(Pyodide); these tests read them back from the page and compare them with the package run
here, in CPython: next-letter probabilities, attention weights, the backward stepper's
gradients, a 20-step training run against `microgpt train`, temperature samples. They also
check that a page loads nothing for its figures until one is seen, that the figures work by
keyboard, and that they fit a phone.
"""

import subprocess
import sys

import pytest
from site_fixtures import ROOT
from test_browser import VIEWS, Tab, click_nav_link
from test_figures import figures, package_probs

from microgpt.engine import Value

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PYTHON_MS = 120_000  # the first figure starts Pyodide: a few seconds alone, far more on a busy machine


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


def wait_for(tab, name, key, value):
    """Until the figure's data-<key> says value: the figure has drawn that input's numbers."""
    tab.page.wait_for_function(
        "([name, key, value]) => document.querySelector(`[data-figure=\"${name}\"]`).dataset[key] === value",
        arg=[name, key, value], timeout=PYTHON_MS)


def assert_clean(tab):
    assert tab.failures() == []


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


def test_a_page_nobody_touches_loads_nothing_for_its_figures(tab):
    requests = []
    tab.page.on("request", lambda r: requests.append(r.url))
    tab.page.goto(tab.site.url + "act-3-mind/")
    tab.page.wait_for_timeout(1500)
    assert not [u for u in requests if "figures.js" in u or "pyodide" in u or "repository.zip" in u]
    tab.page.locator('[data-figure="next-letter"]').scroll_into_view_if_needed()
    tab.page.wait_for_selector('[data-figure="next-letter"] tr[data-token]', timeout=PYTHON_MS)
    assert any("figures.js" in u for u in requests) and any("pyodide" in u for u in requests)
    assert_clean(tab)


def test_figures_after_instant_navigation(tab):
    """A figure on a page reached by Material's instant navigation (no reload) still works,
    and the figures of the next page share the same Python."""
    tab.page.goto(tab.site.url + "act-1-world/")
    click_nav_link(tab.page, tab.site.url + "act-3-mind/")
    tab.page.wait_for_url(tab.site.url + "act-3-mind/")
    tab.page.locator('[data-figure="next-letter"]').scroll_into_view_if_needed()
    wait_for(tab, "next-letter", "prefix", "chr")
    click_nav_link(tab.page, tab.site.url + "act-5-voice/")
    tab.page.wait_for_url(tab.site.url + "act-5-voice/")
    tab.page.locator('[data-figure="temperature"]').scroll_into_view_if_needed()
    wait_for(tab, "temperature", "temperature", "0.5")
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
    assert "your model, 20 steps" in fig.locator("[data-status]").inner_text()
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
    assert f"your model, {kept} steps" in fig.locator("[data-status]").inner_text()
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
