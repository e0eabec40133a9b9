"""One palette for the drawings the site makes with matplotlib: named roles, in the site's colours.

A drawing is made in placeholder colours, one per role, then each placeholder becomes the CSS
variable of its role, `--mg-plot-ROLE`, which extra.css sets for the light and the dark palette
(ink and muted are Material's text colours, paper its background). So a drawing inline in a page
follows the reader's palette. Each variable carries a fallback, the role's light colour, for a
drawing opened on its own. A placeholder means its one role wherever it is used.
"""

from __future__ import annotations

import re

# role: (placeholder colour, light colour)
ROLES = {
    "ink": ("#010101", "#1f2937"),  # text, axes, a reference line
    "muted": ("#020202", "#6b7280"),  # a quieter ink: the raw series under its mean, axis names
    "accent": ("#030303", "#4f46e5"),  # the series the figure is about
    "second": ("#040404", "#c2410c"),  # a second series, set against the accent
    "paper": ("#050505", "#ffffff"),  # the page: text drawn on an accent cell
    "faint": ("#060606", "#d1d5db"),  # grid, hatching, zero lines
}
INK, MUTED, ACCENT, SECOND, PAPER, FAINT = (placeholder for placeholder, _ in ROLES.values())
VARIABLE = re.compile(r"var\(--mg-plot-[a-z]+, (#[0-9a-f]{6})\)")


def colour(role: str) -> str:
    """The CSS colour of a role, for a drawing written by hand."""
    return f"var(--mg-plot-{role}, {ROLES[role][1]})"


def in_site_colours(svg: str) -> str:
    """Each placeholder of a drawing made the CSS variable of its role."""
    for role, (placeholder, _) in ROLES.items():
        svg = svg.replace(placeholder, colour(role))
    return svg


def standalone(svg: str) -> str:
    """A drawing in the site's colours, with its light colours alone: for a file seen by itself."""
    return VARIABLE.sub(r"\1", svg)
