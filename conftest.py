"""Every page of the site is executable: this runs each Python fence in docs/.

Which fences a page runs, in what order, from what chain and with what expected
output is described once, in docs/hooks/fences.py (read its docstring for the
conventions a page writer follows); the site hands the same description to the
reader's browser. This file turns each runnable fence into a pytest item:

- the fences it continues from run first, in one fresh namespace; if one of them
  raises, this item is skipped with a pointer to it (that fence's own item shows
  the failure once, instead of every fence after it repeating it);
- then the fence runs, with sys.stdout recorded, and what it printed is compared
  with its output block exactly, after dropping one trailing newline from each;
  a mismatch fails with a diff.

Test ids name the page and the line of the fence: docs/act-1-world.md::line-12.
When the package changes and an output with it (a line count, a measured figure),
`pytest docs/PAGE.md --update-outputs` rewrites the blocks that differ; read the
`git diff` before committing it.
"""

import difflib
import gc
import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
import fences  # noqa: E402  (docs/hooks/fences.py: the one description of what a page runs)

# The hooks need mkdocs and are not tests; the notebook page runs at build time.
collect_ignore_glob = ["docs/experiments.py", "docs/hooks/*.py", "docs/live/*"]


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and DOCS in file_path.parents:
        return MarkdownPage.from_parent(parent, path=file_path)


class MarkdownPage(pytest.File):
    def collect(self):
        runnables = fences.page_runnables(self.path)
        # Loading mkdocs' config for the snippets leaves a large heap of long-lived objects;
        # without this the garbage collector rescans it again and again while a fence builds its
        # hundreds of thousands of Values (measured: 2.5 s instead of 0.7 s). Frozen objects are skipped.
        gc.freeze()
        for runnable in runnables:
            yield FenceItem.from_parent(self, name=f"line-{runnable.line}", runnable=runnable, page=runnables)


FENCE_NAME = fences.FENCE_NAME  # not "__main__": a page's `if __name__ == "__main__":` stays shut


class FenceFailed(Exception):
    """A fence raised, or printed something else than its output block."""


class FenceItem(pytest.Item):
    def __init__(self, *, runnable, page, **kwargs):
        super().__init__(**kwargs)
        self.runnable, self.page = runnable, page
        self.printed = ""

    def run_code(self, runnable, namespace):
        """Run one fence's code, with tracebacks pointing at its lines in the .md file."""
        padded = "\n" * runnable.line + runnable.code  # the code starts on the line after the marker
        exec(compile(padded, str(self.path), "exec", dont_inherit=True), namespace)

    def runtest(self):
        namespace = {"__name__": FENCE_NAME}
        for index in self.runnable.chain:
            earlier = self.page[index]
            try:
                with redirect_stdout(io.StringIO()):
                    self.run_code(earlier, namespace)
            except BaseException as error:  # noqa: BLE001 (reported by that fence's own item)
                pytest.skip(f"continues from the fence at {self.path.name}:{earlier.line}, which raised "
                            f"{type(error).__name__}: see that fence's own test")
        out = io.StringIO()
        try:
            with redirect_stdout(out):
                self.run_code(self.runnable, namespace)
        finally:
            self.printed = out.getvalue()
            if self.printed:
                self.add_report_section("call", "stdout", self.printed)
        self.compare_output()

    def compare_output(self):
        expected = self.runnable.output
        if expected is None or self.printed.removesuffix("\n") == expected.removesuffix("\n"):
            return
        if UPDATES.enabled:
            UPDATES.pending.setdefault(self.path, []).append((self.runnable.output_lines, self.printed))
            return
        diff = difflib.unified_diff(expected.removesuffix("\n").split("\n"),
                                    self.printed.removesuffix("\n").split("\n"),
                                    "output block on the page", "printed by the code", lineterm="")
        raise FenceFailed("the output block does not match what the code printed:\n" + "\n".join(diff))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, FenceFailed):
            return f"{self.path.name}:{self.runnable.line}: {excinfo.value}"
        excinfo.traceback = excinfo.traceback.cut(path=self.path)  # from the fence's own lines on
        return super().repr_failure(excinfo, style="short")

    def reportinfo(self):
        return self.path, self.runnable.line - 1, f"{self.path.name}:{self.runnable.line}"


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
