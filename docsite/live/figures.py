"""The numbers behind the site's live figures, computed by the package itself.

The figures' JavaScript draws; it never computes. It asks the page's Python worker for
one of the functions below (through session.call), and every number it shows is one that
microgpt's own gpt(), softmax(), Value, backward(), train_step() or sample() produced.
Each function returns plain JSON-able data. Bad input raises ValueError with one plain
sentence that the figure shows to the reader; the page reaches them all through call(),
which turns that sentence (and any number JSON cannot carry) into {"error": ...}.

The same file runs under pytest (tests/test_figures.py), in CPython, against the package,
and at build time (docsite/figures.py), where it computes each figure's first frame.
"""

import ast
import contextlib
import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import microgpt.model
from microgpt import session
from microgpt.checkpoint import (CheckpointError, checkpoint_text, load_checkpoint,
                                 read_checkpoint_text, running_mean, state_dict_of)
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, gpt, softmax
from microgpt.sample import sample
from microgpt.session import Diverged, SetupError, fingerprint, read_documents

# docsite/live/figures.py -> docs/checkpoints/names-1000.json, in a checkout and in the worker
REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "checkpoints" / "names-1000.json"
# The reader's files. In the page (Pyodide: "emscripten") one fixed folder, which the
# browser's stored copy names, so every worker of every page load reads the same one;
# in CPython one folder per process, so that two test runs never read each other's model.
IN_PAGE = sys.platform == "emscripten"
SCRATCH = Path(tempfile.gettempdir()) / ("microgpt-page" if IN_PAGE else f"microgpt-page-{os.getpid()}")
KEPT = SCRATCH / "your-model.json"  # see "Your model, kept, downloaded and loaded"
NAMES_SCRATCH = SCRATCH / "your-names.txt"  # the names of the run being trained


# --- The model the figures read --------------------------------------------------
# The reference checkpoint, until the reader trains one in "Train it yourself" and keeps it.

_model = {}
REFERENCE_NAME = "the reference model"


def _model_of(ckpt, source):
    return {"state_dict": state_dict_of(ckpt["weights"]), "config": GPTConfig(**ckpt["config"]),
            "tokenizer": Tokenizer(tuple(ckpt["vocab"])), "source": source,
            "data_sha256": ckpt["data_sha256"]}


def reference_model():
    return _model_of(load_checkpoint(REFERENCE), REFERENCE_NAME)


def model():
    """The model the figures read: the one kept for the page, else the reference."""
    if not _model:
        _model.update(_kept_model() or reference_model())
    return _model


def use_reference():
    """Go back to the reference checkpoint, and keep no model of the reader's; returns a
    description of the model in use."""
    _model.clear()
    KEPT.unlink(missing_ok=True)
    return model()["source"]


def model_name():
    """Which model the figures read: "the reference model", or the reader's."""
    return model()["source"]


def _shown(ch):
    return "a space" if ch == " " else f"“{ch}”" if ch.isprintable() else repr(ch)


def _read(text, tok, config, what):
    """(ids of BOS + text, the text as read, a note) or ValueError in plain words.

    A model that knows no capital letter reads capitals as their lowercase letter, and the
    note says so; one trained on names with capitals reads them as they are."""
    if not isinstance(text, str):
        raise ValueError(f"the {what} must be text")
    known = set(tok.chars)
    note = ""
    if not any(ch.isupper() for ch in known):
        lowered = "".join(ch.lower() if ch.isupper() and ch.lower() in known else ch for ch in text)
        if lowered != text:
            text, note = lowered, f"read as “{lowered}”: this model knows only lowercase letters"
    unknown = sorted(set(text) - known)
    if unknown:
        listed = ", ".join(_shown(ch) for ch in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise ValueError(f"this model knows only the letters {''.join(tok.chars)}, "
                         f"so it cannot read {listed}")
    # BOS takes the first of the block_size positions, so a text has one fewer.
    most = config.block_size - 1
    if len(text) > most:
        raise ValueError(f"at most {most} letters: the model reads {config.block_size} positions, "
                         f"and BOS takes the first ({len(text)} given)")
    return [tok.bos] + tok.encode(text), text, note


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
    if not (type(temperature) in (int, float) and 0 < temperature < math.inf):
        raise ValueError("the temperature must be a positive number")
    ids, prefix, note = _read(prefix, tok, config, "prefix")
    keys = [[] for _ in range(config.n_layer)]
    values = [[] for _ in range(config.n_layer)]
    for pos_id, token_id in enumerate(ids):
        logits = gpt(sd, config, token_id, pos_id, keys, values)
    probs = softmax(logits) if temperature == 1 else softmax([x / temperature for x in logits])
    return {"prefix": prefix, "note": note, "temperature": temperature, "model": m["source"],
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
    ids, name, note = _read(name, tok, config, "name")
    keys = [[] for _ in range(config.n_layer)]
    values = [[] for _ in range(config.n_layer)]
    weights = [[[] for _ in range(config.n_head)] for _ in range(config.n_layer)]
    for pos_id, token_id in enumerate(ids):
        with _recorded_softmax() as calls:
            gpt(sd, config, token_id, pos_id, keys, values)
        for k, row in enumerate(calls):
            weights[k // config.n_head][k % config.n_head].append(row)
    return {"name": name, "note": note, "labels": [_label(tok, i) for i in ids], "model": m["source"],
            "weights": weights}


# --- Temperature -------------------------------------------------------------------

_bundled = {}
MAX_NAMES = 200


def bundled_names():
    """The bundled names, as a set, and the fingerprint of the file (data_sha256) that a
    checkpoint trained on them keeps."""
    if not _bundled:
        docs = load_docs(default_data_path())
        _bundled.update(names=set(docs), sha256=fingerprint(docs))
    return _bundled


def training_names(m):
    """The names the model m was trained on, or None when the page cannot know them: a
    checkpoint keeps only the fingerprint of its data, and a loaded one may have been
    trained on any file."""
    if m.get("names") is not None:
        if "known_names" not in m:  # read once per model, not at every move of the slider
            m["known_names"] = set(read_documents(_names_file(m["names"])))
        return m["known_names"]
    bundled = bundled_names()
    return bundled["names"] if m["data_sha256"] == bundled["sha256"] else None


def temperature(temperature, num=20, seed=42):
    """num names sampled at this temperature, which of them are training names, and the
    first-letter distribution (the next token after BOS) at the same temperature."""
    if not (isinstance(num, int) and 1 <= num <= MAX_NAMES):
        raise ValueError(f"the number of names must be a whole number, at least one and at most {MAX_NAMES}")
    first = next_letter("", temperature)
    m = model()
    rng = random.Random(seed)
    names = [sample(m["state_dict"], m["config"], m["tokenizer"], rng, temperature) for _ in range(num)]
    known = training_names(m)
    if known is None:  # the figure then says it cannot tell which names are real
        return {"temperature": temperature, "seed": seed, "first": first["tokens"], "model": m["source"],
                "samples": [{"name": n, "real": None} for n in names], "real": None}
    return {"temperature": temperature, "seed": seed, "first": first["tokens"], "model": m["source"],
            "samples": [{"name": n, "real": n in known} for n in names],
            "real": sum(n in known for n in names)}


# --- Backward, step by step --------------------------------------------------------

ALLOWED_METHODS = ("log", "exp", "relu")
ALLOWED_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)
# A graph the page can draw and a parse that stays shallow (Python's parser recurses on
# brackets, and in the page a deep recursion ends the whole worker, not just this call).
MAX_CHARACTERS = 120
MAX_DEPTH = 12
MAX_OPERATIONS = 30
MAX_VARIABLES = 8
EXAMPLE_INPUTS = "a = 2, b = 3"  # typed: 2 3 -- the worked example's inputs, as the reader types them


def _check_expression(tree):
    operations = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)):
            operations += 1
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
    if operations > MAX_OPERATIONS:
        raise ValueError(f"at most {MAX_OPERATIONS} operations, so that the graph fits "
                         f"the figure ({operations} given)")


def _parse_expression(expression):
    if not isinstance(expression, str):
        raise ValueError("the expression must be text")
    text = expression.strip()
    if not text:
        raise ValueError("type an expression, such as a * b + a")
    if len(text) > MAX_CHARACTERS:
        raise ValueError(f"at most {MAX_CHARACTERS} characters in the expression "
                         f"({len(text)} given)")
    depth = deepest = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise ValueError(f"at most {MAX_DEPTH} brackets inside each other ({deepest} given)")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise ValueError(f"not an expression: {e.msg}") from None
    _check_expression(tree)
    return tree


def _number(name, text):
    try:
        number = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"the input {name} needs a number, not {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"the input {name} = {text} is too large for a float: "
                         f"use a number below {1e308:.0e}")
    return number


def parse_variables(variables):
    """{name: float} from "a = 2, b = 3" (what the reader types) or from a dict."""
    if isinstance(variables, str):
        pairs = []
        for part in variables.split(","):
            if not part.strip():
                continue
            name, equals, value = part.partition("=")
            if not equals:
                raise ValueError(f"write the inputs as {EXAMPLE_INPUTS}")
            pairs.append((name.strip(), value.strip()))
    elif isinstance(variables, dict):
        pairs = list(variables.items())
    else:
        raise ValueError(f"write the inputs as {EXAMPLE_INPUTS}")
    if not pairs:
        raise ValueError(f"give at least one input, as in {EXAMPLE_INPUTS}")
    if len(pairs) > MAX_VARIABLES:
        raise ValueError(f"at most {MAX_VARIABLES} inputs ({len(pairs)} given)")
    parsed = {}
    for name, value in pairs:
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"an input needs a name such as a or rate, not {name!r}")
        if type(value) in (int, float):
            value = repr(value)
        parsed[name] = _number(name, value)
    return parsed


def _finite(value, where):
    """value if it is a real, finite float; else ValueError saying what went wrong where
    (where: "the value of a * b", "the gradient of a", ...)."""
    if isinstance(value, complex):
        raise ValueError(f"{where} is not a real number (a negative number to a fractional power)")
    if not math.isfinite(value):
        raise ValueError(f"{where} is too large for a float ({value})")
    return value


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
    # Floats throughout, as in the model: an int power such as 9 ** 9 ** 9 would be exact,
    # and so take Python forever, where a float says at once that it is too large.
    variables = parse_variables({"a": 2, "b": 3} if variables is None else variables)
    tree = _parse_expression(expression)
    leaves = {name: Value(number) for name, number in variables.items()}
    labels = {id(v): name for name, v in leaves.items()}

    def evaluate(node):  # the real Value operations, with each result labelled by its source
        if isinstance(node, ast.Name):
            if node.id not in leaves:
                raise ValueError(f"unknown name {node.id!r}: the names are {', '.join(leaves)}")
            return leaves[node.id]
        if isinstance(node, ast.Constant):
            return _finite(float(node.value), f"the number {ast.unparse(node)}")
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
            try:
                result = getattr(target, node.func.attr)()
            except ValueError:  # math.log's domain; its message differs between Pythons
                raise ValueError("cannot compute it: .log() of zero or of a negative number") from None  # typed: zero -- the logarithm's domain, no figure
        where = ast.unparse(node)
        if isinstance(result, Value):
            labels.setdefault(id(result), where)
            _finite(result.data, f"the value of {where}")
            for local in result._local_grads:
                _finite(local, f"the local gradient of {where}")
        else:
            _finite(result, f"the value of {where}")
        return result

    try:
        out = evaluate(tree.body)
    except ZeroDivisionError:
        raise ValueError("cannot compute it: it divides by zero somewhere") from None  # typed: zero -- division by zero, no figure
    except OverflowError:
        raise ValueError("cannot compute it: a number grows too large for a float") from None
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
    for node in graph:
        _finite(node.grad, f"the gradient of {labels.get(id(node), 'a step')}")

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
            # a plain number the expression used, as it was typed when it was whole
            label = str(int(v.data)) if float(v.data).is_integer() and abs(v.data) < 1e15 else repr(v.data)
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
# Training runs in chunks of steps, one call each, with the run kept here between calls.
# Each chunk is short, so that a block's Run waits for at most one chunk, and Stop in the
# page keeps what was trained. Each run has a number: a chunk asked for by a loop of an
# older run (a page left behind) is refused, and never trains the new run. The run is a
# microgpt.session.Session, the one `microgpt train` steps.

MAX_STEPS = 5000
MAX_LR = 1  # as the form's field allows
MAX_NAMES_BYTES = 1_000_000  # about four times the bundled names
MAX_VOCABULARY = 200  # characters: each one adds 2 x n_embd weights to train
RUNNING_MEAN_WINDOW = 50  # steps, as in the plot of the reference run
_run = {}
_runs_started = [0]


def _whole(text, what, low, high):
    try:
        number = float(text)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number.is_integer() and low <= number <= high):
        raise ValueError(f"{what} must be a whole number from {low:,} to {high:,}, "
                         f"not {str(text).strip() or 'nothing'}")
    return int(number)


def read_settings(steps, n_embd, lr, seed):
    """The form's four settings (text or numbers) as numbers, or ValueError in the
    form's own words."""
    steps = _whole(steps, "Steps", 1, MAX_STEPS)
    heads = GPTConfig().n_head
    n_embd = _whole(n_embd, "n_embd", heads, 64 * heads)
    if n_embd % heads:
        raise ValueError(f"n_embd must be a multiple of {heads}, the number of attention heads, "
                         f"not {n_embd}")
    try:
        rate = float(lr)
    except (TypeError, ValueError):
        rate = math.nan
    if not (0 < rate <= MAX_LR):
        raise ValueError(f"the learning rate must be a positive number, at most {MAX_LR}, "
                         f"not {str(lr).strip() or 'nothing'}")
    seed = _whole(seed, "Seed", 0, 2**32 - 1)
    return steps, n_embd, rate, seed


def training_limits():
    """What the form says before training: the most steps, how much data, and the
    largest checkpoint "Load a model" reads."""
    return {"max_steps": MAX_STEPS, "max_names_bytes": MAX_NAMES_BYTES,
            "max_vocabulary": MAX_VOCABULARY, "max_checkpoint_bytes": MAX_CHECKPOINT_BYTES}


def _names_file(names):
    """The reader's names written where session.start reads a data file, after the
    page's own limits; None for the bundled names."""
    if names is None:
        return None
    if not isinstance(names, str):
        raise ValueError("your names must be text, one name per line")
    # surrogatepass: a lone surrogate from the page becomes bytes that are not UTF-8,
    # which read_documents then refuses as the command line would
    raw = names.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_NAMES_BYTES:
        raise ValueError(f"your names are {len(raw):,} bytes: the page trains on at most "
                         f"{MAX_NAMES_BYTES:,} (the command line takes any size)")
    NAMES_SCRATCH.parent.mkdir(parents=True, exist_ok=True)
    NAMES_SCRATCH.write_bytes(raw)
    return NAMES_SCRATCH


def _worded(error):
    """A SetupError about the scratch file, as a sentence about the reader's names."""
    return ValueError(str(error).replace(str(NAMES_SCRATCH), "your names"))


def check_names(text):
    """The reader's names as training would read them: how many, how many distinct
    characters, how many bytes; or the sentence the command line would refuse them with."""
    path = _names_file(text)
    try:
        docs = read_documents(path)
    except SetupError as e:
        raise _worded(e) from None
    vocabulary = Tokenizer.from_docs(docs).vocab_size - 1
    if vocabulary > MAX_VOCABULARY:
        raise ValueError(f"your names use {vocabulary:,} different characters: the page trains "
                         f"on at most {MAX_VOCABULARY} (the command line takes any number)")
    return {"num_docs": len(docs), "vocab_size": vocabulary + 1, "bytes": path.stat().st_size}


def train_start(steps=200, n_embd=16, lr=0.01, seed=42, names=None):
    """Set up a run exactly as `microgpt train --steps --n-embd --lr --seed` does, with
    --data the reader's names (text, one per line) unless names is None."""
    steps, n_embd, lr, seed = read_settings(steps, n_embd, lr, seed)
    if names is not None:
        check_names(names)  # leaves them in NAMES_SCRATCH, the data file the run reads
    try:
        run = session.start(data=None if names is None else NAMES_SCRATCH, steps=steps, seed=seed,
                            lr=lr, n_embd=n_embd)
    except SetupError as e:
        raise _worded(e) from None
    _runs_started[0] += 1
    _run.clear()
    _run.update(run=_runs_started[0], session=run, names=names, seed=seed, lr=lr)
    return {"run": _run["run"], "num_docs": len(run.docs), "vocab_size": run.tokenizer.vocab_size,
            "num_params": len(run.ckpt["adam_m"]), "steps": steps, "yours": names is not None,
            "blind": math.log(run.tokenizer.vocab_size), "window": RUNNING_MEAN_WINDOW}


def _current(run):
    if not _run:
        raise ValueError("no training run: press Train to start one")
    if run is not None and run != _run["run"]:
        raise ValueError("this training run was replaced by a newer one")
    return _run["session"]


def train_chunk(count=10, run=None, seconds=None):
    """Up to count more steps (fewer if seconds pass first; always at least one): each
    step's loss, the running mean of the losses so far, and the line `microgpt train`
    prints for it."""
    training = _current(run)
    done = []
    start = time.perf_counter()
    while len(done) < count and training.step < training.num_steps:
        if done and seconds is not None and time.perf_counter() - start > seconds:
            break
        try:
            loss = training.advance()
        except Diverged as e:
            lr = _run["lr"]
            _run.clear()  # nothing worth keeping: the weights are no longer numbers
            raise ValueError(f"training diverged at step {e.step}: the loss is no longer a "
                             f"number. A learning rate of {lr} is too large for this model; "
                             "try a smaller one") from None
        done.append({"step": training.step, "loss": loss, "line": training.line()})
    losses = training.ckpt["losses"]
    tail = losses[max(0, len(losses) - len(done) - RUNNING_MEAN_WINDOW + 1):]
    for entry, mean in zip(done, running_mean(tail, RUNNING_MEAN_WINDOW)[len(tail) - len(done):]):
        entry["mean"] = mean
    return {"losses": done, "step": training.step, "finished": training.step >= training.num_steps}


def train_samples(num=5, temperature=0.5, run=None):
    """A few names from the model as trained so far, as `microgpt sample --seed` (the
    run's seed) prints them from its checkpoint: the run's own stream stays untouched."""
    training = _current(run)
    weights, _, _ = training.export()
    rng = random.Random(_run["seed"])
    return [sample(state_dict_of(weights), training.config, training.tokenizer, rng, temperature)
            for _ in range(num)]


def train_keep(run=None):
    """Let the other figures read the model trained so far, and keep it for the page's
    next Python (see kept_files): its description, and the number of steps it had."""
    training = _current(run)
    ckpt = training.checkpoint()
    names = _run["names"]
    whose = "your" if names is not None else "the bundled"
    source = f"yours: {_counted(ckpt['step'], 'step')} on {whose} {len(training.docs):,} names"
    _use(checkpoint_text(ckpt), names, source, ckpt)
    return {"model": _model["source"], "steps": ckpt["step"]}


def _counted(number, noun):
    return f"{number:,} {noun}{'s' * (number != 1)}"


# --- Your model, kept, downloaded and loaded -----------------------------------------
# The page keeps the reader's model in one file, which runtime.js writes into every fresh
# worker (keepFile): model() reads it when the worker starts, so a reload, another page
# or a restarted Python reads the same model. Its "checkpoint" is the text `microgpt
# train --out` writes; "names" the data it was trained on (None: the bundled names).

MAX_CHECKPOINT_BYTES = 20_000_000  # n_embd 256, the form's widest, is about 16 MB


def _use(text, names, source, ckpt=None):
    """Make the checkpoint in text the model the figures read, and the kept one."""
    ckpt = ckpt or read_checkpoint_text(text, "kept")
    _model.clear()
    _model.update(_model_of(ckpt, source), checkpoint=text, names=names)
    KEPT.parent.mkdir(parents=True, exist_ok=True)
    KEPT.write_text(json.dumps({"checkpoint": text, "names": names, "source": source}),
                    encoding="utf-8")


def _kept_model():
    """The kept model, as model() stores it; None if there is none (or it is unusable)."""
    try:
        kept = json.loads(KEPT.read_text(encoding="utf-8"))
        ckpt = read_checkpoint_text(kept["checkpoint"], "kept")
    except (OSError, ValueError, KeyError, TypeError, CheckpointError):
        return None
    return {**_model_of(ckpt, kept["source"]), "checkpoint": kept["checkpoint"],
            "names": kept["names"]}


def kept_files():
    """{path: text}: the file runtime.js must write into each fresh worker (None:
    delete it), so that the next Python reads the model in use."""
    return {str(KEPT): KEPT.read_text(encoding="utf-8") if KEPT.exists() else None}


def export_model():
    """The model in use as the files `microgpt train --out` and --data would be: the
    checkpoint's text, the names' text (None: the bundled names), a file name, and
    the commands that read them."""
    m = model()
    if m["source"] == REFERENCE_NAME:
        text, names = REFERENCE.read_text(encoding="utf-8"), None
    else:
        text, names = m["checkpoint"], m["names"]
    step = json.loads(text)["step"]
    filename = f"microgpt-{step}-steps.json"
    names_filename = "your-names.txt"
    if names is not None:
        data = f" --data {names_filename}"
    elif m["data_sha256"] == bundled_names()["sha256"]:
        data = ""  # the bundled names, which the command line reads without --data
    else:  # loaded from a file: the checkpoint holds only its data's fingerprint, not its names
        data = " --data THE-NAMES-IT-WAS-TRAINED-ON.txt"
    return {"checkpoint": text, "names": names, "filename": filename, "names_filename": names_filename,
            "resume": f"microgpt train --resume {filename}{data} --steps {step + 100}"}


def load_model(text, filename="a file"):
    """Make a checkpoint written by `microgpt train --out` (text) the model in use.
    Anything that command would refuse, or a file far too large for the page, is
    refused in one sentence, and the model in use stays."""
    name = Path(str(filename)).name[:60] or "a file"
    if not isinstance(text, str):
        raise ValueError(f"{name} is not a text file, so not a checkpoint")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_CHECKPOINT_BYTES:
        raise ValueError(f"{name} is {size:,} bytes: far larger than any checkpoint the page "
                         f"can read (at most {MAX_CHECKPOINT_BYTES:,})")
    try:
        ckpt = read_checkpoint_text(text, name)
    except CheckpointError as e:
        raise ValueError(str(e)) from None
    source = f"yours: {_counted(ckpt['step'], 'step')}, loaded from {name}"
    _use(text, None, source, ckpt)
    return {"model": source, "steps": ckpt["step"]}


def samples(num=5, temperature=0.5, seed=42):
    """Names from the model in use, and the `microgpt sample` line that prints the same
    ones from the downloaded checkpoint."""
    if not (isinstance(num, int) and 1 <= num <= MAX_NAMES):
        raise ValueError(f"the number of names must be a whole number, at least one and at most {MAX_NAMES}")
    if not (type(temperature) in (int, float) and 0 < temperature < math.inf):
        raise ValueError("the temperature must be a positive number")
    m = model()
    rng = random.Random(seed)
    names = [sample(m["state_dict"], m["config"], m["tokenizer"], rng, temperature) for _ in range(num)]
    filename = export_model()["filename"] if m["source"] != REFERENCE_NAME else REFERENCE.name
    return {"names": names, "model": m["source"],
            "command": f"microgpt sample --checkpoint {filename} --seed {seed} "
                       f"--temperature {temperature!r} --num {num}"}


# --- What the page calls ---------------------------------------------------------------
# name(arguments)                        -> value (or {"error": one plain sentence})
# next_letter(prefix, temperature=1)     -> {"tokens": [{token, prob, repr}], "model", ...}
# attention(name)                        -> {"weights": [layer][head][query], "model", ...}
# temperature(temperature, num, seed)    -> {"samples", "first", "real", "model", ...}
# backward_steps(expression, variables)  -> {"nodes", "edges", "steps", "output", ...}
# training_limits()                      -> {"max_steps", "max_names", "max_name_bytes"}:
#                                           what the form says before training
# check_names(text)                      -> {"num_docs", "vocab_size", "bytes"} of the
#                                           reader's names, or the CLI's refusal of them
# train_start(steps, n_embd, lr, seed, names=None)
#                                        -> {"run", "num_docs", "vocab_size", ...};
#                                           names: the reader's text (None: bundled)
# train_chunk(count, run, seconds)       -> {"losses": [{step, loss, mean, line}], ...}
# train_samples(num, temperature, run)   -> names, as `microgpt sample --seed S` prints
# train_keep(run)                        -> {"model", "steps"}: the figures read it
# samples(num, temperature, seed)        -> {"names", "command"}: from the model in use,
#                                           and the `microgpt sample` line that prints them
# export_model()                         -> {"checkpoint": text, "names": text or None,
#                                           "filename"}: what `train --out` would write
# load_model(text, filename)             -> {"model", "steps"}: a `train --out` file;
#                                           a bad one is refused, the model in use stays
# kept_files()                           -> {path: text or None}: what runtime.js keepFile
#                                           must hold (None: delete), after any change
# use_reference()                        -> "the reference model"
# model_name()                           -> "the reference model" or "yours: N steps on
#                                           your M names" (data-model-name's text)

PAGE_CALLS = {f.__name__: f for f in (next_letter, attention, temperature, backward_steps,
                                      training_limits, check_names, train_start, train_chunk,
                                      train_samples, train_keep, samples, export_model,
                                      load_model, kept_files, use_reference, model_name)}


def call(name, arguments):
    """The page's one way in: PAGE_CALLS[name](*json.loads(arguments)).

    Returns {"value": the result} or {"error": one plain sentence}: the reader's input
    problem, or a number that JSON cannot carry (which JavaScript would otherwise fail
    to read). Arguments come as JSON text, so the page never writes Python source."""
    function = PAGE_CALLS.get(name)
    if function is None:
        return {"error": f"the page asked for {name!r}, which no figure computes"}
    try:
        value = function(*json.loads(arguments))
    except ValueError as e:
        return {"error": str(e)}
    except RecursionError:
        return {"error": "the input is nested too deeply to compute"}
    except MemoryError:
        return {"error": "the input needs more memory than the page has"}
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return {"error": "a number in the result is too large for a float"}
    return {"value": value}


# --- The first frame of each figure, computed at build time ----------------------------

def first_frame(figure, inputs):
    """The call the page makes for the inputs its markup starts with, and its answer,
    from the reference model: what the figure shows before Python starts in the page.

    inputs: the figure's fields by name (text, as in the markup). None for a figure that
    computes nothing until asked (training)."""
    if figure == "next-letter":
        name, args = "next_letter", [inputs["prefix"]]
    elif figure == "attention":
        name, args = "attention", [inputs["name"]]
    elif figure == "temperature":
        name, args = "temperature", [float(inputs["temperature"])]
    elif figure == "backward":
        name, args = "backward_steps", [inputs["expression"], inputs["variables"]]
    else:
        return None
    use_reference()
    answer = call(name, json.dumps(args))
    return {"call": name, "args": args, **answer}


# --- Each figure's markup, placed on a page by one line: <!-- mg:figure NAME -->  ---------
# The build (docsite/directives.py) writes MARKUP[NAME] in that line's place, then computes the
# first frame (first_frame above, docsite/figures.py) from the inputs the markup starts with:
# FIELDS[NAME] says which <input> is which argument. docs/javascripts/figures.js draws into
# [data-output] and reads the fields, buttons and data-* attributes named here.
# A new figure: its function(s) above and in PAGE_CALLS, its entry in first_frame, MARKUP and
# FIELDS here, its drawing in figures.js, and one line on its page.

MARKUP = {
    "next-letter": """
<div class="mg-figure" data-figure="next-letter">
<p class="mg-figure__title">Live: what comes next, for any prefix</p>
<label class="mg-field">Prefix <input type="text" value="chr" maxlength="15" autocomplete="off" autocapitalize="off" spellcheck="false"></label>
<p class="mg-figure__status" data-status role="status" aria-live="polite">Runs the trained model in your browser once in view (Python takes a few seconds to start).</p>
<div data-output></div>
</div>
""",
    "attention": """
<div class="mg-figure" data-figure="attention">
<p class="mg-figure__title">Live: attention on any name</p>
<label class="mg-field">Name <input type="text" value="maxwell" maxlength="15" autocomplete="off" autocapitalize="off" spellcheck="false"></label>
<p class="mg-figure__status" data-status role="status" aria-live="polite">Runs the trained model in your browser once in view (Python takes a few seconds to start).</p>
<div data-output></div>
</div>
""",
    "temperature": """
<div class="mg-figure" data-figure="temperature">
<p class="mg-figure__title">Live: temperature</p>
<label class="mg-field">Temperature <input type="range" min="0.1" max="2" step="0.1" value="0.5"> <output>0.5</output></label>
<p class="mg-figure__status" data-status role="status" aria-live="polite">Touch it: it runs the trained model with the package itself, in your browser (Python starts in a few seconds the first time).</p>
<div data-output></div>
</div>
""",  # typed: 0.5 -- where the slider starts (its value attribute)
    "backward": """
<div class="mg-figure" data-figure="backward">
<p class="mg-figure__title">Live: backward(), step by step</p>
<form class="mg-form">
<label class="mg-field">Expression <input type="text" data-input="expression" value="a * b + a" autocomplete="off" autocapitalize="off" spellcheck="false"></label>
<label class="mg-field">Inputs <input type="text" data-input="variables" value="a = 2, b = 3" autocomplete="off" autocapitalize="off" spellcheck="false"></label>
<button type="submit" class="md-button">Build</button>
</form>
<div class="mg-buttons"><button type="button" class="md-button" data-step="prev">Previous</button> <button type="button" class="md-button" data-step="next">Next</button> <button type="button" class="md-button" data-step="all">To the end</button></div>
<p class="mg-figure__status" data-status role="status" aria-live="polite">Touch it: it builds the graph with the real Value, and steps through what the real backward() does.</p>
<div data-output></div>
</div>
""",
    "train": f"""
<div class="mg-figure" data-figure="train">
<p class="mg-figure__title">Live: train it yourself</p>
<form class="mg-form">
<label class="mg-field">Steps <input type="number" name="steps" value="100" min="1" max="{MAX_STEPS}"></label>
<label class="mg-field">n_embd <select name="n_embd"><option>4</option><option>8</option><option selected>16</option><option>32</option></select></label>
<label class="mg-field">Learning rate <input type="number" name="lr" value="0.01" min="0.0001" max="1" step="any"></label>
<label class="mg-field">Seed <input type="number" name="seed" value="42" step="1"></label>
<div class="mg-your-names">
<label for="mg-your-names">Your names</label> <span class="mg-hint" id="mg-your-names-hint">one per line, as in a names file, at most {MAX_NAMES_BYTES:,} bytes and {MAX_VOCABULARY} different characters; leave it empty to train on the bundled names</span>
<textarea id="mg-your-names" data-input="names" rows="3" aria-describedby="mg-your-names-hint mg-your-names-check" autocomplete="off" autocapitalize="off" spellcheck="false"></textarea>
<label class="mg-field mg-file">or a text file <input type="file" data-input="names-file" accept=".txt,text/plain"></label>
<p class="mg-hint" id="mg-your-names-check" data-names-check aria-live="polite">Empty: Train uses the bundled names.</p>
</div>
<button type="submit" class="md-button md-button--primary">Train</button>
<button type="button" class="md-button" data-action="stop" disabled>Stop</button>
</form>
<div class="mg-buttons">
<button type="button" class="md-button" data-action="download-model">Download your model</button>
<button type="button" class="md-button" data-action="download-names">Download your names</button>
<label class="mg-field mg-file">Load a model <input type="file" data-action="load-model" accept=".json,application/json"></label>
<button type="button" class="md-button" data-action="reference" hidden>Use the reference model again</button>
</div>
<p class="mg-figure__status" data-status role="status" aria-live="polite">Train the scalar model here, in your browser, for up to {MAX_STEPS:,} steps. Stop keeps what it learnt so far. The other acts' live figures then read your model, and your browser keeps it until you choose the reference model again.</p>
<div data-output></div>
</div>
""",  # typed: 4 8 16 32 -- the choices of the n_embd menu (16: the default model's)
}
FIELDS = {  # figure -> {argument of its first call: the selector of the <input> that holds it}
    "next-letter": {"prefix": 'input[type="text"]'},
    "attention": {"name": 'input[type="text"]'},
    "temperature": {"temperature": 'input[type="range"]'},
    "backward": {"expression": 'input[data-input="expression"]', "variables": 'input[data-input="variables"]'},
    "train": {},
}
READS_NO_MODEL = {"backward"}  # its markup gets no "Model: ..." line: it runs Value alone
