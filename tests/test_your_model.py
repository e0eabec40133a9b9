"""The reader's own model, Python side (docsite/live/figures.py), against the real command line.

A model trained in the page leaves it as the file `microgpt train --out` writes, and the
terminal reads it; a checkpoint from the terminal, of any shape, is read in the page as the
package reads it; every bad upload and every list of names the command line refuses gets
one plain sentence, and the model in use stays. The browser side of the same round trips is
tests/test_browser_your_model.py.
"""

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from docsite.live import figures
from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, gpt, softmax

ROOT = Path(__file__).resolve().parents[1]
CITIES = "Lyon\nOslo\r\nQuito\n\n  Lima  \nBern\nKyiv\nRiga\nNuuk\nBaku\nApia\n"  # \r\n, blanks: as open() reads


@pytest.fixture(autouse=True)
def reference(tmp_path, monkeypatch):
    """Each test starts from the reference model, with the reader's files in its own folder."""
    monkeypatch.setattr(figures, "KEPT", tmp_path / "kept" / "your-model.json")
    monkeypatch.setattr(figures, "NAMES_SCRATCH", tmp_path / "scratch" / "your-names.txt")
    figures.use_reference()
    yield
    figures.use_reference()


def microgpt(*argv, cwd, check=True):
    return subprocess.run([sys.executable, "-m", "microgpt", *map(str, argv)], cwd=cwd,
                          capture_output=True, text=True, check=check)


def printed_names(stdout):
    return [line.split(": ", 1)[1] if ": " in line else "" for line in stdout.splitlines()
            if line.startswith("sample ")]


def train_in_page(steps, n_embd, seed, names=None, lr=0.01):
    """What the training figure does: start, chunks until done, keep."""
    run = figures.train_start(steps, n_embd, lr, seed, names)["run"]
    while not figures.train_chunk(3, run)["finished"]:
        pass
    return figures.train_keep(run)


def package_probs(ckpt, prefix):
    """softmax(gpt(...)) after BOS + prefix, computed here from the checkpoint dict."""
    config, tok = GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))
    sd = state_dict_of(ckpt["weights"])
    keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
    for pos, token_id in enumerate([tok.bos] + tok.encode(prefix)):
        logits = gpt(sd, config, token_id, pos, keys, values)
    return [p.data for p in softmax(logits)]


def test_a_model_trained_on_your_names_goes_to_the_terminal(tmp_path):
    """Browser to terminal: the export is byte for byte what `train --out` writes from the
    same names; `sample` prints the page's names; `train --resume` carries the run on."""
    kept = train_in_page(4, 8, 5, CITIES)
    docs = CITIES.split("\n")
    assert kept["model"] == f"yours: 4 steps on your {sum(1 for d in docs if d.strip())} names"
    exported = figures.export_model()
    assert exported["names"] == CITIES
    checkpoint, names = tmp_path / exported["filename"], tmp_path / "your-names.txt"
    checkpoint.write_text(exported["checkpoint"], encoding="utf-8")
    names.write_bytes(CITIES.encode("utf-8"))  # as a download saves the text: UTF-8, as it was

    microgpt("train", "--data", names, "--steps", 4, "--n-embd", 8, "--seed", 5, "--lr", 0.01,
             "--out", tmp_path / "terminal.json", cwd=tmp_path)
    assert exported["checkpoint"] == (tmp_path / "terminal.json").read_text(encoding="utf-8")

    drawn = figures.samples(6, 0.8, 11)
    command = shlex.split(drawn["command"])
    assert command[:4] == ["microgpt", "sample", "--checkpoint", exported["filename"]]
    assert printed_names(microgpt(*command[1:], cwd=tmp_path).stdout) == drawn["names"]

    resume = shlex.split(exported["resume"])
    assert resume[:2] == ["microgpt", "train"] and resume[-2:] == ["--steps", "104"]
    resume[-1] = "6"  # two more steps are enough to see it carry on
    done = microgpt(*resume[1:], "--out", tmp_path / "resumed.json", cwd=tmp_path)
    resumed = load_checkpoint(tmp_path / "resumed.json")
    assert resumed["step"] == 6 and done.stdout.splitlines()[3:] == [
        f"step    {i} /    6 | loss {loss:.4f}" for i, loss in enumerate(resumed["losses"][4:], 5)]
    assert resumed["losses"][:4] == json.loads(exported["checkpoint"])["losses"]


def test_the_names_the_training_figure_shows_are_what_sample_prints(tmp_path):
    run = figures.train_start(3, 4, 0.01, 9)["run"]
    figures.train_chunk(3, run)
    shown = figures.train_samples(4, 0.5, run)
    figures.train_keep(run)
    (tmp_path / "m.json").write_text(figures.export_model()["checkpoint"], encoding="utf-8")
    printed = microgpt("sample", "--checkpoint", "m.json", "--seed", 9, "--num", 4, cwd=tmp_path).stdout
    assert printed_names(printed) == shown


def test_a_terminal_checkpoint_of_another_shape_reads_the_same_in_the_page(tmp_path):
    """Terminal to browser: two layers, two heads, a short context, width 8."""
    path = tmp_path / "wide.json"
    microgpt("train", "--steps", 3, "--n-embd", 8, "--n-head", 2, "--n-layer", 2, "--block-size", 6,
             "--seed", 4, "--out", path, cwd=tmp_path)
    loaded = figures.load_model(path.read_text(encoding="utf-8"), "wide.json")
    assert loaded == {"model": "yours: 3 steps, loaded from wide.json", "steps": 3}
    assert figures.model_name() == loaded["model"]
    ckpt = load_checkpoint(path)
    for prefix in ["", "em", "abcd"]:
        shown = [t["prob"] for t in figures.next_letter(prefix)["tokens"]]
        assert shown == pytest.approx(package_probs(ckpt, prefix), abs=1e-12, rel=0)
    weights = figures.attention("ab")["weights"]
    assert (len(weights), len(weights[0])) == (2, 2)  # layers, heads
    assert "at most 5 letters" in figures.call("next_letter", json.dumps(["abcdef"]))["error"]
    drawn = figures.samples(5, 1.5, 2)
    command = shlex.split(drawn["command"])
    command[3] = path.name
    assert printed_names(microgpt(*command[1:], cwd=tmp_path).stdout) == drawn["names"]
    exported = figures.export_model()  # a loaded model goes back out as it came in
    assert exported["checkpoint"] == path.read_text(encoding="utf-8") and exported["names"] is None


def test_your_model_is_read_again_by_a_fresh_python(tmp_path):
    """The kept file is all a new worker needs: written before its first job, read by model()."""
    kept = train_in_page(2, 4, 1)
    files = figures.kept_files()
    assert list(files) == [str(figures.KEPT)] and files[str(figures.KEPT)]
    fresh = tmp_path / "fresh" / "kept.json"
    fresh.parent.mkdir()
    fresh.write_text(files[str(figures.KEPT)], encoding="utf-8")
    code = ("import sys; from pathlib import Path; from docsite.live import figures\n"
            "figures.KEPT = Path(sys.argv[1])\n"
            "print(figures.model_name()); print(figures.next_letter('a')['tokens'][0]['repr'])")
    printed = subprocess.run([sys.executable, "-c", code, str(fresh)], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert printed == [kept["model"], figures.next_letter("a")["tokens"][0]["repr"]]
    assert kept["model"] == f"yours: 2 steps on the bundled {len(load_docs(default_data_path())):,} names"
    assert figures.use_reference() == "the reference model"
    assert figures.kept_files() == {str(figures.KEPT): None}  # the page deletes it in every worker


def test_a_kept_file_that_cannot_be_read_falls_back_to_the_reference():
    figures.KEPT.parent.mkdir(parents=True)
    figures.KEPT.write_text('{"checkpoint": "{}"}', encoding="utf-8")
    figures._model.clear()
    assert figures.model_name() == "the reference model"


def bad_checkpoints(good):
    """(file name, text, words the sentence must hold) for each kind of bad upload."""
    ckpt = json.loads(good)
    first = next(iter(ckpt["weights"]))
    number = json.dumps(ckpt["weights"][first][0][0])
    short = dict(ckpt, weights={**ckpt["weights"], first: ckpt["weights"][first][:-1]})
    vast = dict(ckpt, config={**ckpt["config"], "n_embd": 40_000})
    return [
        ("notes.json", "these are not the weights you are looking for", "is not valid JSON"),
        ("cut.json", good[: len(good) // 2], "is not valid JSON"),
        ("nan.json", good.replace(number, "NaN", 1), "not a finite number"),
        ("inf.json", good.replace(number, "1e999", 1), "not a finite number"),
        ("short.json", json.dumps(short), "does not have the shape"),
        ("vast.json", json.dumps(vast), "imply more weights"),
        ("package.json", json.dumps({"name": "left-pad", "version": "1.3.0"}), "not a microgpt checkpoint"),
        ("v2.json", json.dumps(dict(ckpt, version=2)), "format version 2"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "too deep"),
        ("big.json", " " * (figures.MAX_CHECKPOINT_BYTES + 1), "far larger"),
    ]


def test_bad_uploads_get_one_sentence_and_the_model_stays(tmp_path):
    path = tmp_path / "small.json"
    microgpt("train", "--steps", 1, "--n-embd", 4, "--seed", 3, "--out", path, cwd=tmp_path)
    good = path.read_text(encoding="utf-8")
    yours = figures.load_model(good, "small.json")["model"]
    before = figures.next_letter("a")
    for name, text, words in bad_checkpoints(good):
        answer = figures.call("load_model", json.dumps([text, name]))
        error = answer.get("error", "")
        assert words in error and name in error and error.count(". ") == 0 and "\n" not in error, (name, answer)
        if name != "big.json":  # what the terminal says of the same file, in the same words
            (tmp_path / name).write_text(text, encoding="utf-8")
            refused = microgpt("sample", "--checkpoint", name, cwd=tmp_path, check=False)
            assert (refused.returncode, refused.stderr) == (2, f"microgpt: error: {error}\n")
        assert figures.model_name() == yours and figures.next_letter("a") == before
    assert "not a text file" in figures.call("load_model", json.dumps([[1, 2], "list.json"]))["error"]
    assert figures.kept_files()[str(figures.KEPT)] == json.dumps(
        {"checkpoint": good, "names": None, "source": yours})


HOSTILE_NAMES = [  # the names, and the words of the sentence
    ("", "data file is empty"),
    ("\n  \n\t\n", "only blank lines"),
    ("emma\0olivia\n", "NUL bytes"),
    ("ok\n\ud800\n", "not UTF-8"),  # a lone surrogate, which a JavaScript string can hold
]


def test_names_the_command_line_refuses_are_refused_in_its_words(tmp_path):
    train_in_page(2, 4, 1)
    yours = figures.model_name()
    for names, words in HOSTILE_NAMES:
        for name in ("check_names", "train_start"):
            arguments = [names] if name == "check_names" else [2, 4, 0.01, 1, names]
            error = figures.call(name, json.dumps(arguments)).get("error", "")
            assert words in error and error.endswith(": your names"), (names, error)
        (tmp_path / "n.txt").write_bytes(names.encode("utf-8", "surrogatepass"))
        refused = microgpt("train", "--data", "n.txt", "--steps", 1, cwd=tmp_path, check=False)
        assert refused.stderr == "microgpt: error: " + error.replace("your names", "n.txt") + "\n"
        assert figures.model_name() == yours


def test_the_page_limits_are_said_before_training():
    limits = figures.training_limits()
    assert limits == {"max_steps": figures.MAX_STEPS, "max_names_bytes": figures.MAX_NAMES_BYTES,
                      "max_vocabulary": figures.MAX_VOCABULARY,
                      "max_checkpoint_bytes": figures.MAX_CHECKPOINT_BYTES}
    many = "".join(chr(0x4E00 + i) + "\n" for i in range(figures.MAX_VOCABULARY + 1))
    with pytest.raises(ValueError, match=f"use {figures.MAX_VOCABULARY + 1} different characters"):
        figures.check_names(many)
    with pytest.raises(ValueError, match="bytes: the page trains on at most"):
        figures.train_start(2, 4, 0.01, 1, "a\n" * (figures.MAX_NAMES_BYTES // 2 + 1))
    found = figures.check_names(CITIES)
    assert found == {"num_docs": 10, "vocab_size": len(set("".join(CITIES.split()))) + 1,
                     "bytes": len(CITIES.encode("utf-8"))}


def test_a_run_that_diverges_says_so_and_keeps_the_model_in_use():
    kept = train_in_page(2, 4, 1)
    run = figures.train_start(30, 16, 1, 42)["run"]
    answer = {}
    for _ in range(30):
        answer = figures.call("train_chunk", json.dumps([1, run]))
        if "error" in answer:
            break
    assert answer["error"].startswith("training diverged at step ")
    assert "the loss is no longer a number. A learning rate of 1.0 is too large" in answer["error"]
    assert figures.model_name() == kept["model"]
    assert all(math.isfinite(t["prob"]) for t in figures.next_letter("a")["tokens"])


def test_the_reference_model_goes_out_as_its_own_file(tmp_path):
    exported = figures.export_model()
    reference = ROOT / "docs" / "checkpoints" / "names-1000.json"
    assert exported["checkpoint"] == reference.read_text(encoding="utf-8") and exported["names"] is None
    drawn = figures.samples(3, 0.5, 1)
    assert drawn["command"] == "microgpt sample --checkpoint names-1000.json --seed 1 --temperature 0.5 --num 3"
    printed = microgpt(*shlex.split(drawn["command"])[1:3], reference, "--seed", 1, "--num", 3, cwd=tmp_path)
    assert printed_names(printed.stdout) == drawn["names"]
