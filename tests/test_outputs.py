"""The one rule for comparing a block's output, in Python and in its JavaScript mirror.

docsite/outputs.py's same_output decides for the fences' tests and the browser test;
docs/javascripts/outputs.js's sameOutput decides for the Run button. Both run here on the same
cases (the JavaScript in Node, which the site's build needs anyway).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from docsite.outputs import same_output

ROOT = Path(__file__).resolve().parents[1]

# expected (the page's output block), printed, same?
CASES = [
    ("a\n", "a\n", True),
    ("a", "a\n", True),  # the block may leave out the last newline
    ("a\n", "a", True),
    ("", "", True),
    ("", "\n", True),
    ("a\n", "a\n\n", False),  # one newline dropped, not all of them
    ("a\n\n", "a\n", False),
    ("a\nb\n", "a\nb\n", True),
    ("a\nb", "a\n b", False),
    ("a ", "a", False),  # trailing spaces count
    ("\na", "a", False),  # so does a leading newline
    ("1.0\n", "1.00\n", False),  # no numeric tolerance here: that is the exercises' rule
    ("é ✓\n", "é ✓", True),
]

NODE_SCRIPT = """
import { readFileSync } from "node:fs"
const { sameOutput } = await import(process.argv[1])
const cases = JSON.parse(readFileSync(0, "utf8"))
console.log(JSON.stringify(cases.map(([expected, printed]) => sameOutput(expected, printed))))
"""


@pytest.mark.parametrize("expected, printed, same", CASES)
def test_python_rule(expected, printed, same):
    assert same_output(expected, printed) is same


def test_javascript_mirrors_the_python_rule():
    node = shutil.which("node")
    assert node, "Node is needed to build the site (npm) and to run this test"
    module = (ROOT / "docs" / "javascripts" / "outputs.js").as_uri()
    done = subprocess.run([node, "--input-type=module", "-e", NODE_SCRIPT, module],
                          input=json.dumps([case[:2] for case in CASES]), capture_output=True, text=True, check=True)
    answers = json.loads(done.stdout)
    assert answers == [same_output(*case[:2]) for case in CASES] == [case[2] for case in CASES]
