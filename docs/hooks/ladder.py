"""The ladder page's figures and diffs, made at build time from the rung modules and their results.

docs/ladder/results.json is written by `python -m microgpt.ladder --out docs/ladder/results.json`
(tests/test_ladder.py checks it against the code). On a page:

    {{ ladder:RUNG.FIELD }}    one figure of a rung: held_out, train, params, ms, samples
    {{ ladder:NAME }}          a term: num_steps, num_held_out, seed, lr, baseline
    <!-- ladder-table -->      the table of every rung
    <!-- ladder-plot -->       the loss curves of every rung, as an SVG in the site's colours
    <!-- ladder-diff A B -->   a ```diff block from A to B, each `path` or `path:region`

An unknown name, rung, field, file or region fails the build.
"""

import difflib
import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from microgpt.ladder import RUNGS, terms

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "ladder" / "results.json"
FACT = re.compile(r"\{\{\s*ladder:([a-z_]+)(?:\.([a-z_]+))?\s*\}\}")
DIFF = re.compile(r"^<!-- ladder-diff (\S+) (\S+) -->$", re.M)
WINDOW = 100  # steps in the running mean of the curves and of the "train loss" column
IDEAS = {"bigram": "count pairs", "mlp": "MLP, gradients by hand", "autograd": "gradients by Value",
         "attention": "positions, attention, rmsnorm, residuals", "gpt": "4 heads, layer loop",
         "adam": "Adam (the package)"}
COLOURS = {"bigram": "#6b7280", "mlp": "#d97706", "autograd": "#f59e0b", "attention": "#059669",
           "gpt": "#2563eb", "adam": "#db2777"}  # readable on Material's light and dark backgrounds


def load_results():
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    if list(results["rungs"]) != list(RUNGS):
        raise PluginError(f"{RESULTS} holds rungs {list(results['rungs'])}, not {list(RUNGS)}: rerun the command")
    return results


def train_loss(r):
    return sum(r["losses"][-WINDOW:]) / len(r["losses"][-WINDOW:])


def rung_fact(r, field):
    facts = {"held_out": f"{r['held_out_loss']:.3f}", "train": f"{train_loss(r):.3f}",
             "params": f"{r['num_params']:,}", "ms": f"{r['seconds_per_step'] * 1000:.1f}",
             "samples": ", ".join(f"`{s}`" for s in r["samples"])}
    if field not in facts:
        raise PluginError(f"unknown ladder field {field!r}; known: {', '.join(facts)}")
    return facts[field]


def fact(results, name, field):
    if field is not None:
        if name not in results["rungs"]:
            raise PluginError(f"unknown rung {name!r}; known: {', '.join(RUNGS)}")
        return rung_fact(results["rungs"][name], field)
    terms_facts = {"num_steps": f"{results['num_steps']:,}", "num_held_out": str(results["num_held_out"]),
                   "seed": str(results["seed"]), "lr": str(terms.LEARNING_RATE), "window": str(WINDOW)}
    if name not in terms_facts:
        raise PluginError(f"unknown ladder fact {name!r}; known: {', '.join(terms_facts)}")
    return terms_facts[name]


def table(results):
    rows = ["| rung | adds | parameters | train loss | held-out loss | ms per step | samples |",
            "|---|---|--:|--:|--:|--:|---|"]
    for i, (name, r) in enumerate(results["rungs"].items(), 1):
        rows.append(f"| {i} `{name}` | {IDEAS[name]} | {rung_fact(r, 'params')} | {rung_fact(r, 'train')} "
                    f"| **{rung_fact(r, 'held_out')}** | {rung_fact(r, 'ms')} | {rung_fact(r, 'samples')} |")
    return "\n".join(rows)


def running_mean(xs, window):
    out, total = [], 0.0
    for i, x in enumerate(xs):
        total += x - (xs[i - window] if i >= window else 0.0)
        out.append(total / min(i + 1, window))
    return out


def plot(results):
    """Each rung's training loss, as a running mean, on one pair of axes: a plain inline SVG."""
    w, h, left, right, top, bottom = 720, 360, 52, 150, 14, 40
    curves = {name: running_mean(r["losses"], WINDOW) for name, r in results["rungs"].items()}
    lo = min(min(c[len(c) // 10 :]) for c in curves.values())  # the first steps: all near 3.3
    hi = max(max(c) for c in curves.values())
    lo, hi = int(lo * 10) / 10, int(hi * 10 + 1) / 10
    n = results["num_steps"]

    def xy(i, y):
        return left + (w - left - right) * i / (n - 1), top + (h - top - bottom) * (hi - y) / (hi - lo)

    ink = "fill:var(--md-default-fg-color);font-size:12px"
    parts = [f'<svg class="mg-curve" viewBox="0 0 {w} {h}" role="img" aria-labelledby="ladder-plot-title">',
             f'<title id="ladder-plot-title">Training loss of every rung, mean of the last {WINDOW} steps</title>']
    y = lo
    while y <= hi + 1e-9:
        _, py = xy(0, y)
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{py:.1f}" y2="{py:.1f}" '
                     f'style="stroke:var(--md-default-fg-color--lightest)"/>')
        parts.append(f'<text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end" style="{ink}">{y:.1f}</text>')
        y += 0.1 if hi - lo <= 1.2 else 0.2
    for step in range(0, n + 1, 200):
        px, _ = xy(max(step - 1, 0), lo)
        parts.append(f'<text x="{px:.1f}" y="{h - bottom + 18}" text-anchor="middle" style="{ink}">{step}</text>')
    parts.append(f'<text x="{(left + w - right) / 2}" y="{h - 4}" text-anchor="middle" style="{ink}">step</text>')
    ends = []
    for name, curve in curves.items():
        points = " ".join("%.1f,%.1f" % xy(i, v) for i, v in enumerate(curve) if i % 4 == 0 or i == n - 1)
        dash = ' stroke-dasharray="6 4"' if name == "autograd" else ""  # it lies on top of mlp's curve
        parts.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS[name]}" stroke-width="2"{dash}/>')
        ends.append([xy(n - 1, curve[-1])[1], name])
    ends.sort()
    for i in range(1, len(ends)):  # labels at the right end, pushed apart so they never overlap
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + 14)
    for py, name in ends:
        parts.append(f'<text x="{w - right + 8}" y="{py + 4:.1f}" style="fill:{COLOURS[name]};font-size:12px;'
                     f'font-weight:700">{html.escape(name)}</text>')
    parts.append("</svg>")
    return '<div class="mg-scroll">' + "".join(parts) + "</div>"


def region(ref):
    """The lines of `path` or of the region `path:name` (snippet markers dropped), as the page shows them."""
    path, _, name = ref.partition(":")
    file = ROOT / path
    if not file.is_file():
        raise PluginError(f"ladder-diff: no file {path}")
    lines = file.read_text(encoding="utf-8").splitlines()
    if name:
        start, end = f"# --8<-- [start:{name}]", f"# --8<-- [end:{name}]"
        stripped = [line.strip() for line in lines]
        if start not in stripped or end not in stripped:
            raise PluginError(f"ladder-diff: no region {name!r} in {path}")
        lines = lines[stripped.index(start) + 1 : stripped.index(end)]
        indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
        lines = [l[indent:] for l in lines]
    return [l for l in lines if not l.strip().startswith("# --8<-- [")]


def diff_block(match):
    a, b = match.group(1), match.group(2)
    lines = list(difflib.unified_diff(region(a), region(b), a, b, n=3, lineterm=""))
    if not lines:
        raise PluginError(f"ladder-diff: {a} and {b} are the same")
    return "\n".join([f'```{{.diff title="From {a} to {b}"}}', *lines, "```"])


def on_page_markdown(markdown, page, config, files):
    if "ladder:" not in markdown and "ladder-" not in markdown:
        return markdown
    results = load_results()
    markdown = DIFF.sub(diff_block, markdown)
    markdown = markdown.replace("<!-- ladder-table -->", table(results))
    markdown = markdown.replace("<!-- ladder-plot -->", plot(results))
    return FACT.sub(lambda m: fact(results, m.group(1), m.group(2)), markdown)
