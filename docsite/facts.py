"""Numbers in the prose, computed at build time: a page writes {{ num_params }}, never 4,192
(the page grammar, docsite/directives.py, fills them in).

Every figure comes from running the package on the bundled data, or from the reference
checkpoint that `microgpt train --out docs/checkpoints/names-1000.json` makes (a test proves
that command reproduces it exactly). An unknown name fails the build.
"""

import inspect
import json
import math
import statistics
from functools import cache
from pathlib import Path

from mkdocs.exceptions import PluginError

from microgpt.checkpoint import load_checkpoint
from microgpt.cli import build_parser
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.sample import sample

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINT = ROOT / "docs" / "checkpoints" / "names-1000.json"
MAKEMORE_RUN = ROOT / "docs" / "checkpoints" / "makemore-run.txt"  # `microgpt run` on makemore's names


def compute_facts():
    """name -> text, for every figure a page may quote."""
    docs = load_docs(default_data_path())
    tokenizer = Tokenizer.from_docs(docs)
    ckpt = load_checkpoint(CHECKPOINT)
    losses = ckpt["losses"]
    lengths = [len(d) for d in docs]
    config = ckpt["config"]
    return page_facts() | act3_facts() | {
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


@cache
def computed():
    """compute_facts(), once: the build clears it at each start, so `mkdocs serve` stays current."""
    return compute_facts()


def recompute() -> None:
    computed.cache_clear()
    computed()


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
        "longest_name": max(load_docs(default_data_path()), key=len),
    }


# --- Facts of Act 3: what its attention figure shows -----------------------------------------
# The page's reading of the attention maps ("head 2 is the sharp one") is built from these, so a
# new checkpoint cannot change the figure under unchanged words.

ATTENTION_NAME = "maxwell"  # the name of Act 3's attention figure (docsite/plots.py)


def attention_of(name, ckpt, tokenizer):
    """(n_head, T, T) attention weights of the reference model's one layer on BOS + a name."""
    from microgpt.model import GPTConfig
    from microgpt.vectorized import attention_maps, pack

    P, _, _ = pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])
    tokens = [tokenizer.bos] + tokenizer.encode(name)
    return attention_maps(P, GPTConfig(**ckpt["config"]), tokens)[0]


def head_sharpness(maps):
    """Per head, the mean over rows of the row's largest weight; row 0 (BOS, which can only
    look at itself, weight 1) left out."""
    return [float(maps[h, 1:].max(axis=1).mean()) for h in range(len(maps))]


def earlier_e_shares(ckpt, tokenizer, every=20):
    """Per head, how often an earlier e is the position it looks at hardest, over every
    `every`-th name, at each position that has an e before it (as Act 3's folded count does)."""
    from microgpt.model import GPTConfig

    config = GPTConfig(**ckpt["config"])
    e = tokenizer.encode("e")[0]
    cases, hits = 0, [0] * config.n_head
    for name in load_docs(default_data_path())[::every]:
        tokens = ([tokenizer.bos] + tokenizer.encode(name))[: config.block_size]
        maps = attention_of(name[: len(tokens) - 1], ckpt, tokenizer)
        for t in range(1, len(tokens)):
            if e in tokens[:t]:
                cases += 1
                for h in range(config.n_head):
                    hits[h] += tokens[int(maps[h, t].argmax())] == e
    return [hit / cases for hit in hits]


def spoken_list(items):
    """["0", "1", "3"] -> "0, 1 and 3"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def act3_facts():
    ckpt = load_checkpoint(CHECKPOINT)
    tokenizer = Tokenizer(tuple(ckpt["vocab"]))
    sharpness = head_sharpness(attention_of(ATTENTION_NAME, ckpt, tokenizer))
    sharp = max(range(len(sharpness)), key=sharpness.__getitem__)
    broad = [h for h in range(len(sharpness)) if h != sharp]
    shares = earlier_e_shares(ckpt, tokenizer)
    e_head = max(range(len(shares)), key=shares.__getitem__)
    return {
        "attn_sharp_head": str(sharp),
        "attn_sharp_mean": f"{sharpness[sharp]:.2f}",
        "attn_broad_heads": spoken_list([str(h) for h in broad]),
        "attn_broad_means": spoken_list([f"{sharpness[h]:.2f}" for h in broad]),
        "attn_e_head": str(e_head),
        "attn_e_share": f"{shares[e_head]:.0%}",
    }
