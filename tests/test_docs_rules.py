# Rules that keep the pages and the package in step (conventions: see conftest.py).
#
# - A fence that does not run says why, on the page:
#       ```{.python notest title="Not run: <reason>"}
# - An output block, ```{.text .output}, comes right after the Python fence whose
#   printed output it shows.
# - Every named region of microgpt/*.py (`# --8<-- [start:NAME]` ... `[end:NAME]`)
#   is closed, and shown on some page: --8<-- "microgpt/FILE.py:NAME".
# - Pages include code by region name, never by line numbers.
#
# The checks are functions of the directories they read, so the tests at the end
# can try them on a made-up package and site.

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
from docsite.fences import fences  # the one parser of a page's fences
from docsite.regions import markers  # the one reader of region markers

DOCS = ROOT / "docs"
PACKAGE = ROOT / "microgpt"

# pymdownx.snippets' own syntax for inline includes (its region markers: docsite/regions.py)
INCLUDE = re.compile(r"""^[ \t]*-+8<-+[ \t]+(["'])(.+?)\1[ \t]*$""")
BLOCK_MARKER = re.compile(r"^[ \t]*-+8<-+[ \t]*$")


def pages(docs_dir):
    return sorted(Path(docs_dir).rglob("*.md"))


def unexplained_notest_fences(docs_dir):
    problems = []
    for page in pages(docs_dir):
        for fence in fences(page.read_text(encoding="utf-8")):
            if "notest" in fence.words and not re.fullmatch(r"Not run: *\S.*", fence.attrs.get("title", "")):
                problems.append(f"{page.relative_to(docs_dir)}:{fence.start + 1}: {fence.info}")
    return problems


def stray_output_blocks(docs_dir):
    problems = []
    for page in pages(docs_dir):
        lines = page.read_text(encoding="utf-8").split("\n")
        found = fences("\n".join(lines))
        for before, fence in zip([None, *found], found):
            if "output" not in fence.words:
                continue
            follows_python = (
                before is not None
                and before.is_python
                and not any(line.strip() for line in lines[before.end + 1 : fence.start])
            )
            if not follows_python:
                problems.append(f"{page.relative_to(docs_dir)}:{fence.start + 1}")
    return problems


def regions(package_dir, include_prefix):
    """The named regions of package_dir/*.py as "PREFIX/FILE.py:NAME", and the
    markers that do not pair up."""
    names, problems = set(), []
    for source in sorted(Path(package_dir).glob("*.py")):
        opened = {}
        for number, kind, name in markers(source.read_text(encoding="utf-8")):
            where = f"{source.name}:{number}"
            key = f"{include_prefix}/{source.name}:{name}"
            if kind == "start":
                if key in names or name in opened:
                    problems.append(f"{where}: region {name!r} starts twice")
                opened[name] = where
                names.add(key)
            elif name not in opened:
                problems.append(f"{where}: region {name!r} ends without a start")
            else:
                del opened[name]
        problems += [f"{where}: region {name!r} has no end" for name, where in opened.items()]
    return names, problems


def includes(docs_dir):
    """Every path that a page includes with --8<--, inline or in a block, with its page."""
    found = []
    for page in pages(docs_dir):
        in_block = False
        for line in page.read_text(encoding="utf-8").split("\n"):
            inline = INCLUDE.match(line)
            if inline:
                found.append((page, inline[2].strip()))
            elif BLOCK_MARKER.match(line):
                in_block = not in_block
            elif in_block and line.strip() and not line.strip().startswith(";"):
                found.append((page, line.strip()))
    return found


def regions_never_shown(package_dir, include_prefix, docs_dir):
    names, _ = regions(package_dir, include_prefix)
    return sorted(names - {path for _, path in includes(docs_dir)})


def includes_by_line_number(docs_dir):
    return [
        f"{page.relative_to(docs_dir)}: {path}"
        for page, path in includes(docs_dir)
        if re.search(r":-?\d", path)
    ]


# --- The rules, on this repository -----------------------------------------------

def test_every_notest_fence_says_why_it_does_not_run():
    problems = unexplained_notest_fences(DOCS)
    if problems:
        pytest.fail(
            'a fence marked notest needs title="Not run: <reason>" in its braces, e.g. '
            '{.python notest title="Not run: needs a GPU"}:\n' + "\n".join(problems)
        )


def test_every_output_block_follows_a_python_fence():
    problems = stray_output_blocks(DOCS)
    if problems:
        pytest.fail("an output block must come right after a Python fence:\n" + "\n".join(problems))


def test_every_snippet_region_is_closed():
    _, problems = regions(PACKAGE, "microgpt")
    if problems:
        pytest.fail("\n".join(problems))


def test_every_snippet_region_is_shown_on_some_page():
    missing = regions_never_shown(PACKAGE, "microgpt", DOCS)
    if missing:
        pytest.fail("regions that no page includes (show each with --8<-- \"PATH:NAME\"):\n" + "\n".join(missing))


def test_pages_include_code_by_name_not_line_numbers():
    problems = includes_by_line_number(DOCS)
    if problems:
        pytest.fail("include a named region instead of line numbers:\n" + "\n".join(problems))


# --- The checks themselves, on a made-up package and site -------------------------

@pytest.fixture
def project(tmp_path):
    package, docs = tmp_path / "pkg", tmp_path / "docs"
    package.mkdir()
    docs.mkdir()
    (package / "core.py").write_text(
        "# --8<-- [start:shown]\n"
        "def shown():\n"
        "    # --8<-- [start:inner]\n"
        "    return 1\n"
        "    # --8<-- [end:inner]\n"
        "# --8<-- [end:shown]\n"
        "# --8<-- [start:hidden]\n"
        "x = 1\n"
        "# --8<-- [end:hidden]\n"
    )
    (docs / "page.md").write_text(
        "# Page\n\n"
        '```python\n--8<-- "pkg/core.py:shown"\nprint(shown())\n```\n\n'
        "```{.text .output}\n1\n```\n\n"
        "!!! note\n\n"
        "    ```python\n"
        "    --8<--\n"
        "    pkg/core.py:inner\n"
        "    --8<--\n"
        "    ```\n"
    )
    return package, docs


def test_checks_pass_on_a_consistent_project(project):
    package, docs = project
    (docs / "more.md").write_text('```{.python notest title="Not run: it only shows the shape"}\n--8<-- "pkg/core.py:hidden"\n```\n')
    assert regions(package, "pkg") == ({"pkg/core.py:shown", "pkg/core.py:inner", "pkg/core.py:hidden"}, [])
    assert regions_never_shown(package, "pkg", docs) == []
    assert unexplained_notest_fences(docs) == []
    assert stray_output_blocks(docs) == []
    assert includes_by_line_number(docs) == []


def test_checks_find_what_is_wrong(project):
    package, docs = project
    (package / "broken.py").write_text(
        "# --8<-- [start:open]\n# --8<-- [end:never_started]\n# --8<-- [start:twice]\n# --8<-- [end:twice]\n# --8<-- [start:twice]\n# --8<-- [end:twice]\n"
    )
    (docs / "bad.md").write_text(
        "```{.python notest}\nimport torch\n```\n\n"
        '```{.python notest title="Runs on a GPU"}\nimport torch\n```\n\n'
        "Some words.\n\n```{.text .output}\nstray\n```\n\n"
        '```python\n--8<-- "pkg/core.py:3:4"\n```\n'
    )
    names, problems = regions(package, "pkg")
    assert problems == [
        "broken.py:2: region 'never_started' ends without a start",
        "broken.py:5: region 'twice' starts twice",
        "broken.py:1: region 'open' has no end",
    ]
    assert regions_never_shown(package, "pkg", docs) == ["pkg/broken.py:open", "pkg/broken.py:twice", "pkg/core.py:hidden"]
    assert unexplained_notest_fences(docs) == ["bad.md:1: {.python notest}", 'bad.md:5: {.python notest title="Runs on a GPU"}']
    assert stray_output_blocks(docs) == ["bad.md:11"]
    assert includes_by_line_number(docs) == ["bad.md: pkg/core.py:3:4"]


def test_the_notebook_page_says_why_its_cells_do_not_run_in_the_browser():
    # Its first cell imports the vectorized engine and matplotlib; every later cell runs after it.
    from docsite.fences import libraries_not_in_browser
    from docsite.runnables import notebook_cells

    cells = notebook_cells((DOCS / "experiments.py").read_text(encoding="utf-8"))
    assert len(cells) > 10 and "import matplotlib" in cells[0]
    assert libraries_not_in_browser(cells) == ["NumPy", "matplotlib"]
    assert libraries_not_in_browser(cells[1:2]) == []  # a later cell alone imports nothing new


def test_a_region_is_cut_as_the_page_shows_it():
    from docsite.regions import cut

    text = ("def outer():\n    # --8<-- [start:body]\n    x = 1\n    # --8<-- [start:inner]\n"
            "    if x:\n        y = 2\n    # --8<-- [end:inner]\n    # --8<-- [end:body]\n")
    assert cut(text, "body") == ["x = 1", "if x:", "    y = 2"]  # inner markers out, dedented
    assert cut(text, "inner") == ["if x:", "    y = 2"]
    assert cut(text) == ["def outer():", "    x = 1", "    if x:", "        y = 2"]
    with pytest.raises(LookupError):
        cut(text, "missing")


def test_each_placeholder_colour_means_one_role():
    import importlib.util

    from docsite import svg

    spec = importlib.util.spec_from_file_location("render_diagrams", ROOT / "tools" / "render_diagrams.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    placeholders = [p for p, _ in svg.ROLES.values()]
    assert len(set(placeholders)) == len(placeholders)
    assert not set(placeholders) & {p.lower() for p in render.PALETTE}
    drawn = svg.in_site_colours(f'<path fill="{svg.ACCENT}" stroke="{svg.INK}"/>')
    assert drawn == '<path fill="var(--mg-plot-accent, #4f46e5)" stroke="var(--mg-plot-ink, #1f2937)"/>'
    assert svg.standalone(drawn) == '<path fill="#4f46e5" stroke="#1f2937"/>'
