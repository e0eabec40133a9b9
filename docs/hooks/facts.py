"""Numbers in the prose, computed at build time: a page writes {{ num_params }}, never 4,192.

Every figure comes from running the package on the bundled data, or from the reference
checkpoint that `microgpt train --out docs/checkpoints/names-1000.json` makes (a test proves
that command reproduces it exactly). An unknown name fails the build.
"""

import inspect
import json
import math
import re
import statistics
from pathlib import Path

from mkdocs.exceptions import PluginError

from microgpt.checkpoint import load_checkpoint
from microgpt.cli import build_parser
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.sample import sample

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINT = ROOT / "docs" / "checkpoints" / "names-1000.json"
MAKEMORE_RUN = ROOT / "docs" / "checkpoints" / "makemore-run.txt"  # `microgpt run` on makemore's names
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")


def compute_facts():
    """name -> text, for every figure a page may quote."""
    docs = load_docs(default_data_path())
    tokenizer = Tokenizer.from_docs(docs)
    ckpt = load_checkpoint(CHECKPOINT)
    losses = ckpt["losses"]
    lengths = [len(d) for d in docs]
    config = ckpt["config"]
    return page_facts() | {
        "num_docs": f"{len(docs):,}",
        "num_chars": str(len(tokenizer.chars)),
        "vocab_size": str(tokenizer.vocab_size),
        "bos_id": str(tokenizer.bos),
        "name_len_min": str(min(lengths)),
        "name_len_max": str(max(lengths)),
        "name_len_mean": f"{statistics.mean(lengths):.2f}",
        "num_params": f"{len(ckpt['adam_m']):,}",
        "n_embd": str(config["n_embd"]),
        "n_head": str(config["n_head"]),
        "head_dim": str(config["n_embd"] // config["n_head"]),
        "mlp_width": str(len(ckpt["weights"]["layer0.mlp_fc1"])),  # the MLP's hidden layer: 4 * n_embd
        "n_layer": str(config["n_layer"]),
        "block_size": str(config["block_size"]),
        "learning_rate": str(ckpt["adam"]["learning_rate"]),
        "beta1": str(ckpt["adam"]["beta1"]),
        "beta2": str(ckpt["adam"]["beta2"]),
        "num_steps": f"{ckpt['step']:,}",
        "seed": str(ckpt["seed"]),
        "first_loss": f"{losses[0]:.4f}",
        "final_loss": f"{losses[-1]:.4f}",
        "first_100_mean_loss": f"{statistics.mean(losses[:100]):.2f}",
        "last_100_mean_loss": f"{statistics.mean(losses[-100:]):.2f}",
        "ln_vocab": f"{math.log(tokenizer.vocab_size):.4f}",
        "uniform_prob": f"{1 / tokenizer.vocab_size:.4f}",
        # how many names `microgpt run` prints by default (its --num)
        "num_samples": str(build_parser().parse_args(["run"]).num),
        # sample(..., temperature=0.5): the default of sample() and of `--temperature`
        "default_temperature": str(inspect.signature(sample).parameters["temperature"].default),
        "engine_speedup": f"{round_to_2_digits(default_speedup()):,.0f}",
        "makemore_num_docs": f"{makemore_num_docs():,}",
    }


def makemore_num_docs():
    """How many names makemore's file has, as `microgpt run` printed it ("num docs: N")."""
    first = MAKEMORE_RUN.read_text(encoding="utf-8").splitlines()[0]
    label, count = first.split(": ")
    if label != "num docs":
        raise PluginError(f"{MAKEMORE_RUN}: expected 'num docs: N' on the first line, got {first!r}")
    return int(count)


def default_speedup():
    """Scalar over vectorized seconds per step on the default model, as benchmarks/engines.py
    measured it (benchmarks/results/engines.json)."""
    results = json.loads((ROOT / "benchmarks" / "results" / "engines.json").read_text())["results"]
    return next(r["speedup"] for r in results if r["label"] == "default")


def round_to_2_digits(x):
    return float(f"{x:.2g}")  # 1266.4 -> 1300.0


def on_config(config):
    config["extra"]["facts"] = compute_facts()  # once per build, so `mkdocs serve` stays current
    return config


def on_page_markdown(markdown, page, config, files):
    facts = config["extra"]["facts"]

    def substitute(match):
        name = match.group(1)
        if name not in facts:
            raise PluginError(f"{page.file.src_path}: unknown fact {{{{ {name} }}}}; known: {', '.join(facts)}")
        return facts[name]

    return PLACEHOLDER.sub(substitute, markdown)


# --- Facts of Home and Acts 1-2 ------------------------------------------------------------
# Kept apart from compute_facts() above so that each page's figures can be read in one place.

ALGORITHM_MODULES = ["data.py", "engine.py", "model.py", "train.py", "sample.py"]  # acts 1 to 5


def algorithm_lines():
    """Lines of the five act modules that are neither blank nor only a comment, as Home counts them."""
    total = 0
    for name in ALGORITHM_MODULES:
        lines = (ROOT / "microgpt" / name).read_text(encoding="utf-8").splitlines()
        total += sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return total


def scalar_run_minutes():
    """Minutes of the default run's training steps on the pure-Python engine, from the saved benchmark."""
    results = json.loads((ROOT / "benchmarks" / "results" / "engines.json").read_text())["results"]
    seconds_per_step = next(r["scalar"]["seconds_per_step"] for r in results if r["label"] == "default")
    steps = load_checkpoint(CHECKPOINT)["step"]
    return seconds_per_step * steps / 60


def first_letters():
    """The first letters of the names, from the most common to the rarest."""
    from collections import Counter

    counts = Counter(doc[0] for doc in load_docs(default_data_path()))
    return [letter for letter, _ in counts.most_common()]


def page_facts():
    letters = first_letters()
    return {
        "algorithm_lines": str(algorithm_lines()),
        "scalar_run_minutes": f"{scalar_run_minutes():.1f}",
        "first_letter_top": letters[0],
        "first_letter_rare": letters[-1],
    }
