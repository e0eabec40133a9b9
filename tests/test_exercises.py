"""The exercises and quizzes at the end of each act (docsite/live/exercises, docsite/quizzes.py).

Every reference solution passes its own check; every check fails on the unchanged starter
code, so each check is shown to be able to fail; every exercise on a page is one that has a
check, and includes its starter and solution from the code files (never pasted); and every
quiz answer is the one the package computes.
"""

import math
import random
import re
from pathlib import Path

import pytest

from docsite import directives, fences, quizzes
from docsite.live import exercises
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, init_params, parameters

ROOT = Path(__file__).resolve().parents[1]

PAGES = {"act1": "act-1-world.md", "act2": "act-2-engine.md", "act3": "act-3-mind.md",
         "act4": "act-4-training.md", "act5": "act-5-voice.md"}
EXERCISES = exercises.all_exercises()
KINDS = ("predict", "break", "extend")


region_name = directives.exercise_region  # act1-break-bos, "starter" -> break_bos_starter


def results_text(results):
    return "\n".join(("pass: " if ok else "FAIL: ") + message for ok, message in results)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_reference_solution_passes_its_check(name):
    act = EXERCISES[name][0]
    results = exercises.check(name, exercises.region(act, region_name(name, "solution")))
    assert results and all(ok for ok, _ in results), results_text(results)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_check_fails_on_the_unchanged_starter(name):
    act = EXERCISES[name][0]
    results = exercises.check(name, exercises.region(act, region_name(name, "starter")))
    assert not all(ok for ok, _ in results), results_text(results)
    assert all(isinstance(message, str) and message for _, message in results)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_starter_runs_and_says_what_to_do(name):
    """The starter code itself runs without an exception: the reader starts from working code,
    and the failing check explains, in words, what is not done yet."""
    act = EXERCISES[name][0]
    run = exercises.Run(exercises.region(act, region_name(name, "starter")))
    assert run.ok, run.error


def test_a_check_reports_an_exception_in_words():
    results = exercises.check("act2-extend-tanh", "raise RuntimeError('oops')")
    assert results[0] == [False, "Your code raised an exception: RuntimeError: oops"]
    assert exercises.check("no-such-exercise", "") == [[False, "There is no exercise named 'no-such-exercise'."]]


@pytest.mark.parametrize("act", sorted(PAGES))
def test_each_act_has_three_kinds_of_exercise(act):
    names = [n for n, (a, _) in EXERCISES.items() if a == act]
    assert sorted(n.split("-")[1] for n in names) == sorted(KINDS)


@pytest.mark.parametrize("predicted, printed, same", [
    ("7", "7.0", True), (" [0.25,0.25, 0.5] ", "[0.25, 0.25, 0.5]", True), (".25", "0.25", True),
    ("7.01", "7.0", False), ("[2, 0, 1]", "[2, 0, 1] 4", False), ("", "7.0", False), ("abc", "abd", False),
])
def test_predictions_compare_numbers_as_numbers(predicted, printed, same):
    assert exercises.says_the_same(predicted, printed) is same


# --- The pages -------------------------------------------------------------------------------

def page_text(act):
    return (ROOT / "docs" / PAGES[act]).read_text(encoding="utf-8")


@pytest.mark.parametrize("act", sorted(PAGES))
def test_page_includes_each_exercise_from_the_code_files(act):
    text = directives.expand(page_text(act), PAGES[act])  # the page as the build reads it
    on_page = re.findall(r'data-exercise="([^"]+)"', text)
    assert sorted(on_page) == sorted(n for n, (a, _) in EXERCISES.items() if a == act)
    found = fences.fences(text)
    for name in on_page:
        for kind in ("starter", "solution"):
            include = f'--8<-- "docsite/live/exercises/{act}_code.py:{region_name(name, kind)}"'
            matching = [f for f in found if f.body.strip() == include]
            assert len(matching) == 1, f"{PAGES[act]}: one fence must hold exactly {include}"
            fence = matching[0]
            assert fence.lang == "python" and "exercise" in fence.words, fence.info
            assert ("solution" in fence.words) == (kind == "solution"), fence.info
            assert not fences.is_runnable(fence)  # the docs collector leaves it to these tests
            # what the page shows is the code the tests check
            assert fences.expand_snippets(fence.body) == exercises.region(act, region_name(name, kind))


@pytest.mark.parametrize("act", sorted(PAGES))
def test_page_has_its_quiz(act):
    assert directives.directive_names(page_text(act)).count(("quiz", act)) == 1


# --- The quizzes: each answer is what the package computes -----------------------------------

def tokenizer():
    return Tokenizer.from_docs(load_docs(default_data_path()))


def oracle_answers():
    """The quiz answers worked out here a second way, from first principles or the package."""
    docs = load_docs(default_data_path())
    letters = set("".join(docs))
    config = GPTConfig()
    d = config.n_embd
    return {
        ("act1", 0): len(letters) + 1,
        ("act1", 1): "the id after the last character",
        ("act1", 2): len("emma") + 1,
        ("act1", 3): "raises ValueError",
        ("act2", 0): 3.0,
        ("act2", 1): 3.0 + 1,
        ("act2", 2): 2 * 3.0,
        ("act2", 4): -1 * 4.0**-2,
        ("act3", 0): len(parameters(init_params(config, len(letters) + 1, random.Random(0)))),
        ("act3", 1): d // config.n_head,
        ("act3", 2): "They stay the same",
        ("act3", 3): 1.0,
        ("act4", 0): round(-math.log(0.75), 3),
        ("act4", 1): 0.01 * (1 - (500 - 1) / 1000),  # step 500, counted from 1
        ("act4", 2): 0.01,
        ("act5", 0): 0.5,
        ("act5", 1): 9.0,
        ("act5", 2): config.block_size,
    }


@pytest.mark.parametrize("act", sorted(PAGES))
def test_quiz_answers_are_what_the_code_computes(act):
    data = quizzes.quiz_data(act)
    assert 4 <= len(data) <= 6
    for (a, k), expected in oracle_answers().items():
        if a == act:
            answer = data[k]["answer"]
            if isinstance(expected, float):
                assert math.isclose(answer, expected, abs_tol=data[k]["tolerance"] + 1e-12), (k, answer)
            else:
                assert answer == expected, (k, answer)
    for q in data:
        assert q["explanation"] and "{" not in q["explanation"]
        if q["choices"] is not None:
            assert q["answer"] in q["choices"] and len(q["choices"]) >= 2


def test_quiz_html_carries_the_computed_answers():
    page = quizzes.quiz_html("act3")
    assert page.count("data-quiz-question") == len(exercises.act3.QUIZ)
    assert f'data-answer="{quizzes.quiz_data("act3")[0]["answer"]}"' in page
    assert "Check answer" in page


def test_an_answer_outside_the_choices_fails_the_build():
    bad = {"question": "?", "choices": ["a", "b"], "answer": lambda: "c", "explanation": "."}
    with pytest.raises(ValueError, match="not one of the choices"):
        quizzes.question_data(bad)


def test_the_zero_grad_break_is_the_one_the_check_names():
    """The break check's claim, checked on the package's own Value: a gradient not zeroed is
    added to by the next backward()."""
    w = Value(1.0)
    (w * 4).backward()
    (w * 2).backward()
    assert w.grad == 6.0


def test_check_report_shows_what_the_reader_code_printed():
    """What the page shows after Check (docs/javascripts/exercises.js calls check_report)."""
    code = exercises.region("act2", "predict_reuse_solution")
    report = exercises.check_report("act2-predict-reuse", code)
    assert report["printed"] == "7.0\n" and report["error"] is None
    assert report["results"] == exercises.check("act2-predict-reuse", code)
    broken = exercises.check_report("act2-predict-reuse", "print('hi')\n1 / 0")
    assert broken["printed"] == "hi\n" and broken["error"] == "ZeroDivisionError: division by zero"
