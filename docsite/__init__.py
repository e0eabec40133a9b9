"""The site's machinery, beside the package it explains (not part of the wheel).

The build (mkdocs.yml lists one hook, `hooks`, which runs every step below in order):
- `directives`: the page grammar, `{{ fact }}` and `<!-- mg:NAME args -->`, and its reference;
- `facts`, `ladder`, `quizzes`, `figures`, `plots`, `diagrams`, `maths`: what the directives and
  the pages' fences and formulas become, computed from the package at build time;
- `fences` (what each page runs, read by the build and by pytest), `runnables` (those blocks
  marked for the browser), `bundle` (the files the in-page Python opens);
- `assets`, `codewidth`, `lighter`: the page's weight, its code on a phone;
- shared rules: `outputs` (a block's output against its page's), `regions` (snippet regions),
  `svg` (the drawings' palette).

The page: `live/` is the Python the reader's browser runs (the figures, the stepper, the
exercises), also imported by the build and the tests.

The tests and benchmarks: `served` (the built site: built, served, read), `chromium` (driving
it in headless Chromium), `bench` (the benchmarks' shared command line), `page_text` (what a
reader reads as prose).

Importable wherever the project is installed (`pip install -e .` puts the checkout on the
path), and in the page's Python, which works in a copy of the checkout.
"""
