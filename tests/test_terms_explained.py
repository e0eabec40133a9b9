"""Every glossary term is explained in plain words where a page first uses it.

The terms are the `###` headings of docs/glossary.md, read at test time: "Learning rate";
"BPE (byte-pair encoding)" gives two forms, "BPE" and "byte-pair encoding"; "Query, key,
value" gives three terms. A form matches as a whole word, with its plural (s, es, y -> ies),
with a space or a hyphen between its words; a form with a capital letter after its first
character (BOS, GPT, MLP, ReLU, LayerNorm) matches only as written, any other form in any case.
Where forms overlap, the longest wins: "gradient descent" is a use of Gradient descent, not of
Gradient; "learning-rate decay" is not a use of Learning rate. Three words are not read alone,
since their everyday sense is on every page ("the value of", "a key", "at any moment"): key, value
and moment (EVERYDAY); "query" still is, and its explanation is where key and value belong.

The rule, on every page but the glossary (docs/**/*.md and the notebook's markdown cells):
the first use of a term is its definition, written in bold, in a sentence that says in plain
words what it is:

    The **learning rate**, how far each step moves a weight, is ...

- The use must lie inside `**...**` (or `__...__`); a longer bold phrase and a bold link text are
  fine (`[**learning rate**](glossary.md#learning-rate), how far ...`). A link alone does not
  explain a term: a plain link at the first use fails.
- Headings and the titles of admonitions, folds and tabs neither use nor define a term.
- The main road stands alone: the first use OUTSIDE folded blocks (`???` without +) must be the
  bold one, even if a fold above explained the term. Inside a fold, a term the main road above has
  not yet explained must be explained (in bold) at its first use in that fold.
- Prose is what docsite/page_text.py says (code, output blocks, maths, facts, link targets, raw
  HTML are not read; tables, lists and admonitions are).

Run it on one page: .venv/bin/pytest tests/test_terms_explained.py -k act-3-mind
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from docsite.page_text import notebook_markdown, prose_lines

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = "docs/glossary.md"
NOTEBOOK = "docs/experiments.py"
TERM_HEADING = re.compile(r"^###\s+(?P<name>.+?)\s*(?:\{#[^}]*\})?\s*$", re.MULTILINE)
EVERYDAY = {"key", "value", "moment"}
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")


@dataclass
class Term:
    name: str  # the glossary heading, as the message names it
    pattern: re.Pattern


def form_pattern(form):
    words = [re.escape(w) for w in re.split(r"[\s-]+", form.strip())]
    last = words[-1]
    words[-1] = (last[:-1] + "(?:y|ies)") if last.endswith("y") else last + "(?:s|es)?"
    body = r"[\s-]+".join(words)
    exact = any(c.isupper() for c in form[1:])
    return f"(?{'' if exact else 'i'}:(?<![\\w]){body}(?![\\w]))"


def glossary_terms(glossary_text):
    """Every term of the glossary, with the pattern that finds its forms."""
    terms = []
    for heading in TERM_HEADING.finditer(glossary_text):
        name = heading["name"]
        main, _, alias = name.partition("(")
        forms = [f for f in re.split(r",\s*", main) if f.strip() and f.strip().lower() not in EVERYDAY]
        alias = alias.rstrip(")").strip()
        if not forms:
            continue
        if len(forms) > 1:  # "Query, key, value": a term each
            terms += [Term(f.strip(), re.compile(form_pattern(f))) for f in forms]
            continue
        patterns = [form_pattern(forms[0])] + ([form_pattern(alias)] if alias else [])
        terms.append(Term(name, re.compile("|".join(patterns))))
    return terms


def uses(terms, text):
    """(start, end, term) of every use in a blanked line, the longest winning where they overlap."""
    found = sorted(((m.start(), m.end(), t) for t in terms for m in t.pattern.finditer(text)),
                   key=lambda f: (f[0], -(f[1] - f[0])))
    kept, reach = [], -1
    for start, end, term in found:
        if start >= reach:
            kept.append((start, end, term))
            reach = end
    return kept


def in_bold(raw, start, end):
    return any(b.start() <= start and end <= b.end() for b in BOLD.finditer(raw))


def unexplained_terms(name, markdown, terms):
    """'name:line: ...' for each term whose first use (on the main road, or in a fold before
    the main road explains it) is not in bold."""
    problems, main, in_fold = [], set(), {}
    for line in prose_lines(markdown):
        if line.heading:
            continue
        for start, end, term in uses(terms, line.text):
            known = main if line.fold is None else main | in_fold.setdefault(line.fold, set())
            if term.name in known:
                continue
            (main if line.fold is None else in_fold[line.fold]).add(term.name)
            if not in_bold(line.raw, start, end):
                where = "" if line.fold is None else " (in a folded block the main road has not explained it in)"
                problems.append(f"{name}:{line.number}: {line.raw[start:end]!r} ({term.name}) is first used "
                                f"here{where} without its explanation: write this use in **bold** in a sentence "
                                f"that says what it is, or explain it before  | {line.raw.strip()}")
    return problems


def term_pages(root):
    root = Path(root)
    found = [p.relative_to(root).as_posix() for p in sorted((root / "docs").rglob("*.md"))]
    return [n for n in found if n != GLOSSARY] + ([NOTEBOOK] if (root / NOTEBOOK).exists() else [])


def problems_of(root, name):
    terms = glossary_terms((Path(root) / GLOSSARY).read_text(encoding="utf-8"))
    text = (Path(root) / name).read_text(encoding="utf-8")
    return unexplained_terms(name, notebook_markdown(text) if name == NOTEBOOK else text, terms)


@pytest.mark.parametrize("name", term_pages(ROOT))
def test_every_term_is_explained_where_the_page_first_uses_it(name):
    problems = problems_of(ROOT, name)
    assert not problems, (f"{len(problems)} glossary term(s) used in {name} before they are explained "
                          "(see this test's docstring):\n" + "\n".join(problems))


def test_the_glossary_has_terms():
    names = [t.name for t in glossary_terms((ROOT / GLOSSARY).read_text(encoding="utf-8"))]
    assert len(names) >= 40 and len(set(names)) == len(names)


# --- The check catches what it must (a planted glossary and pages) ---------------------

PLANTED_GLOSSARY = """# Glossary
## L-M {#l-m}
### Learning rate {#learning-rate}
How far a step moves a weight.
### Learning-rate decay {#learning-rate-decay}
Shrinking it.
### BPE (byte-pair encoding) {#bpe}
A tokenizer.
### Query, key, value {#query-key-value}
Three vectors.
### GPT {#gpt}
The model.
### Token {#token}
One symbol.
"""


def check(page):
    return [p.split("  | ")[0] for p in unexplained_terms("page.md", page, glossary_terms(PLANTED_GLOSSARY))]


def test_a_term_used_before_it_is_explained_fails():
    assert check("Each step moves by the learning rate.\n\nThe **learning rate** is how far.\n") == [
        "page.md:1: 'learning rate' (Learning rate) is first used here without its explanation: write "
        "this use in **bold** in a sentence that says what it is, or explain it before"]


def test_a_bold_first_use_passes_and_later_uses_are_free():
    assert check("The **learning rates**, how far a step moves, and later the learning rate again.\n"
                 "Each **token** (one letter) and tokens.\n") == []


def test_a_link_alone_is_not_an_explanation():
    assert check("See the [learning rate](glossary.md#learning-rate).\n") == [
        "page.md:1: 'learning rate' (Learning rate) is first used here without its explanation: write "
        "this use in **bold** in a sentence that says what it is, or explain it before"]
    assert check("The [**learning rate**](glossary.md#learning-rate), how far a step moves.\n") == []


def test_forms_aliases_capitals_and_the_longest_match():
    page = ("## Learning rate and GPT\n"            # a heading neither uses nor defines
            "Its **learning-rate decay** shrinks it, and **BPE** splits text.\n"
            "A gpt is not the GPT-2 model; byte-pair encoding again; the Queries and a key.\n")
    assert [p.split(" (")[0] for p in check(page)] == ["page.md:3: 'GPT'", "page.md:3: 'Queries'"]


def test_the_main_road_stands_alone_and_folds_explain_their_own():
    page = ("??? note \"Look closer\"\n"
            "    The **learning rate** is how far a step moves; a token is one symbol.\n"
            "\n"
            "Back on the main road, the learning rate.\n")
    assert [p.split(" is first")[0] for p in check(page)] == [
        "page.md:2: 'token' (Token)", "page.md:4: 'learning rate' (Learning rate)"]


def test_code_maths_and_link_targets_are_not_uses():
    assert check("Call `learning_rate` or `token`, $token$, [x](glossary.md#token).\n") == []


if __name__ == "__main__":  # every finding of the repository, page by page
    total = 0
    for page in term_pages(ROOT):
        problems = problems_of(ROOT, page)
        total += len(problems)
        print("\n".join(problems)) if problems else None
    print(f"{total} finding(s)", file=sys.stderr)
