"""The exercises at the end of each act: their checks, and the quizzes.

An exercise is a piece of starter code on the page (from actN_code.py, included by region),
a check, and a reference solution (also in actN_code.py). A check takes the reader's code as
text, runs it here, and returns a list of (passed, message) pairs that say in words what
passed and what did not. The same function runs in the tests (tests/test_exercises.py) and in
the reader's browser (docs/javascripts/exercises.js calls `check_report(name, code)` in the
page's Python worker), so a solution that passes in CI passes on the page.
"""

import io
import math
import re
import traceback
from contextlib import redirect_stdout
from pathlib import Path

from docsite.live.exercises import act1, act2, act3, act4, act5

ACTS = {"act1": act1, "act2": act2, "act3": act3, "act4": act4, "act5": act5}
HERE = Path(__file__).resolve().parent


def all_exercises():
    """name -> (act, check function), for every exercise of every act."""
    return {name: (act, check) for act, module in ACTS.items() for name, check in module.EXERCISES.items()}


def check(name, code):
    """Run the reader's code for exercise `name` and check it: a list of [passed, message]."""
    exercises = all_exercises()
    if name not in exercises:
        return [[False, f"There is no exercise named {name!r}."]]
    try:
        results = exercises[name][1](code)
    except Exception as error:  # a check that trips over odd reader code still answers in words
        results = [(False, f"The check could not finish: {type(error).__name__}: {error}")]
    return [[bool(passed), message] for passed, message in results]


def check_report(name, code):
    """What the page shows after Check: the results, and what the reader's code printed."""
    _runs.clear()
    try:
        results = check(name, code)
        first = _runs[0] if _runs else None
        return {"results": results, "printed": first.printed if first else "",
                "error": first.error if first else None}
    finally:
        _runs.clear()  # as it was before: the page's worker compares the checks before and after


def region(act, name):
    """The text of region `name` of actN_code.py, as the page includes it (the tests read it)."""
    from docsite import regions  # build and tests only: the browser never asks for it

    return regions.region(HERE / f"{act}_code.py", name)


# --- Helpers the checks share ------------------------------------------------------------

class Printed(io.TextIOBase):
    """What the reader's code prints, bounded: the first KEEP characters, then a line that
    says how many more there were (a print in an endless loop must not fill the memory)."""

    KEEP = 20_000

    def __init__(self):
        self.parts, self.size, self.more = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        room = self.KEEP - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        self.more += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self):
        cut = f"\n... {self.more:,} more characters not shown\n" if self.more else ""
        return "".join(self.parts) + cut


_runs = []  # the Runs of the check under way: the first one's output is shown on the page


class Run:
    """The reader's code, run once in a fresh namespace: what it defined, printed and raised."""

    def __init__(self, code):
        self.namespace = {"__name__": "__main__"}
        out = Printed()
        self.error = None
        try:
            with redirect_stdout(out):
                exec(compile(code, "<your code>", "exec"), self.namespace)
        except BaseException as error:  # the reader's mistake (SystemExit too), reported in words
            lines = traceback.format_exception_only(type(error), error)
            self.error = "".join(lines).strip() or type(error).__name__
        self.printed = out.getvalue()
        _runs.append(self)

    @property
    def ok(self):
        return self.error is None

    def result(self):
        """The first line of a check: did the code run at all?"""
        if self.ok:
            return (True, "Your code runs without an exception.")
        return (False, f"Your code raised an exception: {self.error}")

    def get(self, name, kind=None):
        value = self.namespace.get(name)
        if kind == "function" and not callable(value):
            return None
        return value

    @classmethod
    def requiring(cls, code, call, may_raise=False):
        """The opening of a check that calls a function of the reader's code: run the code and
        find the function `call` names, e.g. "wrap(name)". Returns (run, function, results), the
        results starting with run.result(). The function is None, and the results end by asking
        to keep it, if the code does not define it or raised (unless may_raise: the broken
        version of some exercises is meant to raise, and the check still calls it)."""
        run = cls(code)
        results = [run.result()]
        function = run.get(call.split("(")[0], "function")
        if function is None or not (run.ok or may_raise):
            return run, None, results + [(False, f"Keep the function {call}: the check calls it.")]
        return run, function, results


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def says_the_same(predicted, printed):
    """Does a prediction say what the code printed? Spaces do not count, and numbers are
    compared as numbers (7 and 7.0 agree; 0.25 and .25 too), to about nine digits. Looser
    than docsite/outputs.py's same_output, the rule for a page's output blocks: a reader
    typing a prediction is not held to the code's exact formatting."""
    def shape(text):
        text = "".join(str(text).split())
        numbers = [float(n) for n in NUMBER.findall(text)]
        return NUMBER.sub("#", text), numbers

    words_p, numbers_p = shape(predicted)
    words_o, numbers_o = shape(printed)
    return words_p == words_o and len(numbers_p) == len(numbers_o) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(numbers_p, numbers_o))


def check_prediction(code, expected):
    """The check of a predict exercise: the code must print `expected` (what the unchanged
    lines print, computed by the check from the package), and `prediction` must say so."""
    run = Run(code)
    results = [run.result()]
    if not run.ok:
        return results
    printed = run.printed.strip()
    if len(printed) > 200:
        printed = printed[:200] + "…"
    if says_the_same(printed, expected):
        results.append((True, f"The code printed {printed}, as the unchanged code does."))
    else:
        results.append((False, f"The code printed {printed or 'nothing'}; the unchanged code prints "
                        f"{expected}. Bring back the lines above the prediction (Reset) and predict those."))
    prediction = run.get("prediction")
    if not isinstance(prediction, str) or not prediction.strip():
        results.append((False, "Type your prediction between the quotes of prediction = \"\", then Check."))
    elif says_the_same(prediction, expected):
        results.append((True, f"Your prediction {prediction.strip()} is what the code printed."))
    else:
        results.append((False, f"Your prediction {prediction.strip()} is not what the code printed "
                        f"({expected}). Read the lines again: why this number?"))
    return results


# --- Numbers the reader types into a quiz ---------------------------------------------------
# docs/javascripts/quiz.js mirrors quiz_right (quizRight) for the quizzes, which need no
# Python; tests/test_quiz_numbers.py holds both to the same cases.

THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")
TYPED = re.compile(r"[-+]?(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?")


def _normalized(text):
    """A typed number in Python's spelling, or None: "4,192" and "4 192" are 4192 (thousands),
    "27,5" is 27.5 (a decimal comma), "−0.5" is -0.5."""
    text = re.sub(r"[\s_]", "", str(text)).replace("\u2212", "-")
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return text if NUMBER.fullmatch(text) else None


def read_number(text):
    """The number a reader typed, or None if it is not one."""
    text = _normalized(text)
    return None if text is None else float(text)


def quiz_right(text, answer, tolerance=0):
    """Is the typed text the answer? Yes if it is within the question's tolerance, or if it is
    the answer rounded to the digits typed, with at least two significant ones (3.296 or 3.30
    for 3.2958, not 3). None if the text is not a number."""
    text = _normalized(text)
    if text is None:
        return None
    value = float(text)
    if abs(value - answer) <= tolerance + 1e-9 * max(1, abs(answer)):
        return True
    whole, fraction, exponent = TYPED.fullmatch(text).groups()
    digits = len((whole + fraction).lstrip("0"))
    places = len(fraction) - int(exponent or 0)
    return digits >= 2 and abs(value - answer) <= 0.5 * 10.0 ** -places * (1 + 1e-9)


def check_answer(run, name, expected, right, wrong):
    """A one-word answer the reader types into `name = ""` (the "explain" part of an exercise)."""
    answer = run.get(name)
    if not isinstance(answer, str) or not answer.strip():
        return (False, f"Answer the question in the code: type your word between the quotes of {name} = \"\".")
    if answer.strip().strip("'\"").lower() == expected:
        return (True, right)
    return (False, wrong)
