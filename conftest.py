"""Every page of the site is executable: pytest-markdown-docs runs each Python fence in docs/.

`pytest --markdown-docs` is the plugin's own command; pyproject.toml turns it on for every run,
so `pytest docs/PAGE.md` runs one page too. Which fences a page runs, in what order, from what
chain and with what expected output is described once, in docsite/fences.py (read its
docstring for the conventions a page writer follows); the site hands the same description to
the reader's browser. This file connects that description to the plugin through the plugin's
own extension points:

- `pytest_markdown_docs_markdown_it`: the parser the plugin reads a page with. Its one core
  rule sets the page's fences to the runnable fences of the description: fences nested in
  admonitions, folded blocks and content tabs included (CommonMark sees those as indented
  text), `--8<--` snippets expanded exactly as the page shows them, notest fences and the
  exercises' starter code left out (their checks run the starter code).
- The runner `PageFence` (`runner:PageFence` on each of those fences) runs a fence:
  - the fences it continues from run first, in the plugin's fresh namespace; if one of them
    raises, this fence is skipped with a pointer to it (that fence's own test shows the
    failure once, instead of every fence after it repeating it);
  - then the fence runs, with sys.stdout recorded, and what it printed is compared with its
    output block by docsite/outputs.py's same_output (equal, after dropping one trailing
    newline from each); a mismatch fails with a diff.

Test ids name the page and the line of the fence: docs/act-1-world.md::[CodeFence#1][line:12].
When the package changes and an output with it (a line count, a measured figure),
`pytest docs/PAGE.md --update-outputs` rewrites the blocks that differ; read the `git diff`
before committing it.
"""

import difflib
import gc
import io
import os
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pytest_markdown_docs._runners import _Runner, register_runner

from docsite import fences  # the one description of what a page runs
from docsite.outputs import same_output  # the one rule for comparing an output block

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
# The notebook page runs at build time, in mkdocs-jupyter.
collect_ignore_glob = ["docs/experiments.py"]

RUNNER = "PageFence"


# --- What the plugin collects: the description's fences -----------------------------

def described_fences(state):
    """markdown-it core rule: the page's fences are its runnable fences, as fences.py lists them."""
    tokens = []
    for runnable in fences.runnable_fences(state.src):
        token = Token("fence", "code", 0)
        # The plugin reads `continuation` to join a chain; PageFence runs the chain itself.
        token.info = f"python runner:{RUNNER}" + (" continuation" if runnable.chain else "")
        token.content = runnable.code
        token.map = [runnable.line - 1, runnable.line]  # the plugin counts lines from map[0]
        tokens.append(token)
    state.tokens = tokens


@pytest.hookimpl(tryfirst=True)
def pytest_markdown_docs_markdown_it():
    parser = MarkdownIt("commonmark")
    parser.core.ruler.push("described_fences", described_fences)
    return parser


@cache
def page_description(path):
    """line of the opening marker -> Runnable, for one page; and the page's list."""
    runnables = fences.page_runnables(path)
    return {runnable.line: runnable for runnable in runnables}, runnables


def pytest_collection_finish(session):
    # Reading mkdocs' config for the snippets leaves a large heap of long-lived objects;
    # without this the garbage collector rescans it again and again while a fence builds its
    # hundreds of thousands of Values (measured: 2.5 s instead of 0.7 s). Frozen objects are skipped.
    gc.freeze()


# --- How a fence runs ---------------------------------------------------------------

class FenceFailed(Exception):
    """A fence printed something else than its output block."""


def run_code(runnable, path, namespace):
    """Run one fence's code, with tracebacks pointing at its lines in the .md file."""
    padded = "\n" * runnable.line + runnable.code  # the code starts on the line after the marker
    exec(compile(padded, str(path), "exec", dont_inherit=True), namespace)


@register_runner()
class PageFence(_Runner):
    """Runs a fence of a page after the chain it continues, and checks what it printed."""

    printed = {}  # FenceTestDefinition -> what its fence printed, for the failure report

    def runtest(self, test, namespace):
        path = Path(test.source_path)
        by_line, page = page_description(path)
        runnable = by_line.get(test.start_line)
        if runnable is None or not test.source.endswith(runnable.code):
            pytest.fail(f"{path.name} changed after it was collected: run the tests again", pytrace=False)
        assert namespace["__name__"] == fences.FENCE_NAME  # a page's `if __name__ == "__main__":` stays shut
        for index in runnable.chain:
            earlier = page[index]
            try:
                with redirect_stdout(io.StringIO()):
                    run_code(earlier, path, namespace)
            except BaseException as error:  # reported by that fence's own test
                reason = (f"continues from the fence at {path.name}:{earlier.line}, which raised "
                          f"{type(error).__name__}: see that fence's own test")
                raise pytest.skip.Exception(reason, _use_item_location=True) from None  # the page's line
        out = io.StringIO()
        try:
            with redirect_stdout(out):
                run_code(runnable, path, namespace)
        finally:
            self.printed[test] = out.getvalue()
        compare_output(path, runnable, self.printed[test])

    def repr_failure(self, test, excinfo, style=None):
        path = Path(test.source_path)
        if isinstance(excinfo.value, FenceFailed):
            return f"{path.name}:{test.start_line}: {excinfo.value}"
        excinfo.traceback = excinfo.traceback.cut(path=path)  # from the fence's own lines on
        report = str(excinfo.getrepr(style="short", chain=False))
        printed = self.printed.get(test)
        return report + (f"\n--- printed before it raised ---\n{printed}" if printed else "")


def compare_output(path, runnable, printed):
    expected = runnable.output
    if expected is None or same_output(expected, printed):
        return
    if UPDATES.enabled:
        UPDATES.pending.setdefault(path, []).append((runnable.output_lines, printed))
        return
    diff = difflib.unified_diff(expected.removesuffix("\n").split("\n"),
                                printed.removesuffix("\n").split("\n"),
                                "output block on the page", "printed by the code", lineterm="")
    raise FenceFailed("the output block does not match what the code printed:\n" + "\n".join(diff))


# --- pytest docs/PAGE.md --update-outputs -----------------------------------------
# With this option a mismatching output block is rewritten with what its fence
# printed, instead of failing; review the result with `git diff docs/`.

class UPDATES:
    enabled = False
    pending = {}  # path -> [((open fence line, close fence line), printed text)]


def pytest_addoption(parser):
    parser.addoption("--update-outputs", action="store_true",
                     help="rewrite each docs output block that differs from what its fence prints")


def pytest_configure(config):
    UPDATES.enabled = config.getoption("--update-outputs")
    if UPDATES.enabled and config.getoption("numprocesses", None):
        raise pytest.UsageError("--update-outputs rewrites pages in place: run it without -n")
    problem = cpu_setting_problem()
    if problem:
        raise pytest.UsageError(problem)


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


# --- The CPU settings that change NumPy's code path --------------------------------
# A page's NumPy output must not depend on the machine, so the suite is also run with
# NPY_DISABLE_CPU_FEATURES (NumPy's own dispatch targets off) and OPENBLAS_CORETYPE (another
# OpenBLAS kernel). A setting the library does not understand is ignored in silence, which
# would make such a run prove nothing: the run refuses to start instead, and its header
# says which code path it took.

def numpy_code_path():
    """(NumPy's dispatch targets, those active here, OpenBLAS's kernel or None)."""
    import ctypes

    import numpy
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    active = [target for target in __cpu_dispatch__ if __cpu_features__.get(target)]
    kernel = None
    libraries = Path(numpy.__file__).parent.with_name("numpy.libs")
    for library in sorted(libraries.glob("libscipy_openblas*")):  # NumPy's own wheels bundle it
        corename = ctypes.CDLL(str(library)).scipy_openblas_get_corename64_
        corename.restype = ctypes.c_char_p
        kernel = corename().decode()
    return list(__cpu_dispatch__), active, kernel


def cpu_setting_problem():
    """Why the CPU settings in the environment would not change the code path, or None."""
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
    coretype = os.environ.get("OPENBLAS_CORETYPE", "")
    if not disabled and not coretype:
        return None
    targets, active, kernel = numpy_code_path()
    unknown = [name for name in disabled if name not in targets]
    if unknown:
        return (f"NPY_DISABLE_CPU_FEATURES names {' '.join(unknown)}, which this NumPy does not "
                f"dispatch on, so it would change nothing; its targets are {' '.join(targets)}")
    still = [name for name in disabled if name in active]
    if still:
        return f"NPY_DISABLE_CPU_FEATURES is set, yet NumPy still dispatches to {' '.join(still)}"
    if coretype and kernel is not None and kernel.lower() != coretype.lower():
        return f"OPENBLAS_CORETYPE={coretype}, yet OpenBLAS runs its {kernel} kernel"
    return None


def pytest_report_header(config):
    if not (os.environ.get("NPY_DISABLE_CPU_FEATURES") or os.environ.get("OPENBLAS_CORETYPE")):
        return None
    _, active, kernel = numpy_code_path()
    return (f"numpy code path: dispatch targets {' '.join(active) or 'none (the baseline)'}; "
            f"OpenBLAS kernel {kernel or 'unknown'}")
