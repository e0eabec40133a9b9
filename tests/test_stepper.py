"""The stepper's recordings (docsite/live/stepper.py) are faithful, bounded and readable.

Each walkthrough a page offers is recorded here in CPython: the values it shows must be the
values the package computes when nothing watches it, only the block's and the package's lines
are recorded, the budget bounds a recording, and Value's arithmetic is stepped over unless asked.
"""

import json
from pathlib import Path

import pytest

from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer
from microgpt.engine import Value
from microgpt.model import GPTConfig, gpt

ROOT = Path(__file__).resolve().parents[1]
from docsite.live import stepper

BACKWARD = """from microgpt.engine import Value
a, b = Value(2.0), Value(-3.0)
L = a * b + a
L.backward()
print(a.grad, b.grad)
"""

GPT = """from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, gpt
ckpt = load_checkpoint("docs/checkpoints/names-1000.json")
state_dict, config = state_dict_of(ckpt["weights"]), GPTConfig(**ckpt["config"])
tokenizer = Tokenizer(tuple(ckpt["vocab"]))
keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
logits = gpt(state_dict, config, tokenizer.bos, 0, keys, values)
"""

ENCODE = """from microgpt.data import Tokenizer
tokenizer = Tokenizer.from_docs(["emma", "olivia"])
print(tokenizer.encode("emma"))
"""

TRAIN_STEP = """import random
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig, train_step
tokenizer = Tokenizer.from_docs(["emma", "olivia", "ava"])
config = GPTConfig()
state_dict = init_params(config, tokenizer.vocab_size, random.Random(42))
params = parameters(state_dict)
m, v = [0.0] * len(params), [0.0] * len(params)
loss = train_step(state_dict, params, config, tokenizer, "emma", m, v, 0, 10, AdamConfig())
print(loss)
"""


def in_root(walkthrough, **options):
    """Record from the checkout's root, where the blocks of the pages run."""
    import os

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        return stepper.record(walkthrough, **options)
    finally:
        os.chdir(here)


def current_locals(recording, upto):
    """The locals of the frame of step `upto`, rebuilt from the changes the steps carry."""
    steps = recording["steps"]
    shown = {}
    target = steps[upto]
    for step in steps[: upto + 1]:
        if step["function"] == target["function"] and step["depth"] == target["depth"]:
            shown.update(step["locals"])
    return shown


def test_backward_is_recorded_from_its_own_call_with_the_values_it_computes():
    recording = in_root(BACKWARD, start="backward")
    steps = recording["steps"]
    assert recording["printed"] == "-2.0 2.0\n" and not recording["truncated"]
    assert {step["file"] for step in steps} == {"microgpt/engine.py"}  # set-up is run, not recorded
    assert steps[0]["function"] == "backward" and steps[0]["depth"] == 0
    assert steps[0]["locals"]["self"] == "Value(data=-4.0, grad=0)"  # L = 2 * -3 + 2
    assert current_locals(recording, len(steps) - 1)["self"] == "Value(data=-4.0, grad=1)"
    for step in steps:
        source = recording["files"][step["file"]].split("\n")
        assert 1 <= step["line"] <= len(source)
    json.dumps(recording)  # what the worker hands the page


def test_gpt_for_one_token_returns_what_gpt_returns_unwatched():
    recording = in_root(GPT, start="gpt")
    ckpt = load_checkpoint(ROOT / "docs" / "checkpoints" / "names-1000.json")
    config = GPTConfig(**ckpt["config"])
    tokenizer = Tokenizer(tuple(ckpt["vocab"]))
    keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
    logits = gpt(state_dict_of(ckpt["weights"]), config, tokenizer.bos, 0, keys, values)
    steps = recording["steps"]
    assert steps[-1]["returned"] == stepper.shown(logits)
    assert {step["file"] for step in steps} <= {"microgpt/model.py"}  # Value's arithmetic stepped over
    assert not any(step["file"].startswith("<") or "python3" in step["file"] for step in steps)
    token_emb = current_locals(recording, 0)["tok_emb"]
    assert token_emb == stepper.shown(state_dict_of(ckpt["weights"])["wte"][tokenizer.bos])


def test_arithmetic_is_recorded_when_asked():
    quiet = in_root(BACKWARD, start=None)
    loud = in_root(BACKWARD, start=None, into_arithmetic=True)
    assert not any(step["function"] == "__mul__" for step in quiet["steps"])
    assert any(step["function"] == "__mul__" and step["file"] == "microgpt/engine.py" for step in loud["steps"])
    assert quiet["steps"][0]["file"] == "<block>" and quiet["files"]["<block>"] == BACKWARD


def test_the_tokenizer_walkthrough():
    recording = in_root(ENCODE, start="encode")
    assert recording["steps"][-1]["returned"] == stepper.shown(Tokenizer.from_docs(["emma", "olivia"]).encode("emma"))


def test_a_train_step_at_the_level_of_its_own_lines():
    recording = in_root(TRAIN_STEP, start="train_step", max_depth=0)
    steps = recording["steps"]
    assert {step["function"] for step in steps} == {"train_step"}
    assert len(steps) < 30 and not recording["truncated"]
    assert float(steps[-1]["returned"]) == float(recording["printed"])


def test_the_budget_bounds_a_recording_and_the_code_still_finishes():
    recording = in_root(GPT + "print(len(logits))\n", start="gpt", budget=100)
    assert recording["truncated"] and len(recording["steps"]) == 100
    assert recording["printed"] == "27\n"


@pytest.mark.parametrize("value, text", [
    (3, "3"), (0.1, "0.1"), ([1, 2], "[1, 2] (length 2)"),
    (list(range(10)), "[0, 1, 2, ...] (length 10)"),
    (Value(0.731944937032977), "Value(data=0.731944937032977, grad=0)"),  # exact on its own
    ([Value(0.731944937032977), 0.123456], "[Value(0.7319, grad 0), 0.1235] (length 2)"),
    ([[1, 2, 3], [4, 5, 6]], "2x3 matrix [[1, 2, ...], ...]"),
    ({"wte": 1, "wpe": 2}, "dict of 2: {'wte', 'wpe'}"),
    (iter((1, 2)), "<tuple_iterator>"),
    ({Value(2.0), Value(1.0)}, "{Value(1, grad 0), Value(2, grad 0)} (size 2)"),
])
def test_values_are_shown_as_a_reader_reads_them(value, text):
    assert stepper.shown(value) == text
