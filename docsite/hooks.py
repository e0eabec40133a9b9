"""The site's one MkDocs hook: each build event runs its steps, in this order.

mkdocs.yml lists this file alone. Each step is a function of a module of this package, with a
typed signature: most take a page's text and give it back changed (str -> str), some also need
the page's name (`where`) or the page itself. The order of the lines below is the order of the
build; a comment says why where the order matters.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docsite import (assets, bundle, codewidth, diagrams, directives, facts, figures, lighter, maths,
                     plots, quizzes, runnables)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config = assets.on_config(config)  # KaTeX's and Pyodide's files, from node_modules
    facts.recompute()  # the figures the pages quote, once per build
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    files = assets.add_vendored(files, config)
    files = diagrams.drop_drawing_files(files)
    files = plots.draw_all(files, config)
    return bundle.add_archive(files, config)  # the files the in-page Python opens


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    # the page grammar first: it writes fences (the ladder's diffs, the exercises' code)
    markdown = directives.expand(markdown, page.file.src_uri, directives.first_line_of(markdown, source))
    return runnables.mark_fences(markdown, page)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    where = page.file.src_uri
    html = assets.notebook_page(html, where)
    html = diagrams.inline_drawings(html, where)
    html = plots.inline(html)
    html = codewidth.mark_code(html)
    html = runnables.describe(html, page)
    html = quizzes.on_page_content(html, page, config, files)
    return figures.first_frames(html, where)  # last: a first frame reads the final markup


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    output = assets.warn_external_fetches(output, page.file.src_uri)
    output = maths.typeset_page(output, page)  # after the search index is made: it reads the TeX
    return lighter.lighten(output)  # last: it trims what the others wrote
