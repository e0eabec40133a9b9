"""Every page of the site is executable: this runs each Python fence in docs/.

pytest-markdown-docs collects the fences (`--markdown-docs
--markdown-docs-syntax=superfences`); this file makes what it runs be exactly what
the reader sees, and checks what the code prints. Conventions for page writers:

Output block. A fence written as ```{.text .output} right after a Python fence
(only blank lines between) shows what that fence prints. The test compares the
fence's real stdout with the block, exactly, after dropping one trailing newline
from each, and fails with a diff. extra.css labels the block "Output".

    ```python
    print(6 * 7)
    ```

    ```{.text .output}
    42
    ```

When the package changes and an output with it (a line count, a measured figure),
`pytest docs/PAGE.md --update-outputs` rewrites the blocks that differ; read the
`git diff` before committing it.

A fence that must not run: ```{.python notest title="Not run: <reason>"}.
Material shows the title above the code, so the reader sees why;
tests/test_docs_rules.py fails on a notest fence without such a title.

A fence that goes on from the previous one: ```{.python continuation}.

What happens to a fence before it runs, in a markdown-it parser that the plugin
asks for (pytest_markdown_docs_markdown_it):
  1. fences inside `!!!`/`???` admonitions and `===` content tabs are lifted out,
     since CommonMark sees them as indented text; the test ids keep the .md line
     of each fence;
  2. `--8<--` snippet lines are expanded by pymdownx.snippets with the options in
     mkdocs.yml, the same expansion the site gets;
  3. one line is appended to each runnable Python fence: a call that compares
     what the fence printed with its output block, or only forgets it when there
     is none (so `continuation` fences are compared with their own output only).
While a fence runs, sys.stdout is a buffer (see PrintedOutput): what a fence
printed is shown by pytest only when it fails.
"""

import difflib
import gc
import io
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# pytest-markdown-docs imports every .py under the test paths to look for
# docstrings: the notebook page would run at collection, the hooks need mkdocs,
# and the fixture scripts are not tests.
collect_ignore_glob = ["docs/experiments.py", "docs/hooks/*.py"]

PYTHON = ("py", "python", "python3")
CHECK_OUTPUT = "__compare_printed_output__"


# --- 1. Fences inside admonitions and content tabs ---------------------------

def container_opener(line):
    """Whether `line` opens a block whose body is indented by 4 more spaces:
    an admonition (!!!), collapsible details (???, ???+) or a content tab (===, ===+)."""
    text = line.lstrip(" ")
    for marker in ("!!!", "???+", "???", "===+", "==="):
        if text.startswith(marker):
            rest = text[len(marker):]
            return rest[:1] in (" ", "\t") and bool(rest.strip())  # a bare === underlines a heading
    return False


def indentation(line):
    return len(line) - len(line.lstrip(" "))


def lift_nested_fences(state):
    """Parse each container's body on its own and add the fences found there to
    the token stream, in document order, with token.map in the page's lines."""
    lines = state.src.split("\n")
    fenced = set()  # lines of top-level fences, where an opener is only text
    for token in state.tokens:
        if token.type == "fence" and token.map:
            fenced.update(range(*token.map))

    lifted = []  # (first line of the body, first line after it, fences in it)
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in fenced or indentation(line) > 3 or not container_opener(line):
            i += 1
            continue
        depth = indentation(line) + 4
        end = i + 1
        while end < len(lines) and (not lines[end].strip() or indentation(lines[end].expandtabs(4)) >= depth):
            end += 1
        body = "\n".join(l.expandtabs(4)[depth:] for l in lines[i + 1 : end])
        inner = [t for t in state.md.parse(body, {"nested": True}) if t.type == "fence" and t.map]
        for token in inner:
            token.map = [token.map[0] + i + 1, token.map[1] + i + 1]
        lifted.append((i + 1, end, inner))
        i = end

    if not lifted:
        return
    # Drop anything the outer parse took for a fence inside a body (it is in `inner`).
    tokens = [
        t for t in state.tokens
        if not (t.type == "fence" and t.map and any(start <= t.map[0] < end for start, end, _ in lifted))
    ]
    for _, end, fences in reversed(lifted):
        at = next((k for k, t in enumerate(tokens) if t.level == 0 and t.map and t.map[0] >= end), len(tokens))
        tokens[at:at] = fences
    state.tokens[:] = tokens


# --- 2. Snippets ---------------------------------------------------------------

@cache
def snippet_preprocessor():
    """pymdownx.snippets' preprocessor, configured exactly as mkdocs.yml does."""
    import markdown
    from mkdocs.config import load_config

    options = load_config(str(ROOT / "mkdocs.yml")).mdx_configs["pymdownx.snippets"]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    # Loading the config leaves a large heap of long-lived objects; without this, the garbage
    # collector rescans it again and again while a fence builds its hundreds of thousands of
    # Values (measured: the 20-names fence 2.5 s instead of 0.7 s). Frozen objects are skipped.
    gc.freeze()
    return md.preprocessors["snippet"]


def expand_snippets(state):
    if state.env.get("nested"):
        return  # done once, on the whole page
    for token in state.tokens:
        if token.type == "fence" and "8<-" in token.content:
            lines = token.content.rstrip("\n").split("\n")
            token.content = "\n".join(snippet_preprocessor().run(lines)) + "\n"


# --- 3. Output blocks ------------------------------------------------------------

def fence_words(info):
    from pytest_markdown_docs.plugin import parse_superfences_block_info

    return parse_superfences_block_info(info)


def is_output_block(token):
    info = token.info.strip()
    return info.startswith("{") and ".output" in info.strip("{}").split()


def attach_output_checks(state):
    if state.env.get("nested"):
        return
    lines = state.src.split("\n")
    fences = [t for t in state.tokens if t.type == "fence" and t.map]
    for k, fence in enumerate(fences):
        words = fence_words(fence.info)
        if not words or words[0] not in PYTHON or "notest" in words:
            continue
        after = fences[k + 1] if k + 1 < len(fences) else None
        if (
            after is not None
            and is_output_block(after)
            and not any(l.strip() for l in lines[fence.map[1] : after.map[0]])
        ):
            expected, block = after.content, (after.map[0], after.map[1] - 1)  # its fence lines
        else:
            expected, block = None, None
        fence.content += f"{CHECK_OUTPUT}({expected!r}, {block!r})\n"


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_markdown_docs_markdown_it():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.core.ruler.push("lift_nested_fences", lift_nested_fences)
    md.core.ruler.push("expand_snippets", expand_snippets)
    md.core.ruler.push("attach_output_checks", attach_output_checks)
    return md


# --- Running a fence with its stdout recorded -------------------------------------

class PrintedOutput(io.StringIO):
    """Stands in for sys.stdout while a fence runs."""

    def __init__(self):
        super().__init__()
        self.compared_up_to = 0

    def take(self):
        """What was printed since the last call."""
        everything = self.getvalue()
        text = everything[self.compared_up_to :]
        self.compared_up_to = len(everything)
        return text


def compare_printed_output(expected, block=None):
    printed = sys.stdout.take() if isinstance(sys.stdout, PrintedOutput) else None
    if printed is None:
        raise RuntimeError("this check runs only inside a docs fence run by pytest (see conftest.py)")
    if expected is None:
        return
    if printed.removesuffix("\n") != expected.removesuffix("\n") and UPDATES.enabled:
        UPDATES.pending.setdefault(UPDATES.current_file, []).append((block, printed))
        return
    if printed.removesuffix("\n") != expected.removesuffix("\n"):
        diff = difflib.unified_diff(
            expected.removesuffix("\n").split("\n"),
            printed.removesuffix("\n").split("\n"),
            "output block on the page",
            "printed by the code",
            lineterm="",
        )
        raise AssertionError("the output block does not match what the code printed:\n" + "\n".join(diff))


@pytest.hookimpl(optionalhook=True)
def pytest_markdown_docs_globals():
    return {CHECK_OUTPUT: compare_printed_output}


class RecordingRunner:
    """Runs a fence with the plugin's own runner, sys.stdout going to `printed`.

    This has to happen inside the runner: the plugin suspends pytest's capturing
    around it, which would undo a sys.stdout set any earlier."""

    def __init__(self, runner, printed):
        self.runner = runner
        self.printed = printed

    def runtest(self, test, args, **kwargs):
        self.printed.seek(0)
        self.printed.truncate()
        self.printed.compared_up_to = 0
        saved, sys.stdout = sys.stdout, self.printed
        try:
            return self.runner.runtest(test, args, **kwargs)
        finally:
            sys.stdout = saved

    def repr_failure(self, *args, **kwargs):
        return self.runner.repr_failure(*args, **kwargs)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    from pytest_markdown_docs.plugin import MarkdownInlinePythonItem

    if not isinstance(item, MarkdownInlinePythonItem):
        return (yield)
    printed = PrintedOutput()
    item.runner = RecordingRunner(item.runner, printed)
    try:
        return (yield)
    finally:
        if printed.getvalue():
            item.add_report_section("call", "stdout", printed.getvalue())


# --- pytest docs/PAGE.md --update-outputs -----------------------------------------
# When the package changes, some printed outputs change with it (a line count, a measured
# figure). With this option a mismatching output block is rewritten with what its fence
# printed, instead of failing; review the result with `git diff docs/`.

class UPDATES:
    enabled = False
    current_file = None
    pending = {}  # path -> [((open fence line, close fence line), printed text)]


def pytest_addoption(parser):
    parser.addoption("--update-outputs", action="store_true",
                     help="rewrite each docs output block that differs from what its fence prints")


def pytest_configure(config):
    UPDATES.enabled = config.getoption("--update-outputs")
    if UPDATES.enabled and config.getoption("numprocesses", None):
        raise pytest.UsageError("--update-outputs rewrites pages in place: run it without -n")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    UPDATES.current_file = Path(item.path)


def pytest_sessionfinish(session):
    for path, updates in UPDATES.pending.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for (opening, closing), printed in sorted(updates, reverse=True):  # bottom up: lines stay put
            indent = lines[opening][: len(lines[opening]) - len(lines[opening].lstrip())]
            lines[opening + 1 : closing] = [indent + line if line else line
                                            for line in printed.removesuffix("\n").split("\n")]
        path.write_text("\n".join(lines), encoding="utf-8")
        print(f"\nupdated {len(updates)} output block(s) in {path}")


def pytest_collection_modifyitems(config, items):
    """Start the minutes-long tests first: under `pytest -n 2` they then overlap everything else."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
