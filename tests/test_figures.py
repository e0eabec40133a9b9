"""docsite/live/figures.py, the Python behind the live figures, against the package itself."""

import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

from docsite.live import figures  # what the page's worker imports
from microgpt.checkpoint import load_checkpoint, running_mean, state_dict_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, gpt, softmax
from microgpt.sample import sample

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def reference(tmp_path, monkeypatch):
    """Each test starts from the reference model, with the reader's files in its own folder."""
    monkeypatch.setattr(figures, "KEPT", tmp_path / "kept" / "your-model.json")
    monkeypatch.setattr(figures, "NAMES_SCRATCH", tmp_path / "names.txt")
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
    with pytest.raises(ValueError, match="knows only the letters abc.*cannot read “3”, “é”$"):
        figures.next_letter("e3é")
    with pytest.raises(ValueError, match="at most 15 letters"):
        figures.next_letter("a" * 16)
    figures.next_letter("a" * 15)  # the longest prefix still fits
    with pytest.raises(ValueError, match="temperature"):
        figures.next_letter("a", 0)


@pytest.mark.parametrize("function", [figures.next_letter, figures.attention])
def test_capitals_are_read_as_lowercase_with_a_note(function):
    """The reference model knows no capital letter: "Emma" is read as "emma", and said so."""
    typed, plain = function("Emma"), function("emma")
    assert typed["note"] == "read as “emma”: this model knows only lowercase letters"
    assert plain["note"] == ""
    assert {k: v for k, v in typed.items() if k != "note"} == {k: v for k, v in plain.items() if k != "note"}


def test_a_model_that_knows_capitals_reads_them_as_they_are():
    reference = figures.model()
    tok = Tokenizer(("E", *reference["tokenizer"].chars))
    figures._model.update(tokenizer=tok)
    with pytest.raises(ValueError, match="cannot read “M”"):  # no lowercasing: E is a letter of its own
        figures._read("EMma", tok, reference["config"], "name")
    ids, text, note = figures._read("Emma", tok, reference["config"], "name")
    assert (text, note, ids[1]) == ("Emma", "", tok.chars.index("E"))


def test_attention_takes_the_longest_name_the_model_can_read():
    """BOS and 15 letters fill the 16 positions; a 16th letter is refused in words, not an IndexError."""
    assert len(figures.attention("a" * 15)["labels"]) == 16
    with pytest.raises(ValueError, match="at most 15 letters: the model reads 16 positions"):
        figures.attention("a" * 16)


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


def test_temperature_counts_real_names_against_the_data_the_model_in_use_was_trained_on():
    cities = "paris\nrome\nlima\noslo\nbern\n"
    figures.train_start(steps=2, n_embd=4, seed=1, names=cities)
    figures.train_chunk(2)
    figures.train_keep()
    result = figures.temperature(0.5, num=20, seed=3)
    assert [s["real"] for s in result["samples"]] == [s["name"] in cities.split() for s in result["samples"]]
    assert result["real"] == sum(s["name"] in cities.split() for s in result["samples"])
    # Loaded from a file, the same model brings only its data's fingerprint: nothing is claimed.
    checkpoint = figures.export_model()["checkpoint"]
    figures.use_reference()
    figures.load_model(checkpoint, "cities.json")
    unknown = figures.temperature(0.5, num=20, seed=3)
    assert unknown["real"] is None and {s["real"] for s in unknown["samples"]} == {None}
    assert "--data THE-NAMES-IT-WAS-TRAINED-ON.txt" in figures.export_model()["resume"]  # not the bundled names
    # A loaded checkpoint of the bundled names is recognised by that fingerprint.
    figures.use_reference()
    reference = figures.temperature(0.7, num=20, seed=3)["real"]
    figures.load_model((ROOT / "docs" / "checkpoints" / "names-1000.json").read_text(), "names-1000.json")
    assert figures.temperature(0.7, num=20, seed=3)["real"] == reference > 0


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
    ("(a - a).log()", "cannot compute it: .log\\(\\) of zero"),
    ("a +", "not an expression"),
    ("a + 9 ** 9 ** 9", "a number grows too large for a float"),
    ("(-a) ** 0.5", "is not a real number"),
    ("a * 1e308 * 10", "is too large for a float"),
    ("a * 1e308 * 10 - a * 1e308 * 10", "is too large for a float"),
    ("a / (b - b)", "divides by zero"),
    ("(a * 1e200) * (b * 1e200)", "is too large for a float"),
    ("((((((((((((((a))))))))))))))", "at most 12 brackets"),
    ("(" * 200 + "a" + ")" * 200, "at most 120 characters"),
    ("+".join(["a"] * 40), "at most 30 operations"),
    ("", "type an expression"),
])
def test_backward_refuses_bad_expressions(expression, message):
    with pytest.raises(ValueError, match=message):
        figures.backward_steps(expression, {"a": 2, "b": 3})


@pytest.mark.parametrize("variables, message", [
    ("a = 1e400", "a = 1e400 is too large for a float"),
    ("a = nan", "a = nan is too large"),
    ("a = two", "a needs a number, not 'two'"),
    ("a 2", "write the inputs as a = 2, b = 3"),
    ("1a = 2", "needs a name"),
    ("", "give at least one input"),
])
def test_backward_refuses_bad_inputs(variables, message):
    with pytest.raises(ValueError, match=message):
        figures.backward_steps("a * 2", variables)


def test_backward_reads_the_inputs_as_typed():
    typed = figures.backward_steps("a * b + a", " a = 2 ,b=3, ")
    assert typed == figures.backward_steps("a * b + a", {"a": 2, "b": 3})
    assert [n["label"] for n in figures.backward_steps("a * 2")["nodes"]] == ["a", "2", "a * 2"]


@pytest.mark.parametrize("name, arguments, error", [
    ("backward_steps", '["a + 9 ** 9 ** 9", "a = 1"]', "a number grows too large for a float"),
    ("backward_steps", '["a * b", "a = 1e300, b = 1e300"]', "is too large for a float"),
    ("attention", '["a1"]', "cannot read “1”"),
    ("train_start", '["", 16, 0.01, 42]', "Steps must be a whole number from 1 to 5,000, not nothing"),
    ("train_start", '[100, 16, "-1", 42]', "the learning rate must be a positive number"),
    ("train_chunk", '[5, 999]', "no training run|replaced by a newer one"),
    ("exec", '["1"]', "no figure computes"),
])
def test_the_page_gets_a_plain_sentence_for_every_bad_input(name, arguments, error):
    import re

    answer = figures.call(name, arguments)
    assert set(answer) == {"error"} and re.search(error, answer["error"])
    assert "Error" not in answer["error"] and "Traceback" not in answer["error"]


def test_the_page_gets_json_it_can_read():
    import json

    answer = figures.call("next_letter", json.dumps(["chr"]))
    assert answer == {"value": figures.next_letter("chr")}
    json.loads(json.dumps(answer), parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))


def test_the_first_frame_is_what_the_page_would_compute():
    frame = figures.first_frame("next-letter", {"prefix": "chr"})
    assert frame == {"call": "next_letter", "args": ["chr"], "value": figures.next_letter("chr")}
    assert figures.first_frame("backward", {"expression": "a +", "variables": "a = 2"})["error"]
    assert figures.first_frame("train", {}) is None


def test_training_in_chunks_prints_what_the_cli_prints():
    flags = ["--steps", "12", "--n-embd", "8", "--lr", "0.02", "--seed", "7"]
    cli = subprocess.run([sys.executable, "-m", "microgpt", "train", *flags], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    start = figures.train_start(steps=12, n_embd=8, lr=0.02, seed=7)
    assert cli[:3] == [f"num docs: {start['num_docs']}", f"vocab size: {start['vocab_size']}",
                       f"num params: {start['num_params']}"]
    lines, losses, means = [], [], []
    for _ in range(3):  # 5 + 5 + 2: chunks end where the run does
        chunk = figures.train_chunk(5, start["run"])
        lines += [s["line"] for s in chunk["losses"]]
        losses += [s["loss"] for s in chunk["losses"]]
        means += [s["mean"] for s in chunk["losses"]]
    assert chunk["finished"] and chunk["step"] == 12
    assert lines == cli[3:]
    assert means == running_mean(losses, figures.RUNNING_MEAN_WINDOW)


def test_the_running_mean_of_a_long_run_comes_in_chunks_as_in_one_piece(monkeypatch):
    start = figures.train_start(steps=70, n_embd=4, seed=3)
    fake = iter(random.Random(0).uniform(2, 3.5) for _ in range(70))
    monkeypatch.setattr(figures._run["session"], "step_fn", lambda *args: next(fake))
    entries = []
    while not entries or entries[-1]["step"] < 70:
        entries += figures.train_chunk(9, start["run"])["losses"]
    assert [e["mean"] for e in entries] == running_mean([e["loss"] for e in entries], 50)


def test_running_mean():
    assert running_mean([1.0, 2.0, 3.0, 4.0], 2) == [1.0, 1.5, 2.5, 3.5]
    assert running_mean([3.0, 1.0], 50) == [3.0, 2.0]  # fewer than the window at the start
    assert running_mean([], 5) == []


def test_a_new_run_refuses_the_chunks_of_the_old_one():
    """A loop left behind by a page must not train (or end) the run that replaced it."""
    old = figures.train_start(steps=5, n_embd=4, seed=1)["run"]
    new = figures.train_start(steps=5, n_embd=4, seed=1)["run"]
    with pytest.raises(ValueError, match="replaced by a newer one"):
        figures.train_chunk(2, old)
    assert figures.train_chunk(2, new)["step"] == 2


def test_chunks_end_early_when_their_time_is_up():
    run = figures.train_start(steps=20, n_embd=4, seed=1)["run"]
    assert figures.train_chunk(20, run, seconds=0)["step"] == 1  # at least one step, even with no time


def test_training_that_diverges_says_the_learning_rate_is_too_large():
    run = figures.train_start(steps=30, n_embd=16, lr=1, seed=42)["run"]
    with pytest.raises(ValueError, match="diverged at step .*A learning rate of 1.0 is too large"):
        for _ in range(30):
            figures.train_chunk(1, run)
    with pytest.raises(ValueError, match="no training run"):  # nothing left to keep
        figures.train_keep()


def test_kept_model_feeds_the_other_figures():
    figures.train_start(steps=3, n_embd=8, seed=1)
    figures.train_chunk(2)
    yours = f"yours: 2 steps on the bundled {len(load_docs(default_data_path())):,} names"
    assert figures.train_keep() == {"model": yours, "steps": 2}
    assert figures.model_name() == yours
    assert figures.next_letter("a")["model"] == yours
    assert len(figures.attention("ab")["weights"][0]) == 4
    assert len(figures.train_samples(num=2)) == 2
    figures.use_reference()
    assert figures.next_letter("a")["model"] == "the reference model" == figures.model_name()


def test_training_refuses_bad_settings():
    with pytest.raises(ValueError, match="^n_embd must be a multiple of 4, the number of attention heads, not 6$"):
        figures.train_start(n_embd=6)
    with pytest.raises(ValueError, match="^Steps must be a whole number from 1 to 5,000, not 0$"):
        figures.train_start(steps=0)
    with pytest.raises(ValueError, match="^Steps must be a whole number from 1 to 5,000, not 2.5$"):
        figures.train_start(steps="2.5")
    with pytest.raises(ValueError, match="^the learning rate must be a positive number, at most 1, not nan$"):
        figures.train_start(lr="nan")
    with pytest.raises(ValueError, match="^Seed must be a whole number"):
        figures.train_start(seed="")
    assert figures.train_start("3", "8", "0.02", "7")["steps"] == 3  # the form's text is read as numbers


def test_log_of_zero_is_said_plainly_whatever_python_calls_it(monkeypatch):
    """Python 3.14 (the page's, in Pyodide) words math.log(0)'s ValueError differently from 3.11."""
    import microgpt.engine

    real = math.log

    def log(x):
        if x <= 0:
            raise ValueError(f"expected a positive input, got {x!r}")
        return real(x)

    monkeypatch.setattr(microgpt.engine.math, "log", log)
    with pytest.raises(ValueError, match=r"^cannot compute it: \.log\(\) of zero or of a negative number$"):
        figures.backward_steps("(a - a).log()", {"a": 2})
    run = figures.train_start(steps=3, n_embd=4, seed=1)["run"]
    monkeypatch.setattr(figures._run["session"], "step_fn", lambda *args: log(0.0))
    with pytest.raises(ValueError, match="^training diverged at step 1"):
        figures.train_chunk(1, run)
