"""Long code lines on a phone: each one soft-wraps, with a hanging indent and a marker.

On a 1280px page every code block fits (the package and the pages keep their lines short, and
tests/test_browser.py checks it). A phone shows about 45 monospace characters, and the exhibit
is not rewritten to that width. So, at phone width only (docs/stylesheets/extra.css, section
"Code widths and plots"), a line that does not fit wraps instead of scrolling: its continuation
starts four columns deeper than the line itself, beside a bar in the margin, so a wrapped line
never passes for two lines of Python.

CSS alone cannot indent each line by its own indentation, so this step marks, at build time,
every line of a code block longer than PHONE_CHARS characters with its indentation:
<span class="cw" style="--cw:N">...</span>. Shorter lines are left as they are (no element per
line: they would weigh on the longest pages' DOM for nothing). Indentation deeper than
FULL_INDENT columns (continuation lines aligned under a bracket, mostly) is drawn at half
width on a phone, in every line of the block alike: deeper stays deeper, and a phone keeps
room for the code. The text of the block does not change: textContent and innerText, what the
runnable blocks and the copy button read, are the same as without this step.

The step also writes each block's height in lines on its <pre>: --lines, and --rows-N, the rows
it takes once its long lines wrap on a phone that fits N characters a row (PHONE_ROWS). extra.css
uses them as the placeholder height of a block the browser has not drawn yet (it skips code
far off screen, content-visibility): with a placeholder of the right height, nothing below a
block moves when the block is drawn, as the reader (or an accessibility checker) scrolls.
"""

import html
import math
import re

PHONE_CHARS = 32  # longer lines may wrap on a phone: 40 fit at 390px, 36 in an exercise
FULL_INDENT = 8  # on a phone, indentation past 8 columns is drawn at half width (.cw-deep)
# Characters in a row of code on a phone, for the placeholder heights: a block in the text fits
# about 38 at 360px, 42 at 412px, 50 at 480px (a block in a note, in smaller type, a few more).
# extra.css picks one of these by the width of the screen.
PHONE_ROWS = (38, 42, 45, 52)

CODE = re.compile(r"(<pre\b)([^>]*>(?:<span></span>)?<code\b[^>]*>)(.*?)(</code></pre>)", re.S)
TAG = re.compile(r"<(/?)([a-zA-Z]+)\b[^>]*>")


def mark_long_lines(inner):
    """(the inner HTML of one <code>, each long line wrapped in a span that carries its indent,
    {N: the rows the block takes on a phone of N characters a row, for N in PHONE_ROWS})."""
    out, stack = [], []  # stack: the tags open where the current line begins
    rows = dict.fromkeys(PHONE_ROWS, 0)
    for line in inner.split("\n"):
        opened = list(stack)
        for tag in TAG.finditer(line):  # which tags are open at the end of this line
            if tag.group(1):
                if stack:
                    stack.pop()
            else:
                stack.append(tag.group(0))
        text = html.unescape(TAG.sub("", line))
        indent = len(text) - len(text.lstrip(" "))
        if indent > FULL_INDENT and not opened and line.startswith(" " * indent):
            # every line of the block alike, long or not, so that siblings stay aligned
            line = (" " * FULL_INDENT + '<span class="cw-deep">'
                    + " " * (indent - FULL_INDENT) + "</span>" + line[indent:])
            indent = FULL_INDENT + (indent - FULL_INDENT) / 2
        for width in PHONE_ROWS:
            rows[width] += phone_rows(len(text), indent, width)
        if len(text) <= PHONE_CHARS:
            out.append(line)
            continue
        out.append(f'{closing(opened)}<span class="cw" style="--cw:{indent}">{"".join(opened)}'
                   f'{line}{closing(stack)}</span>{"".join(stack)}')
    return "\n".join(out), rows


def phone_rows(length, indent, width):
    """Rows a line of `length` characters takes on a phone of `width` characters a row: the
    first row holds `width`, each continuation `width` less the hanging indent (indent + 4, as
    extra.css draws it)."""
    if length <= width:
        return 1
    return 1 + math.ceil((length - width) / max(width - indent - 4, 8))


def sized(match):
    """One code block, its long lines marked, its heights in lines on its <pre>."""
    pre, rest, inner, end = match.groups()
    body = inner.removesuffix("\n")  # Pygments ends the last line with a newline
    marked, rows = mark_long_lines(body)
    lines = body.count("\n") + 1
    heights = ";".join([f"--lines:{lines}"] + [f"--rows-{n}:{rows[n]}" for n in PHONE_ROWS])
    return f'{pre} style="{heights}"{rest}{marked}{inner[len(body):]}{end}'


def closing(tags):
    return "".join(f"</{TAG.match(tag).group(2)}>" for tag in reversed(tags))


def mark_code(content: str) -> str:
    return CODE.sub(sized, content)
