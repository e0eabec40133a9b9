"""What each page runs: the one description of a page's Python fences.

pytest (conftest.py) runs the fences from this description, and the site hands the
same description to the reader's browser (docsite/runnables.py writes it into each
page), so the code a reader runs with the Run button is, line for line, the code the
tests ran, in the same order and with the same expected output.

A page's fences, as a page writer marks them:

    ```python                              runs; what it prints is compared with the
    print(6 * 7)                           output block right after it, if any
    ```

    ```{.text .output}
    42
    ```

    ```{.python continuation}              runs after the fences it continues from
    ```                                    (the chain back to the last fence without
                                           `continuation`), in one namespace
    ```{.python notest title="Not run: <reason>"}   never runs; the title says why
    ```{.python .exercise}                 an exercise's starter code: its Check runs it
    ```{.python data-step="gpt"}           its Step button records from the first call of the
                                           package's gpt() (set-up before it runs unrecorded);
                                           data-step-depth="0" keeps it to that call's own lines

Fences inside admonitions (!!!, ???) and content tabs (===) count like any other.
`--8<--` snippet lines are expanded by pymdownx.snippets with mkdocs.yml's options,
so `code` is what the reader sees on the page. A fence whose chain imports NumPy
or matplotlib runs in the tests but not in the browser (no browser build of them
can be had offline): `browser_skip` says so, and the page shows that line.
"""

import ast
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ("py", "python", "python3")
FENCE_OPEN = re.compile(r"^(?P<indent> *)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
# What the in-page Python cannot have: no browser build of NumPy or matplotlib can be had
# offline, and a browser page cannot start processes.
NOT_IN_BROWSER = {"numpy": "NumPy", "matplotlib": "matplotlib", "microgpt.vectorized": "NumPy",
                  "subprocess": "new processes"}
FENCE_NAME = "fence"  # __name__ while a fence runs, in the tests and in the browser
LOCALLY = "clone the repository and run make test, or, once set up, .venv/bin/pytest {page}"


@dataclass
class Fence:
    """One fenced block of a page."""

    start: int  # 0-based line of the opening marker in the page
    end: int  # 0-based line of the closing marker
    indent: int  # spaces before the marker (fences in admonitions and tabs are indented)
    info: str  # the info string as written
    lang: str
    words: list  # the other words and classes: continuation, notest, exercise, output...
    attrs: dict  # key="value" attributes, such as title
    body: str  # the lines as written, dedented

    @property
    def is_python(self):
        return self.lang in PYTHON


@dataclass
class Runnable:
    """A Python fence that runs: in the tests, and (unless browser_skip) in the browser."""

    index: int  # its number among the page's runnable fences
    line: int  # 1-based line of the opening marker in the page
    code: str  # what the reader sees: the body with snippets expanded
    chain: list = field(default_factory=list)  # indexes of the fences it continues from, in order
    output: str | None = None  # the output block right after it, if any
    output_lines: tuple | None = None  # 0-based lines of that block's opening and closing markers
    browser_skip: str | None = None  # why it does not run in the browser
    step: str | None = None  # the package function its Step records from (data-step="gpt"); None: all of it
    step_depth: int | None = None  # calls deeper than this below it run unrecorded (data-step-depth="0")


def parse_info(info):
    """Language, other words and key=value attributes of an info string:
    `python continuation` or the superfences form `{.python continuation title="..."}`."""
    info = info.strip()
    if not info.startswith("{"):
        words = info.split()
        return (words[0] if words else ""), words[1:], {}
    lang, words, attrs = "", [], {}
    for part in shlex.split(info.strip("{}")):
        if "=" in part:
            key, value = part.split("=", 1)
            attrs[key] = value
        elif part.startswith(".") and not lang:
            lang = part[1:]
        else:
            words.append(part.lstrip(".#"))
    return lang, words, attrs


def fences(text):
    """Every fenced block of a markdown text, nested ones included, in page order."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        opening = FENCE_OPEN.match(lines[i])
        if not opening or (opening["marker"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        marker, indent = opening["marker"], len(opening["indent"])
        closing = re.compile(rf"^ *{re.escape(marker[0])}{{{len(marker)},}} *$")
        end = next((k for k in range(i + 1, len(lines)) if closing.match(lines[k])), len(lines))
        body = "\n".join(line[indent:] if not line[:indent].strip() else line.lstrip(" ")
                         for line in lines[i + 1 : end])
        lang, words, attrs = parse_info(opening["info"])
        found.append(Fence(i, end, indent, opening["info"].strip(), lang, words, attrs, body))
        i = end + 1
    return found


@cache
def snippet_preprocessor():
    """pymdownx.snippets' preprocessor, configured exactly as mkdocs.yml does."""
    import markdown
    from mkdocs.config import load_config

    options = load_config(str(ROOT / "mkdocs.yml")).mdx_configs["pymdownx.snippets"]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def expand_snippets(body):
    if "8<-" not in body:
        return body
    return "\n".join(snippet_preprocessor().run(body.split("\n")))


def is_runnable(fence):
    return fence.is_python and "notest" not in fence.words and "exercise" not in fence.words


def imported_modules(code):
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def libraries_not_in_browser(codes):
    """What a chain of code imports that the in-page Python cannot have, sorted."""
    needed = set()
    for code in codes:
        for module in imported_modules(code):
            for prefix, library in NOT_IN_BROWSER.items():
                if module == prefix or module.startswith(prefix + "."):
                    needed.add(library)
    return sorted(needed)


def browser_skip_reason(codes, page):
    """Why a chain of code cannot run in the browser, or None."""
    needed = libraries_not_in_browser(codes)
    if not needed:
        return None
    return (f"Runs in the tests, not in your browser: it needs {' and '.join(needed)}, "
            f"which the in-page Python cannot have. To run it locally, {LOCALLY.format(page=page)}.")


def runnable_fences(text, page="docs/PAGE.md"):
    """The runnable Python fences of a page's markdown, as the tests and the browser run them."""
    found = fences(text)
    lines = text.split("\n")
    runnables = []
    chain_start = None
    for k, fence in enumerate(found):
        if not is_runnable(fence):
            continue
        after = found[k + 1] if k + 1 < len(found) else None
        output = output_lines = None
        if (after is not None and "output" in after.words
                and not any(line.strip() for line in lines[fence.end + 1 : after.start])):
            output, output_lines = after.body, (after.start, after.end)
        index = len(runnables)
        if "continuation" not in fence.words or chain_start is None:
            chain_start = index
        runnable = Runnable(index, fence.start + 1, expand_snippets(fence.body),
                            list(range(chain_start, index)), output, output_lines,
                            step=fence.attrs.get("data-step"),
                            step_depth=int(fence.attrs["data-step-depth"]) if "data-step-depth" in fence.attrs else None)
        runnable.browser_skip = browser_skip_reason(
            [runnables[i].code for i in runnable.chain] + [runnable.code], page)
        runnables.append(runnable)
    return runnables


def page_runnables(path):
    path = Path(path).resolve()
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()
    return runnable_fences(path.read_text(encoding="utf-8"), name)
