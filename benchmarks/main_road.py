"""Benchmark: how long each page's main road takes to read, as a beginner reads it.

    python benchmarks/main_road.py                         # build the site into a scratch folder, then count
    python benchmarks/main_road.py --site site             # count a site already built (e.g. by `make build`)
    python benchmarks/main_road.py --site site --page act-3-mind   # one page, section by section

The main road is what a reader meets without opening anything. It is counted on the rendered
HTML, inside the page's article only (no navigation, header, table of contents or footer), and
leaves out: folded blocks that are closed (`???`; an open `???+` counts), every content tab
but the first (`===`: the others wait for a click), the exercises (every
element with data-exercise, and the sections headed Exercises and Quiz), the quiz, hidden
elements, drawings (<svg>: diagrams and plots are looked at, not read word by word), scripts and
the headings' permalink signs. What is left costs:

- each word of prose (paragraphs, lists, tables, admonitions, captions, the words of a maths
  formula's source, the labels of live figures): 60/200 s, at 200 words a minute;
- each line of code (every <pre> that is not an output block): 6 s;
- each line of an output block (```{.text .output}): 2 s.

A page's target: each act at most 15 minutes, Home at most 10, the ladder, the complete picture
and the efficiency page at most 20 each; other pages have none. Prints the table and writes
benchmarks/results/main_road.json (not with --page). Counting takes a second; the build about
a minute or two on 2 cores.
"""

import sys  # sys.exit
from html.parser import HTMLParser  # the rendered pages, read with the standard library
from pathlib import Path  # Path, for the site's pages

from docsite.bench import Bench

WORDS_PER_MINUTE = 200
SECONDS_PER_CODE_LINE = 6
SECONDS_PER_OUTPUT_LINE = 2
TARGETS = {"index": 10, "act-1-world": 15, "act-2-engine": 15, "act-3-mind": 15, "act-4-training": 15,
           "act-5-voice": 15, "ladder": 20, "complete-picture": 20, "efficiency": 20}  # minutes
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED_TAGS = {"script", "style", "svg", "template", "noscript"}
SKIPPED_SECTIONS = ("exercise", "quiz")  # h2 ids that start an exercises or quiz section
# The notebook page's copy-button text (a hidden copy of each cell) and its In/Out prompts
SKIPPED_CLASSES = {"headerlink", "clipboard-copy-txt", "zeroclipboard-container", "jp-InputPrompt",
                   "jp-OutputPrompt"}


class MainRoad(HTMLParser):
    """Counts the words, code lines and output lines a reader meets in one page's article,
    section by section (a section starts at each h2 of the article)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open elements: [tag, skipped with what it holds, its classes, tabs seen]
        self.article = 0  # depth of the article element, 0 outside it
        self.skip_section = False  # inside the exercises or the quiz section
        self.pre = None  # the <pre> being read: [an output block?, its text]
        self.sections = [{"section": "(top)", "words": 0, "code_lines": 0, "output_lines": 0}]

    def skipped(self):
        return self.skip_section or any(entry[1] for entry in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article" and "md-content__inner" in classes:
            self.article = len(self.stack) + 1
        elif self.article and tag == "h2" and len(self.stack) == self.article:
            name = attrs.get("id") or ""
            self.skip_section = name.startswith(SKIPPED_SECTIONS)
            self.sections.append({"section": name, "words": 0, "code_lines": 0, "output_lines": 0})
        skip = bool(self.article) and (
            tag in SKIPPED_TAGS
            or (tag == "details" and "open" not in attrs)
            or "hidden" in attrs
            or "data-exercise" in attrs
            or "quiz" in classes
            or SKIPPED_CLASSES.intersection(classes)
            or self.hidden_tab(classes))
        if tag == "pre" and self.article and not skip and not self.skipped():
            # <div class="language-text output highlight"><pre>, or a notebook cell's output area
            output = any(c == "output" or c.startswith("jp-OutputArea") for e in self.stack for c in e[2])
            self.pre = [output, ""]
        if tag not in VOID:
            self.stack.append([tag, skip, classes, 0])

    def hidden_tab(self, classes):
        """Content tabs (===) show their first tab; the others wait for a click."""
        if "tabbed-block" not in classes or not self.stack or "tabbed-content" not in self.stack[-1][2]:
            return False
        self.stack[-1][3] += 1
        return self.stack[-1][3] > 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or not any(entry[0] == tag for entry in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag = self.stack.pop()[0]
            if open_tag == "pre" and self.pre is not None:
                is_output, text = self.pre
                lines = text.strip("\n").count("\n") + 1 if text.strip() else 0
                self.sections[-1]["output_lines" if is_output else "code_lines"] += lines
                self.pre = None
            if open_tag == "article" and len(self.stack) + 1 == self.article:
                self.article = 0
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.article or self.skipped():
            return
        if self.pre is not None:
            self.pre[1] += data
            return
        self.sections[-1]["words"] += sum(1 for w in data.split() if any(c.isalnum() for c in w))


def seconds(counts):
    return (counts["words"] * 60 / WORDS_PER_MINUTE + counts["code_lines"] * SECONDS_PER_CODE_LINE
            + counts["output_lines"] * SECONDS_PER_OUTPUT_LINE)


def measure_html(html):
    """The main road of one rendered page: its totals and its sections, with minutes."""
    parser = MainRoad()
    parser.feed(html)
    parser.close()
    sections = [dict(s, minutes=round(seconds(s) / 60, 2)) for s in parser.sections
                if s["words"] or s["code_lines"] or s["output_lines"]]
    total = {key: sum(s[key] for s in parser.sections) for key in ("words", "code_lines", "output_lines")}
    return dict(total, minutes=round(seconds(total) / 60, 2)), sections


def page_name(site, html_file):
    """'act-3-mind' for site/act-3-mind/index.html, 'index' for the home page."""
    relative = html_file.parent.relative_to(site).as_posix()
    return "index" if relative == "." else relative


def site_pages(site):
    """Every page of a built site that has an article (not the 404 page or the search index)."""
    pages = {}
    for html_file in sorted(Path(site).rglob("index.html")):
        html = html_file.read_text(encoding="utf-8")
        if "md-content__inner" in html:
            pages[page_name(site, html_file)] = html
    return pages


def measure_site(site):
    rows = []
    for name, html in site_pages(site).items():
        total, _ = measure_html(html)
        target = TARGETS.get(name)
        rows.append(dict(page=name, **total, target=target,
                         meets=None if target is None else total["minutes"] <= target))
    return rows


def table(rows):
    lines = [f"{'page':<22} {'words':>6} {'code':>5} {'output':>6} {'minutes':>8} {'target':>6}  meets"]
    for r in rows:
        target = "-" if r["target"] is None else str(r["target"])
        meets = "-" if r["meets"] is None else ("yes" if r["meets"] else "NO")
        lines.append(f"{r['page']:<22} {r['words']:>6} {r['code_lines']:>5} {r['output_lines']:>6} "
                     f"{r['minutes']:>8.1f} {target:>6}  {meets}")
    return "\n".join(lines)


def report(bench, args, site, source):
    pages = site_pages(site)
    if args.page is not None:
        if args.page not in pages:
            bench.fail(f"no page {args.page!r} in {args.site or 'the site'}; the pages are: {', '.join(pages)}")
        total, sections = measure_html(pages[args.page])
        print(f"{'section (h2 id)':<34} {'words':>6} {'code':>5} {'output':>6} {'minutes':>8}")
        for s in sections + [dict(total, section="total")]:
            print(f"{s['section'][:34]:<34} {s['words']:>6} {s['code_lines']:>5} {s['output_lines']:>6} "
                  f"{s['minutes']:>8.1f}")
        return
    rows = measure_site(site)
    print(table(rows))
    bench.write(args, {
        "site": source,
        "counted": ("the rendered article without closed <details>, tabs but the first, exercises, quizzes, hidden "
                    "elements, <svg> drawings, scripts and permalinks"),
        "rates": {"words_per_minute": WORDS_PER_MINUTE, "seconds_per_code_line": SECONDS_PER_CODE_LINE,
                  "seconds_per_output_line": SECONDS_PER_OUTPUT_LINE},
        "targets_minutes": TARGETS,
        "pages": rows,
    })


def main(argv=None):
    bench = Bench("main_road.py", __doc__, "main_road.json")
    bench.parser.add_argument("--page", help="one page, section by section, e.g. act-3-mind or index (writes no results)")
    args = bench.parse(argv)
    source = (f"the built site given with --site ({args.site.name})" if args.site is not None
              else "built now from the working tree")
    with bench.served(args) as (_, directory):
        report(bench, args, directory, source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
