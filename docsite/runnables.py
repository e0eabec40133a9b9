"""Each page's runnable fences, marked for the browser: the build's side of docsite/fences.py.

Before the Markdown is rendered, each runnable fence gets `data-runnable="N"` (or
`data-browser-skip="why"`) in its info string, which Material carries onto the rendered block.
After it is rendered, the page gets its description (docsite/fences.py's, as pytest runs it) as
JSON in `<div id="runnable-fences" data-description=...>`, for docs/javascripts/runner.js and
stepper.js, and a block that does not run in the browser gets a line that says why.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from docsite.fences import FENCE_OPEN, ROOT, libraries_not_in_browser, runnable_fences

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

DESCRIPTION_ID = "runnable-fences"


def mark_fences(markdown: str, page: Page) -> str:
    """The page's Markdown with each runnable fence marked; the description kept on the page."""
    if not page.file.src_uri.endswith(".md"):
        return markdown
    source = Path(page.file.abs_src_path)
    name = source.relative_to(ROOT).as_posix()
    # Where the fences are in this markdown (the page grammar may have added lines above them:
    # the ladder's tables and diffs), and what they are in the file, as pytest reads it.
    runnables = runnable_fences(markdown, name)
    described = runnable_fences(source.read_text(encoding="utf-8"), name)
    if [(r.code, r.chain, r.output) for r in runnables] != [(r.code, r.chain, r.output) for r in described]:
        raise PluginError(f"{name}: a step before this one changed a runnable fence, so the page "
                          "would run other code than the tests")
    if not runnables:
        return markdown
    lines = markdown.split("\n")
    for runnable in runnables:
        at = runnable.line - 1
        opening = FENCE_OPEN.match(lines[at])
        info = opening["info"].strip()
        extra = (f'data-browser-skip="{html.escape(runnable.browser_skip, quote=True)}"'
                 if runnable.browser_skip else f'data-runnable="{runnable.index}"')
        # ```python becomes ```{.python ...}; ```{.python continuation} keeps its words
        info = f"{info[:-1]} {extra}}}" if info.startswith("{") else f"{{.{info} {extra}}}"
        lines[at] = f'{opening["indent"]}{opening["marker"]}{info}'
    page.runnables = described  # the description the page embeds: the tests' own
    return "\n".join(lines)


def describe(html_text: str, page: Page) -> str:
    """The rendered page with its description and its "runs in the tests only" lines."""
    if page.file.src_uri.endswith(".py"):  # the notebook: a line under its title says where it runs
        return re.sub(r"(</h1>)", lambda m: m[1] + notebook_skip_line(page), html_text, count=1)
    runnables = getattr(page, "runnables", None)
    if not runnables:
        return html_text
    found = set(map(int, re.findall(r'data-runnable="(\d+)"', html_text)))
    expected = {r.index for r in runnables if not r.browser_skip}
    if found != expected:
        raise PluginError(f"{page.file.src_uri}: runnable fences {sorted(expected - found)} "
                          "were not rendered with their data-runnable mark")
    description = html.escape(json.dumps([asdict(r) for r in runnables]), quote=True)
    # The reason a block does not run in the browser, as a line under it
    html_text = re.sub(
        r'(<div[^>]*data-browser-skip="([^"]*)"[^>]*>.*?</pre></div>)',
        lambda m: f'{m[1]}\n<p class="run-skip">{m[2]}</p>',
        html_text, flags=re.DOTALL)
    # An attribute, not a <script>: the search index leaves attributes out, and JSON in an
    # inline script would be re-run as JavaScript by Material's instant navigation.
    return html_text + f'\n<div id="{DESCRIPTION_ID}" hidden data-description="{description}"></div>'


# The notebook page (docs/experiments.py, jupytext's percent format) runs top to bottom at
# build time, every cell after the ones above it: one chain, so one reason for the whole page.
NOTEBOOK_LOCALLY = ("clone the repository, run make test once, then .venv/bin/python {page} "
                    "for its tables, or open it in Jupyter, with jupytext, for its figures too")


def notebook_cells(text: str) -> list[str]:
    """The code cells of a percent-format notebook, in order."""
    cells = re.split(r"^# %%.*$", text, flags=re.M)
    heads = re.findall(r"^# %%.*$", text, flags=re.M)
    return [body for head, body in zip(heads, cells[1:]) if "[markdown]" not in head]


def notebook_skip_line(page: Page) -> str:
    path = Path(page.file.abs_src_path)
    needed = libraries_not_in_browser(notebook_cells(path.read_text(encoding="utf-8")))
    if not needed:
        return ""
    return ('<p class="run-skip">Its cells run when the site is built, not in your browser: they '
            f"need {' and '.join(needed)}, which the in-page Python cannot have. To run them locally, "
            f"{html.escape(NOTEBOOK_LOCALLY.format(page='docs/' + page.file.src_uri))}.</p>")
