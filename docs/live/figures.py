"""The numbers behind the site's live figures, computed by the package itself.

The figures' JavaScript draws; it never computes. It asks the page's Python worker for
one of the functions below (through session.call), and every number it shows is one that
microgpt's own gpt(), softmax(), Value, backward(), train_step() or sample() produced.
Each function returns plain JSON-able data. Bad input raises ValueError with one line
that the figure shows to the reader.

The same file runs under pytest (tests/test_figures.py), in CPython, against the package.
"""

import ast
import contextlib
import random
from pathlib import Path

import microgpt.model
from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.cli import UsageError, build_parser, scalar_engine, start_training
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, gpt, softmax
from microgpt.sample import sample

# docs/live/figures.py -> docs/checkpoints/names-1000.json, in a checkout and in the worker
REFERENCE = Path(__file__).resolve().parents[1] / "checkpoints" / "names-1000.json"


# --- The model the figures read --------------------------------------------------
# The reference checkpoint, until the reader trains one in "Train it yourself" and keeps it.

_model = {}


def reference_model():
    ckpt = load_checkpoint(REFERENCE)
    return {"state_dict": state_dict_of(ckpt["weights"]), "config": GPTConfig(**ckpt["config"]),
            "tokenizer": Tokenizer(tuple(ckpt["vocab"])), "source": "reference checkpoint, 1000 steps"}


def model():
    if not _model:
        _model.update(reference_model())
    return _model


def use_reference():
    """Go back to the reference checkpoint; returns a description of the model in use."""
    _model.clear()
    return model()["source"]


def _tokens(prefix, tok, config, room):
    """BOS then the prefix's ids, or ValueError naming what the model cannot read."""
    if not isinstance(prefix, str):
        raise ValueError("the prefix must be text")
    unknown = sorted(set(prefix) - set(tok.chars))
    if unknown:
        shown = ", ".join(repr(ch) for ch in unknown)
        raise ValueError(f"the model only knows the letters {''.join(tok.chars)}; not {shown}")
    if len(prefix) + room > config.block_size:
        raise ValueError(f"at most {config.block_size - room} letters: the model sees "
                         f"{config.block_size} tokens, BOS included")
    return [tok.bos] + tok.encode(prefix)


def _label(tok, token_id):
    return "BOS" if token_id == tok.bos else tok.chars[token_id]


# --- Next letter -------------------------------------------------------------------

def next_letter(prefix, temperature=1.0):
    """The model's probability for every next token after BOS + prefix, BOS included.

    Exactly softmax(gpt(...)) at the last position, with the logits divided by the
    temperature as sample() does (1.0 leaves them as they are). Each probability comes as a
    float and as its Python repr, so the page can show the full-precision value.
    """
    m = model()
    sd, config, tok = m["state_dict"], m["config"], m["tokenizer"]
    if not (isinstance(temperature, (int, float)) and temperature > 0):
        raise ValueError("the temperature must be a number above 0")
    ids = _tokens(prefix, tok, config, room=1)
    keys = [[] for _ in range(config.n_layer)]
    values = [[] for _ in range(config.n_layer)]
    for pos_id, token_id in enumerate(ids):
        logits = gpt(sd, config, token_id, pos_id, keys, values)
    probs = softmax(logits) if temperature == 1 else softmax([x / temperature for x in logits])
    return {"prefix": prefix, "temperature": temperature, "model": m["source"],
            "tokens": [{"token": _label(tok, i), "prob": p.data, "repr": repr(p.data)}
                       for i, p in enumerate(probs)]}


# --- Attention on any name --------------------------------------------------------

@contextlib.contextmanager
def _recorded_softmax():
    """While active, every softmax() that gpt() calls is also written down.

    gpt() looks softmax up in its module each time it needs it, and inside gpt() it is only
    used for the attention weights: one call per layer and head, in that order. Recording
    them this way reads the real forward pass without a second copy of it.
    """
    calls = []

    def recording(logits):
        probs = softmax(logits)
        calls.append([p.data for p in probs])
        return probs

    microgpt.model.softmax = recording
    try:
        yield calls
    finally:
        microgpt.model.softmax = softmax


def attention(name):
    """Every attention weight of the forward pass over BOS + name.

    weights[layer][head][query] is the list of weights that query position gave to
    positions 0..query (each list sums to 1): the causal triangle.
    """
    m = model()
    sd, config, tok = m["state_dict"], m["config"], m["tokenizer"]
    ids = _tokens(name, tok, config, room=0)
    keys = [[] for _ in range(config.n_layer)]
    values = [[] for _ in range(config.n_layer)]
    weights = [[[] for _ in range(config.n_head)] for _ in range(config.n_layer)]
    for pos_id, token_id in enumerate(ids):
        with _recorded_softmax() as calls:
            gpt(sd, config, token_id, pos_id, keys, values)
        for k, row in enumerate(calls):
            weights[k // config.n_head][k % config.n_head].append(row)
    return {"name": name, "labels": [_label(tok, i) for i in ids], "model": m["source"],
            "weights": weights}


# --- Temperature -------------------------------------------------------------------

_training_names = set()


def training_names():
    if not _training_names:
        _training_names.update(load_docs(default_data_path()))
    return _training_names


def temperature(temperature, num=20, seed=42):
    """num names sampled at this temperature, which of them are training names, and the
    first-letter distribution (the next token after BOS) at the same temperature."""
    if not (isinstance(num, int) and 1 <= num <= 200):
        raise ValueError("the number of names must be a whole number from 1 to 200")
    first = next_letter("", temperature)
    m = model()
    rng = random.Random(seed)
    names = [sample(m["state_dict"], m["config"], m["tokenizer"], rng, temperature) for _ in range(num)]
    known = training_names()
    return {"temperature": temperature, "seed": seed, "first": first["tokens"], "model": m["source"],
            "samples": [{"name": n, "real": n in known} for n in names],
            "real": sum(n in known for n in names)}


# --- Backward, step by step --------------------------------------------------------

ALLOWED_METHODS = ("log", "exp", "relu")
ALLOWED_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


def _check_expression(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Load, ast.Name, ast.BinOp, ast.UnaryOp,
                             *ALLOWED_OPERATORS)):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.Call) and not node.args and not node.keywords \
                and isinstance(node.func, ast.Attribute) and node.func.attr in ALLOWED_METHODS:
            continue
        if isinstance(node, ast.Attribute) and node.attr in ALLOWED_METHODS:
            continue
        raise ValueError("use numbers, the names given, + - * / **, and .log() .exp() .relu()")


class _Watched:
    """A local gradient that notes each time backward() multiplies by it.

    backward() computes `local_grad * node.grad` once per edge, in its own order; putting
    these in place of the plain numbers lets the real backward() tell us its steps."""

    __slots__ = ("value", "parent", "child", "log")

    def __init__(self, value, parent, child, log):
        self.value, self.parent, self.child, self.log = value, parent, child, log

    def __mul__(self, upstream):
        self.log.append((self.parent, self.child, upstream))
        return self.value * upstream


def backward_steps(expression="a * b + a", variables=None):
    """The computation graph of an expression of Values, and backward()'s real steps.

    nodes: each Value once, in a topological order (inputs first), with its data, final
    grad, and its label (a variable's name, a constant, or the part of the expression it
    computes). edges: child -> parent with the local gradient. steps: what backward() did,
    edge by edge, in its own order, with the child's gradient after each +=.
    """
    variables = {"a": 2, "b": 3} if variables is None else dict(variables)
    for name, number in variables.items():
        if not (name.isidentifier() and isinstance(number, (int, float))):
            raise ValueError(f"a variable needs a name and a number, not {name!r} = {number!r}")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as e:
        raise ValueError(f"not an expression: {e.msg}") from None
    _check_expression(tree)
    leaves = {name: Value(number) for name, number in variables.items()}
    labels = {id(v): name for name, v in leaves.items()}

    def evaluate(node):  # the real Value operations, with each result labelled by its source
        if isinstance(node, ast.Name):
            if node.id not in leaves:
                raise ValueError(f"unknown name {node.id!r}: the names are {', '.join(leaves)}")
            return leaves[node.id]
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp):
            operand = evaluate(node.operand)
            result = -operand if isinstance(node.op, ast.USub) else operand
        elif isinstance(node, ast.BinOp):
            left, right = evaluate(node.left), evaluate(node.right)
            if isinstance(node.op, ast.Pow) and isinstance(right, Value):
                raise ValueError("the exponent must be a plain number (Value ** Value has no rule)")
            op = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__",
                  ast.Div: "__truediv__", ast.Pow: "__pow__"}[type(node.op)]
            if isinstance(left, Value):
                result = getattr(left, op)(right)
            elif isinstance(right, Value):
                result = getattr(right, op.replace("__", "__r", 1))(left)
            else:
                result = getattr(left, op)(right)
        else:  # a method call: .log() .exp() .relu()
            target = evaluate(node.func.value)
            if not isinstance(target, Value):
                raise ValueError(f".{node.func.attr}() needs a Value, not a plain number")
            result = getattr(target, node.func.attr)()
        if isinstance(result, Value):
            labels.setdefault(id(result), ast.unparse(node))
        return result

    try:
        out = evaluate(tree.body)
    except (ValueError, ZeroDivisionError, OverflowError) as e:
        if isinstance(e, ValueError) and not str(e).startswith("math"):
            raise
        raise ValueError(f"cannot compute it: {e}") from None
    if not isinstance(out, Value):
        raise ValueError("the expression must use at least one of the names")

    graph, stack = [], [out]  # every Value reachable from the output
    seen = {id(out)}
    while stack:
        node = stack.pop()
        graph.append(node)
        for child in node._children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    index = {id(v): i for i, v in enumerate(graph)}

    log = []
    for node in graph:
        node._local_grads = tuple(_Watched(g, node, c, log) for g, c in zip(node._local_grads, node._children))
    out.backward()  # the real one
    for node in graph:  # plain numbers again, as they were
        node._local_grads = tuple(w.value for w in node._local_grads)

    grads, steps, visited = {id(v): 0 for v in graph}, [], [out]
    grads[id(out)] = 1
    for parent, child, upstream in log:
        grads[id(child)] += child_share(parent, child, upstream)
        steps.append({"parent": index[id(parent)], "child": index[id(child)],
                      "upstream": upstream, "grad": grads[id(child)]})
        if parent is not visited[-1]:
            visited.append(parent)
    # The topological order backward() used, as far as nodes with inputs go: reversed visits.
    # Inputs (which have none) come first, in the order the expression names them.
    inner = [v for v in reversed(visited) if v._children]
    named = [leaves[n] for n in leaves if id(leaves[n]) in index]
    constants = [v for v in graph if not v._children and labels.get(id(v)) not in leaves]
    order = named + constants + inner
    position = {id(v): i for i, v in enumerate(order)}
    nodes, unnamed = [], 0
    for v in order:
        label = labels.get(id(v))
        if label is None and not v._children:
            label = repr(v.data)  # a plain number the expression used
        elif label is None:  # a step inside an operator, e.g. the -b of a - b
            label, unnamed = f"t{unnamed}", unnamed + 1
        nodes.append({"label": label, "data": v.data, "grad": v.grad, "leaf": not v._children})
    edges = [{"child": position[id(c)], "parent": position[id(v)], "local": g}
             for v in order for c, g in zip(v._children, v._local_grads)]
    for s in steps:
        s["parent"], s["child"] = position[id(graph[s["parent"]])], position[id(graph[s["child"]])]
        s["local"] = next(e["local"] for e in edges if e["parent"] == s["parent"] and e["child"] == s["child"])
    if any(grads[id(v)] != v.grad for v in graph):
        raise AssertionError("the recorded steps disagree with backward()")
    return {"expression": expression, "variables": variables, "nodes": nodes, "edges": edges,
            "steps": steps, "output": position[id(out)]}


def child_share(parent, child, upstream):
    """What backward() added to child.grad at this step: local gradient x upstream grad."""
    return next(g for c, g in zip(parent._children, parent._local_grads) if c is child) * upstream


# --- Train it yourself ---------------------------------------------------------------
# Training runs in chunks of steps, one session.call each, with the run kept here between
# calls: Stop in the page waits for the chunk in progress, so what was trained is kept.

_run = {}


def train_start(steps=200, n_embd=16, lr=0.01, seed=42):
    """Set up a run exactly as `microgpt train --steps --n-embd --lr --seed` does."""
    argv = ["train", "--steps", str(steps), "--n-embd", str(n_embd), "--lr", str(lr), "--seed", str(seed)]
    try:
        args = build_parser().parse_args(argv)
        docs, tokenizer, config, opt, rng, ckpt = start_training(args)
    except UsageError as e:
        raise ValueError(str(e)) from None
    step_fn, export = scalar_engine(ckpt, config, tokenizer, opt)
    _run.clear()
    _run.update(docs=docs, tokenizer=tokenizer, config=config, steps=steps, step=0, losses=[],
                step_fn=step_fn, export=export, seed=seed)
    return {"num_docs": len(docs), "vocab_size": tokenizer.vocab_size,
            "num_params": len(ckpt["adam_m"]), "steps": steps}


def train_chunk(count=10):
    """Up to count more steps; each step's loss, and the line `microgpt train` prints for it."""
    if not _run:
        raise ValueError("no training run: start one first")
    done = []
    docs, steps = _run["docs"], _run["steps"]
    while len(done) < count and _run["step"] < steps:
        step = _run["step"]
        loss = _run["step_fn"](step, docs[step % len(docs)], steps)
        _run["losses"].append(loss)
        _run["step"] = step + 1
        done.append({"step": step + 1, "loss": loss,
                     "line": f"step {step + 1:4d} / {steps:4d} | loss {loss:.4f}"})
    return {"losses": done, "step": _run["step"], "finished": _run["step"] >= steps}


def _trained_model():
    weights, _, _ = _run["export"]()
    step = _run["step"]
    return {"state_dict": state_dict_of(weights), "config": _run["config"], "tokenizer": _run["tokenizer"],
            "source": f"your model, {step} step{'s' * (step != 1)} (n_embd {_run['config'].n_embd})"}


def train_samples(num=5, temperature=0.5):
    """A few names from the model as trained so far (its own random stream, so the run's
    is untouched)."""
    if not _run:
        raise ValueError("no training run: start one first")
    m = _trained_model()
    rng = random.Random(_run["seed"])
    return [sample(m["state_dict"], m["config"], m["tokenizer"], rng, temperature) for _ in range(num)]


def train_keep():
    """Let the other figures read the model trained so far."""
    if not _run:
        raise ValueError("no training run: start one first")
    _model.clear()
    _model.update(_trained_model())
    return _model["source"]
