"""pytest-markdown-docs runs the docs exactly as docsite/fences.py describes them.

The plugin collects what the parser of conftest.py shows it; these tests hold its items to the
project's one description of a page's fences, page by page, and try the conventions of
conftest.py (a chain that fails once, output blocks compared, --update-outputs) on a made-up
page, through the plugin's own command line.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from docsite import fences

ROOT = Path(__file__).resolve().parents[1]
ITEM = re.compile(r"^(?P<page>docs/\S+\.md)::\[CodeFence#\d+\]\[line:(?P<line>\d+)\]$", re.M)


def pytest_run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_plugin_collects_exactly_the_described_fences():
    run = pytest_run("--markdown-docs", "-m", "markdown-docs", "docs", "--collect-only", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    collected = Counter()
    lines = {}
    for found in ITEM.finditer(run.stdout):
        collected[found["page"]] += 1
        lines.setdefault(found["page"], []).append(int(found["line"]))
    described = {page.relative_to(ROOT).as_posix(): [r.line for r in fences.page_runnables(page)]
                 for page in sorted((ROOT / "docs").rglob("*.md"))}
    described = {page: found for page, found in described.items() if found}
    assert lines == described
    total = sum(collected.values())
    assert f"{total} tests collected" in run.stdout  # nothing but the fences
    assert total == sum(map(len, described.values())) > 100


PAGE = '''# A made-up page

```python
numbers = [1, 2, 3]
raise ValueError("the first fence breaks")
```

```{.python continuation}
print(sum(numbers))
```

```python
print("six times seven is", 6 * 7)
```

```{.text .output}
six times seven is 41
```

!!! note "Inside an admonition"

    ```python
    import builtins
    print(__name__)
    ```

    ```{.text .output}
    fence
    ```

```{.python .exercise}
print("starter code: its check runs it")
```

```{.python notest title="Not run: an example of a fence that says why"}
raise SystemExit("never")
```
'''


def made_up_site(tmp_path):
    """A checkout with one page, the project's conftest.py and its pytest settings (docsite is
    the installed one)."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "docs").mkdir()
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(settings[settings.index("[tool.pytest.ini_options]"):],
                                            encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    return page


def test_a_chain_fails_once_and_outputs_are_compared(tmp_path):
    made_up_site(tmp_path)
    run = pytest_run("docs/page.md", "-rA", cwd=tmp_path)
    report = run.stdout
    assert "1 failed" not in report and "2 failed, 1 passed, 1 skipped" in report, report
    assert "SKIPPED [1] docs/page.md:9: continues from the fence at page.md:3, which raised ValueError" in report
    assert 'raise ValueError("the first fence breaks")' in report  # the page's own line, in the traceback
    assert "-six times seven is 41\n+six times seven is 42" in report
    assert "PASSED docs/page.md::[CodeFence#4][line:22]" in report  # the admonition's fence, run as `fence`


def test_update_outputs_rewrites_the_block_that_differs(tmp_path):
    page = made_up_site(tmp_path)
    run = pytest_run("docs/page.md", "--update-outputs", cwd=tmp_path)
    assert "updated 1 output block(s)" in run.stdout, run.stdout
    assert "six times seven is 42\n```" in page.read_text(encoding="utf-8")
    assert "six times seven is 41" not in page.read_text(encoding="utf-8")
