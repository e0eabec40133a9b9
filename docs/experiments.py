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
# The acts explain one run of microgpt. This page changes the knobs and runs it again:
# the **temperature** (how boldly names are drawn, [Act 5](../act-5-voice/#temperature)), the width of the model, the length of training, and the data itself.
# It is a Jupyter notebook, executed from top to bottom every time the site is built, so each
# number and figure below is what the code printed on that build. The source is
# `docs/experiments.py` in the repository, a plain Python file in jupytext's "percent" format:
# open it in Jupyter (with jupytext installed). Run as a plain script
# (`python docs/experiments.py`), it prints every table but cannot show the figures.
#
# Training uses the [vectorized engine](../efficiency/): the same numbers as the scalar `Value`
# engine, far faster (the efficiency page measures by how much), so each run below takes
# seconds instead of minutes. The tables leave out how many seconds: that depends on the
# machine that built this page. The **losses** (the model's average error on names), as printed, are very likely the same
# on any machine, but not certainly: which sums of the vectorized engine round differently
# depends on the processor and the NumPy build ([the efficiency page](../efficiency/#gradients)).
#
# One run proves little: another **seed** (the number that fixes every random draw) draws other
# initial **weights** (the numbers the model learns) and another order of names,
# and the loss moves with them. So the width and the length of training are each
# tried on several seeds, and their tables give the mean over the seeds with their lowest and
# highest value. A difference smaller than that spread is not a result. The temperature table
# and the spelled-out numbers use one run each.

# %%
import io
import math
import random
import re
import statistics

import matplotlib.pyplot as plt
from IPython.display import HTML, display

from microgpt import vectorized
from microgpt.checkpoint import load_checkpoint, running_mean, weights_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig

plt.rcParams.update({"figure.dpi": 110, "axes.spines.top": False, "axes.spines.right": False})


# %% [markdown]
# The figures below are shown as SVG in the page's own colours, so that they read in the light
# and the dark palette alike, each with a description in words for screen readers. This cell
# only draws; it computes nothing the experiments use.


# %%
# The site's palette (docsite/svg.py): each role drawn in a placeholder colour, which becomes
# the site's CSS variable for it, with the light colour as a fallback. Transparent, text kept as text.
from docsite.svg import ACCENT, INK, MUTED, SECOND, in_site_colours

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
    svg = in_site_colours(svg)
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
# seeded stream, build the **tokenizer** (letters to ids), draw the initial weights from the same
# stream, then one **Adam** step (the package's rule for moving the weights) per **document** (here,
# a name). It also keeps the last names of the shuffled list aside (the count is
# printed below), which training never sees, so that we can ask how well the model does on names
# it has never met: the **held-out loss**, the average loss on those names.


# %%
HELD_OUT = 1000  # names kept out of training, scored after it


def train_run(docs, config=GPTConfig(), steps=1000, seed=42, held_out=HELD_OUT):
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
    losses = [vectorized.train_step(P, M, V, config, tokenizer, train_docs[s % len(train_docs)], s, steps, opt)
              for s in range(steps)]
    return {"P": P, "config": config, "tokenizer": tokenizer, "rng": rng, "losses": losses,
            "num_params": n, "test_loss": mean_loss(P, config, tokenizer, test_docs),
            "train_docs": train_docs}


def mean_loss(P, config, tokenizer, docs):
    """Average cross-entropy over documents, without updating anything."""
    return statistics.mean(
        vectorized.loss_and_grads(P, config, [tokenizer.bos, *tokenizer.encode(d), tokenizer.bos])[0] for d in docs
    )


# 42 is the package's default seed; two more show how much a seed alone moves things
SEEDS = (42, 1, 2)


def over_seeds(values):
    """'mean (lowest-highest)' of one measurement over the seeds."""
    return f"{statistics.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def compare(label, a, b):
    """How the mean held-out loss moves from a to b, against the seeds' spread."""
    change = statistics.mean(b) - statistics.mean(a)
    spread = max(max(a) - min(a), max(b) - min(b))
    ratio = abs(change) / spread
    verdict = ("larger than" if ratio > 1.2 else "smaller than" if ratio < 0.8
               else "about the size of")
    print(f"{label}: held-out {change:+.3f}, {verdict} the seeds' spread "
          f"({spread:.3f})")


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
print(f"{len(names)} names; {HELD_OUT:,} of them held out of training")

# %% [markdown]
# ## 1. Temperature: from timid to wild
#
# The trained model of the acts (the reference **checkpoint**, the saved run,
# `docs/checkpoints/names-1000.json`) generates a **batch** of names, a set drawn together, at each
# temperature (the plot's axis says how many). For each
# temperature: how many of the generated names are real names of the data file, how many are
# distinct, and their mean length. A real name here need not be one the model trained on: it
# saw only the first names of the shuffled list ([Act 5](../act-5-voice/#real-names) explains why
# it writes real names all the same).

# %%
ckpt = load_checkpoint("docs/checkpoints/names-1000.json")
ref_config = GPTConfig(**ckpt["config"])
ref_tokenizer = Tokenizer(tuple(ckpt["vocab"]))
ref_P, _, _ = vectorized.pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])
known = set(names)

temperatures = [0.1, 0.3, 0.5, 0.7, 1.0, 1.3, 1.6, 2.0]
BATCH = 200  # names drawn at each temperature
rows = []
for t in temperatures:
    rng = random.Random(0)
    batch = [vectorized.sample(ref_P, ref_config, ref_tokenizer, rng, t) for _ in range(BATCH)]
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
ax.set_ylabel(f"share of {BATCH} samples")
ax.legend(frameon=False)
best = max(rows, key=lambda r: r[1])
title = f"Real names peak at T = {best[0]}; distinct names rise to {rows[-1][2]:.0%}"
ax.set_title(title)
show(fig, f"Line chart: {title}. Against the temperature, "
          f"from {temperatures[0]} to {temperatures[-1]}, the share of {BATCH} samples that are real "
          f"names goes from {rows[0][1]:.0%}, up to {best[1]:.0%} at {best[0]}, down to "
          f"{rows[-1][1]:.0%}; the share that are distinct goes from {rows[0][2]:.0%} to "
          f"{rows[-1][2]:.0%}.")

# %% [markdown]
# ## 2. A wider model
#
# `n_embd` is the width: how many numbers describe a **token** (a letter) at each position.
# Doubling it roughly quadruples most matrices, so the **parameter** count (the number of weights)
# grows fast. With the default run's length
# (one name per step, each name seen once), does the bigger model learn more?

# %%
widths = [8, 16, 32, 64]
wide = {}
for w in widths:
    config = GPTConfig(n_embd=w, n_head=4)
    wide[w] = [train_run(names, config, steps=1000, seed=seed) for seed in SEEDS]
print(f"mean over seeds {', '.join(map(str, SEEDS))} (lowest-highest)")
print(f"{'n_embd':>6} | {'params':>6} | {'last-100 train loss':>19} | {'held-out loss':>19}")
for w, runs in wide.items():
    train = [statistics.mean(run["losses"][-100:]) for run in runs]
    test = [run["test_loss"] for run in runs]
    print(f"{w:>6} | {runs[0]['num_params']:>6} | {over_seeds(train):>19} | {over_seeds(test):>19}")
print()
for a, b in zip(widths, widths[1:]):
    held_out = [[run["test_loss"] for run in wide[w]] for w in (a, b)]
    compare(f"n_embd {a} -> {b}", *held_out)

# %% [markdown]
# Read the last lines first: they say, for each doubling of the width, how much the held-out
# loss moved on average and whether that is more than the seeds alone move it. In a run this
# short a model sees each name once, and a wider model has more weights to set from the same
# few examples: width is not sure to pay before the data has been seen enough to fill it.
# The curves below are the runs of the package's default seed.

# %%
seed_42 = {f"n_embd {w} ({runs[0]['num_params']:,} params)": runs[0] for w, runs in wide.items()}
plot_losses(seed_42, window=100)

# %% [markdown]
# ## 3. Longer training
#
# The default run stops after its last step, and its **learning rate**, the step size, falls in a straight line
# over the steps (at the last step it is the first step's rate divided by the number of steps).
# Here the same default model trains for longer (the decay stretches to the new length). The
# held-out loss says whether the extra steps teach the model about names in general or only
# about the names it saw.

# %%
lengths = [1000, 3000, 10000]
# The default model for 1,000 steps is the n_embd 16 run above, seed for seed:
# not trained twice.
longer = {1000: wide[16]}
for s in lengths[1:]:
    longer[s] = [train_run(names, steps=s, seed=seed) for seed in SEEDS]
print(f"mean over seeds {', '.join(map(str, SEEDS))} (lowest-highest)")
print(f"{'steps':>6} | {'last-100 train loss':>19} | {'held-out loss':>19} | {'gap':>6}")
for s, runs in longer.items():
    train = [statistics.mean(run["losses"][-100:]) for run in runs]
    test = [run["test_loss"] for run in runs]
    gap = statistics.mean(test) - statistics.mean(train)
    print(f"{s:>6} | {over_seeds(train):>19} | {over_seeds(test):>19} | {gap:>+6.3f}")
print()
for a, b in zip(lengths, lengths[1:]):
    held_out = [[run["test_loss"] for run in longer[s]] for s in (a, b)]
    compare(f"{a:,} -> {b:,} steps", *held_out)
num_train, most = len(longer[lengths[-1]][0]["train_docs"]), lengths[-1]
assert most < num_train, "the text below says no run gets through the training names once"
print(f"{most:,} steps visit {min(most, num_train) / num_train:.0%} "
      f"of the {num_train:,} training names")

# %% [markdown]
# The "gap" column is the held-out loss minus the training loss. It cannot show memorising here:
# the training loss of a step is measured on its name just *before* the model learns from it,
# and no run gets through the training names even once (the last line above), so both columns
# are losses on names the model had not yet seen. The gap only says whether the training names
# and the held-out ones are equally hard; memorising would show once names come round again.
# The comparison lines say whether each longer run is better on names it never saw, by more
# than a change of seed would explain. The last line above says how far the longest run gets
# through the training names: one name per step, each seen at most once until the list is used
# up. A longer run also keeps its learning rate high for longer before it decays.

# %%
plot_losses({f"{s:,} steps": runs[0] for s, runs in longer.items()}, window=200)

# %%
run, rng = longer[10000][0], random.Random(1)
print("After 10,000 steps, at temperature 0.5:")
print(", ".join(vectorized.sample(run["P"], run["config"], run["tokenizer"], rng, 0.5) for _ in range(15)))

# %% [markdown]
# ## 4. Another world: numbers spelled out in English
#
# Nothing in microgpt knows about names. Give it any list of short documents and it learns
# their spelling. This dataset is made right here by code: every whole number that
# `number_words` below can spell, written in English words, with spaces. Unlike names, it has a
# strict grammar, so we can *check* what the model writes: is each sample a correctly spelled
# number of that list?

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
