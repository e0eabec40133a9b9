"""The vectorized engine computes the scalar engine's numbers.

The scalar engine is the oracle: gradients are compared with Value.grad after
document_loss(...).backward(), and the full default run with the site's reference checkpoint
docs/checkpoints/names-1000.json, which the scalar engine's command line wrote (and
tests/test_reference_checkpoint.py proves it still writes, byte for byte).

How close is "the same": both engines do the same operations on float64, but NumPy's matrix
products add their terms in a different order from Python's left-to-right sum(). Each element
then differs by a few units of rounding (~1e-16) relative to the size of the terms that were
added, not of their sum: an element that comes out near zero through cancellation can have a
large relative error while being exact to 1e-16 of its matrix's scale. So gradients are compared
matrix by matrix, by the norm of the difference relative to the norm of the scalar gradient
(measured: about 1e-15; the bound is 1e-12), with each element held to the same 1e-12 of the
largest gradient in its matrix; and a gradient the scalar engine leaves exactly zero (a token
absent from the document, a position past its end, a relu that was off) must be exactly zero.
"""

import json
import random
from pathlib import Path

import numpy as np
import pytest

from microgpt import vectorized
from microgpt.checkpoint import rng_state_from_json, state_dict_of, weights_of
from microgpt.session import fingerprint
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, gpt, init_params, parameters
from microgpt.sample import sample as scalar_sample
from microgpt.train import AdamConfig, document_loss
from microgpt.train import train_step as scalar_train_step

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "checkpoints" / "names-1000.json"
SMALL = GPTConfig(n_layer=2, n_embd=32, n_head=2, block_size=8)


@pytest.fixture(scope="module")
def names():
    docs = load_docs(default_data_path())
    random.Random(42).shuffle(docs)
    return docs


@pytest.fixture(scope="module")
def tokenizer(names):
    return Tokenizer.from_docs(names)


def packed(state_dict, m=None, v=None):
    n = len(parameters(state_dict))
    return vectorized.pack(weights_of(state_dict), m or [0.0] * n, v or [0.0] * n)


def assert_close_to_scalar(name, got, expected, tol=1e-12):
    """got (array) against expected (the scalar engine's numbers): see the module docstring."""
    expected = np.array(expected, dtype=np.float64)
    assert got.shape == expected.shape, name
    scale = np.abs(expected).max()
    diff = np.abs(got - expected)
    assert np.linalg.norm(got - expected) <= tol * np.linalg.norm(expected), name
    assert diff.max() <= tol * scale, name
    assert np.array_equal(got[expected == 0], expected[expected == 0]), f"{name}: exact zeros differ"


# --- pack / unpack ----------------------------------------------------------

def test_pack_unpack_round_trip_is_exact(tokenizer):
    state_dict = init_params(GPTConfig(), tokenizer.vocab_size, random.Random(1))
    weights = weights_of(state_dict)
    n = len(parameters(state_dict))
    m = [random.Random(2).gauss(0, 1) for _ in range(n)]
    v = [random.Random(3).random() for _ in range(n)]
    P, M, V = vectorized.pack(weights, m, v)
    assert list(P) == list(weights)  # same names, same order
    assert M.shape == V.shape == (n,) == (sum(w.size for w in P.values()),)
    buffer = vectorized.flat_buffer(P)
    assert all(np.shares_memory(w, buffer) for w in P.values())  # views, not copies
    assert vectorized.unpack(P, M, V) == (weights, m, v)  # == on floats: bit for bit


def test_train_step_refuses_arrays_that_are_not_views_of_one_buffer(tokenizer):
    state_dict = init_params(GPTConfig(), tokenizer.vocab_size, random.Random(1))
    P, M, V = packed(state_dict)
    copies = {name: w.copy() for name, w in P.items()}
    with pytest.raises(ValueError, match="pack"):
        vectorized.train_step(copies, M, V, GPTConfig(), tokenizer, "anna", 0, 10, AdamConfig())


# --- forward ----------------------------------------------------------------

@pytest.mark.parametrize("config", [GPTConfig(), GPTConfig(n_layer=3, n_embd=8, n_head=2, block_size=8)],
                         ids=["default", "three-layers"])
def test_forward_logits_equal_the_scalar_models(config, tokenizer):
    state_dict = init_params(config, tokenizer.vocab_size, random.Random(7))
    P, _, _ = packed(state_dict)
    tokens = [tokenizer.bos] + tokenizer.encode("maximilian")[: config.block_size - 1]
    keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
    expected = [[x.data for x in gpt(state_dict, config, t, pos, keys, values)] for pos, t in enumerate(tokens)]
    logits, _ = vectorized.forward(P, config, tokens)
    assert logits.shape == (len(tokens), tokenizer.vocab_size)
    assert_close_to_scalar("logits", logits, expected)


def test_a_position_never_sees_its_future(tokenizer):
    """The causal mask: changing later tokens leaves earlier positions' logits exactly unchanged."""
    config = GPTConfig()
    P, _, _ = packed(init_params(config, tokenizer.vocab_size, random.Random(7)))
    a = [tokenizer.bos] + tokenizer.encode("olivia")
    b = [tokenizer.bos] + tokenizer.encode("olzzzz")
    logits_a, _ = vectorized.forward(P, config, a)
    logits_b, _ = vectorized.forward(P, config, b)
    assert np.array_equal(logits_a[:3], logits_b[:3])  # positions 0..2 see BOS, o, l in both
    assert not np.array_equal(logits_a[3], logits_b[3])


def test_attention_maps_are_causal_probabilities(tokenizer):
    config = SMALL
    P, _, _ = packed(init_params(config, tokenizer.vocab_size, random.Random(7)))
    tokens = [tokenizer.bos] + tokenizer.encode("sophia")
    maps = vectorized.attention_maps(P, config, tokens)
    T = len(tokens)
    assert maps.shape == (config.n_layer, config.n_head, T, T)
    assert np.all(maps[..., np.triu_indices(T, k=1)[0], np.triu_indices(T, k=1)[1]] == 0)  # no future
    assert np.allclose(maps.sum(axis=-1), 1, rtol=0, atol=1e-15)
    assert np.all(maps[..., 0, 0] == 1)  # the first position can only look at itself


def test_forward_refuses_more_tokens_than_block_size(tokenizer):
    config = GPTConfig(block_size=4)
    P, _, _ = packed(init_params(config, tokenizer.vocab_size, random.Random(7)))
    with pytest.raises(ValueError, match="block_size"):
        vectorized.forward(P, config, [0, 1, 2, 3, 4])


# --- gradients --------------------------------------------------------------

CASES = [
    (GPTConfig(), "emma"),                        # the default model, a short name
    (GPTConfig(), "christopherjohnathan"),        # longer than block_size 16: cut like document_loss
    (SMALL, "ava"),                               # two layers, two heads of 16
    (SMALL, "maximiliano"),                       # longer than block_size 8
    (GPTConfig(n_layer=3, n_embd=8, n_head=1, block_size=5), "xzavier"),  # one head; repeated tokens
]


@pytest.mark.parametrize("config, doc", CASES, ids=[f"L{c.n_layer}-C{c.n_embd}-H{c.n_head}-B{c.block_size}-{d}" for c, d in CASES])
def test_gradients_equal_the_scalar_engines(config, doc, tokenizer):
    state_dict = init_params(config, tokenizer.vocab_size, random.Random(42))
    tokens = [tokenizer.bos] + tokenizer.encode(doc) + [tokenizer.bos]
    loss = document_loss(state_dict, config, tokens)
    loss.backward()
    P, _, _ = packed(state_dict)
    got_loss, grads = vectorized.loss_and_grads(P, config, tokens)
    assert isinstance(got_loss, float)
    assert got_loss == pytest.approx(loss.data, rel=1e-12, abs=0)
    assert list(grads) == list(state_dict)
    for name, mat in state_dict.items():
        assert_close_to_scalar(name, grads[name], [[p.grad for p in row] for row in mat])


# --- training and sampling --------------------------------------------------

def test_train_steps_equal_the_scalar_engines(names, tokenizer):
    """A few full steps (loss, Adam, both moments) of a small two-layer model."""
    config, opt = GPTConfig(n_layer=2, n_embd=8, n_head=2, block_size=8), AdamConfig()
    state_dict = init_params(config, tokenizer.vocab_size, random.Random(5))
    params = parameters(state_dict)
    m, v = [0.0] * len(params), [0.0] * len(params)
    P, M, V = packed(state_dict)
    for step in range(4):
        expected = scalar_train_step(state_dict, params, config, tokenizer, names[step], m, v, step, 4, opt)
        got = vectorized.train_step(P, M, V, config, tokenizer, names[step], step, 4, opt)
        assert got == pytest.approx(expected, rel=1e-12, abs=0)
    weights, got_m, got_v = vectorized.unpack(P, M, V)
    for name, mat in state_dict.items():
        assert_close_to_scalar(name, np.array(weights[name]), [[p.data for p in row] for row in mat])
    assert_close_to_scalar("adam m", M, m)
    assert_close_to_scalar("adam v", V, v)


def test_sampling_draws_from_rng_exactly_like_the_scalar_engine(tokenizer):
    reference = json.loads(REFERENCE.read_text())
    config = GPTConfig(**reference["config"])
    state_dict = state_dict_of(reference["weights"])  # the trained weights, as Values
    P, _, _ = packed(state_dict)
    for temperature in (0.5, 1.0):
        rng_scalar, rng_vector = random.Random(123), random.Random(123)
        expected = [scalar_sample(state_dict, config, tokenizer, rng_scalar, temperature) for _ in range(8)]
        got = [vectorized.sample(P, config, tokenizer, rng_vector, temperature) for _ in range(8)]
        assert got == expected
        assert rng_vector.getstate() == rng_scalar.getstate()  # the same number of draws


def test_the_default_run_equals_the_scalar_reference(names, tokenizer):
    """1000 steps on the bundled names, then 20 samples: every loss, the weights and the samples."""
    reference = json.loads(REFERENCE.read_text())
    docs = load_docs(default_data_path())
    assert reference["data_sha256"] == fingerprint(docs), "the bundled names changed: remake the checkpoint"
    rng = random.Random(reference["seed"])
    rng.shuffle(docs)
    config, opt = GPTConfig(**reference["config"]), AdamConfig(**reference["adam"])
    num_steps = reference["num_steps"]
    P, M, V = packed(init_params(config, tokenizer.vocab_size, rng))
    losses = [vectorized.train_step(P, M, V, config, tokenizer, docs[step % len(docs)], step, num_steps, opt)
              for step in range(num_steps)]
    assert rng.getstate() == rng_state_from_json(reference["rng_state"])  # training drew nothing

    assert len(losses) == len(reference["losses"]) == 1000
    assert max(abs(a - b) for a, b in zip(losses, reference["losses"])) <= 1e-6  # measured: ~2e-15
    weights, _, _ = vectorized.unpack(P, M, V)
    for name, expected in reference["weights"].items():
        assert np.abs(np.array(weights[name]) - expected).max() <= 1e-9, name  # measured: ~6e-15

    # The 20 names `microgpt run` prints after training, from each engine's own weights.
    scalar_rng = random.Random()
    scalar_rng.setstate(rng_state_from_json(reference["rng_state"]))
    expected = [scalar_sample(state_dict_of(reference["weights"]), config, tokenizer, scalar_rng) for _ in range(20)]
    samples = [vectorized.sample(P, config, tokenizer, rng) for _ in range(20)]
    assert samples == expected
