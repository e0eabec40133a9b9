"""The quiz at the end of each act, and a build error for an exercise that has no check.

A page writes one line, `<!-- mg:quiz act1 -->` (docsite/directives.py), where its quiz
goes: it becomes the questions of QUIZ in docsite/live/exercises/act1.py, running the function that computes
each answer: a number on the page is what the package computes, never typed by hand (and
tests/test_exercises.py checks the same functions against the package). The page's
scripts come from docs/javascripts/loader.js, which imports quiz.js and exercises.js only on
pages that hold a quiz or an exercise.
"""

import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
from docsite.live import exercises  # the checks and the quizzes



def shown(value):
    """A computed answer as the page shows it: 27, 0.005, 7.0."""
    return str(value)


def question_data(question):
    """One question with its answer computed: the dict the page is drawn from."""
    answer = question["answer"]()
    values = question.get("values", lambda: {})()
    explanation = question["explanation"].format(answer=shown(answer), **values)
    choices = question.get("choices")
    if choices is not None and answer not in choices:
        raise ValueError(f"the computed answer {answer!r} is not one of the choices {choices}")
    if choices is None and not isinstance(answer, (int, float)):
        raise ValueError(f"a question without choices needs a number, and its answer is {answer!r}")
    return {"question": question["question"], "choices": choices, "answer": answer,
            "explanation": explanation, "tolerance": question.get("tolerance", 0)}


def quiz_data(act):
    return [question_data(q) for q in exercises.ACTS[act].QUIZ]


def quiz_html(act):
    e = html.escape
    items = []
    for k, q in enumerate(quiz_data(act), 1):
        name = f"{act}-quiz-{k}"
        if q["choices"] is None:
            answer = (f'<p class="quiz-number"><label for="{name}">Your answer</label> '
                      f'<input type="text" id="{name}" inputmode="decimal" autocomplete="off" spellcheck="false"> '
                      f'<button type="button" class="md-button quiz-submit">Check answer</button></p>')
            data = f'data-kind="number" data-answer="{e(json.dumps(q["answer"]))}" data-tolerance="{q["tolerance"]}"'
        else:
            buttons = "".join(f'<button type="button" class="md-button quiz-choice">{e(c)}</button>'
                              for c in q["choices"])
            answer = f'<div class="quiz-choices" role="group" aria-labelledby="{name}-text">{buttons}</div>'
            data = f'data-kind="choice" data-answer="{e(q["answer"])}"'
        items.append(f'<li class="quiz-question" data-quiz-question {data}>'
                     f'<p class="quiz-text" id="{name}-text">{e(q["question"])}</p>{answer}'
                     f'<p class="quiz-feedback" role="status" aria-live="polite"></p>'
                     f'<p class="quiz-explanation" hidden>{e(q["explanation"])}</p></li>')
    return f'<ol class="quiz" data-quiz="{act}">{"".join(items)}</ol>'


def on_page_content(html_text, page, config, files):
    names = re.findall(r'data-exercise="([^"]+)"', html_text)
    unknown = set(names) - set(exercises.all_exercises())
    if unknown:
        raise PluginError(f"{page.file.src_uri}: no check for the exercise(s) {sorted(unknown)} in docsite/live/exercises")
    return html_text
