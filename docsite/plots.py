"""Figures made by running the code at every build, so a picture on the site is always true.

Each figure reads the reference checkpoint (docs/checkpoints/names-1000.json, made by the
package's own command line) and runs the package; the benchmark figure reads the saved results
of benchmarks/engines.py. Each is drawn twice as SVG, for a wide page and for a phone (larger
text, fewer columns), in the placeholder colours of docsite/svg.py's roles, which become the
site's CSS variables: the figures follow the light and dark palettes.

A page places a figure with `<!-- mg:plot NAME ALT -->` (docsite/directives.py), which
becomes an image of plots/NAME.svg: that file exists (the wide drawing, with its own fallback
colours, for a reader who opens it alone) and inline() below replaces the <img> by both drawings
inline, so that CSS reaches them, plus the figure's numbers in words (computed here, the same
ones that are drawn) as the SVG's description and in a folded block under it. Nothing is
committed as an image, and nothing is written to the temp folder.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # no screen
import matplotlib.pyplot as plt
from mkdocs.structure.files import File

from docsite.svg import ACCENT, FAINT, INK, MUTED, PAPER, SECOND, in_site_colours, standalone
from microgpt.checkpoint import load_checkpoint, running_mean, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, gpt, softmax

if TYPE_CHECKING:
    from mkdocs.structure.files import Files
    from mkdocs.config.defaults import MkDocsConfig

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINT = ROOT / "docs" / "checkpoints" / "names-1000.json"
BENCHMARK = ROOT / "benchmarks" / "results" / "engines.json"
TEMPERATURES = (0.5, 1.0, 1.5)

# Each drawing: (width in inches, base font size in points). At 72 user units per inch, the
# wide one is shown at about 1.3x on a 1280px page, the phone one at about 1x on a 390px
# phone: text of 11 points reads as 11px or more on either.
VARIANTS = {"wide": (8.0, 10.5), "phone": (5.0, 11.5)}

matplotlib.rcParams.update({
    "svg.fonttype": "none",  # text stays text: selectable, read by screen readers, styled
    "svg.hashsalt": "microgpt",  # the same ids at every build
    "axes.edgecolor": INK, "axes.labelcolor": INK, "text.color": INK,
    "xtick.color": INK, "ytick.color": INK, "axes.facecolor": "none",
    "figure.facecolor": "none", "savefig.transparent": True,
})


def trained_model():
    """(checkpoint, config, tokenizer) of the reference run: read once per build."""
    ckpt = load_checkpoint(CHECKPOINT)
    return ckpt, GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))


# --8<-- [start:loss_curve]
def loss_curve(model, width, font):
    """Every step's loss of the reference run, its running mean, and a blind guess."""
    ckpt, _, tokenizer = model
    losses = ckpt["losses"]
    window = 50
    running = running_mean(losses, window)
    steps = range(1, len(losses) + 1)
    fig, ax = plt.subplots(figsize=(width, width * 0.55))
    ax.plot(steps, losses, color=MUTED, linewidth=0.5, label="loss on one name, each step")
    ax.plot(steps, running, color=ACCENT, linewidth=2.2,
            label=f"mean of the last {window} steps")
    blind = math.log(tokenizer.vocab_size)
    ax.axhline(blind, color=INK, linestyle="--", linewidth=1)
    ax.text(len(losses), blind + 0.06, f"uniform guess: ln {tokenizer.vocab_size} = {blind:.2f}",
            ha="right", va="bottom", fontsize=font)
    ax.set_xlabel("training step", fontsize=font)
    ax.set_ylabel("cross-entropy loss", fontsize=font)
    ax.tick_params(labelsize=font)
    ax.legend(loc="lower left", frameon=False, fontsize=font)
    ax.spines[["top", "right"]].set_visible(False)
    # the first step from which the running mean stays below the blind guess to the end
    below = next(i for i in range(len(running)) if all(r < blind for r in running[i:])) + 1
    words = (f"{len(losses)} training steps. The loss of step 1 is {losses[0]:.2f}; the mean "
             f"of the first {window} steps is {running[window - 1]:.2f} and of the last "
             f"{window} is {running[-1]:.2f}, below the uniform guess, "
             f"ln {tokenizer.vocab_size} = {blind:.2f}. The running mean stays below that guess "
             f"from step {below} to the end. Single steps stay noisy, from "
             f"{min(losses[-window:]):.2f} to {max(losses[-window:]):.2f} over the last "
             f"{window}.")
    return fig, words
# --8<-- [end:loss_curve]


# --8<-- [start:temperature]
def temperature_bars(model, width, font):
    """The model's probabilities for the first letter of a name, at three temperatures."""
    ckpt, config, tokenizer = model
    state_dict = state_dict_of(ckpt["weights"])
    logits = gpt(state_dict, config, tokenizer.bos, 0, [[] for _ in range(config.n_layer)],
                 [[] for _ in range(config.n_layer)])
    labels = [*tokenizer.chars, "BOS"]
    fig, axes = plt.subplots(len(TEMPERATURES), 1, figsize=(width, width * 0.8),
                             sharex=True, sharey=True)
    words = []
    for ax, t in zip(axes, TEMPERATURES):
        probs = [p.data for p in softmax([logit / t for logit in logits])]
        ax.bar(range(len(labels)), probs, color=ACCENT if t == 1.0 else MUTED)
        ax.set_ylabel(f"T = {t}", fontsize=font)
        ax.tick_params(labelsize=font)
        ax.spines[["top", "right"]].set_visible(False)
        top = sorted(range(len(labels)), key=lambda i: -probs[i])[:3]
        words.append(f"at T = {t}, " + ", ".join(f"{labels[i]} {probs[i]:.2f}" for i in top))
    axes[-1].set_xticks(range(len(labels)), labels, fontsize=font)
    axes[-1].get_xticklabels()[-1].set_rotation(90)  # BOS: three letters in a letter's slot
    axes[0].set_title("P(first letter) after BOS", fontsize=font)
    words = ("The three likeliest first letters and their probabilities: "
             + "; ".join(words) + ". A low T sharpens the distribution, a high T flattens it.")
    return fig, words
# --8<-- [end:temperature]


# --8<-- [start:attention_heatmap]
import numpy as np  # np.triu, the future a query cannot see

# every head's attention weights at once
from microgpt.vectorized import attention_maps, pack

ATTENTION_NAME = "maxwell"  # a double l, and an e that one head looks back at


def attention_heatmap(model, width, font):
    """The trained model reading BOS + ATTENTION_NAME: one panel per head,
    query down, key across, each weight as the accent colour's opacity."""
    ckpt, config, tokenizer = model
    P, _, _ = pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])
    tokens = [tokenizer.bos] + tokenizer.encode(ATTENTION_NAME)
    maps = attention_maps(P, config, tokens)[0]  # (n_head, T, T), the only layer
    labels = ["BOS", *ATTENTION_NAME]
    T = len(tokens)
    columns = 2 if width > 6 else 1  # a phone: one head under the other
    rows = math.ceil(config.n_head / columns)
    panel = width / columns  # each panel square, in inches
    # constrained: matplotlib makes room for every title and label, so that no panel's
    # title lands on the axis label of the panel above it
    fig, axes = plt.subplots(rows, columns, figsize=(width, rows * panel * 1.05),
                             squeeze=False, layout="constrained")
    words = []
    for h, ax in enumerate(axes.flat):
        for t in range(T):  # query
            for s in range(T):  # key
                cell = (s - 0.5, t - 0.5)
                if s > t:  # the future: hatched, never looked at
                    ax.add_patch(plt.Rectangle(cell, 1, 1, facecolor="none",
                                               edgecolor=FAINT, hatch="///", lw=0))
                    continue
                w = maps[h, t, s]
                ax.add_patch(plt.Rectangle(cell, 1, 1, facecolor=ACCENT,
                                           alpha=float(w), lw=0))
                shown = "1" if w >= 0.995 else f"{w:.2f}"[1:]  # .37
                ax.text(s, t, shown, ha="center", va="center", fontsize=font,
                        color=PAPER if w > 0.55 else INK)
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_ylim(T - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks(range(T), labels, fontsize=font)
        ax.set_yticks(range(T), labels, fontsize=font)
        ax.tick_params(length=0)
        ax.xaxis.set_ticks_position("top")
        ax.xaxis.set_label_position("top")  # the key's name beside the key labels
        ax.set_title(f"head {h}", fontsize=font + 1, fontweight="bold")
        ax.set_xlabel("key: the position looked at", color=MUTED, fontsize=font)
        ax.set_ylabel("query: the position looking", color=MUTED, fontsize=font)
        ax.spines[:].set_visible(False)
        most = [labels[int(np.argmax(maps[h, t, : t + 1]))] for t in range(T)]
        pairs = ", ".join(f"{q} to {k}" for q, k in zip(labels, most))
        words.append(f"head {h}: {pairs}")
    words = ("For each query, the key it gives the most weight: " + "; ".join(words)
             + ". Above the diagonal is the future, which no query sees.")
    return fig, words
# --8<-- [end:attention_heatmap]


# --8<-- [start:embedding_map]
VOWELS = "aeiou"


def embedding_coordinates(model):
    """(labels, xy, share): every token's row of the trained wte (n_embd numbers), projected
    onto the two directions along which the rows differ most (principal component analysis),
    and how much of the rows' spread each direction holds."""
    ckpt, _, tokenizer = model
    labels = [*tokenizer.chars, "BOS"]
    wte = np.array(ckpt["weights"]["wte"])  # (vocab_size, n_embd)
    centred = wte - wte.mean(axis=0)
    _, spread, axes_t = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ axes_t[:2].T  # (vocab_size, 2): each row's two coordinates
    # An axis has no sign of its own. The first is turned so that the vowels' mean lies on the
    # right, so that the page's "the vowels sit on the right" cannot be mirrored by a new
    # checkpoint; the second puts its farthest token at the top.
    vowel = np.array([label in VOWELS for label in labels])
    if xy[vowel, 0].mean() < 0:
        xy[:, 0] = -xy[:, 0]
    if xy[np.argmax(abs(xy[:, 1])), 1] < 0:
        xy[:, 1] = -xy[:, 1]
    share = spread**2 / (spread**2).sum()  # how much of the rows' spread each axis holds
    return labels, xy, share


def embedding_map(model, width, font):
    """The map of embedding_coordinates: vowels in the accent colour, BOS in the second."""
    labels, xy, share = embedding_coordinates(model)
    fig, ax = plt.subplots(figsize=(width, width * (0.62 if width > 6 else 0.9)))
    for i, label in enumerate(labels):
        colour = ACCENT if label in VOWELS else SECOND if label == "BOS" else INK
        ax.scatter(*xy[i], s=14, color=colour, zorder=2)
        ax.annotate(label, xy[i], textcoords="offset points", xytext=(4, 3),
                    fontsize=font + 1, color=colour,
                    fontweight="bold" if label in VOWELS else "normal")
    ax.axhline(0, color=FAINT, lw=0.8, zorder=1)
    ax.axvline(0, color=FAINT, lw=0.8, zorder=1)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"first direction ({share[0]:.0%} of the spread)", fontsize=font)
    ax.set_ylabel(f"second direction ({share[1]:.0%})", fontsize=font)
    ax.tick_params(labelsize=font)
    ax.spines[["top", "right"]].set_visible(False)
    vowel_x = [xy[i, 0] for i, c in enumerate(labels) if c in VOWELS]
    other_x = [xy[i, 0] for i, c in enumerate(labels) if c not in VOWELS]
    side = "left" if max(vowel_x) < min(other_x) else "right" if min(vowel_x) > max(other_x) else None
    apart = (f"The vowels ({' '.join(VOWELS)}) all lie to the {side} of every other token "
             "along the first direction" if side else
             "The vowels are not apart from the other tokens along the first direction")
    words = (f"The {len(labels)} rows of wte, {model[1].n_embd} numbers each, seen along the two "
             f"directions in which they differ most: the first holds {share[0]:.0%} of their "
             f"spread, the second {share[1]:.0%}. {apart}: the vowels' first coordinates run "
             f"from {min(vowel_x):.2f} to {max(vowel_x):.2f}, the others' from "
             f"{min(other_x):.2f} to {max(other_x):.2f}. Each token (first, second): "
             + ", ".join(f"{c} ({x + 0:.2f}, {y + 0:.2f})"  # + 0: no -0.00
                         for c, (x, y) in zip(labels, xy.round(2))) + ".")
    return fig, words
# --8<-- [end:embedding_map]


# --8<-- [start:learning_rate]
from microgpt.engine import Value  # one weight, to read the schedule off adam_update
from microgpt.train import AdamConfig, adam_update


def learning_rate(model, width, font):
    """The learning rate of each step of the reference run, measured on adam_update itself:
    a weight whose gradient is always 1 moves by exactly lr_t at every step."""
    ckpt, _, _ = model
    opt, num_steps = AdamConfig(**ckpt["adam"]), ckpt["num_steps"]
    p, m, v = Value(0.0), [0.0], [0.0]
    rates = []
    for step in range(num_steps):
        p.grad = 1.0
        before = p.data
        adam_update([p], m, v, step, num_steps, opt)
        rates.append(before - p.data)
    steps = range(1, num_steps + 1)
    fig, ax = plt.subplots(figsize=(width, width * (0.5 if width > 6 else 0.7)))
    ax.plot(steps, rates, color=ACCENT, linewidth=2.2)
    ax.set_xlim(0, num_steps * 1.02)
    ax.set_ylim(0, opt.learning_rate * 1.1)
    ax.annotate(f"step 1: {rates[0]:.4f}", (1, rates[0]), textcoords="offset points",
                xytext=(8, 2), va="bottom", fontsize=font)
    ax.scatter([1, num_steps], [rates[0], rates[-1]], color=ACCENT, s=18, zorder=3)
    ax.annotate(f"step {num_steps:,}:\n{rates[-1]:.5f}", (num_steps, rates[-1]),
                xytext=(num_steps, opt.learning_rate * 0.35), ha="center", va="bottom",
                fontsize=font, arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.8})
    ax.set_xlabel("training step", fontsize=font)
    ax.set_ylabel("learning rate", fontsize=font)
    ax.tick_params(labelsize=font)
    ax.spines[["top", "right"]].set_visible(False)
    half = num_steps // 2
    words = (f"The learning rate of each of the {num_steps:,} steps, as adam_update applies "
             f"it: {rates[0]:.4f} at step 1, {rates[half]:.4f} at step {half + 1:,}, "
             f"{rates[-1]:.5f} at step {num_steps:,}, the last. It falls by the same "
             f"{rates[0] - rates[1]:.5f} at every step, a straight line that stops one step "
             f"short of zero.")
    return fig, words
# --8<-- [end:learning_rate]


def benchmark(_model, width, font):
    """Seconds per training step of both engines against the work of the step, from the
    saved results of benchmarks/engines.py; the band is compiled code's range."""
    results = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    rows, info = results["results"], results["machine"]
    fig, ax = plt.subplots(figsize=(width, width * (0.62 if width > 6 else 0.8)))
    flops = sorted(r["flops_per_step"] for r in rows)
    ax.fill_between(flops, [f / 10e9 for f in flops], [f / 1e9 for f in flops], color=FAINT,
                    label="compiled code at 1-10 GFLOP/s (estimate)")
    for i, r in enumerate(rows):
        x = r["flops_per_step"]
        top, bottom = r["scalar"]["seconds_per_step"], r["vectorized"]["seconds_per_step"]
        ax.plot([x, x], [bottom, top], color=MUTED, lw=0.8, zorder=1)
        ax.scatter([x], [top], marker="o", color=ACCENT, zorder=2,
                   label="scalar engine (Values)" if i == 0 else None)
        ax.scatter([x], [bottom], marker="s", color=SECOND, zorder=2,
                   label="vectorized engine (NumPy)" if i == 0 else None)
    default = rows[0]
    ax.annotate(f"default model: {default['speedup']:,.0f}x",
                (default["flops_per_step"], default["scalar"]["seconds_per_step"]),
                textcoords="offset points", xytext=(8, -4), va="top", fontsize=font)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("FLOPs per training step", fontsize=font)
    ax.set_ylabel("seconds per step", fontsize=font)
    ax.tick_params(which="both", labelsize=font)
    ax.grid(True, which="major", color=FAINT, linewidth=0.6)
    ax.legend(fontsize=font, loc="upper left", bbox_to_anchor=(0, -0.16), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    words = (f"Measured on {info['cpu']} ({info['cpu_count']} cores), {info['date'][:10]}, "
             f"Python {info['python']}, NumPy {info['numpy']}, one core each. "
             + "; ".join(f"{r['label']}: {r['flops_per_step']:,} FLOPs, scalar "
                         f"{r['scalar']['seconds_per_step']:.3g} s, NumPy "
                         f"{r['vectorized']['seconds_per_step'] * 1e3:.3g} ms, "
                         f"{r['speedup']:,.0f}x" for r in rows) + ".")
    return fig, words


FIGURES = {"loss-curve": loss_curve, "temperature": temperature_bars,
           "attention": attention_heatmap, "embeddings": embedding_map,
           "learning-rate": learning_rate, "benchmark": benchmark}


def svg_of(fig, prefix):
    """The figure as SVG text: colours made CSS variables, ids made unique on the page."""
    out = io.StringIO()
    # No metadata: no date (the build stays reproducible) and no credits block in every page
    none = {"Date": None, "Creator": None, "Format": None, "Type": None}
    fig.savefig(out, format="svg", bbox_inches="tight", metadata=none)
    plt.close(fig)
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML prolog or doctype inline
    svg = in_site_colours(svg)
    font = "font-family: var(--md-text-font-family, sans-serif)"
    svg = re.sub(r"font-family: ?'?DejaVu Sans'?", font, svg)
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    return re.sub(r'(url\(#|href="#)', rf"\1{prefix}-", svg)


DRAWN = {}  # name -> (wide drawing, phone drawing, the figure in words), made once per build


def draw_all(files: Files, config: MkDocsConfig) -> Files:
    """Draws every figure, and adds each wide drawing to the site as plots/NAME.svg."""
    model = trained_model()
    DRAWN.clear()
    for name, draw in FIGURES.items():
        drawn = {}
        for variant, (width, font) in VARIANTS.items():
            fig, words = draw(model, width, font)  # the same words for both drawings
            drawn[variant] = svg_of(fig, f"{name}-{variant}")
        DRAWN[name] = (drawn["wide"], drawn["phone"], words)
        files.append(File.generated(config, f"plots/{name}.svg", content=standalone(drawn["wide"])))
    return files


def placeholder(name, alt):
    """What `<!-- mg:plot NAME ALT -->` writes on the page: the standalone drawing as an image,
    which on_page_content below replaces by both drawings inline."""
    return f"![{alt}](plots/{name}.svg)"


VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
IMG = re.compile(r'(?:<p>)?<img alt="([^"]*)" src="(?:\.\./)*plots/([a-z-]+)\.svg"\s*/?>(?:</p>)?')


def inline(content: str) -> str:
    def inline(m):
        alt, name = html.unescape(m.group(1)), m.group(2)
        wide, phone, words = DRAWN[name]
        label = html.escape(f"{alt}. {words}", quote=True)
        def labelled(svg, variant):
            # its shape as CSS too, so that it keeps its height while the browser skips
            # drawing it off screen (content-visibility, extra.css)
            width, height = VIEWBOX.search(svg).groups()
            return svg.replace("<svg ", f'<svg class="mg-plot__{variant}" role="img" '
                                        f'style="aspect-ratio: {width} / {height}" '
                                        f'aria-label="{label}" ', 1)
        return (f'<figure class="mg-plot">{labelled(wide, "wide")}{labelled(phone, "phone")}'
                f'<details class="mg-plot__words"><summary>The figure in numbers</summary>'
                f"<p>{html.escape(words)}</p></details></figure>")
    return IMG.sub(inline, content)
