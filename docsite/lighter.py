"""Lighter pages: what a built page carries that changes nothing a reader sees.

- Inline drawings' coordinates, rounded to a tenth of a unit. Mermaid and matplotlib
  write them to six or more decimals ("29.81406307220459"), and on the home page those
  digits were most of the file. A tenth of a unit is a tenth of a pixel or less on any
  drawing at least MIN_WIDTH units wide, so the picture does not change; smaller
  drawings (Material's 24-unit icons) are left as they are.
- Groups in drawings that only carry a name: matplotlib wraps every tick, label and patch
  in a <g id="..."> of its own (on Act 3's attention plot, 558 of its 622 groups). A group
  with no other attribute draws nothing and changes nothing it holds, so it goes unless
  something points at its name (href="#..." or url(#...)); so does the whitespace between a
  drawing's tags, which is only text nodes for the browser to keep.
- Pygments' spans around names and whitespace in code. Material colours a name as
  plain code (--md-code-hl-name-color is --md-code-fg-color) and whitespace not at all,
  so each such span is one more element for the phone to parse, style and lay out
  (on Act 3, more than a tenth of all its elements) and nothing else.
- Its spans around operators and punctuation too. This one changes the colours: operators
  and punctuation are drawn in the code's own ink instead of a slightly lighter one (more
  contrast, not less), for a page with about a fifth fewer elements to style and lay out.

Runs last, on the finished HTML, after every other step has written it (docsite/hooks.py).
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
    """svg with its coordinates to one decimal and its name-only groups gone, if the
    drawing is large enough."""
    width = VIEWBOX.search(svg[:svg.index(">")])
    if not width or float(width.group(1)) < MIN_WIDTH:
        return svg
    svg = GEOMETRY.sub(lambda m: m.group(1) + NUMBER.sub(tenth, m.group(2)) + '"', svg)
    return BETWEEN_TAGS.sub("><", unwrap_named_groups(svg))


GROUP = re.compile(r"<(/?)g\b([^>]*?)(/?)>")
NAME_ONLY = re.compile(r'\s*id="([^"]*)"\s*')
REFERENCE = re.compile(r'(?:href="|url\()#([^")]+)')
# Line breaks and indentation between tags; not around a <tspan>, where a space is a word's
BETWEEN_TAGS = re.compile(r"(?<!</tspan)>\s*\n\s*<(?!/?tspan|/text)")


def unwrap_named_groups(svg):
    """svg without its <g id="..."> groups that no one refers to; their contents stay."""
    referred = set(REFERENCE.findall(svg))
    kept = []  # for each open group: is its tag kept?
    def one(m):
        closing, attributes, empty = m.groups()
        if closing:
            return m.group() if kept.pop() else ""
        name = NAME_ONLY.fullmatch(attributes)
        drop = name is not None and name.group(1) not in referred
        if not empty:
            kept.append(not drop)
        return "" if drop else m.group()
    return GROUP.sub(one, svg)


# Exactly Pygments' markup for a name, whitespace, an operator or punctuation: text only.
PLAIN_SPAN = re.compile(r'<span class="(?:n|w|o|p)">([^<]*)</span>')


def lighten(output: str) -> str:
    output = SVG.sub(lambda m: compact(m.group()), output)
    return PLAIN_SPAN.sub(r"\1", output)
