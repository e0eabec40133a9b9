"""Snippet regions: the named pieces of a source file that a page shows.

A region is written in the file as pymdownx.snippets reads it:

    # --8<-- [start:forward]
    def forward(...):
        ...
    # --8<-- [end:forward]

and a page includes it with `--8<-- "microgpt/ladder/attention.py:forward"`. Every other reader
of a region (the ladder's diffs, the exercises' tests, the rule that each region is shown on
some page) cuts it here, the way pymdownx does with mkdocs.yml's `dedent_subsections: true`:
the lines between the markers, other markers left out, dedented to their least indent.
"""

from __future__ import annotations

import re
from pathlib import Path

# pymdownx.snippets' own syntax for a region marker (a `;` before it escapes it)
MARKER = re.compile(r"(?<!;)-+8<-+[ \t]+\[[ \t]*(start|end)[ \t]*:[ \t]*([a-z][-_0-9a-z]*)[ \t]*\]", re.IGNORECASE)


def markers(text: str) -> list[tuple[int, str, str]]:
    """(1-based line, "start" or "end", name) of every region marker of a source text."""
    return [(number, kind.lower(), name)
            for number, line in enumerate(text.splitlines(), 1)
            for kind, name in MARKER.findall(line)]


def cut(text: str, name: str | None = None) -> list[str]:
    """The lines of region `name` of a source text (of the whole text if None), as a page
    shows them: without marker lines, and a region dedented. LookupError if it has no such region."""
    lines = text.splitlines()
    if name is not None:
        found = markers(text)
        start = next((n for n, kind, found_name in found if kind == "start" and found_name == name), None)
        end = next((n for n, kind, found_name in found if kind == "end" and found_name == name
                    and start is not None and n > start), None)
        if start is None or end is None:
            raise LookupError(f"no region {name!r}")
        lines = [line for line in lines[start : end - 1] if not MARKER.search(line)]
        indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
        return [line[indent:] for line in lines]
    return [line for line in lines if not MARKER.search(line)]


def region(path: Path | str, name: str | None = None) -> str:
    """cut() of a file, as one text."""
    return "\n".join(cut(Path(path).read_text(encoding="utf-8"), name))
