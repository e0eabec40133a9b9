"""The ladder page's figures and diffs, made at build time from the rung modules and their results.

docs/ladder/results.json is written by `python -m microgpt.ladder --out docs/ladder/results.json`
(tests/test_ladder.py checks it against the code). The page reaches this module through the
page grammar (docsite/directives.py: `{{ ladder:... }}` and the `<!-- mg:ladder-... -->`
directives); the fields a page may read:

    RUNG.FIELD    held_out, train (mean of the last WINDOW losses), first (of the first WINDOW),
                  prior (of the WINDOW before the last), params, ms, samples (as code), names
                  (the same, plain)
    NAME          a term: num_steps, num_held_out, seed, lr, window, hand_vs_value, block_size,
                  n_embd, mlp_width, n_head, n_layer (read from the rungs' own code, not from the
                  package's defaults)

An unknown name, rung, field, file or region fails the build.
"""

import difflib
import html
import inspect
import json
import random
import re
from functools import cache
from pathlib import Path

from mkdocs.exceptions import PluginError

from docsite import regions
from docsite.svg import colour
from microgpt.checkpoint import running_mean
from microgpt.data import Tokenizer
from microgpt.ladder import RUNGS, gpt, mlp, terms

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "ladder" / "results.json"
OPERAND = r"([a-z_]+\.[a-z_]+(?:-[a-z_]+\.[a-z_]+)?)"  # RUNG.FIELD, or RUNG.FIELD-RUNG.FIELD
HOLDS = re.compile(rf"{OPERAND} ([<>~]) {OPERAND}")
CLOSE = 0.05  # `A ~ B`: the page says A and B are close, within a few hundredths of a loss
WINDOW = 100  # steps in the running mean of the curves and of the "train loss" column
IDEAS = {"bigram": "count pairs", "mlp": "MLP, gradients by hand", "autograd": "gradients by Value",
         "attention": "positions, attention, rmsnorm, residuals", "gpt": f"{gpt.CONFIG.n_head} heads, layer loop",
         "adam": "Adam (the package)"}
# One colour per rung, beyond the palette's roles (docsite/svg.py): six curves on one plot
COLOURS = {"bigram": "#808080", "mlp": "#d97706", "autograd": "#b45309", "attention": "#0d9488",
           "gpt": "#3b82f6", "adam": "#e0448a"}  # at least 3:1 against Material's white and its slate
DASHED = {"autograd": ' stroke-dasharray="5 4"',  # it lies on mlp's curve: mlp shows between its dashes
          "gpt": ' stroke-dasharray="5 4"'}  # and it on attention's


def load_results():
    """The results file, read once for each version of it (a page asks for many figures)."""
    return read_results(RESULTS.stat().st_mtime_ns)


@cache
def read_results(version):
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    if list(results["rungs"]) != list(RUNGS):
        raise PluginError(f"{RESULTS} holds rungs {list(results['rungs'])}, not {list(RUNGS)}: rerun the command")
    return results


def mean(xs):
    return terms.add_up(xs) / len(xs)


def numbers(r):
    """The figures of a rung that can be compared: field -> value."""
    return {"held_out": r["held_out_loss"], "train": mean(r["losses"][-WINDOW:]),
            "first": mean(r["losses"][:WINDOW]), "prior": mean(r["losses"][-2 * WINDOW : -WINDOW]),
            "params": r["num_params"],
            "ms": r["seconds_per_step"] * 1000}


def milliseconds(ms):
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}" if ms >= 1 else f"{ms:.2g}"  # 2 digits at least


def rung_fact(r, field):
    n = numbers(r)
    facts = {"held_out": f"{n['held_out']:.3f}", "train": f"{n['train']:.3f}", "first": f"{n['first']:.3f}",
             "prior": f"{n['prior']:.3f}",
             "params": f"{n['params']:,}", "ms": milliseconds(n["ms"]),
             "samples": ", ".join(f"`{s}`" for s in r["samples"]), "names": ", ".join(r["samples"])}
    if field not in facts:
        raise PluginError(f"unknown ladder field {field!r}; known: {', '.join(facts)}")
    return facts[field]


def number(results, operand):
    """The value of RUNG.FIELD, or of RUNG.FIELD-RUNG.FIELD."""
    first, _, second = operand.partition("-")
    values = []
    for ref in filter(None, (first, second)):
        name, field = ref.split(".")
        if name not in results["rungs"]:
            raise PluginError(f"ladder-holds: unknown rung {name!r}; known: {', '.join(RUNGS)}")
        n = numbers(results["rungs"][name])
        if field not in n:
            raise PluginError(f"ladder-holds: {field!r} is not a number; numbers: {', '.join(n)}")
        values.append(n[field])
    return values[0] - values[1] if second else values[0]


def holds(results, statement):
    """Check one stated ordering, `A < B`, `A > B` or `A ~ B`, against the results."""
    match = HOLDS.fullmatch(statement.strip())
    if not match:
        raise PluginError(f"ladder-holds: {statement!r} is not `A < B`, `A > B` or `A ~ B`, "
                          "each side RUNG.FIELD or RUNG.FIELD-RUNG.FIELD")
    left, op, right = match.groups()
    a, b = number(results, left), number(results, right)
    if not {"<": a < b, ">": a > b, "~": abs(a - b) < CLOSE}[op]:
        raise PluginError(f"ladder-holds: the page says {left} {op} {right}, but the results give "
                          f"{a!r} and {b!r}: rewrite what the page says")


def power_of_ten(x):
    """1.3 x 10^-15, as HTML: 1.3e-15 reads as code, not as a number."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}&nbsp;×&nbsp;10<sup>{int(exponent)}</sup>".replace("-", "\u2212")


def fact(results, name, field):
    if field is not None:
        if name not in results["rungs"]:
            raise PluginError(f"unknown rung {name!r}; known: {', '.join(RUNGS)}")
        return rung_fact(results["rungs"][name], field)
    gap = max(abs(a - b) for a, b in zip(results["rungs"]["mlp"]["losses"], results["rungs"]["autograd"]["losses"]))
    terms_facts = {"num_steps": f"{results['num_steps']:,}", "num_held_out": str(results["num_held_out"]),
                   "seed": str(results["seed"]), "lr": str(terms.LEARNING_RATE), "window": str(WINDOW),
                   "hand_vs_value": power_of_ten(gap),  # the largest gap between the two MLPs' losses
                   **shapes()}
    if name not in terms_facts:
        raise PluginError(f"unknown ladder fact {name!r}; known: {', '.join(terms_facts)}")
    return terms_facts[name]


def shapes():
    """The rungs' own sizes: the MLP rung's width and hidden layer, the GPT rung's heads and layers."""
    n_embd = inspect.signature(mlp.init).parameters["n_embd"].default
    hidden = len(mlp.init(Tokenizer.from_docs(["ab"]), random.Random(0))["mlp_fc1"])
    return {"block_size": str(terms.BLOCK_SIZE), "n_embd": str(n_embd), "mlp_width": str(hidden),
            "n_head": str(gpt.CONFIG.n_head), "n_layer": str(gpt.CONFIG.n_layer)}


def table(results):
    base = results["rungs"]["bigram"]["held_out_loss"]
    # the held-out loss right after the rung's name: on a phone the table scrolls sideways, and
    # the column that matters must be in view without scrolling
    rows = ["| rung: what it adds | held-out loss | against counts | parameters | train loss | ms a step | samples |",
            "|---|--:|--:|--:|--:|--:|---|"]
    for i, (name, r) in enumerate(results["rungs"].items(), 1):
        gap = "baseline" if name == "bigram" else f"{r['held_out_loss'] - base:+.3f}".replace("-", "\u2212")
        rows.append(f"| {i} `{name}`: {IDEAS[name]} | **{rung_fact(r, 'held_out')}** | {gap} "
                    f"| {rung_fact(r, 'params')} | {rung_fact(r, 'train')} | {rung_fact(r, 'ms')} | {rung_fact(r, 'names')} |")
    return "\n".join(rows)


# One drawing for a wide page and one for a phone, shown by width as the other plots are
# (extra.css, figure.mg-plot): each at about 1x, so that its text reads at its own size.
# variant: (width, height, left, right, top, bottom, font size, label spacing)
VARIANTS = {"wide": (720, 340, 40, 110, 10, 38, 13, 15), "phone": (360, 330, 32, 86, 10, 36, 12, 14)}


def plot(results):
    return ('<figure class="mg-plot">' + "".join(drawing(results, v) for v in VARIANTS) + "</figure>")


def drawing(results, variant):
    """Each rung's training loss, as a running mean, on one pair of axes: a plain inline SVG.

    The names at the right are in the text colour, each after a stroke of its curve's colour, so
    that they read in both palettes.
    """
    w, h, left, right, top, bottom, font, spacing = VARIANTS[variant]
    curves = {name: running_mean(r["losses"], WINDOW) for name, r in results["rungs"].items()}
    lo = min(min(c[len(c) // 10 :]) for c in curves.values())  # the first steps: all near 3.3
    hi = max(max(c) for c in curves.values())
    lo, hi = int(lo * 10) / 10, int(hi * 10 + 1) / 10
    n = results["num_steps"]

    def xy(i, y):
        return left + (w - left - right) * i / (n - 1), top + (h - top - bottom) * (hi - y) / (hi - lo)

    ink = f"fill:{colour('ink')};font-size:{font}px"
    title = f"ladder-plot-{variant}"
    parts = [f'<svg class="mg-plot__{variant}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{title}">',
             f'<title id="{title}">Training loss of every rung, mean of the last {WINDOW} steps, '
             f'over {n} steps</title>']
    tick, y = (0.1 if hi - lo <= 1.2 else 0.2), lo
    while y <= hi + 1e-9:
        _, py = xy(0, y)
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{py:.1f}" y2="{py:.1f}" '
                     f'style="stroke:{colour("faint")}"/>')
        parts.append(f'<text x="{left - 5}" y="{py + 4:.1f}" text-anchor="end" style="{ink}">{y:.1f}</text>')
        y += tick
    for step in range(0, n + 1, n // 5):
        px, _ = xy(max(step - 1, 0), lo)
        parts.append(f'<text x="{px:.1f}" y="{h - bottom + 17}" text-anchor="middle" style="{ink}">{step}</text>')
    parts.append(f'<text x="{(left + w - right) / 2}" y="{h - 3}" text-anchor="middle" style="{ink}">step</text>')
    ends = []
    for name, curve in curves.items():
        points = " ".join("%.1f,%.1f" % xy(i, v) for i, v in enumerate(curve) if i % 4 == 0 or i == n - 1)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS[name]}" stroke-width="2"'
                     f'{DASHED.get(name, "")}/>')
        ends.append([xy(n - 1, curve[-1])[1], name])
    ends.sort()
    for i in range(1, len(ends)):  # labels at the right end, pushed apart so they never overlap
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + spacing)
    for py, name in ends:
        x = w - right + 14
        parts.append(f'<line x1="{x}" x2="{x + 14}" y1="{py:.1f}" y2="{py:.1f}" stroke="{COLOURS[name]}" '
                     f'stroke-width="3"{DASHED.get(name, "")}/>')
        parts.append(f'<text x="{x + 18}" y="{py + 4:.1f}" style="{ink}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def region(ref):
    """The lines of `path` or of the region `path:name`, as the page shows them."""
    path, _, name = ref.partition(":")
    file = ROOT / path
    if not file.is_file():
        raise PluginError(f"ladder-diff: no file {path}")
    try:
        return regions.cut(file.read_text(encoding="utf-8"), name or None)
    except LookupError:
        raise PluginError(f"ladder-diff: no region {name!r} in {path}") from None


def diff_block(a, b):
    """A ```diff block from `a` to `b`, each `path` or `path:region`."""
    lines = list(difflib.unified_diff(region(a), region(b), a, b, n=3, lineterm=""))
    if not lines:
        raise PluginError(f"ladder-diff: {a} and {b} are the same")
    return "\n".join([f'```{{.diff title="From {a} to {b}"}}', *lines, "```"])
