"""The audit of typed figures: every figure about our code or our runs comes from code.

A page quotes such a figure as a build-time fact ({{ num_params }}, docsite/facts.py) or shows
it in a checked output block. This test reads every text a reader reads and lists every figure
typed in it; each one must be computed, reworded away, or allowed, one occurrence at a time, with
the reason it may be typed (a date, a figure of somebody else's work cited on the page, an
illustration whose arithmetic is on the page).

What it reads
    The prose of docs/**/*.md, of README.md and of the markdown cells of docs/experiments.py
    (docsite/page_text.py says what is prose: not code (a code block's title is), output blocks,
    maths, facts, link targets,
    HTML tags; the text of raw HTML, a live figure's labels, IS read, and so is inline code or
    maths holding only a number: `0.5` and $0.5$ are typed figures, $T = 0.5$ is a formula). And the reader-facing strings of the .py
    files in PY_TEXTS: quiz questions, choices and explanations, the checks' messages, the live
    figures' captions. There a reader-facing string is a string literal other than a docstring
    with a space in it (a lone "0" or "n_embd" is code, not text); {fields} are computed and
    skipped. Not read: the starter code of exercises (actN_code.py), JavaScript.

What is a figure
    Every number in digits, single digits included (0, 7, 4,192, 0.005, 45%, 1e-5, 10¹⁵), and
    every number word in NUMBER_WORDS ("seven", "a dozen", "half", "twice"; "two-letter" too).
    "one" is not read: it is an article or a pronoun in nearly every sentence.

What is exempt (names, not figures), with no allowance
    1. a number naming a part: Act 3, Acts 1 and 5, rung 4, rungs 2 to 4, Exercise 2, Question 1,
       section 3.2.1, § 2.3, Table 2, Figure 1, Appendix B, Chapter 4, Part 1;
       (not "step 500", "head 2" or "layer 1": those are about a run);
    2. the year of a citation, after "et al.," or after a capitalised name and a comma
       ("Zhang and Sennrich, 2019"); an arXiv identifier (1706.03762);
    3. a version right after Python, CPython, NumPy, Pyodide, Debian or Chromium;
    4. the number of an ordered-list item or a numbered heading ("1. ", "## 2. ");
    5. a digit glued to a word or after letter-hyphen: GPT-2, utf-8, n_embd16 (part of a name).

How to allow one occurrence
    In a .md page, its YAML front matter (MkDocs strips it from the page):

        ---
        typed:
          - figure: "2017"
            near: "records of 2017"
            why: the year of the SSA records
        ---

    `figure` as the audit reports it; `near` is text copied from one line of the page as typed,
    containing the figure; `why` is required (a reason: three words or more). An allowance must cover exactly one occurrence:
    one that matches none (stale) or two (ambiguous: lengthen `near`) fails.
    README.md: the same YAML in an HTML comment that opens the file (`<!--`, `typed:` ..., `-->`),
    since GitHub would show front matter. docs/experiments.py: the same `typed:` list in its
    jupytext header, under `jupyter:` (a key beside it would show on the page as a cell), `near`
    matched without the cell line's leading `# `.
    In a .py text, a comment on the line where the string literal ends:
        "On the scores 1000, 1001, 1002 it now raises OverflowError"  # typed: 1000 1001 1002 -- the check's inputs
    Each listed figure must occur in the strings ending on that line exactly as often as listed;
    the reason after ` -- ` has three words or more.

Run it on one page: .venv/bin/pytest tests/test_hand_typed_numbers.py -k act-3-mind
List every finding: .venv/bin/python tests/test_hand_typed_numbers.py
"""

import ast
import io
import re
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from docsite.page_text import notebook_header, notebook_markdown, prose_lines, split_front_matter

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOK = "docs/experiments.py"
PY_TEXTS = (sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docsite" / "live" / "exercises").glob("act[0-9].py"))
            + ["docsite/live/exercises/__init__.py", "docsite/live/figures.py"])
assert len(PY_TEXTS) > 2, "no exercise files found: the list of reader-facing Python files is out of date"

NUMBER_WORDS = ("zero two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
                "eighty ninety hundred hundreds thousand thousands million millions billion billions "
                "dozen dozens half twice thrice").split()
WORD = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w#^.])(?<![A-Za-z_][-/])\d(?:[\d,.]*\d)?(?:e[-+]?\d+)?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*%?")
PART = re.compile(r"(?:\b(?:acts?|rungs?|exercises?|questions?|sections?|tables?|figures?|appendix|"
                  r"chapters?|parts?)|§)\s*(?:\d[\d.]*\s*(?:,|and|or|to|-|–)\s*)*$", re.IGNORECASE)
CITATION = re.compile(r"(?:\bet al\.|\b[A-Z][\w'-]*),\s*$")
PROGRAM = re.compile(r"\b(?:Python|CPython|NumPy|Pyodide|Debian|Chromium)\s+$")
ARXIV = re.compile(r"\d{4}\.\d{4,5}")
LINE_START = re.compile(r"(?:^\s*(?:#{1,6}\s+)?|\|\s*)\[?$")  # a line, a table cell, a link text
PY_ALLOWANCE = re.compile(r"#\s*typed:\s*(?P<figures>.*?)(?:\s+--\s+(?P<why>.*\S))?\s*$")


@dataclass
class Found:
    line: int
    start: int  # position in the line as written
    end: int
    figure: str
    context: str  # the line, for the message


def is_exempt(text, start, end, figure):
    before, after = text[:start], text[end:]
    if figure[0].isdigit():
        if PART.search(before) or PROGRAM.search(before) or ARXIV.fullmatch(figure):
            return True
        if re.fullmatch(r"(19|20)\d\d", figure) and CITATION.search(before):
            return True
        if LINE_START.search(before) and re.match(r"[.)]\s", after):
            return True
    return False


def figures_in(text):
    """(start, end, figure) of every figure in a blanked line of prose, exempt ones left out."""
    found = [(m.start(), m.end(), m.group(0)) for m in NUMBER.finditer(text)]
    found += [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
    return sorted(f for f in found if not is_exempt(text, *f))


def same_figure(a, b):
    return a.casefold() == b.casefold()


# --- Pages: .md, README.md, the notebook -------------------------------------------------

def readme_allowances(text):
    """The `typed:` YAML of the HTML comment that opens README.md, and the text with that
    comment's lines emptied (they are not prose)."""
    if not text.startswith("<!--"):
        return [], text
    end = text.find("-->")
    if end < 0:
        raise ValueError("the opening HTML comment never closes")
    data = yaml.safe_load(text[4:end]) or {}
    if not isinstance(data, dict):
        return [], text
    lines = text[:end].count("\n") + 1
    rest = text.split("\n")
    return data.get("typed", []), "\n".join([""] * lines + rest[lines:])


def page_text_and_allowances(name, text):
    """(the markdown a reader reads, its allowances) of a page, by its kind."""
    if name == NOTEBOOK:
        header = notebook_header(text)
        if "typed" in header:  # jupytext would show a header key outside `jupyter:` as a cell
            raise ValueError("put `typed:` under `jupyter:` in the header, indented like `kernelspec:`")
        return notebook_markdown(text), (header.get("jupyter") or {}).get("typed", [])
    if name == "README.md":
        allowances, text = readme_allowances(text)
        return text, allowances
    return text, split_front_matter(text)[0].get("typed", [])


def page_figures(markdown):
    return [Found(line.number, start, end, figure, line.raw.strip())
            for line in prose_lines(markdown) for start, end, figure in figures_in(line.text)]


def check_allowances(name, allowances, found, raw_lines):
    """Problems with the allowances, and the set of indexes of `found` they cover."""
    problems, covered = [], set()
    if not isinstance(allowances, list):
        return [f"{name}: `typed:` must be a list of allowances"], covered
    for k, allowance in enumerate(allowances, 1):
        if not isinstance(allowance, dict) or set(allowance) != {"figure", "near", "why"}:
            problems.append(f"{name}: allowance {k} must have exactly figure, near and why: {allowance!r}")
            continue
        figure, near, why = (str(allowance[key] or "").strip() for key in ("figure", "near", "why"))
        if not (figure and near and len(why.split()) >= 3):
            problems.append(f"{name}: allowance {k} ({figure!r}) needs a figure, a near and a why "
                            "(a reason of three words or more)")
            continue
        hits = set()
        for index, f in enumerate(found):
            if not same_figure(f.figure, figure):
                continue
            raw = raw_lines[f.line - 1]
            at = raw.find(near)
            while at >= 0:
                if at <= f.start and f.end <= at + len(near):
                    hits.add(index)
                at = raw.find(near, at + 1)
        where = f"{name}: allowance {k} (figure {figure!r}, near {near!r})"
        if not hits:
            problems.append(f"{where} covers no occurrence: the figure is gone or near does not "
                            "match one line of the page as typed; remove or fix it")
        elif len(hits) > 1:
            lines = sorted(found[i].line for i in hits)
            problems.append(f"{where} covers {len(hits)} occurrences (lines {lines}): an allowance "
                            "is for one; lengthen near")
        elif hits & covered:
            problems.append(f"{where} covers an occurrence another allowance already covers")
        else:
            covered |= hits
    return problems, covered


def page_problems(name, text):
    """Every figure of a page that is neither computed, exempt nor allowed, and every allowance
    that is malformed, stale or ambiguous, as 'name:line: figure | context' lines."""
    try:
        markdown, allowances = page_text_and_allowances(name, text)
    except (ValueError, yaml.YAMLError) as error:
        return [f"{name}: its allowances cannot be read: {error}"]
    found = page_figures(markdown)
    problems, covered = check_allowances(name, allowances, found, markdown.split("\n"))
    problems += [f"{name}:{f.line}: {f.figure}  | {f.context}"
                 for i, f in enumerate(found) if i not in covered]
    return problems


# --- Reader-facing strings of .py files ------------------------------------------------

STRING_PREFIX = re.compile(r"(?i)([rbuf]*)('''|\"\"\"|'|\")")
ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|N\{[^}]*\}|.)", re.DOTALL)
FIELD = re.compile(r"\{[^{}]*\}")  # str.format fields and f-string fields: computed


def blank(match):
    return re.sub(r"[^\n]", " ", match.group(0))


def literal_body(source):
    """The text of a string literal's source, blanked where it is not typed text (fields,
    escapes), positions kept; None for bytes."""
    prefix, quote = STRING_PREFIX.match(source).groups()
    if "b" in prefix.lower():
        return None
    body = " " * (len(prefix) + len(quote)) + source[len(prefix) + len(quote): len(source) - len(quote)]
    body = body.replace("{{", "  ").replace("}}", "  ")
    while FIELD.search(body):  # innermost first: {x:{width}} and {[round(w, 3) for w in ws]}
        body = FIELD.sub(blank, body)
    if "r" not in prefix.lower():
        body = ESCAPE.sub(blank, body)
    body = re.sub(r"<[^>]+>", blank, body)  # HTML tags, as on a page: a live figure's markup
    return re.sub(r"-+8<-+", blank, body)  # a snippet marker the code writes


def docstring_starts(tree):
    starts = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                starts.add((first.lineno, first.col_offset))
    return starts


def string_literals(source):
    """(start (row, col), end (row, col), source text) of every string literal, f-strings whole."""
    starts = [0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if token.type == tokenize.STRING:
            yield token.start, token.end, token.string
        elif tokenize.tok_name[token.type] == "FSTRING_START":  # Python 3.12+: f-strings in pieces
            depth, j = 1, k + 1
            while depth:
                depth += {"FSTRING_START": 1, "FSTRING_END": -1}.get(tokenize.tok_name[tokens[j].type], 0)
                j += 1
            (r1, c1), (r2, c2) = token.start, tokens[j - 1].end
            yield token.start, (r2, c2), source[starts[r1 - 1] + c1: starts[r2 - 1] + c2]
            k = j
            continue
        k += 1


def is_reader_text(body):
    """Words with a space between them: a key, a name or a lone "0" in code is not text."""
    return bool(re.search(r"\S\s+\S", body))


def py_problems(name, source):
    """Typed figures of a .py file's reader-facing strings, and the `# typed:` comments that
    do not match them, as 'name:line: figure | string' lines (line: where the string ends)."""
    tree = ast.parse(source)
    docstrings = docstring_starts(tree)
    found = {}  # line where the literal ends -> [(figure, the literal's text)]
    for start, end, text in string_literals(source):
        if start in docstrings:
            continue
        body = literal_body(text)
        if body is None or not is_reader_text(body):
            continue
        for piece in body.split("\n"):
            for _, _, figure in figures_in(piece):
                found.setdefault(end[0], []).append((figure, " ".join(text.split())))
    problems, allowed = [], {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = PY_ALLOWANCE.match(token.string)
        if not match:
            continue
        line = token.start[0]
        if len((match["why"] or "").split()) < 3:
            problems.append(f"{name}:{line}: `# typed:` needs its reason (three words or more) after ` -- `")
        allowed[line] = Counter(f.casefold() for f in match["figures"].split())
        here = Counter(f.casefold() for f, _ in found.get(line, []))
        for figure, count in allowed[line].items():
            if here[figure] < count:
                problems.append(f"{name}:{line}: `# typed:` lists {figure!r} {count} time(s), but the "
                                f"strings ending on this line have it {here[figure]} time(s)")
    for line, figures in sorted(found.items()):
        budget = Counter(allowed.get(line, {}))
        for figure, text in figures:
            if budget[figure.casefold()] > 0:
                budget[figure.casefold()] -= 1
            else:
                problems.append(f"{name}:{line}: {figure}  | {text}")
    return problems


# --- The audit over this repository --------------------------------------------------------

def pages(root):
    root = Path(root)
    found = [p.relative_to(root).as_posix() for p in sorted((root / "docs").rglob("*.md"))]
    return found + [n for n in ("README.md", NOTEBOOK) if (root / n).exists()]


def problems_of(root, name):
    text = (Path(root) / name).read_text(encoding="utf-8")
    if name.endswith(".py") and name != NOTEBOOK:
        return py_problems(name, text)
    return page_problems(name, text)


@pytest.mark.parametrize("name", pages(ROOT) + PY_TEXTS)
def test_no_text_types_a_figure_by_hand(name):
    problems = problems_of(ROOT, name)
    assert not problems, (f"{len(problems)} typed figure(s) or allowance(s) to fix in {name} "
                          "(make each a fact or an output block, reword it, or allow that one occurrence "
                          "with its reason: see this test's docstring):\n" + "\n".join(problems))


# --- The audit catches what it must (planted pages) -------------------------------------

def test_the_audit_finds_typed_figures_and_skips_code_and_facts():
    page = ("The model has 4,192 parameters and {{ num_params }} weights.\n"
            "Its first loss is `loss.data` in code, `3.3285` typed, $x = 0.25$ in maths, and $2$.\n"
            "```python\nprint(4192)\n```\n"
            "```{.text .output}\n4192\n```\n"
            "$$\n12 \\times 16\n$$\n"
            "A [link](https://example.org/2026/02/12/) and 0.5 too.\n"
            '<div data-steps="1000"><label>Steps <output>100</output></label></div>\n'
            "<!-- quiz: act3 -->\n")
    assert page_problems("page.md", page) == [
        "page.md:1: 4,192  | The model has 4,192 parameters and {{ num_params }} weights.",
        "page.md:2: 3.3285  | Its first loss is `loss.data` in code, `3.3285` typed, $x = 0.25$ in maths, and $2$.",
        "page.md:2: 2  | Its first loss is `loss.data` in code, `3.3285` typed, $x = 0.25$ in maths, and $2$.",
        "page.md:12: 0.5  | A [link](https://example.org/2026/02/12/) and 0.5 too.",
        'page.md:13: 100  | <div data-steps="1000"><label>Steps <output>100</output></label></div>']


def figures(page):
    return [p.split("  | ")[0].split(": ", 1)[1] for p in page_problems("page.md", page)]


def test_a_code_block_title_is_read_and_its_code_is_not():
    page = '```{.python notest title="Not run: takes 3 minutes, see Act 4"}\nprint(12)\n```\n'
    assert figures(page) == ["3"]


def test_a_single_digit_is_a_typed_figure():
    assert figures("Head 2 is the sharp one; 0 of them are wide.\n") == ["2", "0"]


def test_a_number_word_is_a_typed_figure():
    assert figures("Seven heads, a dozen names, half the rate, twice as fast, a two-letter name.\n") == [
        "Seven", "dozen", "half", "twice", "two"]


def test_one_is_not_read_as_a_figure():
    assert figures("One name at a time: each step trains on one.\n") == []


def test_names_are_exempt_and_figures_next_to_them_are_not():
    page = ("## 2. The second part\n"
            "1. In [Act 3](act-3-mind.md), Acts 1 and 5, rungs 2 to 4 and section 3.2.1 of\n"
            "   ([Vaswani et al., 2017](https://arxiv.org/abs/1706.03762); Zhang and Sennrich, 2019),\n"
            "   arXiv 1706.03762, Python 3.12 and GPT-2 with utf-8: no figure.\n"
            "But step 500, head 3 and the year 2017 are figures.\n")
    assert figures(page) == ["500", "3", "2017"]


def test_maths_is_skipped_even_across_lines_and_list_numbers_in_table_cells_are_names():
    page = ("A formula $\\frac{a}{b} =\n\\frac{1}{b}$ then 7, and $$x^2$$ then 8.\n\n"
            "| [2. The engine](act-2-engine.md) | 3 | [4. Training](act-4-training.md) |\n")
    assert figures(page) == ["7", "8", "3"]


def test_scientific_notation_and_fractions_are_read_whole():
    assert figures("A nudge of 1e-6, a ratio of 3/4, 10¹⁵ times, 45% of them.\n") == [
        "1e-6", "3", "4", "10¹⁵", "45%"]


def test_an_allowance_covers_exactly_one_occurrence():
    page = ("---\ntyped:\n  - figure: \"2017\"\n    near: records of 2017\n    why: the SSA year\n---\n"
            "The records of 2017, and again 2017.\n")
    assert page_problems("page.md", page) == ["page.md:7: 2017  | The records of 2017, and again 2017."]


def test_a_stale_allowance_fails():
    page = "---\ntyped:\n  - figure: \"2017\"\n    near: records of 2017\n    why: the SSA year\n---\nNo year.\n"
    assert page_problems("page.md", page) == [
        "page.md: allowance 1 (figure '2017', near 'records of 2017') covers no occurrence: the figure is "
        "gone or near does not match one line of the page as typed; remove or fix it"]


def test_an_allowance_matching_two_occurrences_fails():
    page = ("---\ntyped:\n  - figure: seven\n    near: seven\n    why: an example of seven\n---\n"
            "Its seven heads.\nAnd seven more.\n")
    problems = page_problems("page.md", page)
    assert problems[0] == ("page.md: allowance 1 (figure 'seven', near 'seven') covers 2 occurrences "
                           "(lines [7, 8]): an allowance is for one; lengthen near")
    assert len(problems) == 3  # and both occurrences stay findings


def test_an_allowance_needs_its_reason():
    page = "---\ntyped:\n  - figure: \"7\"\n    near: \"7 heads\"\n    why: \"\"\n---\n7 heads.\n"
    assert page_problems("page.md", page)[0].startswith("page.md: allowance 1 ('7') needs")


def test_front_matter_keeps_the_line_numbers_of_the_file():
    page = "---\ntyped: []\n---\n\nThis line has 5.\n"
    assert page_problems("page.md", page) == ["page.md:5: 5  | This line has 5."]


def test_readme_allows_in_an_opening_html_comment():
    readme = ("<!--\ntyped:\n  - figure: \"30,000\"\n    near: about 30,000\n    why: rounded from the data\n-->\n"
              "# Title\nIt trains on about 30,000 names, 12 at a time.\n")
    assert page_problems("README.md", readme) == [
        "README.md:8: 12  | It trains on about 30,000 names, 12 at a time."]


def test_the_notebook_reads_its_markdown_cells_and_allows_in_its_header():
    notebook = ("# ---\n# jupyter:\n#   jupytext: {}\n#   typed:\n#   - figure: three\n#     near: on three seeds\n"
                "#     why: the seeds the cells loop over\n# ---\n\n# %% [markdown]\n# # Experiments\n#\n"
                "# Each run on three seeds, 10 steps.\n\n# %%\nprint(12345)\n")
    assert page_problems(NOTEBOOK, notebook) == [f"{NOTEBOOK}:13: 10  | Each run on three seeds, 10 steps."]
    beside = notebook.replace("#   typed:", "# typed:")
    assert page_problems(NOTEBOOK, beside)[0].startswith(f"{NOTEBOOK}: its allowances cannot be read: put")


QUIZ = '''"""Act 9's quiz: 42 in a docstring is not read."""

QUIZ = [
    {
        "question": "How many parameters does a model of 27 tokens have?",
        "choices": ["7 of them", "two", "Many of them"],
        "explanation": "Count them: {answer} numbers, of which {n} are biases.",
    },
]
MESSAGE = f"The scores {[round(x, 3) for x in xs]} sum to 1, not {total:.3f}."  # typed: 1 -- a probability's sum
INPUTS = ("Tried on 1000, 1001, "  # typed: 1000 -- the check's input
          "and 1002.")
KEY = "n_embd"
'''


def test_a_quiz_text_in_a_py_file_is_audited():
    assert py_problems("act9.py", QUIZ) == [
        "act9.py:5: 27  | \"How many parameters does a model of 27 tokens have?\"",
        "act9.py:6: 7  | \"7 of them\"",
        "act9.py:11: 1001  | \"Tried on 1000, 1001, \"",
        "act9.py:12: 1002  | \"and 1002.\""]


def test_a_py_allowance_must_match_its_line():
    source = ('A = "Twice the rate and 1000 steps."  # typed: 1000 1000 twice -- the worked example\n'
              'B = "b c"  # typed: 7 -- a stale allowance\nC = "7 heads"  # typed: 7 -- why\n')
    assert py_problems("x.py", source) == [
        "x.py:1: `# typed:` lists '1000' 2 time(s), but the strings ending on this line have it 1 time(s)",
        "x.py:2: `# typed:` lists '7' 1 time(s), but the strings ending on this line have it 0 time(s)",
        "x.py:3: `# typed:` needs its reason (three words or more) after ` -- `"]


if __name__ == "__main__":  # every finding of the repository, file by file
    total = 0
    for name in pages(ROOT) + PY_TEXTS:
        problems = problems_of(ROOT, name)
        total += len(problems)
        for problem in problems:
            print(problem)
    print(f"{total} finding(s)", file=sys.stderr)
