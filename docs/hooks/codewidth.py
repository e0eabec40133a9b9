"""Long code lines on a phone: each one soft-wraps, with a hanging indent and a marker.

On a 1280px page every code block fits (the package and the pages keep their lines short, and
tests/test_browser.py checks it). A phone shows about 45 monospace characters, and the exhibit
is not rewritten to that width. So, at phone width only (docs/stylesheets/extra.css, section
"Code widths and plots"), a line that does not fit wraps instead of scrolling: its continuation
starts four columns deeper than the line itself, beside a bar in the margin, so a wrapped line
never passes for two lines of Python.

CSS alone cannot indent each line by its own indentation, so this hook marks, at build time,
every line of a code block longer than PHONE_CHARS characters with its indentation:
<span class="cw" style="--cw:N">...</span>. Shorter lines are left as they are (no element per
line: they would weigh on the longest pages' DOM for nothing). Indentation deeper than
FULL_INDENT columns (continuation lines aligned under a bracket, mostly) is drawn at half
width on a phone, in every line of the block alike: deeper stays deeper, and a phone keeps
room for the code. The text of the block does not change: textContent and innerText, what the
runnable blocks and the copy button read, are the same as without this hook.
"""

import html
import re

PHONE_CHARS = 32  # longer lines may wrap on a phone: 40 fit at 390px, 36 in an exercise
FULL_INDENT = 8  # on a phone, indentation past 8 columns is drawn at half width (.cw-deep)

CODE = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?<code\b[^>]*>)(.*?)(</code></pre>)", re.S)
TAG = re.compile(r"<(/?)([a-zA-Z]+)\b[^>]*>")


def mark_long_lines(inner):
    """The inner HTML of one <code>, each long line wrapped in a span that carries its indent."""
    out, stack = [], []  # stack: the tags open where the current line begins
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
        if len(text) <= PHONE_CHARS:
            out.append(line)
            continue
        out.append(f'{closing(opened)}<span class="cw" style="--cw:{indent}">{"".join(opened)}'
                   f'{line}{closing(stack)}</span>{"".join(stack)}')
    return "\n".join(out)


def closing(tags):
    return "".join(f"</{TAG.match(tag).group(2)}>" for tag in reversed(tags))


def on_page_content(content, page, config, files):
    return CODE.sub(lambda m: m.group(1) + mark_long_lines(m.group(2)) + m.group(3), content)
