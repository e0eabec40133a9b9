# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Experiments
#
# The five acts explain one run of microgpt. This page changes the knobs and runs it again:
# the temperature, the width of the model, the length of training, and the data itself.
# It is a Jupyter notebook, executed from top to bottom every time the site is built, so each
# number and figure below is what the code printed on that build. The source is
# `docs/experiments.py` in the repository, a plain Python file in jupytext's "percent" format:
# open it in Jupyter (with jupytext installed) or run it with `python docs/experiments.py`.
#
# Training uses the [vectorized engine](../efficiency/): the same numbers as the scalar `Value`
# engine, far faster (the efficiency page measures by how much), so each run below takes
# seconds instead of minutes: the tables print how many.

# %%
import io
import math
import random
import re
import statistics
import time

import matplotlib.pyplot as plt
from IPython.display import HTML, display

from microgpt import vectorized
from microgpt.checkpoint import load_checkpoint, weights_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig

plt.rcParams.update({"figure.dpi": 110, "axes.spines.top": False, "axes.spines.right": False})


# %% [markdown]
# The figures below are shown as SVG in the page's own colours, so that they read in the light
# and the dark palette alike, each with a description in words for screen readers. This cell
# only draws; it computes nothing the experiments use.


# %%
# Placeholder colours, which become CSS variables (Material's text colours, extra.css's plot
# colours; after the comma, the colour used anywhere else). Transparent, text kept as text.
COLOURS = {"#010101": ("--md-default-fg-color", "#1f2937"),
           "#020202": ("--md-default-fg-color--light", "#6b7280"),
           "#030303": ("--mg-plot-accent", "#4f46e5"),
           "#040404": ("--mg-plot-second", "#c2410c")}
INK, MUTED, ACCENT, SECOND = COLOURS
SERIES = [(ACCENT, "-"), (SECOND, "--"), (INK, "-."), (MUTED, ":")]  # dashes tell them apart too
plt.rcParams.update({
    "svg.fonttype": "none", "svg.hashsalt": "experiments", "savefig.transparent": True,
    "axes.facecolor": "none", "figure.facecolor": "none", "text.color": INK,
    "axes.labelcolor": INK, "axes.edgecolor": INK, "xtick.color": INK, "ytick.color": INK,
    "legend.labelcolor": INK,
})
figures_shown = 0


def show(fig, description):
    """Display a figure as inline SVG, named by `description` (what a screen reader says)."""
    global figures_shown
    figures_shown += 1
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML prologue inside HTML
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    for placeholder, (name, fallback) in COLOURS.items():
        svg = svg.replace(placeholder, f"var({name}, {fallback})")
    prefix = f"experiment-{figures_shown}-"  # ids of its own, unique on the page
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    name = description.replace("&", "&amp;").replace("<", "&lt;")
    head = f'<svg role="img" aria-labelledby="{prefix}title" '
    svg = svg.replace("<svg ", head, 1)
    svg = re.sub(r"(<svg[^>]*>)", rf'\1<title id="{prefix}title">{name}</title>', svg, count=1)
    display(HTML(f'<figure class="mg-plot">{svg}</figure>'))


# %% [markdown]
# ## A training run in one function
#
# This is what `microgpt train --engine vectorized` does, in a few lines: shuffle with the
# seeded stream, build the tokenizer, draw the initial weights from the same stream, then one
# Adam step per document. It also keeps 1,000 names aside that training never sees, so that we
# can ask how well the model does on names it has *not* memorised: the held-out loss.


# %%
def train_run(docs, config=GPTConfig(), steps=1000, seed=42, held_out=1000):
    """Train on all but the last `held_out` shuffled documents; return what the experiments need."""
    rng = random.Random(seed)
    docs = list(docs)
    rng.shuffle(docs)
    train_docs, test_docs = docs[:-held_out], docs[-held_out:]
    tokenizer = Tokenizer.from_docs(docs)
    state_dict = init_params(config, tokenizer.vocab_size, rng)
    n = len(parameters(state_dict))
    P, M, V = vectorized.pack(weights_of(state_dict), [0.0] * n, [0.0] * n)
    opt = AdamConfig()
    start = time.perf_counter()
    losses = [vectorized.train_step(P, M, V, config, tokenizer, train_docs[s % len(train_docs)], s, steps, opt)
              for s in range(steps)]
    seconds = time.perf_counter() - start
    return {"P": P, "config": config, "tokenizer": tokenizer, "rng": rng, "losses": losses,
            "num_params": n, "seconds": seconds, "test_loss": mean_loss(P, config, tokenizer, test_docs),
            "train_docs": train_docs}


def mean_loss(P, config, tokenizer, docs):
    """Average cross-entropy over documents, without updating anything."""
    return statistics.mean(
        vectorized.loss_and_grads(P, config, [tokenizer.bos, *tokenizer.encode(d), tokenizer.bos])[0] for d in docs
    )


def running_mean(xs, window=100):
    return [statistics.mean(xs[max(0, i - window + 1) : i + 1]) for i in range(len(xs))]


def plot_losses(runs, window):
    """Running-mean training loss of each run (label -> run), with ln(vocab size) for a blind guess."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ends = []
    for (label, run), (colour, dash) in zip(runs.items(), SERIES):
        curve = running_mean(run["losses"], window)
        ax.plot(curve, label=label, color=colour, linestyle=dash)
        ends.append(f"{label}: {curve[0]:.2f} at the first step, {curve[-1]:.2f} after {len(curve):,}")
    vocab_size = next(iter(runs.values()))["tokenizer"].vocab_size
    blind = math.log(vocab_size)
    ax.axhline(blind, color=MUTED, linestyle=(0, (2, 4)), linewidth=1,
               label=f"blind guess, ln {vocab_size}")
    ax.set_xlabel("step")
    ax.set_ylabel(f"training loss (mean of {window} steps)")
    ax.legend(frameon=False)
    show(fig, f"Line chart: training loss, averaged over the last {window} steps, against the "
              f"step, one line per run ({'; '.join(ends)}), and a flat line at the blind guess "
              f"ln {vocab_size} = {blind:.2f}.")


names = load_docs(default_data_path())
print(f"{len(names)} names; a thousand of them held out of training")

# %% [markdown]
# ## 1. Temperature: from timid to wild
#
# The trained model of the five acts (the reference checkpoint, `docs/checkpoints/names-1000.json`)
# generates 200 names at each temperature. Three measurements per temperature: how many of the
# generated names are real names from the dataset, how many are distinct, and their mean length.
# A low temperature plays safe and repeats itself; a high one invents freely, and the inventions
# stop looking like names.

# %%
ckpt = load_checkpoint("docs/checkpoints/names-1000.json")
ref_config = GPTConfig(**ckpt["config"])
ref_tokenizer = Tokenizer(tuple(ckpt["vocab"]))
ref_P, _, _ = vectorized.pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])
known = set(names)

temperatures = [0.1, 0.3, 0.5, 0.7, 1.0, 1.3, 1.6, 2.0]
rows = []
for t in temperatures:
    rng = random.Random(0)
    batch = [vectorized.sample(ref_P, ref_config, ref_tokenizer, rng, t) for _ in range(200)]
    rows.append((t, sum(b in known for b in batch) / len(batch), len(set(batch)) / len(batch),
                 statistics.mean(len(b) for b in batch), batch[:6]))

print(f"{'T':>4} | {'real names':>10} | {'distinct':>8} | {'mean len':>8} | first six")
for t, real, distinct, length, first in rows:
    print(f"{t:>4} | {real:>10.0%} | {distinct:>8.0%} | {length:>8.2f} | {', '.join(first)}")

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(temperatures, [r[1] for r in rows], marker="o", label="real names", color=ACCENT)
ax.plot(temperatures, [r[2] for r in rows], marker="s", label="distinct", color=SECOND, linestyle="--")
ax.set_xlabel("temperature")
ax.set_ylabel("share of 200 samples")
ax.legend(frameon=False)
ax.set_title("Low temperature copies, high temperature invents")
best = max(rows, key=lambda r: r[1])
show(fig, "Line chart: low temperature copies, high temperature invents. Against the temperature, "
          f"from {temperatures[0]} to {temperatures[-1]}, the share of 200 samples that are real "
          f"names goes from {rows[0][1]:.0%}, up to {best[1]:.0%} at {best[0]}, down to "
          f"{rows[-1][1]:.0%}; the share that are distinct goes from {rows[0][2]:.0%} to "
          f"{rows[-1][2]:.0%}.")

# %% [markdown]
# ## 2. A wider model
#
# `n_embd` is the width: how many numbers describe a token at each position. Doubling it roughly
# quadruples most matrices, so the parameter count grows fast. With only 1,000 steps (1,000
# names seen once each), does the bigger model learn more?

# %%
widths = [8, 16, 32, 64]
wide = {w: train_run(names, GPTConfig(n_embd=w, n_head=4), steps=1000) for w in widths}
print(f"{'n_embd':>6} | {'params':>7} | {'last-100 train loss':>19} | {'held-out loss':>13} | {'seconds':>7}")
for w, run in wide.items():
    print(f"{w:>6} | {run['num_params']:>7} | {statistics.mean(run['losses'][-100:]):>19.3f} | "
          f"{run['test_loss']:>13.3f} | {run['seconds']:>7.2f}")

# %%
plot_losses({f"n_embd {w} ({run['num_params']:,} params)": run for w, run in wide.items()}, window=100)

# %% [markdown]
# ## 3. Longer training
#
# The default run stops after 1,000 steps, and its learning rate falls in a straight line over
# them (at the last step it is a thousandth of where it started).
# Here the same default model trains for longer (the decay stretches to the new length). The
# held-out loss says whether the extra steps teach the model about names in general or only
# about the names it saw.

# %%
lengths = [1000, 3000, 10000]
longer = {s: train_run(names, steps=s) for s in lengths}
print(f"{'steps':>6} | {'last-100 train loss':>19} | {'held-out loss':>13} | {'seconds':>7} | {'steps/s':>7}")
for s, run in longer.items():
    print(f"{s:>6} | {statistics.mean(run['losses'][-100:]):>19.3f} | {run['test_loss']:>13.3f} | "
          f"{run['seconds']:>7.2f} | {s / run['seconds']:>7.0f}")

# %%
plot_losses({f"{s:,} steps": run for s, run in longer.items()}, window=200)

# %%
run, rng = longer[10000], random.Random(1)
print("After 10,000 steps, at temperature 0.5:")
print(", ".join(vectorized.sample(run["P"], run["config"], run["tokenizer"], rng, 0.5) for _ in range(15)))

# %% [markdown]
# ## 4. Another world: numbers spelled out in English
#
# Nothing in microgpt knows about names. Give it any list of short documents and it learns
# their spelling. This dataset is made right here by code: every whole number from 1 to 999
# written in English words, with spaces ("three hundred forty two"). Unlike names, it has a
# strict grammar, so we can *check* what the model writes: is each sample a correctly spelled
# number from 1 to 999?

# %%
ONES = "one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n):
    """1 <= n <= 999 in English words, no hyphens or 'and': 342 -> 'three hundred forty two'."""
    words = []
    if n >= 100:
        words += [ONES[n // 100 - 1], "hundred"]
        n %= 100
    if n >= 20:
        words.append(TENS[n // 10 - 2])
        n %= 10
    if 10 <= n <= 19:
        words.append(TEENS[n - 10])
    elif n > 0:
        words.append(ONES[n - 1])
    return " ".join(words)


numbers = [number_words(n) for n in range(1, 1000)]
print(len(numbers), "documents, for example:", numbers[0], "|", numbers[41], "|", numbers[341], "|", numbers[998])
print("longest:", max(numbers, key=len), f"({max(map(len, numbers))} characters)")

# %%
number_config = GPTConfig(n_embd=32, n_head=4, block_size=32)
numbers_run = train_run(numbers, number_config, steps=3000, held_out=100)
valid = set(numbers)
rng = random.Random(7)
samples = [vectorized.sample(numbers_run["P"], number_config, numbers_run["tokenizer"], rng, 0.5) for _ in range(200)]
number_chars = numbers_run["tokenizer"].chars
print(f"vocabulary: {len(number_chars)} characters + BOS; the space is one of them: {''.join(number_chars)!r}")
print(f"held-out loss: {numbers_run['test_loss']:.3f}")
print(f"{sum(s in valid for s in samples) / len(samples):.0%} of 200 samples are correctly spelled numbers")
held_out_numbers = set(numbers) - set(numbers_run["train_docs"])
print(f"{sum(s in held_out_numbers for s in samples)} samples are numbers it never saw in training")
print("\n".join(samples[:12]))

# %% [markdown]
# ## What to try next
#
# Every experiment above is a few lines you can change: a deeper model (`n_layer`), another
# dataset (any text file with one document per line, e.g. through `microgpt train --data`), a
# different learning rate. The command line does the same with flags:
#
# ```sh
# microgpt run --engine vectorized --n-embd 32 --steps 5000
# microgpt train --data my_words.txt --engine vectorized --block-size 32 --out my.json
# microgpt sample --checkpoint my.json --temperature 0.8
# ```
