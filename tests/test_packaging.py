"""The wheel holds the package alone: the site's machinery (docsite/) stays in the checkout."""

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_lists_the_package_and_not_the_site_machinery():
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # tomllib is 3.11+; we support 3.10
    packages = ast.literal_eval(re.search(r"^packages = (\[.*\])$", settings, re.MULTILINE).group(1))
    assert "microgpt" in packages
    assert not [p for p in packages if p.split(".")[0] != "microgpt"], packages
    # Every folder of the package with Python in it is listed, or the wheel would miss it.
    folders = {p.parent.relative_to(ROOT).as_posix().replace("/", ".")
               for p in (ROOT / "microgpt").rglob("*.py") if "__pycache__" not in p.parts}
    assert folders <= set(packages), folders - set(packages)


def test_the_package_never_imports_the_site_machinery():
    for path in sorted((ROOT / "microgpt").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] == "docsite"], f"{path.relative_to(ROOT)} imports docsite"


SYS_PATH_EDIT = re.compile(r"sys\.path\s*(?:\.(?:insert|append|extend)\s*\(|\[[^\]]*\]\s*=|\+=)|addsitedir\(")


def test_nothing_edits_sys_path():
    """The package and docsite import by their names wherever the project is installed (the
    editable install puts the checkout on the path; the page's Python works in a copy of it)."""
    tracked = [ROOT / p for p in subprocess.run(
        ["git", "ls-files", "*.py", "*.js", "*.md"], cwd=ROOT, capture_output=True, text=True,
        check=True).stdout.split()]
    edits = [f"{p.relative_to(ROOT)}:{n}" for p in tracked if p.exists()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if SYS_PATH_EDIT.search(line)]
    assert len(tracked) > 50 and not edits, edits
