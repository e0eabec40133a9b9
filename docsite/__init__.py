"""The site's machinery, beside the package it explains (not part of the wheel).

- `hooks`: the one MkDocs hook; each build event runs the steps below in order.
- the build's steps: `facts`, `ladder`, `fences` (what each page runs), `quizzes`, `figures`,
  `diagrams`, `plots`, `codewidth`, `maths`, `assets`, `lighter`.
- `live/`: the Python the reader's browser runs (figures, the stepper, the exercises), also
  imported by the build and the tests.
- `served`, `chromium`, `bench`, `page_text`: the built site (built, served, read), driven in
  headless Chromium, the benchmarks' shared command line, and what counts as prose on a page.

Importable wherever the project is installed (`pip install -e .` puts the checkout on the
path), and in the page's Python, which works in a copy of the checkout.
"""
