"""The audit of hand-typed numbers: every figure about our code or our runs comes from code.

A page quotes such a figure as a build-time fact ({{ num_params }}, docs/hooks/facts.py) or shows
it in a checked output block. This test reads the prose of every page (outside code fences,
output blocks, inline code, maths, link targets, facts and HTML tags) and lists every number of
two or more digits, or with a decimal point. Each one must be in ALLOWED below, with the reason it
may be typed: a date, a figure of somebody else's work with its source on the page, or a small
illustration whose arithmetic is on the page. Anything else fails the test, with the page and line:
make it a fact or an output block instead, or, if it is not about our code, add it here with why.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# page -> numbers that may be typed there, and why
ALLOWED = {
    "act-1-world.md": {"2017"},                      # the year of the SSA records
    "act-3-mind.md": {"2019", "2023", "2017",        # the years of the cited papers (RMSNorm, LLaMA,
                      "3.2.1"},                      # the transformer) and the section cited
    "act-2-engine.md": {"6.0", "3.0", "2.0",          # the a * b example, computed beside the prose
                        "1.1", "150",                 # the exchange-rate analogy
                        "0.01",                       # the nudge of the worked example, with its sum
                        "64",                         # an illustrative setting (n_embd 64), run below
                        "11"},                        # the double-backward sum worked out in the text
    "act-4-training.md": {"2000",                    # the flag value of an example command
                          "1000"},                   # a test input of an exercise's check
    "act-5-voice.md": {"0.3", "0.7", "0.2", "0.1",    # the three-letter weighting example
                       "0.5", "1.0", "1.5",           # the temperatures of the figure (plots.py)
                       "20000"},                      # the sample size of an exercise's check
    "complete-picture.md": {"12", "768", "2019", "117", "50,257", "1024", "2.3", "2.1", "124",
                            "40",                     # GPT-2's published figures, each cited there
                            "2017", "1706.03762",     # the citation of the transformer paper
                            "1.5",                    # GPT-2's 1.5 billion parameters, cited there
                            "2022", "2203.02155",     # the citation of the instruction-tuning paper
                            "2014", "2016", "2023",   # the years of the cited papers (attention, GeLU, LLaMA)
                            "100"},                   # the window of the first/last-100 means
    "efficiency.md": {"12",                           # 3 x 2 matrix on two positions, on the page
                      "3.12"},                        # the Python version whose sum() compensates
    "glossary.md": {"2013", "2016", "2017",          # the years of the cited papers (clipping, BPE,
                    "2.2", "5.3",                    # the transformer) and the sections cited
                    "4,000"},                        # the transformer paper's warmup steps, cited
    "index.md": {"12", "2026",                        # the date of Karpathy's post
                 "2017"},                             # the year of the SSA records
    "source/cli.md": {"130"},                         # the exit status of an interrupted run (POSIX)
    "source/sample.md": {"0.5", "1.5"},               # the temperatures of the example above it
}

NUMBER = re.compile(r"(?<![\w.#/-])\d[\d,.]*\d%?|(?<![\w.#/-])\d%?(?!\w)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
NOT_PROSE = [
    re.compile(r"`[^`]*`"),          # inline code
    re.compile(r"\{\{[^}]*\}\}"),    # facts, filled in at build time
    re.compile(r"\]\([^)]*\)"),      # link targets
    re.compile(r"\{[#:.][^}]*\}"),   # attribute lists and heading anchors
    re.compile(r"\$[^$]*\$"),        # inline maths
    re.compile(r"<[^>]+>"),          # HTML tags (the live figures' markup)
]


def prose_lines(text):
    """(line number, line) for every line of prose: not in a fence, not in a $$ maths block."""
    fence, maths = None, False
    for number, line in enumerate(text.split("\n"), start=1):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
            continue
        if fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if line.strip() == "$$":
            maths = not maths
            continue
        if not maths and not line.lstrip().startswith("<"):  # raw HTML: the live figures
            yield number, line


def typed_numbers(text):
    """(line number, number) for every number of two or more digits, or with a point, in prose."""
    for number, line in prose_lines(text):
        for pattern in NOT_PROSE:
            line = pattern.sub(" ", line)
        for found in NUMBER.findall(line):
            if len(found.replace(",", "").rstrip("%")) >= 2:
                yield number, found


def unexplained_numbers(docs_dir, allowed):
    problems = []
    for page in sorted(Path(docs_dir).rglob("*.md")):
        name = page.relative_to(docs_dir).as_posix()
        for line, found in typed_numbers(page.read_text(encoding="utf-8")):
            if found not in allowed.get(name, set()):
                problems.append(f"{name}:{line}: {found}")
    return problems


def test_no_page_types_a_figure_by_hand():
    assert unexplained_numbers(DOCS, ALLOWED) == []


def test_the_audit_finds_typed_figures_and_skips_code_and_facts(tmp_path):
    (tmp_path / "page.md").write_text(
        "The model has 4,192 parameters and {{ num_params }} weights.\n"
        "Its first loss is `3.3285` in code, and $0.25$ in maths.\n"
        "```python\nprint(4192)\n```\n"
        "```{.text .output}\n4192\n```\n"
        "$$\n12 \\times 16\n$$\n"
        "A [link](https://example.org/2026/02/12/) and Act 3 and 0.5 too.\n"
        '<div data-steps="1000"></div>\n',
        encoding="utf-8")
    assert unexplained_numbers(tmp_path, {}) == ["page.md:1: 4,192", "page.md:12: 0.5"]
    assert unexplained_numbers(tmp_path, {"page.md": {"4,192", "0.5"}}) == []
