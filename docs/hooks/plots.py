"""Figures made by running the code at every build, so a picture on the site is always true.

Each figure reads the reference checkpoint (docs/checkpoints/names-1000.json, made by the
package's own command line) and runs the package; each PNG is drawn into memory and handed to
MkDocs as the content of plots/NAME.png. Nothing is committed as an image, and nothing is written
to the temp folder (a build, or a live rebuild, leaves no files behind).
"""

import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: draw straight to PNG
import matplotlib.pyplot as plt
from mkdocs.structure.files import File

from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, gpt, softmax

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINT = ROOT / "docs" / "checkpoints" / "names-1000.json"
INK, ACCENT, MUTED = "#1f2937", "#4f46e5", "#9ca3af"
TEMPERATURES = (0.5, 1.0, 1.5)


def trained_model():
    """(checkpoint, config, tokenizer) of the reference run: read once per build, for every figure."""
    ckpt = load_checkpoint(CHECKPOINT)
    return ckpt, GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))


# --8<-- [start:loss_curve]
def loss_curve(path, model):
    """Every step's loss of the 1000-step run, its running mean, and the loss of a blind guess."""
    ckpt, _, tokenizer = model
    losses = ckpt["losses"]
    window = 50
    running = [sum(losses[max(0, i - window + 1) : i + 1]) / (i + 1 - max(0, i - window + 1))
               for i in range(len(losses))]
    steps = range(1, len(losses) + 1)
    fig, ax = plt.subplots(figsize=(8, 4), dpi=120)
    ax.plot(steps, losses, color=MUTED, linewidth=0.6, label="loss on one name, each step")
    ax.plot(steps, running, color=ACCENT, linewidth=2, label=f"mean of the last {window} steps")
    blind = math.log(tokenizer.vocab_size)
    ax.axhline(blind, color=INK, linestyle="--", linewidth=1)
    ax.text(len(losses), blind + 0.05, f"ln {tokenizer.vocab_size} = {blind:.2f}: a uniform guess",
            ha="right", va="bottom", color=INK)
    ax.set_xlabel("training step")
    ax.set_ylabel("cross-entropy loss")
    ax.legend(loc="lower left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
# --8<-- [end:loss_curve]


# --8<-- [start:temperature]
def temperature_bars(path, model):
    """The trained model's probabilities for the first letter of a name, at three temperatures."""
    ckpt, config, tokenizer = model
    state_dict = state_dict_of(ckpt["weights"])
    logits = gpt(state_dict, config, tokenizer.bos, 0, [[] for _ in range(config.n_layer)],
                 [[] for _ in range(config.n_layer)])
    labels = [*tokenizer.chars, "BOS"]
    fig, axes = plt.subplots(len(TEMPERATURES), 1, figsize=(8, 6), dpi=120, sharex=True, sharey=True)
    for ax, t in zip(axes, TEMPERATURES):
        probs = [p.data for p in softmax([logit / t for logit in logits])]
        ax.bar(range(len(labels)), probs, color=ACCENT if t == 1.0 else MUTED)
        ax.set_ylabel(f"T = {t}")
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xticks(range(len(labels)), labels)
    axes[0].set_title("P(first letter) after BOS: low T sharpens, high T flattens", color=INK)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
# --8<-- [end:temperature]


# --8<-- [start:attention_heatmap]
import numpy as np  # np.ma.masked_where, to leave the future blank
from matplotlib.patches import Rectangle  # the hatched background that the future shows through

from microgpt.vectorized import attention_maps, pack  # every head's attention weights at once

ATTENTION_NAME = "maxwell"  # a double l, and an e that one head keeps looking back at


def attention_heatmap(path, model):
    """The trained model reading BOS + ATTENTION_NAME: one panel per head, query down, key across."""
    ckpt, config, tokenizer = model
    P, _, _ = pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])
    tokens = [tokenizer.bos] + tokenizer.encode(ATTENTION_NAME)  # what the model reads, position by position
    maps = attention_maps(P, config, tokens)[0]                   # (n_head, T, T), the only layer
    labels = ["BOS", *ATTENTION_NAME]
    T = len(tokens)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)           # key after query: never looked at
    cmap = plt.get_cmap("Purples").copy()
    cmap.set_bad((0, 0, 0, 0))                                    # masked cells: transparent
    rows = math.ceil(config.n_head / 2)
    fig, axes = plt.subplots(rows, 2, figsize=(8, 4 * rows), dpi=120)
    for h, ax in enumerate(axes.flat):
        ax.add_patch(Rectangle((-0.5, -0.5), T, T, facecolor="white", edgecolor="#d1d5db",
                               hatch="///", linewidth=0, zorder=-1))  # shows through the future
        weights = np.ma.masked_where(future, maps[h])
        image = ax.imshow(weights, cmap=cmap, vmin=0, vmax=1)
        ax.text(T - 1, 0.5, "the future:\nnot visible", ha="right", va="center", fontsize=8, color=MUTED,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        for t in range(T):
            for s in range(t + 1):
                w = maps[h, t, s]
                ax.text(s, t, "1" if w >= 0.995 else f"{w:.2f}"[1:], ha="center", va="center", fontsize=7,
                        color="white" if w > 0.55 else INK)
        ax.set_xticks(range(T), labels, fontsize=8)
        ax.set_yticks(range(T), labels, fontsize=8)
        ax.tick_params(length=0)
        ax.xaxis.set_ticks_position("top")
        ax.set_title(f"head {h}", color=INK, fontsize=10, pad=18)
        ax.set_xlabel("key: the position looked at", color=MUTED, fontsize=8)
        ax.set_ylabel("query: the position looking", color=MUTED, fontsize=8)
        ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=axes, shrink=0.6, label="attention weight (each row sums to 1)")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
# --8<-- [end:attention_heatmap]


FIGURES = {"loss-curve.png": loss_curve, "temperature.png": temperature_bars,
           "attention.png": attention_heatmap}


def on_files(files, config):
    model = trained_model()
    for name, draw in FIGURES.items():
        image = io.BytesIO()  # savefig writes to any file object: the PNG never touches the disk
        draw(image, model)
        files.append(File.generated(config, f"plots/{name}", content=image.getvalue()))
    return files
