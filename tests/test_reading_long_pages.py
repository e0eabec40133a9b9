"""Sentences that read an output, on the complete picture, the efficiency page and the ladder.

Each test names a sentence of a page and checks it against the numbers it reads: the reference
checkpoint, the bundled names, the benchmark's results file, or the page's own checked output
blocks (the fence tests hold those to what the code prints). Change the numbers and the
sentence's test fails; rewrite the sentence and its test fails until it names the new one.
(The ladder's comparisons are checked at build time by `<!-- ladder-holds -->`.)
"""

import json
import random
import re
import statistics
from pathlib import Path

import pytest

from microgpt.checkpoint import load_checkpoint, rng_state_from_json, state_dict_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig
from microgpt.sample import sample

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHECKPOINT = DOCS / "checkpoints" / "names-1000.json"
BENCHMARK = ROOT / "benchmarks" / "results" / "engines.json"


def page(name):
    """The page's text, with its line breaks (and the indent of folded blocks) as single spaces."""
    return re.sub(r"\s*\n\s*", " ", (DOCS / name).read_text(encoding="utf-8"))


def says(name, sentence):
    """Fail unless the page still has the sentence this test checks."""
    assert sentence in page(name), f"{name} no longer says {sentence!r}: update this test with it"


def output_blocks(name):
    """The text of every checked output block of a page."""
    text = (DOCS / name).read_text(encoding="utf-8")
    return [m.group(2) for m in re.finditer(r"^( *)```\{\.text \.output\}\n(.*?)^\1```", text, re.M | re.S)]


@pytest.fixture(scope="module")
def ckpt():
    return load_checkpoint(CHECKPOINT)


@pytest.fixture(scope="module")
def bench():
    return json.loads(BENCHMARK.read_text(encoding="utf-8"))


def per_mul_add_us(row):
    """The scalar engine's microseconds per multiply-add in one row (2 FLOPs per multiply-add)."""
    return row["scalar"]["seconds_per_step"] / (row["scalar"]["flops_per_step"] / 2) * 1e6


# --- The complete picture ---------------------------------------------------------------------

def test_the_reference_run_writes_real_names_it_never_trained_on(ckpt):
    says("complete-picture.md", "some happen to be real names of the data file, though none of them "
         "was among the names the run trained on, and the others are invented")
    config, tokenizer = GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))
    rng = random.Random()
    rng.setstate(rng_state_from_json(ckpt["rng_state"]))
    state_dict = state_dict_of(ckpt["weights"])
    num_samples = 20  # `microgpt run`'s default --num, which the page's {{ num_samples }} shows
    names = [sample(state_dict, config, tokenizer, rng) for _ in range(num_samples)]
    docs = load_docs(default_data_path())
    shuffled = list(docs)
    random.Random(ckpt["seed"]).shuffle(shuffled)  # the run's order: its first draws shuffle
    trained = set(shuffled[: ckpt["num_steps"]])
    real = [n for n in names if n in set(docs)]
    assert 0 < len(real) < len(names)  # "some ... and the others are invented"
    assert not trained & set(names)  # "none of them was among the names the run trained on"


def test_the_longest_name_just_fits_the_context(ckpt):
    says("complete-picture.md", "the longest bundled one, of {{ name_len_max }} letters, just fits in "
         "the context of {{ block_size }} tokens, and a typical one, {{ name_len_mean }} letters on "
         "average, with room to spare")
    lengths = [len(d) for d in load_docs(default_data_path())]
    block_size = ckpt["config"]["block_size"]
    # a name of n letters is n + 1 predictions: its letters, then the closing BOS
    assert max(lengths) + 1 == block_size
    assert statistics.mean(lengths) + 1 < block_size / 2


def test_the_reference_run_falls_without_warmup(ckpt):
    says("complete-picture.md", "a model this small does without it: the reference run's loss falls "
         "all the same")
    losses = ckpt["losses"]
    assert statistics.mean(losses[-100:]) < statistics.mean(losses[:100]) < losses[0]


# --- The efficiency page ----------------------------------------------------------------------

def test_the_scalar_price_per_multiply_add(bench):
    says("efficiency.md", "the FLOPs grow more than a hundredfold (the last line of the table "
         "folded above), yet the "
         "cost per multiply-add (`us/mul-add`) stays within one order of magnitude, a few microseconds")
    rows = bench["results"]
    flops = [r["flops_per_step"] for r in rows]
    prices = [per_mul_add_us(r) for r in rows]
    assert max(flops) / min(flops) > 100
    assert max(prices) / min(prices) < 10 and 1 <= min(prices) and max(prices) < 10
    says("efficiency.md", "The price wanders from row to row, and even falls on a model with more "
         "work per step")
    assert any(a["flops_per_step"] < b["flops_per_step"] and per_mul_add_us(a) > per_mul_add_us(b)
               for a in rows for b in rows)


def test_numpy_pays_per_call_on_small_models(bench):
    says("efficiency.md", "the default model and the same width with a full context take about the "
         "same time per step even though one does more than double the arithmetic")
    rows = {r["label"]: r for r in bench["results"]}
    default, full = rows["default"], rows["C16 L1 B16"]
    assert full["flops_per_step"] > 2 * default["flops_per_step"]
    ratio = full["vectorized"]["seconds_per_step"] / default["vectorized"]["seconds_per_step"]
    assert 1 / 1.5 < ratio < 1.5


def test_the_compiled_band(bench):
    says("efficiency.md", "On the largest model the matrices are big enough for the arithmetic to "
         "take over; NumPy's GFLOP/s rise and its time lands inside the band")
    rows = bench["results"]
    largest = max(rows, key=lambda r: r["flops_per_step"])
    fast, slow = largest["compiled_estimate_seconds"]
    assert fast <= largest["vectorized"]["seconds_per_step"] <= slow
    default = next(r for r in rows if r["label"] == "default")
    assert largest["vectorized"]["gflops"] > default["vectorized"]["gflops"]
    says("efficiency.md", "The scalar engine is in another world, far above the band on every model")
    assert all(r["scalar"]["seconds_per_step"] > 10 * r["compiled_estimate_seconds"][1] for r in rows)


def test_a_line_of_array_code_costs_about_a_value():
    says("efficiency.md", "a line of array code costs about as much as a `Value`: the same order of "
         "microseconds")
    count = next(b for b in output_blocks("efficiency.md") if "us per Value" in b)
    per_value = float(re.search(r"([\d.]+) us per Value", count).group(1))
    per_line = float(re.search(r"([\d.]+) us per line", count).group(1))
    assert 1 / 10 < per_line / per_value < 10


def test_every_gradient_within_the_stated_bound():
    says("efficiency.md", "Every relative difference is below `1e-14`")
    table = next(b for b in output_blocks("efficiency.md") if "relative difference" in b)
    rows = [line for line in table.splitlines()[2:] if line.strip()]
    assert rows and all(line.endswith("below 1e-14") for line in rows)


@pytest.mark.parametrize("sentence, printed", [
    ("the trained model's scores agree to within `1e-14`", "every difference below 1e-14: True"),
    ("at every step their losses agree to within `1e-13`", "every difference below 1e-13: True"),
    ("Then let both engines write {{ num_samples }} names from the same random stream: they are "
     "the same names", "the same 20 names: True"),
])
def test_the_engines_agree_as_the_prose_says(sentence, printed):
    says("efficiency.md", sentence)
    assert any(printed in block for block in output_blocks("efficiency.md"))


@pytest.mark.parametrize("name", ["complete-picture.md", "efficiency.md", "ladder.md"])
def test_every_printed_check_passed(name):
    """The prose reads each printed `...: True` as a check that held: none may print False."""
    lines = [line for block in output_blocks(name) for line in block.splitlines()]
    assert not [line for line in lines if line.rstrip().endswith(": False")]


# --- The annotated source ---------------------------------------------------------------------

def test_hot_names_run_longer(ckpt):
    says("source/sample.md", "The first hot name ran into the limit of {{ block_size }} letters: the "
         "model did not end it, the loop did. Here the names at temperature 0.5 are shorter")
    block = next(b for b in output_blocks("source/sample.md") if "temperature 0.5:" in b)
    names = {line.split(":")[0]: line.split(": ")[1].split(", ") for line in block.splitlines()}
    cold, hot = names["temperature 0.5"], names["temperature 1.5"]
    assert len(hot[0]) == ckpt["config"]["block_size"]
    assert statistics.mean(map(len, cold)) < statistics.mean(map(len, hot))


def test_the_mlp_holds_most_of_a_layer():
    says("source/model.md", "Most of each layer's weights live here (the MLP matrices, `4 * n_embd` by "
         "`n_embd` each, have more entries together than the `n_embd` by `n_embd` attention matrices")
    block = next(b for b in output_blocks("source/model.md") if "layer0.mlp_fc1" in b)
    sizes = {}
    for line in block.splitlines():
        if " x " in line:  # "name   rows x cols"; the last line is the total
            name, rows, _, cols = line.split()
            sizes[name] = int(rows) * int(cols)
    mlp = sum(n for name, n in sizes.items() if ".mlp_" in name)
    attention = sum(n for name, n in sizes.items() if ".attn_" in name)
    assert mlp > attention


def test_a_run_saved_by_one_engine_resumes_in_the_other(tmp_path, capsys):
    pytest.importorskip("numpy")
    from microgpt.checkpoint import load_checkpoint as load
    from microgpt.cli import main

    says("source/session.md", "which is why a run can be saved by one engine and resumed by the other")
    both, scalar = tmp_path / "both.json", tmp_path / "scalar.json"
    for path in (both, scalar):  # the same first steps, saved by the scalar engine
        main(["train", "--steps", "2", "--out", str(path)])
    # resumed for a third step: by the vectorized engine, and by the scalar one to compare
    main(["train", "--steps", "3", "--resume", str(both), "--engine", "vectorized", "--out", str(both)])
    main(["train", "--steps", "3", "--resume", str(scalar), "--out", str(scalar)])
    capsys.readouterr()
    resumed, reference = load(both)["losses"], load(scalar)["losses"]
    assert len(resumed) == len(reference)
    assert resumed[:2] == reference[:2]  # the scalar steps, saved and read back
    assert abs(resumed[2] - reference[2]) < 1e-12  # the vectorized step, up to rounding
