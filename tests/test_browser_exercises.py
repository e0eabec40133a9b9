"""The exercises and quizzes of each act, in a real browser (headless Chromium, offline).

For every exercise: Check on the unchanged starter code reports fail; "Use this solution"
then Check reports pass; both in words, from the same check that tests/test_exercises.py
runs in CI. Each quiz answers right and wrong, by mouse and by keyboard. A page without an
exercise never fetches exercises.js, and one nobody touches starts no Python. The layout
fits a phone. Every request that leaves 127.0.0.1 is blocked and fails the test (Tab, from
docsite/chromium.py).
"""

import json
import re

import pytest

from docsite.chromium import CHECKED, PYTHON_MS, Tab, press_check

from docsite.live import exercises
from docsite import quizzes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PAGES = {"act1": "act-1-world/", "act2": "act-2-engine/", "act3": "act-3-mind/",
         "act4": "act-4-training/", "act5": "act-5-voice/"}


def new_tab(browser, site, view):
    return Tab(browser, site, view)


@pytest.fixture
def desktop(browser, site):
    tab = new_tab(browser, site, "desktop")
    yield tab
    tab.context.close()


@pytest.fixture
def phone(browser, site):
    tab = new_tab(browser, site, "phone")
    yield tab
    tab.context.close()


def assert_clean(tab):
    assert not tab.failures(), "\n".join(tab.failures())


@pytest.mark.parametrize("act", sorted(PAGES))
def test_check_fails_on_the_starter_and_passes_on_the_solution(desktop, act):
    desktop.page.goto(desktop.site.url + PAGES[act])
    names = sorted(n for n, (a, _) in exercises.all_exercises().items() if a == act)
    on_page = desktop.page.locator("[data-exercise]")
    assert sorted(on_page.evaluate_all("els => els.map(e => e.dataset.exercise)")) == names
    for name in names:
        exercise = desktop.page.locator(f'[data-exercise="{name}"]')
        exercise.scroll_into_view_if_needed()
        state, text = press_check(desktop, exercise)
        assert state == "fail", f"{name}: the unchanged starter passed:\n{text}"
        assert "not yet" in text, f"{name}: the result does not say what is not done:\n{text}"

        exercise.locator("summary", has_text="Solution").click()
        exercise.get_by_role("button", name="Use this solution").press("Enter")
        act_of = exercises.all_exercises()[name][0]
        solution = exercises.region(act_of, name.split("-", 1)[1].replace("-", "_") + "_solution")
        editor = exercise.locator("[role=textbox]")
        assert editor.evaluate("c => c.textContent").removesuffix("\n") == solution, \
            f"{name}: 'Use this solution' did not put the reference solution in the editor"
        state, text = press_check(desktop, exercise)
        assert state == "pass", f"{name}: the reference solution did not pass in the browser:\n{text}"
        assert "Passed" in text and "not yet" not in text, text
    assert_clean(desktop)


def test_editing_reset_and_ctrl_enter(desktop):
    """The reader's own edit is what gets checked; Reset brings the starter back."""
    desktop.page.goto(desktop.site.url + PAGES["act2"])
    exercise = desktop.page.locator('[data-exercise="act2-predict-reuse"]')
    editor = exercise.locator("[role=textbox]")
    starter = editor.evaluate("c => c.textContent")
    editor.evaluate("(c, text) => { c.textContent = text }", starter.replace('prediction = ""', 'prediction = "7"'))
    editor.focus()
    result = exercise.locator("[data-check-result]")
    desktop.page.keyboard.press("Control+Enter")
    desktop.page.wait_for_function(CHECKED, arg=result.element_handle(), timeout=PYTHON_MS)
    assert result.get_attribute("data-check-state") == "pass", result.inner_text()
    assert "What your code printed:" in result.inner_text()
    exercise.get_by_role("button", name="Reset", exact=True).press("Enter")
    assert editor.evaluate("c => c.textContent") == starter
    assert_clean(desktop)


def test_quiz_answers_right_and_wrong_by_mouse_and_keyboard(desktop):
    """A first wrong answer gets a second try (the answer stays hidden); a right one then shows
    the explanation."""
    desktop.page.goto(desktop.site.url + PAGES["act1"])
    data = quizzes.quiz_data("act1")
    questions = desktop.page.locator("[data-quiz-question]")
    assert questions.count() == len(data)
    for k, q in enumerate(data):
        question = questions.nth(k)
        explanation = question.locator(".quiz-explanation")
        assert explanation.is_hidden()
        if q["choices"] is None:
            field = question.get_by_label("Your answer")
            field.fill(str(q["answer"] + 1))
            field.press("Enter")  # the keyboard alone answers a number
            assert question.get_attribute("data-answered") == "retry"
            field.fill(json.dumps(q["answer"]))
            question.get_by_role("button", name="Check answer").press("Enter")
        else:
            wrong = next(c for c in q["choices"] if c != q["answer"])
            question.get_by_role("button", name=wrong, exact=True).press("Enter")
            assert question.get_attribute("data-answered") == "retry"
            feedback = question.locator(".quiz-feedback").inner_text()
            assert "try once more" in feedback and q["answer"] not in feedback, feedback
            assert explanation.is_hidden()
            right = question.get_by_role("button", name=q["answer"], exact=True)
            right.focus()
            desktop.page.keyboard.press("Enter")  # a choice is a button: Enter picks it
            assert right.get_attribute("aria-pressed") == "true"
        assert question.get_attribute("data-answered") == "right", k
        assert explanation.is_visible() and explanation.inner_text() == q["explanation"]
    assert_clean(desktop)


def test_quiz_shows_the_answer_after_two_wrong_tries_and_reads_numbers_as_the_site_writes_them(desktop):
    desktop.page.goto(desktop.site.url + PAGES["act3"])
    data = quizzes.quiz_data("act3")
    questions = desktop.page.locator("[data-quiz-question]")
    k, q = next((k, q) for k, q in enumerate(data) if q["choices"] is None)
    question = questions.nth(k)
    field = question.get_by_label("Your answer")
    field.fill("twelve")
    field.press("Enter")
    assert "not a number" in question.locator(".quiz-feedback").inner_text()
    assert question.get_attribute("data-answered") is None, "a text that is not a number uses no try"
    for _ in range(2):
        field.fill(str(q["answer"] + 1))
        field.press("Enter")
    assert question.get_attribute("data-answered") == "wrong"
    assert f"the answer is {q['answer']}" in question.locator(".quiz-feedback").inner_text()
    assert question.locator(".quiz-explanation").is_visible()
    assert q["answer"] >= 1000, "this test wants a quiz answer with a thousands separator"
    desktop.page.reload()  # the same answer, written with a thousands separator, on a fresh page
    question = desktop.page.locator("[data-quiz-question]").nth(k)
    question.get_by_label("Your answer").fill(f"{int(q['answer']):,}")
    question.get_by_label("Your answer").press("Enter")
    assert question.get_attribute("data-answered") == "right"
    assert_clean(desktop)


def test_pages_load_nothing_they_do_not_use(desktop):
    """A page with no block, exercise, quiz or figure fetches the loader and the runtime's
    small module only; an act page nobody touches fetches exercises.js but starts no Python."""
    requested = []
    desktop.page.on("request", lambda r: requested.append(r.url))
    desktop.page.goto(desktop.site.url + "glossary/")
    desktop.page.wait_for_load_state("networkidle")
    assert [u for u in requested if u.endswith("javascripts/loader.js")]
    components = [u for u in requested if re.search(r"javascripts/(?!loader|accessibility|runtime\.)\w+\.js$", u)]
    assert not components, f"a page with no block, exercise, quiz or figure fetched {components}"
    desktop.page.goto(desktop.site.url + PAGES["act3"])
    desktop.page.wait_for_load_state("networkidle")
    desktop.page.locator("[data-exercise] [data-check-result]").first.wait_for(state="attached")
    assert [u for u in requested if u.endswith("javascripts/exercises.js")]
    assert not [u for u in requested if re.search(r"pyodide|repository\.zip", u)]
    assert_clean(desktop)


def test_exercises_and_quiz_fit_a_phone(phone):
    phone.page.goto(phone.site.url + PAGES["act5"])
    exercise = phone.page.locator('[data-exercise="act5-extend-top-k"]')
    exercise.scroll_into_view_if_needed()
    width = phone.page.viewport_size["width"]
    for part in (exercise, exercise.locator(".exercise-bar"), phone.page.locator("ol.quiz")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (part, box)
    check = exercise.get_by_role("button", name="Check", exact=True)
    assert check.is_visible()
    state, text = press_check(phone, exercise)
    assert state == "fail" and "not yet" in text
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= width
    assert_clean(phone)
