"""Whether a block printed its page's output: the one rule for comparing them.

A page shows a block's output in the block after it (```{.text .output}). What the code
prints matches that block when the two are equal after one trailing newline is dropped from
each: a writer may end the block with or without the last line's newline. The fences' tests
(conftest.py), the browser test that runs every block (tests/test_browser_run.py) and the
Run button (docs/javascripts/outputs.js, its mirror) all use this rule; tests/test_outputs.py
holds the Python and the JavaScript to the same cases.
"""


def same_output(expected: str, printed: str) -> bool:
    """True when `printed` is the output block `expected`, up to one trailing newline on each."""
    return printed.removesuffix("\n") == expected.removesuffix("\n")
