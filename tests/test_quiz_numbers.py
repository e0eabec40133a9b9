"""How a quiz reads a typed number: one rule, written in Python (docsite/live/exercises:
read_number, quiz_right) and mirrored in the quizzes' JavaScript (docs/javascripts/quiz.js:
quizRight), held here to the same cases. Node imports the JavaScript module as it is.
"""

import json
import shutil
import subprocess

import pytest

from docsite.live import exercises
from docsite.served import ROOT

# (typed, answer, tolerance, right): right is None when the text is not a number
CASES = [
    ("27", 27, 0, True),
    (" 27 ", 27, 0, True),
    ("28", 27, 0, False),
    ("27.0", 27, 0, True),
    ("4,192", 4192, 0, True),  # a thousands separator, as the pages write 4,192
    ("4 192", 4192, 0, True),
    ("4\u202f192", 4192, 0, True),  # a narrow no-break space
    ("4,190", 4192, 0, False),
    ("1,000,000", 1_000_000, 0, True),
    ("27,5", 27.5, 0, True),  # a decimal comma
    ("3.296", 3.2958, 0, True),  # the answer as printed, rounded to 3 places
    ("3.30", 3.2958, 0, True),
    ("3.3", 3.2958, 0, True),
    ("3", 3.2958, 0, False),  # one significant digit is not the answer
    ("3.295", 3.2958, 0, False),
    ("0.005", 0.00501, 0, False),
    ("0.00501", 0.00501, 0, True),
    ("0.0050", 0.00501, 0, True),
    ("-0.0625", -0.0625, 0, True),
    ("\u22120.0625", -0.0625, 0, True),  # a typographic minus sign
    ("-0.06", -0.0625, 0, False),
    (".25", 0.25, 0, True),
    ("1e-2", 0.01, 0, True),
    ("0.999", 1.0, 0.0005, False),
    ("0.9996", 1.0, 0.0005, True),
    ("0.288", 0.288, 0.0005, True),
    ("", 1, 0, None),
    ("twelve", 12, 0, None),
    ("1.2.3", 1.2, 0, None),
    ("4,19,2", 4192, 0, None),
    ("--1", -1, 0, None),
]


@pytest.mark.parametrize("typed, answer, tolerance, right", CASES)
def test_python_rule(typed, answer, tolerance, right):
    assert exercises.quiz_right(typed, answer, tolerance) is right


def test_read_number():
    assert exercises.read_number("4,192") == 4192
    assert exercises.read_number("27,5") == 27.5
    assert exercises.read_number("abc") is None


# quiz.js is an ES module whose number rule touches no DOM: Node imports it as it is.
NODE_SCRIPT = """
import { readFileSync } from "node:fs"
import { pathToFileURL } from "node:url"
const { quizRight } = await import(pathToFileURL(process.argv[1]))
const cases = JSON.parse(readFileSync(0, "utf8"))
console.log(JSON.stringify(cases.map(([typed, answer, tolerance]) => quizRight(typed, answer, tolerance))))
"""


def test_javascript_mirrors_the_python_rule():
    node = shutil.which("node")
    assert node, "Node is needed to build the site (npm) and to run this test"
    done = subprocess.run([node, "--input-type=module", "-e", NODE_SCRIPT, str(ROOT / "docs" / "javascripts" / "quiz.js")],
                          input=json.dumps([case[:3] for case in CASES]), capture_output=True, text=True, check=True)
    answers = json.loads(done.stdout)
    wrong = [(case, got) for case, got in zip(CASES, answers) if got != case[3]]
    assert not wrong, f"the JavaScript disagrees with the Python rule: {wrong}"
    python = [exercises.quiz_right(*case[:3]) for case in CASES]
    assert answers == python
