"""The model's pieces: softmax, rmsnorm, linear, the parameters, and one call of gpt()."""

import math  # math.isfinite, math.sqrt, math.fsum
import random  # random.Random, for weights

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgpt.engine import Value
from microgpt.model import GPTConfig, gpt, init_params, linear, parameters, rmsnorm, softmax

from helpers import parameter_count  # the hand formula, an oracle independent of init_params

SETTINGS = settings(max_examples=100, deadline=None, database=None)  # no .hypothesis/ in the checkout


def values(xs):
    return [Value(x) for x in xs]


# --- softmax -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "logits",
    [
        [1000.0, 2000.0, -3000.0],  # exp(2000) alone would overflow
        [-1000.0, -2000.0, -1500.0],  # exp(-1000) alone would underflow to 0 for all three
        [5.0, 5.0, 5.0, 5.0],
        [0.0],
    ],
    ids=["huge", "very negative", "equal", "single"],
)
def test_softmax_is_a_finite_distribution(logits):
    probs = softmax(values(logits))
    assert len(probs) == len(logits)
    assert all(math.isfinite(p.data) and 0 <= p.data <= 1 for p in probs)
    assert abs(sum(p.data for p in probs) - 1) <= 1e-12
    assert max(range(len(logits)), key=lambda i: probs[i].data) == logits.index(max(logits))


def test_softmax_of_equal_logits_is_uniform():
    probs = softmax(values([3.0] * 4))
    assert [p.data for p in probs] == [0.25] * 4


def test_softmax_gradients_stay_finite_for_huge_logits():
    logits = values([2000.0, 2001.0, -3000.0])
    (-softmax(logits)[0].log()).backward()  # the loss when the first token was the right one
    # d(-log p0)/d logit_i = p_i - [i == 0], with p = (1, e, 0) / (1 + e)
    e = math.e
    assert [x.grad for x in logits] == pytest.approx([1 / (1 + e) - 1, e / (1 + e), 0.0], rel=1e-12)


@SETTINGS
@given(st.lists(st.floats(min_value=-5000, max_value=5000), min_size=1, max_size=30))
def test_softmax_sums_to_one_for_any_logits(logits):
    probs = [p.data for p in softmax(values(logits))]
    assert all(math.isfinite(p) and p >= 0 for p in probs)
    assert abs(sum(probs) - 1) <= 1e-12


# --- rmsnorm -------------------------------------------------------------------------------------

def root_mean_square(xs):
    return math.sqrt(math.fsum(x * x for x in xs) / len(xs))


@SETTINGS
@given(
    st.lists(
        st.one_of(st.floats(min_value=1, max_value=100), st.floats(min_value=-100, max_value=-1)),
        min_size=1,
        max_size=64,
    )
)
def test_rmsnorm_gives_unit_root_mean_square(xs):
    # Every |x| >= 1, so the mean square is >= 1 and the 1e-5 inside the square root moves the
    # result by at most 1e-5 / 2: out = x / sqrt(ms + 1e-5), rms(out) = sqrt(ms / (ms + 1e-5)).
    out = [v.data for v in rmsnorm(values(xs))]
    assert abs(root_mean_square(out) - 1) < 1e-5
    ms = math.fsum(x * x for x in xs) / len(xs)
    assert root_mean_square(out) == pytest.approx(math.sqrt(ms / (ms + 1e-5)), rel=1e-12)


def test_rmsnorm_of_random_vectors():
    rng = random.Random(3)
    for n in (1, 2, 16, 64):
        xs = [rng.gauss(0, 10) for _ in range(n)]
        out = [v.data for v in rmsnorm(values(xs))]
        assert abs(root_mean_square(out) - 1) < 1e-5
        assert all((o > 0) == (x > 0) for o, x in zip(out, xs))  # a rescaling: directions kept


# --- linear --------------------------------------------------------------------------------------

def test_linear_is_a_matrix_vector_product():
    w = [[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]]
    x = [7.0, 8.0]
    # By hand: 1*7 + 2*8 = 23, 3*7 + 4*8 = 53, 5*7 - 6*8 = -13
    out = linear(values(x), [values(row) for row in w])
    assert [o.data for o in out] == [23.0, 53.0, -13.0]


def test_linear_gradient_with_respect_to_a_weight_is_the_input():
    w = [values(row) for row in [[1.0, 2.0], [3.0, 4.0]]]
    x = values([7.0, 8.0])
    out = linear(x, w)
    out[1].backward()  # only row 1 of w takes part in out[1]
    assert [[p.grad for p in row] for row in w] == [[0, 0], [7.0, 8.0]]
    assert [xi.grad for xi in x] == [3.0, 4.0]


# --- the parameters ------------------------------------------------------------------------------

def expected_shapes(config, vocab_size):
    d = config.n_embd
    shapes = {"wte": (vocab_size, d), "wpe": (config.block_size, d), "lm_head": (vocab_size, d)}
    for i in range(config.n_layer):
        shapes.update({
            f"layer{i}.attn_wq": (d, d),
            f"layer{i}.attn_wk": (d, d),
            f"layer{i}.attn_wv": (d, d),
            f"layer{i}.attn_wo": (d, d),
            f"layer{i}.mlp_fc1": (4 * d, d),
            f"layer{i}.mlp_fc2": (d, 4 * d),
        })
    return shapes


@pytest.mark.parametrize(
    "config",
    [GPTConfig(), GPTConfig(n_embd=8, n_head=2, n_layer=3, block_size=5)],
    ids=["default", "three layers"],
)
def test_init_params_shapes_and_count(config):
    state_dict = init_params(config, 27, random.Random(0))
    assert {name: (len(m), len(m[0])) for name, m in state_dict.items()} == expected_shapes(config, 27)
    assert all(len(row) == len(m[0]) for m in state_dict.values() for row in m)  # no ragged rows
    params = parameters(state_dict)
    assert len(params) == parameter_count(config, 27)
    assert len({id(p) for p in params}) == len(params)  # every weight its own Value


def test_default_model_has_4192_parameters():
    # The figure the docs quote, and the "num params" line of the default run.
    assert parameter_count(GPTConfig(), 27) == 4192
    assert len(parameters(init_params(GPTConfig(), 27, random.Random(0)))) == 4192


def test_init_params_depends_only_on_the_random_stream():
    a = init_params(GPTConfig(), 27, random.Random(5))
    b = init_params(GPTConfig(), 27, random.Random(5))
    c = init_params(GPTConfig(), 27, random.Random(6))
    def data(state_dict):
        return [p.data for p in parameters(state_dict)]

    assert data(a) == data(b)
    assert data(a) != data(c)


# --- one call of the model -----------------------------------------------------------------------

def test_gpt_returns_one_logit_per_token_and_grows_the_kv_cache():
    config = GPTConfig(n_embd=8, n_head=2, n_layer=2, block_size=4)
    vocab_size = 11
    state_dict = init_params(config, vocab_size, random.Random(0))
    keys = [[] for _ in range(config.n_layer)]
    values_cache = [[] for _ in range(config.n_layer)]
    for pos_id, token_id in enumerate([10, 3, 7, 0]):
        logits = gpt(state_dict, config, token_id, pos_id, keys, values_cache)
        assert len(logits) == vocab_size
        assert all(isinstance(x, Value) and math.isfinite(x.data) for x in logits)
        for li in range(config.n_layer):  # one key and one value per layer per call
            assert len(keys[li]) == len(values_cache[li]) == pos_id + 1
            assert len(keys[li][-1]) == len(values_cache[li][-1]) == config.n_embd


def test_gpt_output_depends_on_the_earlier_positions():
    # Same token at the same position, different history: attention must make a difference.
    config = GPTConfig(n_embd=8, n_head=2, block_size=4)
    state_dict = init_params(config, 5, random.Random(0))

    def last_logits(history):
        keys, vals = [[]], [[]]
        for pos_id, token_id in enumerate(history):
            logits = gpt(state_dict, config, token_id, pos_id, keys, vals)
        return [x.data for x in logits]

    assert last_logits([4, 1, 2]) != last_logits([4, 3, 2])
    assert last_logits([4, 1, 2]) == last_logits([4, 1, 2])


def test_config_refuses_a_width_the_heads_cannot_share():
    # Each head reads n_embd // n_head numbers; a remainder would silently go unread.
    with pytest.raises(ValueError, match="not divisible"):
        GPTConfig(n_embd=18, n_head=4)
    assert GPTConfig(n_embd=18, n_head=3).head_dim == 6
