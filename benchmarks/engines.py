"""Benchmark: the scalar engine against the vectorized one, on the same steps of the same model.

    python benchmarks/engines.py            # from the checkout; needs numpy

For each configuration, both engines start from the same initial weights and train on the
same documents of the bundled names. It measures:

- time per train_step (wall clock, perf_counter): the scalar engine for a few seconds' worth of
  steps (at least 20 on the default configuration; fewer as the model grows, at least one), the
  vectorized engine for at least 500 steps. Both on one core: the BLAS behind NumPy is held to
  one thread (OPENBLAS_NUM_THREADS=1 and friends, unless already set), as the scalar engine has
  only one, and because on a small shared machine a second BLAS thread mostly waits for a core;
- peak memory of one train_step: tracemalloc's peak during the step minus what was allocated
  before it (so the weights and Adam's moments, which exist already, do not count; NumPy
  reports its array buffers to tracemalloc, so arrays are included). Measured on a separate,
  untimed step, since tracing slows everything down;
- FLOPs per step, estimated from the matrix products: the forward pass's, times 3 for forward
  plus backward (the backward has two products for each forward one). Element-wise work, the
  softmaxes and Adam are left out: they are small next to the products once the model grows.

The default configuration runs on the real names, one per step, exactly like the default
training run (the headline ratio). The other configurations run on documents that fill the
whole context: consecutive names joined into one string of block_size characters, so that every
step computes T = block_size positions (a name alone is at most 15 letters). Configurations vary
one setting at a time from the default: n_embd 16..128, block_size 16..64, n_layer 1..4.

Writes benchmarks/results/engines.json (with a description of the machine) and prints the
table. A few minutes on 2 cores. The site draws its figure from that file when it is built
(docsite/plots.py), so a new run needs no other step to show up on the page.
"""

import datetime  # datetime.datetime.now, to date the results
import json  # json.dumps, for the results file
import os  # os.environ, to hold BLAS to one thread before NumPy loads; os.cpu_count
import platform  # platform.platform, platform.python_version: the machine's description
import random  # random.Random, the same seeded stream as the training run
import time  # time.perf_counter, the clock for steps
import tracemalloc  # tracemalloc.get_traced_memory, for the peak memory of one step
from pathlib import Path  # Path, for the output files

ROOT = Path(__file__).resolve().parents[1]
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # read once, when NumPy's BLAS starts: so before the import

import numpy as np

from microgpt import vectorized
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig, train_step

RESULTS = ROOT / "benchmarks" / "results" / "engines.json"
SCALAR_SECONDS = 2.0   # time the scalar engine for about this long per configuration
SCALAR_MAX_STEPS = 50
SCALAR_MIN_STEPS_DEFAULT = 20  # but on the default configuration, at least this many steps
VECTOR_SECONDS = 0.5   # and the vectorized one for this long, and at least VECTOR_MIN_STEPS
VECTOR_MIN_STEPS = 500

# (label, GPTConfig, documents): "names" = one real name per step, "full" = contexts filled to block_size
CONFIGS = [
    ("default", GPTConfig(), "names"),
    ("C16 L1 B16", GPTConfig(n_embd=16, n_layer=1, block_size=16), "full"),
    ("C32 L1 B16", GPTConfig(n_embd=32, n_layer=1, block_size=16), "full"),
    ("C64 L1 B16", GPTConfig(n_embd=64, n_layer=1, block_size=16), "full"),
    ("C128 L1 B16", GPTConfig(n_embd=128, n_layer=1, block_size=16), "full"),
    ("C16 L1 B32", GPTConfig(n_embd=16, n_layer=1, block_size=32), "full"),
    ("C16 L1 B64", GPTConfig(n_embd=16, n_layer=1, block_size=64), "full"),
    ("C16 L2 B16", GPTConfig(n_embd=16, n_layer=2, block_size=16), "full"),
    ("C16 L4 B16", GPTConfig(n_embd=16, n_layer=4, block_size=16), "full"),
]


def machine():
    """What the numbers were measured on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
        "load_average_at_start": os.getloadavg()[0],  # > cpu_count: other work shared the cores
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def full_context_docs(names, block_size):
    """Consecutive names joined into strings of exactly block_size letters (real text, full contexts)."""
    docs, current = [], ""
    for name in names:
        current += name
        if len(current) >= block_size:
            docs.append(current[:block_size])
            current = ""
    return docs


def forward_flops(config, vocab_size, T):
    """Multiply-adds of the forward pass's matrix products, times 2 (one multiply, one add)."""
    C = config.n_embd
    per_layer = (
        3 * T * C * C        # q, k, v
        + T * T * C          # scores: every position against every position, all heads together
        + T * T * C          # the weighted sum of the values
        + T * C * C          # attn_wo
        + 2 * T * C * 4 * C  # mlp_fc1 and mlp_fc2
    )
    return 2 * (config.n_layer * per_layer + T * C * vocab_size)  # + lm_head


def positions(config, tokenizer, doc):
    return min(config.block_size, len(tokenizer.encode(doc)) + 1)


def peak_memory(step_fn):
    """Bytes allocated at the peak of one call of step_fn, above what existed before it."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    step_fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - before


def bench(label, config, kind, names, tokenizer):
    rng = random.Random(42)
    docs = names if kind == "names" else full_context_docs(names, config.block_size)
    state_dict = init_params(config, tokenizer.vocab_size, rng)
    params = parameters(state_dict)
    weights = {name: [[p.data for p in row] for row in mat] for name, mat in state_dict.items()}
    opt, num_steps = AdamConfig(), 1000

    # vectorized: from the same initial weights
    P, M, V = vectorized.pack(weights, [0.0] * len(params), [0.0] * len(params))
    vec_step = 0

    def vec_train():
        nonlocal vec_step
        vectorized.train_step(P, M, V, config, tokenizer, docs[vec_step % len(docs)], vec_step % num_steps, num_steps, opt)
        vec_step += 1

    for _ in range(20):  # warm up: caches, first allocations
        vec_train()
    vec_memory = peak_memory(vec_train)
    vec_steps, start = 0, time.perf_counter()
    while vec_steps < VECTOR_MIN_STEPS or time.perf_counter() - start < VECTOR_SECONDS:
        vec_train()
        vec_steps += 1
    vec_time = (time.perf_counter() - start) / vec_steps
    vec_docs = [docs[i % len(docs)] for i in range(vec_step - vec_steps, vec_step)]

    # scalar
    m, v = [0.0] * len(params), [0.0] * len(params)
    sc_step = 0

    def scalar_train():
        nonlocal sc_step
        train_step(state_dict, params, config, tokenizer, docs[sc_step % len(docs)], m, v, sc_step, num_steps, opt)
        sc_step += 1

    scalar_memory = peak_memory(scalar_train)
    sc_steps, start = 0, time.perf_counter()
    min_steps = SCALAR_MIN_STEPS_DEFAULT if label == "default" else 1
    while sc_steps < min_steps or (time.perf_counter() - start < SCALAR_SECONDS and sc_steps < SCALAR_MAX_STEPS):
        scalar_train()
        sc_steps += 1
    scalar_time = (time.perf_counter() - start) / sc_steps
    sc_docs = docs[1 : 1 + sc_steps]

    # FLOPs for the documents each engine actually saw (names vary in length)
    def mean_flops(doc_list):
        return sum(forward_flops(config, tokenizer.vocab_size, positions(config, tokenizer, d)) for d in doc_list) * 3 / len(doc_list)

    vec_flops = mean_flops(vec_docs)
    return {
        "label": label,
        "config": {"n_embd": config.n_embd, "n_head": config.n_head, "n_layer": config.n_layer,
                   "block_size": config.block_size},
        "documents": kind,
        "num_params": len(params),
        "mean_positions": sum(positions(config, tokenizer, d) for d in vec_docs) / len(vec_docs),
        "flops_per_step": round(vec_flops),
        "scalar": {"steps": sc_steps, "seconds_per_step": scalar_time, "steps_per_second": 1 / scalar_time,
                   "peak_bytes": scalar_memory, "flops_per_step": round(mean_flops(sc_docs))},
        "vectorized": {"steps": vec_steps, "seconds_per_step": vec_time, "steps_per_second": 1 / vec_time,
                       "peak_bytes": vec_memory, "gflops": vec_flops / vec_time / 1e9},
        "speedup": scalar_time / vec_time,
        # what a compiled implementation would need at 1 to 10 GFLOP/s for the same products
        "compiled_estimate_seconds": [vec_flops / 10e9, vec_flops / 1e9],
    }


def main():
    info = machine()
    names = load_docs(default_data_path())
    random.Random(42).shuffle(names)
    tokenizer = Tokenizer.from_docs(names)
    print(f"{info['cpu']} ({info['cpu_count']} cores), {info['platform']}, Python {info['python']}, NumPy {info['numpy']}")
    header = (f"{'config':12s} {'docs':5s} {'params':>7s} {'T':>5s} {'FLOPs':>9s} | {'scalar s/step':>13s} {'steps':>5s} "
              f"{'peak MB':>8s} | {'vector ms/step':>14s} {'peak MB':>8s} {'GFLOP/s':>7s} | {'speedup':>7s}")
    print(header)
    print("-" * len(header))
    rows = []
    for label, config, kind in CONFIGS:
        r = bench(label, config, kind, names, tokenizer)
        rows.append(r)
        s, vz = r["scalar"], r["vectorized"]
        print(f"{label:12s} {kind:5s} {r['num_params']:7d} {r['mean_positions']:5.1f} {r['flops_per_step']:9.3g} | "
              f"{s['seconds_per_step']:13.4f} {s['steps']:5d} {s['peak_bytes'] / 1e6:8.1f} | "
              f"{vz['seconds_per_step'] * 1e3:14.3f} {vz['peak_bytes'] / 1e6:8.3f} {vz['gflops']:7.3f} | "
              f"{r['speedup']:6.0f}x", flush=True)
    default = rows[0]
    lo, hi = default["compiled_estimate_seconds"]
    print(f"\ndefault configuration: scalar {default['scalar']['steps_per_second']:.1f} steps/s, "
          f"vectorized {default['vectorized']['steps_per_second']:.0f} steps/s: {default['speedup']:.0f}x faster")
    print(f"default configuration: {default['flops_per_step']:.3g} FLOPs per step; compiled code at 1-10 GFLOP/s "
          f"would take {lo * 1e6:.0f}-{hi * 1e6:.0f} us, vs {default['vectorized']['seconds_per_step'] * 1e6:.0f} us "
          f"for NumPy ({default['vectorized']['seconds_per_step'] / hi:.0f}-{default['vectorized']['seconds_per_step'] / lo:.0f}x slower)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": info, "memory": "tracemalloc peak of one train_step, bytes above "
                                   "what was allocated before the step", "results": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Time both engines over a range of model sizes; "
                                     f"writes {RESULTS.relative_to(ROOT)}. docs/efficiency.md prints "
                                     "these results and draws its figure from them at build time: after "
                                     "a new run, refresh its output blocks (pytest docs/efficiency.md "
                                     "--update-outputs).")
    parser.parse_args()
    main()
