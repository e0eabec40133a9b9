"""The site's one MkDocs hook: each build event runs its steps, in this order.

mkdocs.yml lists this file alone. A step is a module of this package; the order of the
lines below is the order of the build, and a comment says why where the order matters.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docsite import (assets, codewidth, diagrams, directives, facts, fences, figures, lighter, maths,
                     plots, quizzes)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config = assets.on_config(config)  # KaTeX's and Pyodide's files, from node_modules
    facts.recompute()  # the build-time facts, once per build
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    files = assets.on_files(files, config)
    files = diagrams.on_files(files, config)
    files = plots.on_files(files, config)
    return fences.on_files(files, config)  # the archive of files the in-page Python opens


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    # the page grammar first: it writes fences (the ladder's diffs, the exercises' code)
    markdown = directives.expand(markdown, page.file.src_uri, directives.first_line_of(markdown, source))
    return fences.on_page_markdown(markdown, page, config, files)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    html = assets.on_page_content(html, page, config, files)
    html = diagrams.on_page_content(html, page, config, files)
    html = plots.on_page_content(html, page, config, files)
    html = codewidth.on_page_content(html, page, config, files)
    html = fences.on_page_content(html, page, config, files)
    html = quizzes.on_page_content(html, page, config, files)
    return figures.on_page_content(html, page, config, files)  # first frames need the final markup


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    output = assets.on_post_page(output, page, config)
    output = maths.on_post_page(output, page, config)
    return lighter.on_post_page(output, page, config)  # last: it trims what the others wrote
