"""The ladder (microgpt/ladder/): every rung's code, and the results file the page is drawn from.

docs/ladder/results.json is made by `python -m microgpt.ladder --out docs/ladder/results.json`.
The fast tests rerun the first steps of every rung and compare them bit for bit with the file;
the slow tests climb every rung in full and compare everything but the timings (the top rung's
training is the reference run, which test_reference_checkpoint retrains).
"""

import json
import math
import random
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from microgpt.checkpoint import load_checkpoint, rng_state_from_json, state_dict_of
from microgpt.engine import Value
from microgpt.ladder import RUNGS, adam, attention, autograd, mlp, terms
from microgpt.model import GPTConfig, gpt

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "ladder" / "results.json"
REFERENCE = ROOT / "docs" / "checkpoints" / "names-1000.json"
FIRST_STEPS = 3
CHEAP_RUNGS = ("bigram", "mlp")  # a few seconds for all 1000 steps: the fast suite climbs them in full


needs_results = pytest.mark.skipif(
    not RESULTS.exists(), reason=f"{RESULTS.relative_to(ROOT)} not made yet: python -m microgpt.ladder --out {RESULTS.relative_to(ROOT)}")


@pytest.fixture(scope="module")
def results():
    return json.loads(RESULTS.read_text(encoding="utf-8"))


@needs_results
def test_results_file_holds_every_rung_on_the_same_terms(results):
    assert list(results["rungs"]) == list(RUNGS)
    assert (results["seed"], results["num_steps"], results["num_held_out"]) == (
        terms.SEED, terms.NUM_STEPS, terms.NUM_HELD_OUT)
    for name, r in results["rungs"].items():
        assert len(r["losses"]) == terms.NUM_STEPS, name
        assert all(math.isfinite(x) and x > 0 for x in r["losses"]), name
        assert 0 < r["held_out_loss"] < math.log(28), name  # better than a blind guess (27 tokens)
        assert len(r["samples"]) == 5 and r["seconds_per_step"] > 0, name


@needs_results
@pytest.mark.parametrize("name", RUNGS)
def test_first_steps_of_every_rung_match_the_results_file(results, name):
    rung = import_module(f"microgpt.ladder.{name}")
    first = terms.climb(rung, steps=FIRST_STEPS, score=False)
    assert first["losses"] == results["rungs"][name]["losses"][:FIRST_STEPS]
    assert first["num_params"] == results["rungs"][name]["num_params"]


@needs_results
def test_top_rung_is_the_reference_run_bit_for_bit(results):
    reference = load_checkpoint(REFERENCE)
    assert results["rungs"]["adam"]["losses"] == reference["losses"]
    assert results["rungs"]["adam"]["num_params"] == len(reference["adam_m"])
    assert (reference["seed"], reference["num_steps"]) == (results["seed"], results["num_steps"])


def test_held_out_names_lie_beyond_every_name_a_run_trains_on():
    docs, _, held_out, _ = terms.setup()
    assert len(docs) - len(held_out) > terms.NUM_STEPS  # training walks docs[:1000] only
    assert held_out == docs[-terms.NUM_HELD_OUT:]


@needs_results
def test_the_rungs_that_share_a_shape_have_the_same_parameters(results):
    counts = {name: r["num_params"] for name, r in results["rungs"].items()}
    assert counts["bigram"] == 27 * 27
    assert counts["mlp"] == counts["autograd"] == 2 * 27 * 16 + 2 * 64 * 16
    assert counts["attention"] == counts["gpt"] == counts["adam"]  # one head or four: same weights


def small_mlp(seed=0):
    docs, tokenizer, _, _ = terms.setup()
    rng = random.Random(seed)
    state_dict = mlp.init(tokenizer, rng)
    for mat in state_dict.values():  # larger weights than at init, so every gradient is sizeable
        for row in mat:
            row[:] = [4 * w for w in row]
    tokens = terms.tokens_of(tokenizer, docs[0])
    return state_dict, tokens, min(terms.BLOCK_SIZE, len(tokens) - 1)


def test_hand_written_gradients_match_finite_differences():
    state_dict, tokens, n = small_mlp()
    _, grads = mlp.backward(state_dict, tokens, n)
    rng = random.Random(1)
    h = 1e-6
    for name, mat in state_dict.items():
        rows = sorted({tokens[p] for p in range(n)}) if name == "wte" else range(len(mat))
        for _ in range(10):
            i, j = rng.choice(list(rows)), rng.randrange(len(mat[0]))
            w = mat[i][j]
            mat[i][j] = w + h
            up = mlp.backward(state_dict, tokens, n)[0]
            mat[i][j] = w - h
            down = mlp.backward(state_dict, tokens, n)[0]
            mat[i][j] = w
            numeric = (up - down) / (2 * h)
            assert abs(numeric - grads[name][i][j]) < 1e-6 * max(1, abs(numeric)), (name, i, j)


def test_hand_written_gradients_match_the_autograd_value():
    state_dict, tokens, n = small_mlp()
    loss, grads = mlp.backward(state_dict, tokens, n)
    values = {name: [[Value(w) for w in row] for row in mat] for name, mat in state_dict.items()}
    value_loss = autograd.document_loss(values, tokens, n)
    value_loss.backward()
    assert abs(value_loss.data - loss) < 1e-12
    for name, mat in values.items():
        for row, grad_row in zip(mat, grads[name]):
            for p, g in zip(row, grad_row):
                assert abs(p.grad - g) < 1e-12, name


def test_mlp_and_autograd_rungs_train_alike():
    hand = terms.climb(mlp, steps=10, score=False)["losses"]
    auto = terms.climb(autograd, steps=10, score=False)["losses"]
    assert max(abs(a - b) for a, b in zip(hand, auto)) < 1e-12  # the same maths, summed in other orders


def test_first_steps_of_the_top_rung_are_the_reference_run():
    reference = load_checkpoint(REFERENCE)
    first = terms.climb(import_module("microgpt.ladder.adam"), steps=FIRST_STEPS, score=False)
    assert first["losses"] == reference["losses"][:FIRST_STEPS]
    assert first["num_params"] == len(reference["adam_m"])


def test_single_head_attention_is_the_package_gpt_with_one_head():
    docs, tokenizer, _, rng = terms.setup()
    state_dict = attention.init(tokenizer, rng)
    keys, values, cache = [[]], [[]], ([], [])
    for pos_id, token_id in enumerate(terms.tokens_of(tokenizer, docs[0])[:6]):
        ours = attention.forward(state_dict, token_id, pos_id, *cache)
        package = gpt(state_dict, GPTConfig(n_head=1), token_id, pos_id, keys, values)
        assert [z.data for z in ours] == [z.data for z in package]


def test_a_rung_runs_on_its_own():
    result = subprocess.run([sys.executable, "-m", "microgpt.ladder.bigram", "--steps", "5"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"bigram: step    1 / 5 | loss {math.log(27):.4f}"  # all counts 1


@pytest.mark.parametrize("argv", [["microgpt.ladder.bigram", "--steps", "0"],
                                  ["microgpt.ladder", "--out", "/no/such/folder/results.json"]])
def test_bad_input_is_one_line_and_status_2(argv):
    result = subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "error" in result.stderr


def untimed(rung_result):
    """A rung's results without its seconds per step (checked positive): the machine's
    speed is the one figure that may differ from run to run."""
    rest = dict(rung_result)
    assert rest.pop("seconds_per_step") > 0
    return rest


@needs_results
@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name in RUNGS if name not in (*CHEAP_RUNGS, "adam")])
def test_a_full_climb_reproduces_the_results_file(results, name):
    """One test a rung, so that the suite's workers share the climbs."""
    fresh = terms.climb(import_module(f"microgpt.ladder.{name}"))
    assert untimed(fresh) == untimed(results["rungs"][name])


@needs_results
def test_the_top_rungs_score_and_samples_are_the_reference_checkpoints(results):
    """The top rung trains as the reference run does (its losses: bit for bit, above), and
    test_reference_checkpoint retrains that run; so its held-out loss and samples are
    computed here from the checkpoint's weights instead of from 1000 more steps."""
    reference = load_checkpoint(REFERENCE)
    _, tokenizer, held_out, rng = terms.setup()
    model = adam.init(tokenizer, rng)
    # Training draws nothing at random: after init, rng stands where training leaves it.
    assert rng.getstate() == rng_state_from_json(reference["rng_state"])
    model["state_dict"] = state_dict_of(reference["weights"])
    recorded = results["rungs"]["adam"]
    assert terms.held_out_loss(adam, model, tokenizer, held_out) == recorded["held_out_loss"]
    assert [terms.sample_name(adam.reader(model), tokenizer, rng) for _ in recorded["samples"]] \
        == recorded["samples"]


@needs_results
def test_the_command_writes_what_the_rungs_measure(tmp_path, results, monkeypatch):
    """The command end to end, on the cheap rungs; the slow tests climb the others."""
    from microgpt.ladder import __main__ as command
    monkeypatch.setattr(command, "RUNGS", CHEAP_RUNGS)
    out = tmp_path / "results.json"
    command.main(["--out", str(out)])
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert {k: v for k, v in fresh.items() if k != "rungs"} == {k: v for k, v in results.items() if k != "rungs"}
    assert list(fresh["rungs"]) == list(CHEAP_RUNGS)
    for name, r in fresh["rungs"].items():
        assert untimed(r) == untimed(results["rungs"][name]), name


@needs_results
def test_a_comparison_the_page_states_fails_the_build_once_the_results_contradict_it():
    from mkdocs.exceptions import PluginError

    from docsite.directives import expand
    assert expand("<!-- mg:ladder-holds adam.held_out < bigram.held_out -->\nText.") == "Text."
    assert expand("<!-- mg:ladder-holds autograd.held_out-attention.held_out > gpt.held_out-adam.held_out -->\n") == ""
    for wrong in ["<!-- mg:ladder-holds adam.held_out > bigram.held_out -->",  # false for these results
                  "<!-- mg:ladder-holds mlp.held_out ~ adam.held_out -->",      # not close
                  "<!-- mg:ladder-holds adam.heldout < bigram.held_out -->",    # no such figure
                  "<!-- mg:ladder-hold adam.held_out < bigram.held_out -->",    # a typo: not left unread
                  "<!-- ladder-holds adam.held_out < bigram.held_out -->",     # another grammar's form
                  "{{ ladder:adam.nope }}"]:
        with pytest.raises(PluginError, match="the page:1"):
            expand(wrong + "\n")
