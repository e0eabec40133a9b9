"""What a reader reads as prose on a page: shared by the typed-figures audit and the terms test.

A page is a docs/**/*.md file, README.md, or the markdown cells of the notebook page
(docs/experiments.py, jupytext's percent format). `prose_lines(text)` gives each line of prose
with everything that is not prose blanked out by spaces of the same length, so that a position
in the blanked line is the same position in the line as written:

- skipped lines: the front matter, code fences and output blocks (indented ones too; a fence's
  title="..." is read, as a heading: the reader sees it above the block), `$$`
  maths blocks, HTML comments that open a line (the page's directives, but a plot's alt text is read), `--8<--` lines;
- blanked spans: inline code and inline maths (unless one holds only a number: a figure in
  backticks or dollars, `0.5` or $0.5$, is still a typed figure), {{ facts }}, link targets, reference labels, attribute lists,
  HTML tags (the text between them is read: a live figure's labels and options are text a
  reader reads), footnote markers, bare web addresses.

Each line also says whether it is a heading (`#`, an admonition's or a content tab's title) and
in which folded block (`???` without +) it sits, as the number of the line that opened the fold.
"""

import re
from dataclasses import dataclass

import yaml

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
FENCE_TITLE = re.compile(r'\btitle="([^"]*)"')
ADMONITION = re.compile(r"^(?P<indent>\s*)(?P<kind>!!!|\?\?\?\+?|===)\s*(?P<rest>.*)$")
HEADING = re.compile(r"^\s*#{1,6}\s")
SNIPPET = re.compile(r"^\s*-+8<-+")
PLOT_ALT = re.compile(r"^\s*<!-- mg:plot \S+ (.*?) -->\s*$")
CODE_SPAN = re.compile(r"`+[^`]*`+")
NUMBER_ONLY = re.compile(r"-?\d[\d,.]*(?:e[-+]?\d+)?%?")
NOT_PROSE = [
    re.compile(r"\{\{[^}]*\}\}"),                # facts, filled in at build time
    re.compile(r"\]\([^)]*\)"),                  # link targets
    re.compile(r"\]\[[^\]]*\]"),                 # reference-link labels
    re.compile(r"\{[#:.][^}]*\}"),               # attribute lists and heading anchors
    re.compile(r"<[^>]+>"),                      # HTML tags and autolinks
    re.compile(r"\[\^[^\]]*\]"),                 # footnote markers
    re.compile(r"https?://\S+"),                 # bare web addresses
    re.compile(r"-+8<-+"),                       # snippet markers inside a sentence
]


@dataclass
class Line:
    number: int  # 1-based line in the file
    raw: str  # as written
    text: str  # the same length, with what is not prose blanked out
    heading: bool  # a heading or a block's title: names things, neither uses nor defines a term
    fold: int | None  # the line of the `???` that opened the folded block it sits in, if any


def blank(match):
    return " " * len(match.group(0))


def mask(line, maths_open=False):
    """(the line with everything that is not prose replaced by spaces, positions kept; whether
    an inline `$` formula is still open at its end and continues on the next line)."""
    def code(match):
        inner = match.group(0).strip("`")
        if NUMBER_ONLY.fullmatch(inner.strip()):  # `3.3285` is a figure, not code
            return match.group(0).replace("`", " ")
        return blank(match)

    line = CODE_SPAN.sub(code, line)
    out, start = [], 0
    for dollar in re.finditer(r"(?<!\\)\$+", line):  # maths: from an opening $ to its closing $
        if maths_open:
            inner = line[start:dollar.start()]
            opened_here = start > 0 and line[start - 1] == "$"
            # $0.5$ is a figure, not a formula: kept, like `0.5`
            out.append(inner if opened_here and NUMBER_ONLY.fullmatch(inner.strip()) else " " * len(inner))
            out.append(" " * len(dollar.group(0)))
        else:
            out.append(line[start:dollar.start()] + " " * len(dollar.group(0)))
        maths_open, start = not maths_open, dollar.end()
    out.append(" " * (len(line) - start) if maths_open else line[start:])
    line = "".join(out)
    for pattern in NOT_PROSE:
        line = pattern.sub(blank, line)
    return line, maths_open


def split_front_matter(text):
    """(the YAML front matter as a dict, the number of lines it takes) of a markdown text."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            data = yaml.safe_load("\n".join(lines[1:end])) or {}
            if not isinstance(data, dict):
                raise ValueError("the front matter is not a YAML mapping")
            return data, end + 1
    raise ValueError("the front matter opened with --- on line 1 never closes")


def notebook_markdown(text):
    """A percent-format notebook as a markdown text with the same lines: the markdown cells
    without their `# `, every other line (header, code cells) empty."""
    out, in_markdown = [], False
    for line in text.split("\n"):
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            out.append("")
        elif in_markdown and (line.startswith("# ") or line == "#"):
            out.append(line[2:] if line.startswith("# ") else "")
        else:  # a code line, or the blank line that ends a cell
            in_markdown = in_markdown and line.startswith("#")
            out.append("")
    return "\n".join(out)


def notebook_header(text):
    """The YAML of a percent-format notebook's header (`# ---` ... `# ---`), as a dict."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "# ---":
        return {}
    for end in range(1, len(lines)):
        if lines[end].strip() == "# ---":
            body = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines[1:end]]
            return yaml.safe_load("\n".join(body)) or {}
    raise ValueError("the notebook header opened with # --- on line 1 never closes")


def prose_lines(text):
    """Every line of prose of a markdown text, as Line records, in order."""
    _, skip = split_front_matter(text)
    fence, maths, inline_maths = None, False, False
    folds = []  # (indent of the ??? line, its line number), innermost last
    for number, raw in enumerate(text.split("\n"), start=1):
        if number <= skip:
            continue
        if fence is not None:
            stripped = raw.strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = None
            continue
        opening = FENCE.match(raw)
        if opening:
            fence = opening.group(1)
            title = FENCE_TITLE.search(raw)  # shown above the block: read like a heading
            if title:
                text = " " * title.start(1) + title.group(1) + " " * (len(raw) - title.end(1))
                yield Line(number, raw, mask(text)[0], True, folds[-1][1] if folds else None)
            continue
        if raw.strip() == "$$":
            maths = not maths
            continue
        if maths:
            continue
        if not raw.strip():
            inline_maths = False  # a formula never runs past its paragraph
        if raw.strip():  # a line at or left of a fold's ??? closes that fold
            indent = len(raw) - len(raw.lstrip())
            while folds and indent <= folds[-1][0]:
                folds.pop()
        block = ADMONITION.match(raw)
        if block and block["kind"].startswith("???") and block["kind"] != "???+":
            folds.append((len(block["indent"]), number))
        alt = PLOT_ALT.match(raw)  # a plot's alt text (docsite/directives.py) is read as prose
        if alt:
            text = " " * alt.start(1) + alt.group(1) + " " * (len(raw) - alt.end(1))
            yield Line(number, raw, mask(text)[0], False, folds[-1][1] if folds else None)
            continue
        if raw.lstrip().startswith("<!--") or SNIPPET.match(raw):
            continue
        heading = bool(HEADING.match(raw)) or bool(block)
        text, inline_maths = mask(raw, inline_maths)
        yield Line(number, raw, text, heading, folds[-1][1] if folds else None)
