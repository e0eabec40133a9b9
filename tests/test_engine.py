"""The autograd engine: every gradient that backward() hands back, checked against an independent oracle.

The oracle is the central finite difference (f(x + h) - f(x - h)) / 2h, computed on plain floats
with no Value in sight, so a wrong local derivative in microgpt/engine.py cannot hide in it.
"""

import gc  # gc.disable, gc.enable: the deep-model graph holds millions of objects (see below)
import math  # math.log, math.exp, math.isclose, math.isfinite
import random  # random.Random, for reproducible random graphs and weights
import sys  # sys.getrecursionlimit, sys.setrecursionlimit
from contextlib import contextmanager  # contextmanager, for a temporarily raised recursion limit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgpt.engine import Value
from microgpt.model import GPTConfig, init_params
from microgpt.train import document_loss

# No example database: hypothesis would otherwise write a .hypothesis/ folder into the checkout.
SETTINGS = settings(max_examples=100, deadline=None, database=None)


# --- the oracle ----------------------------------------------------------------------------------

def numeric_gradient(f, xs, i):
    """d f / d xs[i] at xs by central differences on plain floats, and how far rounding can move it."""
    h = 1e-6 * max(1.0, abs(xs[i]))  # a step relative to the input's size
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    f_up, f_down = f(*up), f(*down)
    step = up[i] - down[i]  # the step actually taken, after rounding
    # f_up and f_down are each a few ulps off; their difference keeps that error, divided by the
    # step. It matters only when the slope is tiny beside f itself (x**1e-7 at x = 1, say).
    rounding = 8 * sys.float_info.epsilon * max(abs(f_up), abs(f_down)) / step
    return (f_up - f_down) / step, rounding


def assert_gradients_match(f_value, f_float, xs):
    """backward() on f_value at xs gives, for every input, the finite-difference slope of f_float."""
    inputs = [Value(x) for x in xs]
    out = f_value(*inputs)
    assert math.isclose(out.data, f_float(*xs), rel_tol=1e-12, abs_tol=1e-300)  # same forward value
    out.backward()
    for i, v in enumerate(inputs):
        expected, rounding = numeric_gradient(f_float, xs, i)
        # Central differences are accurate to ~1e-8 relative here; 1e-5 leaves room for that and
        # still catches any wrong rule (a missing factor, a wrong sign, a wrong power).
        assert math.isclose(v.grad, expected, rel_tol=1e-5, abs_tol=rounding), (
            f"input {i} of {xs}: backward gave {v.grad}, finite differences {expected}"
        )


# Domains where each function is smooth, and far enough from overflow that the oracle is exact.
reals = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_subnormal=False)
positives = st.floats(min_value=0.01, max_value=100, allow_subnormal=False)
away_from_zero = st.one_of(st.floats(min_value=0.1, max_value=100), st.floats(min_value=-100, max_value=-0.1))
away_from_kink = st.one_of(st.floats(min_value=1e-3, max_value=100), st.floats(min_value=-100, max_value=-1e-3))


def relu(x):
    return max(0.0, x)


# --- one operation at a time ---------------------------------------------------------------------

# name: (on Values, on floats, domain of each input)
OPERATIONS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, (reals, reals)),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, (reals, reals)),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, (reals, reals)),
    "truediv": (lambda a, b: a / b, lambda a, b: a / b, (reals, away_from_zero)),
    "neg": (lambda a: -a, lambda a: -a, (reals,)),
    "log": (lambda a: a.log(), math.log, (positives,)),
    "exp": (lambda a: a.exp(), math.exp, (st.floats(min_value=-20, max_value=20),)),
    "relu": (lambda a: a.relu(), relu, (away_from_kink,)),
    "square": (lambda a: a * a, lambda a: a * a, (reals,)),  # one Value in both slots of a product
}


@pytest.mark.parametrize("name", OPERATIONS)
@SETTINGS
@given(data=st.data())
def test_operation_gradient_matches_finite_differences(name, data):
    f_value, f_float, domains = OPERATIONS[name]
    xs = [data.draw(domain) for domain in domains]
    assert_gradients_match(f_value, f_float, xs)


# A plain number on either side: the operation must treat it as a constant.
WITH_A_NUMBER = {
    "value + number": lambda a, c: a + c,
    "value - number": lambda a, c: a - c,
    "value * number": lambda a, c: a * c,
    "value / number": lambda a, c: a / c,
    "number + value (radd)": lambda a, c: c + a,
    "number - value (rsub)": lambda a, c: c - a,
    "number * value (rmul)": lambda a, c: c * a,
    "number / value (rtruediv)": lambda a, c: c / a,
}


@pytest.mark.parametrize("name", WITH_A_NUMBER)
@SETTINGS
@given(a=away_from_zero, c=away_from_zero)
def test_operation_with_a_plain_number(name, a, c):
    f = WITH_A_NUMBER[name]
    assert_gradients_match(lambda v: f(v, c), lambda x: f(x, c), [a])


@SETTINGS
@given(
    a=st.floats(min_value=0.1, max_value=10),
    k=st.one_of(
        st.integers(min_value=-3, max_value=3),
        st.sampled_from([0.5, -0.5, 1.5, -1.5, 2.5, 1 / 3]),
        st.floats(min_value=-3, max_value=3),
    ),
)
def test_pow_gradient_matches_finite_differences(a, k):
    assert_gradients_match(lambda v: v**k, lambda x: x**k, [a])


@SETTINGS
@given(a=away_from_kink)
def test_relu_is_zero_below_the_kink_and_identity_above(a):
    v = Value(a)
    out = v.relu()
    out.backward()
    assert (out.data, v.grad) == ((a, 1.0) if a > 0 else (0, 0.0))


# --- the classic worked examples -----------------------------------------------------------------

def test_worked_example_from_the_docs():
    # L = a*b + a at a = 2, b = 3: dL/da = b + 1 = 4, dL/db = a = 2.
    a, b = Value(2.0), Value(3.0)
    loss = a * b + a
    loss.backward()
    assert loss.data == 8.0
    assert (a.grad, b.grad) == (4.0, 2.0)


def test_value_used_twice_accumulates_its_gradients():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0  # 1 + 1: an assignment instead of += would give 1

    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0  # 3 + 3

    # Two separate paths from the output down to the same leaf: 2a and a**2 meet in a sum.
    a = Value(3.0)
    left, right = a * 2, a**2
    (left + right).backward()
    assert a.grad == 2.0 + 6.0


def test_composite_expression_matches_finite_differences():
    """A two-layer network and a log-loss, written once and evaluated on Values and on floats."""

    def log(x):
        return x.log() if isinstance(x, Value) else math.log(x)

    def exp(x):
        return x.exp() if isinstance(x, Value) else math.exp(x)

    def rect(x):
        return x.relu() if isinstance(x, Value) else relu(x)

    def network(*ps):
        x, w1, b1, w2 = ps[0:3], ps[3:15], ps[15:19], ps[19:23]
        hidden = [rect(sum(w1[3 * j + i] * x[i] for i in range(3)) + b1[j]) for j in range(4)]
        score = sum(w * h for w, h in zip(w2, hidden)) / 2 - 0.5
        # softplus, a quotient, a power and a number on the left: every rule on one path
        return log(1 + exp(score)) + (score**2 + 1) ** 0.5 / (2 - hidden[0] * 0.1) - 3 * score

    rng = random.Random(7)
    checked = 0
    for _ in range(20):
        ps = [rng.uniform(-1, 1) for _ in range(23)]
        pre_activations = [sum(ps[3 + 3 * j + i] * ps[i] for i in range(3)) + ps[15 + j] for j in range(4)]
        if min(abs(z) for z in pre_activations) < 1e-3:
            continue  # too close to relu's kink for a finite difference
        assert_gradients_match(network, network, ps)
        checked += 1
    assert checked >= 15


# --- the order of the backward pass --------------------------------------------------------------

def test_backward_through_a_chain_of_50000_additions():
    # A recursive topological sort would need one Python frame per link of the chain.
    length = 50_000
    assert length > sys.getrecursionlimit()
    a = Value(1.0)
    x = Value(0.0)
    for _ in range(length):
        x = x + a
    x.backward()
    assert x.data == length
    assert a.grad == length


@contextmanager
def recursion_limit(limit):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def recursive_topological_order(root):
    """The reference: micrograd's build_topo, recursion and all."""
    order, visited = [], set()

    def build(node):
        if node not in visited:
            visited.add(node)
            for child in node._children:
                build(child)
            order.append(node)

    with recursion_limit(100_000):
        build(root)
    return order


class RecordingGrads:
    """Stands in for a node's _local_grads and notes when backward() walks that node.

    backward() zips each node's children with its local gradients exactly once, in reverse
    topological order; recording those moments reads the engine's order without changing it.
    """

    def __init__(self, node, walked):
        self.node, self.grads, self.walked = node, node._local_grads, walked

    def __iter__(self):
        self.walked.append(self.node)
        return iter(self.grads)


def backward_order(root):
    """Run root.backward() and return the topological order it used (inputs first, root last)."""
    nodes = recursive_topological_order(root)
    walked = []
    for node in nodes:
        node._local_grads = RecordingGrads(node, walked)
    root.backward()
    for node in nodes:
        node._local_grads = node._local_grads.grads
    return walked[::-1]


def assert_same_order(root):
    expected = recursive_topological_order(root)
    actual = backward_order(root)
    assert len({id(n) for n in actual}) == len(actual), "a node was walked twice"
    assert [id(n) for n in actual] == [id(n) for n in expected]


@SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_topological_order_equals_recursive_reference_on_a_random_dag(seed):
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(0.5, 2.0)) for _ in range(rng.randint(1, 5))]
    for _ in range(rng.randint(1, 60)):  # each new node reuses one or two earlier ones: shared parents
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(rng.choice([a + b, a * b, a - b, -a, a.relu()]))  # may overflow: only the order counts
    root = sum(rng.sample(nodes, min(len(nodes), 4)))  # several sinks joined: an irregular DAG
    assert_same_order(root)


def test_topological_order_equals_recursive_reference_on_a_model_loss():
    config = GPTConfig()
    state_dict = init_params(config, 27, random.Random(0))
    tokens = [26, 4, 12, 12, 0, 26]  # BOS e m m a BOS
    loss = document_loss(state_dict, config, tokens)
    assert_same_order(loss)


# --- a deep model --------------------------------------------------------------------------------

def assert_every_matrix_gets_a_gradient(config, length):
    """One document of `length` tokens through the model; every weight matrix must learn from it."""
    rng = random.Random(1)
    state_dict = init_params(config, 27, rng)
    tokens = [26] + [rng.randrange(26) for _ in range(length - 2)] + [26]
    # Tens of millions of objects: with the cyclic collector on, its repeated full sweeps cost
    # more than the model itself (measured: 30 s instead of 3 s at n_embd=16). The graph has no
    # cycles, so reference counting frees it all the same.
    gc.disable()
    try:
        loss = document_loss(state_dict, config, tokens)
        loss.backward()
        assert math.isfinite(loss.data)
        for name, mat in state_dict.items():
            grads = [p.grad for row in mat for p in row]
            assert all(math.isfinite(g) for g in grads), f"{name} has a non-finite gradient"
            assert any(g != 0 for g in grads), f"{name} got no gradient at all"
    finally:
        del state_dict
        loss = None
        gc.enable()


def test_deep_model_backward():
    # Four layers over a full 64-token block: some 2.5 million Values. n_embd is 16 rather than
    # 64 to keep this to seconds; test_deep_wide_model_backward below is the full-width run.
    assert_every_matrix_gets_a_gradient(GPTConfig(n_layer=4, n_embd=16, n_head=4, block_size=64), 64)


def test_deep_wide_model_backward():
    # n_layer 4, n_embd 64, block_size 64, on a short document (BOS a b BOS): a graph deep
    # enough to break a recursive backward(), whose depth comes from the layers and the width
    # (each sum of 64 products is a chain of 64 additions), not from the document's length;
    # a full 64-token document would only take minutes longer.
    assert_every_matrix_gets_a_gradient(GPTConfig(n_layer=4, n_embd=64, n_head=4, block_size=64), 4)
