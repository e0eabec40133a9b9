"""Figures made by running the code at every build, so a picture on the site is always true.

Each figure reads the reference checkpoint (docs/checkpoints/names-1000.json, made by the
package's own command line) and runs the package; the PNGs are written to a scratch folder and
served as plots/NAME.png. Nothing here is committed as an image.
"""

import math
import random
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: draw straight to PNG
import matplotlib.pyplot as plt
from mkdocs.structure.files import File

from microgpt.checkpoint import load_checkpoint, rng_state_from_json, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, gpt, softmax
from microgpt.sample import sample

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINT = ROOT / "docs" / "checkpoints" / "names-1000.json"
INK, ACCENT, MUTED = "#1f2937", "#4f46e5", "#9ca3af"
TEMPERATURES = (0.5, 1.0, 1.5)


def trained_model():
    ckpt = load_checkpoint(CHECKPOINT)
    return ckpt, GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))


# --8<-- [start:loss_curve]
def loss_curve(path):
    """Every step's loss of the 1000-step run, its running mean, and the loss of a blind guess."""
    ckpt, _, tokenizer = trained_model()
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
def temperature_bars(path):
    """The trained model's probabilities for the first letter of a name, at three temperatures."""
    ckpt, config, tokenizer = trained_model()
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


FIGURES = {"loss-curve.png": loss_curve, "temperature.png": temperature_bars}


def on_files(files, config):
    folder = Path(tempfile.mkdtemp(prefix="microgpt-plots-"))
    for name, draw in FIGURES.items():
        draw(folder / name)
        files.append(File.generated(config, f"plots/{name}", abs_src_path=str(folder / name)))
    return files
