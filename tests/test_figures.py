"""docs/live/figures.py, the Python behind the live figures, against the package itself."""

import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "live"))

import figures  # noqa: E402  (docs/live is not a package: it is what the worker imports)
from microgpt.checkpoint import load_checkpoint, state_dict_of  # noqa: E402
from microgpt.data import Tokenizer  # noqa: E402
from microgpt.engine import Value  # noqa: E402
from microgpt.model import GPTConfig, gpt, softmax  # noqa: E402
from microgpt.sample import sample  # noqa: E402


@pytest.fixture(autouse=True)
def reference():
    figures.use_reference()
    yield
    figures.use_reference()


def package_probs(prefix):
    ckpt = load_checkpoint(ROOT / "docs" / "checkpoints" / "names-1000.json")
    sd, config, tok = state_dict_of(ckpt["weights"]), GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))
    keys, values = [[]], [[]]
    for pos, t in enumerate([tok.bos] + tok.encode(prefix)):
        logits = gpt(sd, config, t, pos, keys, values)
    return [p.data for p in softmax(logits)]


@pytest.mark.parametrize("prefix", ["", "em", "maxwel", "zzq"])
def test_next_letter_is_the_package_softmax(prefix):
    result = figures.next_letter(prefix)
    assert [t["prob"] for t in result["tokens"]] == package_probs(prefix)
    assert [t["token"] for t in result["tokens"]] == [*"abcdefghijklmnopqrstuvwxyz", "BOS"]
    assert all(float(t["repr"]) == t["prob"] for t in result["tokens"])


def test_next_letter_refuses_what_the_model_cannot_read():
    with pytest.raises(ValueError, match="only knows the letters"):
        figures.next_letter("Em")
    with pytest.raises(ValueError, match="at most 15 letters"):
        figures.next_letter("a" * 16)
    figures.next_letter("a" * 15)  # the longest prefix still fits
    with pytest.raises(ValueError, match="temperature"):
        figures.next_letter("a", 0)


def test_temperature_divides_the_logits_as_sample_does():
    hot = figures.next_letter("", 2.0)["tokens"]
    cold = figures.next_letter("", 0.1)["tokens"]
    assert max(t["prob"] for t in cold) > max(t["prob"] for t in hot)
    assert sum(t["prob"] for t in hot) == pytest.approx(1, abs=1e-12)


def test_attention_weights_match_the_vectorized_engine():
    np = pytest.importorskip("numpy")
    from microgpt.vectorized import attention_maps, pack

    ckpt = load_checkpoint(ROOT / "docs" / "checkpoints" / "names-1000.json")
    config, tok = GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))
    P, _, _ = pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])
    result = figures.attention("maxwell")
    maps = attention_maps(P, config, [tok.bos] + tok.encode("maxwell"))
    assert result["labels"] == ["BOS", *"maxwell"]
    for layer in range(config.n_layer):
        for head in range(config.n_head):
            rows = result["weights"][layer][head]
            assert [len(r) for r in rows] == list(range(1, 9))  # the causal triangle
            for q, row in enumerate(rows):
                assert np.allclose(row, maps[layer][head, q, : q + 1], rtol=0, atol=1e-12)


def test_recording_attention_leaves_gpt_as_it_was():
    import microgpt.model

    before = figures.next_letter("ann")
    figures.attention("ann")
    assert microgpt.model.softmax is softmax
    assert figures.next_letter("ann") == before


def test_temperature_samples_are_the_package_samples():
    result = figures.temperature(0.7, num=5, seed=3)
    ckpt = load_checkpoint(ROOT / "docs" / "checkpoints" / "names-1000.json")
    sd, config, tok = state_dict_of(ckpt["weights"]), GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))
    rng = random.Random(3)
    expected = [sample(sd, config, tok, rng, 0.7) for _ in range(5)]
    assert [s["name"] for s in result["samples"]] == expected
    names = set((ROOT / "data" / "names.txt").read_text().split())
    assert result["real"] == sum(n in names for n in expected)
    assert [s["real"] for s in result["samples"]] == [n in names for n in expected]


def test_backward_worked_example():
    result = figures.backward_steps("a * b + a", {"a": 2, "b": 3})
    by_label = {n["label"]: n for n in result["nodes"]}
    assert by_label["a"]["grad"] == 4 and by_label["b"]["grad"] == 2
    assert by_label["a * b + a"]["data"] == 8
    # backward()'s own order: L hands its shares to c and a, then c to a and b
    steps = [(result["nodes"][s["parent"]]["label"], result["nodes"][s["child"]]["label"], s["grad"])
             for s in result["steps"]]
    assert steps == [("a * b + a", "a * b", 1), ("a * b + a", "a", 1), ("a * b", "a", 4), ("a * b", "b", 2)]
    # inputs first, every edge from an earlier node to a later one
    assert all(e["child"] < e["parent"] for e in result["edges"])


def test_backward_typed_expression_matches_value():
    expression = "(a * b + a ** 2).log() + (b - a).relu() * (a / b).exp()"
    result = figures.backward_steps(expression, {"a": 1.5, "b": 2.0})
    a, b = Value(1.5), Value(2.0)
    out = (a * b + a**2).log() + (b - a).relu() * (a / b).exp()
    out.backward()
    by_label = {n["label"]: n for n in result["nodes"]}
    assert by_label["a"]["grad"] == a.grad and by_label["b"]["grad"] == b.grad
    assert result["nodes"][result["output"]]["data"] == out.data
    assert len(result["steps"]) == len(result["edges"])  # each edge crossed once going back
    assert isinstance(result["nodes"][0]["grad"], float)  # the real numbers, not a copy's


@pytest.mark.parametrize("expression, message", [
    ("__import__('os')", "use numbers"),
    ("a.data", "use numbers"),
    ("c * a", "unknown name 'c'"),
    ("a ** b", "exponent must be a plain number"),
    ("2 + 3", "at least one of the names"),
    ("(a - a).log()", "cannot compute it"),
    ("a +", "not an expression"),
])
def test_backward_refuses_bad_expressions(expression, message):
    with pytest.raises(ValueError, match=message):
        figures.backward_steps(expression, {"a": 2, "b": 3})


def test_training_in_chunks_prints_what_the_cli_prints():
    flags = ["--steps", "12", "--n-embd", "8", "--lr", "0.02", "--seed", "7"]
    cli = subprocess.run([sys.executable, "-m", "microgpt", "train", *flags], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    start = figures.train_start(steps=12, n_embd=8, lr=0.02, seed=7)
    assert cli[:3] == [f"num docs: {start['num_docs']}", f"vocab size: {start['vocab_size']}",
                       f"num params: {start['num_params']}"]
    lines = []
    for _ in range(3):  # 5 + 5 + 2: chunks end where the run does
        chunk = figures.train_chunk(5)
        lines += [s["line"] for s in chunk["losses"]]
    assert chunk["finished"] and chunk["step"] == 12
    assert lines == cli[3:]


def test_kept_model_feeds_the_other_figures():
    figures.train_start(steps=3, n_embd=8, seed=1)
    figures.train_chunk(2)
    assert figures.train_keep() == "your model, 2 steps (n_embd 8)"
    assert figures.next_letter("a")["model"].startswith("your model")
    assert len(figures.attention("ab")["weights"][0]) == 4
    assert len(figures.train_samples(num=2)) == 2
    figures.use_reference()
    assert figures.next_letter("a")["model"] == "reference checkpoint, 1000 steps"


def test_training_refuses_bad_settings():
    with pytest.raises(ValueError, match="not divisible by --n-head 4"):
        figures.train_start(n_embd=6)
    with pytest.raises(ValueError, match="must be greater than 0"):
        figures.train_start(steps=0)
