"""Sentences of Home, Acts 1-2 and the glossary that read an output, checked against the numbers.

Each test computes the numbers a sentence reads, and finds the sentence on its page, so that a
change of the output without the sentence (or of the sentence without the output) fails here.
"""

import math
import random
import re
import statistics
import sys
from pathlib import Path

from docsite import regions
from docsite.page_text import split_front_matter
from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig, adam_update, document_loss

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHECKPOINT = DOCS / "checkpoints" / "names-1000.json"
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def page(name):
    """The page's text without its front matter, line breaks as spaces."""
    text = (DOCS / name).read_text(encoding="utf-8")
    _, front_matter = split_front_matter(text)
    return " ".join(" ".join(text.split("\n")[front_matter:]).split())


def region(path, name):
    """A `--8<-- [start:name]` region of a source file, as the page shows it."""
    return regions.region(ROOT / path, name)


# --- Act 2 -----------------------------------------------------------------------------------

def test_act2_counts_the_operations_it_shows():
    operations = re.findall(r"^\s*def (\w+)", region("microgpt/engine.py", "operations"), re.M)
    words = re.findall(r"(\w+) operations have a derivative rule of their own", page("act-2-engine.md"))
    assert words == [NUMBER_WORDS[len(operations)].capitalize()], (operations, words)


def test_act2_picture_shows_what_backward_computes():
    a, b = Value(2), Value(3)
    c = a * b
    L = c + a
    L.backward()
    text = (DOCS / "act-2-engine.md").read_text(encoding="utf-8")
    diagram = text.split("accTitle: A small calculation after backward()")[1].split("```")[0]
    nodes = {"a": a, "b": b, "c": c, "L": L}
    shown = {name: (value, grad) for name, value, grad in
             re.findall(r'(\w)\["[^"]*?= (\d+)<br>grad (\d+)"\]', diagram)}
    assert shown == {name: (str(v.data), str(v.grad)) for name, v in nodes.items()}, shown
    labels = re.findall(r'^\s*(\w)(?:\["[^"]*"\])? -- "local (\d+)" --> (\w)', diagram, re.M)
    local = {(child, parent): grad for parent in (c, L)
             for child, grad in zip(parent._children, parent._local_grads)}
    names = {id(v): n for n, v in nodes.items()}
    assert sorted(labels) == sorted((names[id(ch)], str(g), names[id(p)]) for (ch, p), g in local.items())
    assert f"moves $L$ by ${a.grad}h$" in page("act-2-engine.md")


def test_act2_sums_of_a_second_backward_are_the_printed_ones():
    a, b = Value(2), Value(3)
    c = a * b
    L = c + a
    L.backward()
    first, c_first = a.grad, c.grad
    L.backward()
    through_c = b.data * c.grad
    direct = 1  # L = c + a: a's local gradient towards L
    text = page("act-2-engine.md")
    assert c.grad == 2 * c_first and "So `c.grad` doubles" in text
    assert f"${first} + {through_c} + {direct} = {a.grad}$" in text
    assert first + through_c + direct == a.grad


def test_act2_without_the_reset_the_steps_grow_and_overshoot():
    w = Value(1.0)
    exact, accumulated = [], []
    for step in range(3):
        loss = (w - 5) ** 2
        loss.backward()
        exact.append(abs(2 * (w.data - 5)))
        accumulated.append(abs(w.grad))
        w.data -= 0.1 * w.grad
    assert exact == sorted(exact, reverse=True) and accumulated == sorted(accumulated)
    assert w.data > 5
    w, m, v = Value(1.0), [0.0], [0.0]
    for step in range(3):
        loss = (w - 5) ** 2
        loss.backward()
        assert w.grad == 2 * (w.data - 5)  # with the reset, the gradient is this step's own
        adam_update([w], m, v, step, 3, AdamConfig())
    assert "the steps keep growing while the exact gradient shrinks, and `w` shoots past its target" in page("act-2-engine.md")


def test_act2_the_exponent_workaround_finds_the_derivative_the_page_names():
    x = Value(2.0)
    y = (x * math.log(2)).exp()
    y.backward()
    assert math.isclose(x.grad, 2**2 * math.log(2), rel_tol=1e-12)
    assert r"its derivative $2^x \ln 2$ is what `backward()` found" in page("act-2-engine.md")


def reference_model():
    ckpt = load_checkpoint(CHECKPOINT)
    return ckpt, GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))


def walk(root, flip=False):
    """The recursive walk of the page, without recursion: (order, deepest nesting)."""
    order, visited, deepest = [], {root}, 1
    stack = [(root, iter(reversed(root._children) if flip else root._children))]
    while stack:
        deepest = max(deepest, len(stack))
        node, children = stack[-1]
        for child in children:
            if child not in visited:
                visited.add(child)
                stack.append((child, iter(reversed(child._children) if flip else child._children)))
                break
        else:
            stack.pop()
            order.append(node)
    return order, deepest


def test_act2_another_order_changes_many_gradients_each_by_a_hair():
    ckpt, config, tokenizer = reference_model()
    tokens = [tokenizer.bos] + tokenizer.encode("emma") + [tokenizer.bos]

    def gradients(flip):
        state_dict = state_dict_of(ckpt["weights"])
        loss = document_loss(state_dict, config, tokens)
        order, _ = walk(loss, flip)
        loss.grad = 1
        for node in reversed(order):
            for child, local_grad in zip(node._children, node._local_grads):
                child.grad += local_grad * node.grad
        return [p.grad for p in parameters(state_dict)]

    same, flipped = gradients(False), gradients(True)
    state_dict = state_dict_of(ckpt["weights"])
    document_loss(state_dict, config, tokens).backward()
    assert [p.grad for p in parameters(state_dict)] == same  # "agree on every gradient, to the last bit"
    assert "The loop and the recursion agree on every gradient, to the last bit" in page("act-2-engine.md")
    changed = sum(g != f for g, f in zip(same, flipped))
    assert changed > len(same) / 10  # "many"
    assert max(abs(g - f) for g, f in zip(same, flipped)) < 1e-15  # "each by a hair"
    assert "Flipping the order changes many of them, each by a hair" in page("act-2-engine.md")


def test_act2_real_graphs_stay_under_the_limit_and_grow_a_few_times():
    ckpt, config, tokenizer = reference_model()
    state_dict = state_dict_of(ckpt["weights"])
    sizes, depths = {}, {}
    for name in ["emma", max(load_docs(default_data_path()), key=len)]:
        tokens = [tokenizer.bos] + tokenizer.encode(name) + [tokenizer.bos]
        order, deepest = walk(document_loss(state_dict, config, tokens))
        sizes[name], depths[name] = len(order), deepest
    longest = max(sizes, key=sizes.get)
    assert 1 < sizes[longest] / sizes["emma"] < 10  # "only a few times as many"
    assert max(depths.values()) < sys.getrecursionlimit() / 2  # "well under the limit"
    assert ("Even the longest name builds only a few times as many `Value`s as `emma`, and the "
            "default model stays well under the limit") in page("act-2-engine.md")


# --- Act 1 and the glossary ------------------------------------------------------------------

def test_the_longest_name_fills_the_context_exactly():
    longest = max(len(doc) for doc in load_docs(default_data_path()))
    assert longest + 1 == GPTConfig().block_size  # n letters need n + 1 guesses
    assert "needs exactly as many positions as there are. No name is cut." in page("act-1-world.md")
    assert "The longest name in the data needs exactly that many predictions." in page("glossary.md")


def test_act1_the_first_weight_is_the_next_draw_after_the_shuffle():
    docs = load_docs(default_data_path())
    rng = random.Random(42)
    rng.shuffle(docs)
    first = init_params(GPTConfig(), Tokenizer.from_docs(docs).vocab_size, rng)["wte"][0][0].data
    replay = random.Random(42)
    replay.shuffle(load_docs(default_data_path()))
    assert first == replay.gauss(0, 0.08)
    assert "The model's very first weight is just the next number the stream produces after the shuffle" in page("act-1-world.md")


def test_act1_sorting_puts_the_space_first_and_capitals_before_lowercase():
    chars = Tokenizer.from_docs(["hello world", "GPT"]).chars
    assert chars[0] == " " and max(c for c in chars if c.isupper()) < min(c for c in chars if c.islower())
    assert "Sorting puts the space first and capitals before lowercase letters" in page("act-1-world.md")


def test_the_default_run_sees_a_small_slice_of_one_epoch():
    steps, num_docs = load_checkpoint(CHECKPOINT)["step"], len(load_docs(default_data_path()))
    assert steps * 10 < num_docs  # "a small slice", "a fraction of one epoch"
    assert "a small slice of the {{ num_docs }} names, a fraction of one **epoch**" in page("act-1-world.md")
    assert "it covers only a small part of one epoch" in page("glossary.md")


# --- Home ------------------------------------------------------------------------------------

def test_home_on_makemore_it_prints_every_line_of_the_original():
    ours = (DOCS / "checkpoints" / "makemore-run.txt").read_text(encoding="utf-8").splitlines()
    theirs = (DOCS / "checkpoints" / "original-makemore-output.txt").read_text(encoding="utf-8").splitlines()
    assert theirs and all(line in ours for line in theirs)
    assert "it prints what the original prints: every **loss**" in page("index.md")


def test_home_the_loss_fell_over_the_run():
    losses = load_checkpoint(CHECKPOINT)["losses"]
    assert statistics.mean(losses[-100:]) < losses[0]
    assert "the loss fell from {{ first_loss }} at the first step to a mean of {{ last_100_mean_loss }}" in page("index.md")
