"""Lighter pages: what a built page carries that changes nothing a reader sees.

- Inline drawings' coordinates, rounded to a tenth of a unit. Mermaid and matplotlib
  write them to six or more decimals ("29.81406307220459"), and on the home page those
  digits were most of the file. A tenth of a unit is a tenth of a pixel or less on any
  drawing at least MIN_WIDTH units wide, so the picture does not change; smaller
  drawings (Material's 24-unit icons) are left as they are.
- Pygments' spans around names and whitespace in code. Material colours a name as
  plain code (--md-code-hl-name-color is --md-code-fg-color) and whitespace not at all,
  so each such span is one more element for the phone to parse, style and lay out
  (on Act 3, more than a tenth of all its elements) and nothing else.

Runs last, on the finished HTML (on_post_page).
"""

import re

MIN_WIDTH = 100  # viewBox units: below this, a tenth of a unit could show
SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.DOTALL)  # drawings are not nested in our pages
# Case-blind: the notebook's HTML passes through a parser that writes "viewbox" (which
# browsers read as viewBox in an inline SVG).
VIEWBOX = re.compile(r'viewBox="[-\d.]+[ ,]+[-\d.]+[ ,]+([\d.]+)', re.IGNORECASE)
# The attributes that hold coordinates; text, labels and styles keep their digits.
ATTRIBUTES = "d|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|width|height|viewBox|transform|points"
GEOMETRY = re.compile(rf'(\s(?:{ATTRIBUTES})=")([^"]*)"', re.IGNORECASE)
# A whole number of the attribute: not part of SVG's packed path syntax ("1.3.014", "2-.045"),
# where rounding one part would run it into the next.
NUMBER = re.compile(r"(?<![\d.])-?\d+\.\d+(?:e-?\d+)?(?![\d.eE])")


def tenth(match):
    text = f"{float(match.group()):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compact(svg):
    """svg with its coordinates to one decimal, if the drawing is large enough."""
    width = VIEWBOX.search(svg[:svg.index(">")])
    if not width or float(width.group(1)) < MIN_WIDTH:
        return svg
    return GEOMETRY.sub(lambda m: m.group(1) + NUMBER.sub(tenth, m.group(2)) + '"', svg)


# Exactly Pygments' markup for a name or a run of whitespace: text only, no nested tag.
PLAIN_SPAN = re.compile(r'<span class="(?:n|w)">([^<]*)</span>')


def on_post_page(output, page, config):
    output = SVG.sub(lambda m: compact(m.group()), output)
    return PLAIN_SPAN.sub(r"\1", output)
