"""The command line, run for real: `python -m microgpt ...` in a subprocess, on tiny models and data.

Each call trains a model of a few hundred parameters for a few steps, so that it takes well under
two seconds; what is checked is what a user sees: stdout, stderr, the exit status and the files.
"""

import json  # json.loads, json.dumps: read and doctor checkpoints
import os  # os.environ, os.chmod
import re  # re.fullmatch, for the printed lines
import shutil  # shutil.copy, to give each case its own copy of the checkpoint
import signal  # signal.SIGINT, a real Ctrl-C
import subprocess  # subprocess.run, subprocess.Popen: the real command line
import sys  # sys.executable, the Python running the tests
import time  # time.perf_counter, for the one "fails before training" check
from pathlib import Path  # Path, for the files of each case

import pytest

from helpers import (CHECKOUT, NAMES, STEP_LINE, TINY, TINY_CONFIG, VOCAB, leftover_temporaries, microgpt,
                     parameter_count, snapshot, step_lines)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "names.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ran(workdir):
    """`run`: train 3 steps, then print 5 names."""
    return microgpt("run", "--data", "names.txt", "--steps", "3", *TINY, "--num", "5", cwd=workdir)


@pytest.fixture(scope="module")
def trained(workdir):
    """`train --out ck.json` with the same flags as `ran`: the checkpoint the other tests start from."""
    result = microgpt("train", "--data", "names.txt", "--steps", "3", *TINY, "--out", "ck.json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    return result, workdir / "ck.json"


# --- what a good run prints ----------------------------------------------------------------------

def test_run_prints_the_expected_lines_and_nothing_else(ran):
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""  # stderr is a pipe, not a terminal: no progress line
    lines = ran.stdout.split("\n")
    vocab_size = len(VOCAB) + 1
    num_params = parameter_count(TINY_CONFIG, vocab_size)
    assert lines[:3] == [f"num docs: {len(NAMES)}", f"vocab size: {vocab_size}", f"num params: {num_params}"]
    for step in (1, 2, 3):
        assert re.fullmatch(STEP_LINE.format(step, 3), lines[2 + step]), lines[2 + step]
    assert lines[6:8] == ["", "--- inference (new, hallucinated names) ---"]
    for i in range(1, 6):  # a name is at most block_size characters of the vocabulary
        assert re.fullmatch(rf"sample {i:2d}: [{''.join(VOCAB)}]{{0,8}}", lines[7 + i]), lines[7 + i]
    assert lines[13:] == [""]  # the final newline, and nothing after it


def test_documents_longer_than_block_size_are_cut(tmp_path):
    (tmp_path / "long.txt").write_text("abcdefghijklmnopqrstuvwxyzabcdefghijklmn\n", encoding="utf-8")
    result = microgpt("run", "--data", "long.txt", "--steps", "3", "--n-embd", "8", "--n-head", "2",
                      "--block-size", "8", "--num", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(step_lines(result.stdout)) == 3
    # Position embeddings for the 8 positions of a block, not for the document's 40 characters.
    assert f"num params: {parameter_count(TINY_CONFIG, 27)}" in result.stdout
    for line in result.stdout.splitlines()[-3:]:
        assert re.fullmatch(r"sample  \d: [a-z]{0,8}", line), line


def test_documents_break_only_where_the_original_breaks_lines(tmp_path):
    # open() ends a line at \n, \r or \r\n; str.splitlines() also at \u2028, \f, \x85, \x1c...
    raw = "anna\u2028bob\ncarl\fdora\r\nemil\x85\rfay\x1c\n\x1d\n"
    (tmp_path / "odd.txt").write_bytes(raw.encode("utf-8"))
    with open(tmp_path / "odd.txt", encoding="utf-8") as f:  # the original's reading
        docs = [line.strip() for line in f if line.strip()]
    assert docs == ["anna\u2028bob", "carl\fdora", "emil", "fay"]  # strip() takes \x85, \x1c
    result = microgpt("train", "--data", "odd.txt", "--steps", "1", *TINY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    vocab_size = len(set("".join(docs))) + 1  # \u2028 and \f are characters of the vocabulary
    assert result.stdout.splitlines()[:2] == [f"num docs: {len(docs)}", f"vocab size: {vocab_size}"]


# --- bad input: one line, exit status 2, nothing touched -----------------------------------------

def checkpoint_variant(path, change):
    """The text of the checkpoint at path, after change(ckpt_dict)."""
    ckpt = json.loads(Path(path).read_text(encoding="utf-8"))
    change(ckpt)
    # "raw:TEXT" becomes TEXT itself: JSON that json.dumps cannot write, such as 1e999
    return re.sub(r'"raw:([^"]*)"', r"\1", json.dumps(ckpt))


def write_checkpoint_variant(tmp_path, name, change):
    (tmp_path / name).write_text(checkpoint_variant(tmp_path / "ck.json", change), encoding="utf-8")


def cut_in_half(tmp_path):
    data = (tmp_path / "ck.json").read_bytes()
    (tmp_path / "half.json").write_bytes(data[: len(data) // 2])


def shorten_a_weight_row(ckpt):
    ckpt["weights"]["wte"][3].pop()


FILES = {  # name -> bytes, written into each case's folder next to names.txt and ck.json
    "empty.txt": b"",
    "binary.txt": b"anna\nbo\x00b\n",
    "latin1.txt": "zo\u00eb\nanna\n".encode("latin-1"),
    "blank.txt": b"  \n\t\n\r\n   ",
    "other.txt": b"anna\nbob\n",
    "notes.json": b"these are not the weights you are looking for\n",
    "pickle.json": b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.",  # what pickle.dumps({}) starts like
    "list.json": b"[1, 2, 3]\n",
    "dict.json": b'{"weights": {}, "step": 3}\n',
}
DOCTORED = {  # name -> how a copy of the real checkpoint is broken
    "v2.json": lambda c: c.update(version=2),
    "short_row.json": shorten_a_weight_row,
}
# Numbers no checkpoint can hold. json.dumps writes nan and inf as NaN and Infinity, which Python's
# json reads back without a word; 1e999 is read as inf. Each: (change, fragments of the message).
NON_FINITE = {
    "nan_weight.json": (lambda c: c["weights"]["wte"][1].__setitem__(2, float("nan")),
                        ["weights.wte[1][2]", "nan", "not a finite number"]),
    "inf_adam_m.json": (lambda c: c["adam_m"].__setitem__(7, float("inf")), ["adam_m[7]", "inf"]),
    "minus_inf_adam_v.json": (lambda c: c["adam_v"].__setitem__(0, float("-inf")),
                              ["adam_v[0]", "-inf"]),
    "nan_loss.json": (lambda c: c["losses"].__setitem__(1, float("nan")), ["losses[1]", "nan"]),
    "nan_lr.json": (lambda c: c["adam"].update(learning_rate=float("nan")),
                    ["adam.learning_rate", "nan"]),
    "inf_beta2.json": (lambda c: c["adam"].update(beta2=float("inf")), ["adam.beta2", "inf"]),
    "nan_n_embd.json": (lambda c: c["config"].update(n_embd=float("nan")), ["config.n_embd", "nan"]),
    "nan_gauss.json": (lambda c: c["rng_state"].__setitem__(2, float("nan")), ["rng_state[2]"]),
    "1e999_eps.json": (lambda c: c["adam"].update(eps="raw:1e999"), ["adam.eps", "inf"]),
    "huge_int_weight.json": (lambda c: c["weights"]["wpe"][0].__setitem__(0, 10**400),
                             ["weights.wpe[0][0]", "integer too big"]),
    # Finite, but no Adam can run with them: a negative mean of squares, beta 1, a zero rate.
    "negative_adam_v.json": (lambda c: c["adam_v"].__setitem__(3, -1.0), ["adam_v", "negative"]),
    "beta1_one.json": (lambda c: c["adam"].update(beta1=1), ["beta1=1", "betas in [0, 1)"]),
    "lr_zero.json": (lambda c: c["adam"].update(learning_rate=0), ["learning_rate=0"]),
    "float_seed.json": (lambda c: c.update(seed=1.5), ["seed should be an integer"]),
    "text_loss.json": (lambda c: c["losses"].__setitem__(0, "low"), ["losses", "list of numbers"]),
    # Python's json refuses integers of over 4300 digits, and nesting deeper than its stack.
    "5000_digits.json": (lambda c: c.update(seed="raw:" + "9" * 5000), ["too long a number"]),
    "deep.json": (lambda c: c.update(extra="raw:" + "[" * 100000 + "]" * 100000), ["too deep"]),
}

TRAIN = ["--data", "names.txt", *TINY, "--out", "ck.json"]  # --out: a wrong training run would show
RESUME = ["train", "--data", "names.txt", "--steps", "5", "--out", "ck.json", "--resume"]

# id: (arguments, fragments the message must contain)
BAD_INPUTS = {
    "data file missing": (["train", "--data", "nope.txt", "--out", "ck.json"], ["not found", "nope.txt"]),
    "data file is a directory": (["train", "--data", "folder", "--out", "ck.json"], ["directory", "folder"]),
    "data path under a file": (["train", "--data", "names.txt/more.txt", "--out", "ck.json"],
                               ["cannot read", "names.txt/more.txt"]),
    "data file empty": (["train", "--data", "empty.txt", "--out", "ck.json"], ["empty", "empty.txt"]),
    "data file binary": (["train", "--data", "binary.txt", "--out", "ck.json"], ["NUL", "binary.txt"]),
    "data file not UTF-8": (["train", "--data", "latin1.txt", "--out", "ck.json"], ["UTF-8", "latin1.txt"]),
    "data file whitespace only": (["train", "--data", "blank.txt", "--out", "ck.json"],
                                  ["only blank lines", "blank.txt"]),
    "n_embd not divisible by n_head": (["train", "--data", "names.txt", "--n-embd", "10", "--n-head", "4",
                                        "--out", "ck.json"], ["--n-embd 10", "--n-head 4", "divisible"]),
    "unknown command": (["frobnicate"], ["invalid choice", "frobnicate"]),
    "unknown flag": (["run", "--frobnicate", *TRAIN], ["unrecognized", "--frobnicate"]),
    "checkpoint missing": (["sample", "--checkpoint", "nope.json"], ["not found", "nope.json"]),
    "checkpoint is a directory": (["sample", "--checkpoint", "folder"], ["directory", "folder"]),
    "checkpoint truncated": (["sample", "--checkpoint", "half.json"], ["not valid JSON", "half.json"]),
    "checkpoint truncated, on resume": ([*RESUME, "half.json"], ["not valid JSON", "half.json"]),
    "checkpoint not JSON": (["sample", "--checkpoint", "notes.json"], ["not valid JSON", "notes.json"]),
    "checkpoint is a pickle": (["sample", "--checkpoint", "pickle.json"], ["not valid JSON", "pickle.json"]),
    "checkpoint JSON list": (["sample", "--checkpoint", "list.json"], ["not a microgpt checkpoint"]),
    "checkpoint JSON without format": (["sample", "--checkpoint", "dict.json"], ["not a microgpt checkpoint"]),
    "checkpoint of another version": (["sample", "--checkpoint", "v2.json"], ["version 2", "v2.json"]),
    "checkpoint shapes disagree": (["sample", "--checkpoint", "short_row.json"], ["'wte'", "shape"]),
    "checkpoint shapes disagree, on resume": ([*RESUME, "short_row.json"], ["'wte'", "shape"]),
    "resume past --steps": (["train", "--data", "names.txt", "--steps", "2", "--resume", "ck.json",
                             "--out", "ck.json"], ["step 3", "--steps 2"]),
    "resume with other data": (["train", "--data", "other.txt", "--steps", "5", "--resume", "ck.json",
                                "--out", "ck.json"], ["other.txt", "not the data"]),
    "resume with another n_embd": ([*RESUME, "ck.json", "--n-embd", "16"], ["--n-embd 16", "8"]),
    "resume with another seed": ([*RESUME, "ck.json", "--seed", "7"], ["--seed 7", "42"]),
    "out into a missing folder": (["train", "--data", "names.txt", "--out", "missing/ck.json"],
                                  ["missing", "does not exist"]),
    "out is a directory": (["train", "--data", "names.txt", "--out", "folder"], ["folder", "directory"]),
    "out under a regular file": (["train", "--data", "names.txt", "--out", "names.txt/ck.json"],
                                 ["names.txt/ck.json", "is a file, not a folder"]),
    "resume and out under a regular file": ([*RESUME[:-2], "names.txt/ck.json", "--resume",
                                             "ck.json"], ["is a file, not a folder"]),
    "data path empty": (["train", "--data", "", "--out", "ck.json"], ["--data", "empty string"]),
    "data path empty, with =": (["train", "--data=", "--out", "ck.json"], ["--data", "empty"]),
    "out path empty": (["train", "--data", "names.txt", "--out", ""], ["--out", "empty string"]),
    "resume path empty": ([*RESUME, ""], ["--resume", "empty string"]),
    "checkpoint path empty": (["sample", "--checkpoint", ""], ["--checkpoint", "empty string"]),
}
for name, (_, fragments) in NON_FINITE.items():
    BAD_INPUTS[f"checkpoint {name}"] = (["sample", "--checkpoint", name], [name, *fragments])
    BAD_INPUTS[f"checkpoint {name}, on resume"] = ([*RESUME, name], [name, *fragments])
# Flags that must be greater than zero: 0 and a negative value for each, and nan for the floats.
for flag in ("--steps", "--n-embd", "--n-head", "--n-layer", "--block-size", "--num"):
    for bad in ("0", "-3"):
        BAD_INPUTS[f"{flag} {bad}"] = (["run", *TRAIN, flag, bad], [flag, "greater than 0"])
for flag in ("--lr", "--temperature"):
    for bad in ("0", "-0.5", "nan"):
        BAD_INPUTS[f"{flag} {bad}"] = (["run", *TRAIN, flag, bad], [flag, "greater than 0"])
    # float() reads all of these, and 1e999 overflows to inf: none is a usable number.
    for bad in ("inf", "-inf", "Infinity", "NaN", "1e999", "-1e999"):
        BAD_INPUTS[f"{flag}={bad}"] = (["run", *TRAIN, f"{flag}={bad}"], [flag, "finite", bad])
BAD_INPUTS["--temperature inf for sample"] = (["sample", "--checkpoint", "ck.json", "--temperature",
                                               "inf"], ["--temperature", "finite"])
BAD_INPUTS["--temperature 0 for sample"] = (["sample", "--checkpoint", "ck.json", "--temperature", "0"],
                                            ["--temperature", "greater than 0"])
# Not numbers at all.
for flag, bad in [("--steps", "ten"), ("--steps", "2.5"), ("--n-embd", ""), ("--lr", "fast"),
                  ("--temperature", "warm"), ("--seed", "x"), ("--num", "1e3")]:
    BAD_INPUTS[f"{flag} {bad!r}"] = (["run", *TRAIN, flag, bad], [flag, repr(bad)])


@pytest.fixture(scope="module")
def doctored(trained):
    """name -> text of every broken copy of the real checkpoint, made once for all the cases."""
    _, ckpt = trained
    changes = {**DOCTORED, **{name: change for name, (change, _) in NON_FINITE.items()}}
    return {name: checkpoint_variant(ckpt, change) for name, change in changes.items()}


@pytest.fixture
def case_folder(tmp_path, trained, doctored):
    """A folder with good data, a real checkpoint, and every broken file the cases name."""
    _, ckpt = trained
    shutil.copy(ckpt, tmp_path / "ck.json")
    (tmp_path / "names.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    for name, content in FILES.items():
        (tmp_path / name).write_bytes(content)
    for name, text in doctored.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    cut_in_half(tmp_path)
    return tmp_path


def assert_one_line_error(folder, args, fragments):
    before = snapshot(folder)
    result = microgpt(*args, cwd=folder)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("microgpt: error: ")
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert result.stdout == ""  # not even "num docs": it fails before anything starts
    assert snapshot(folder) == before  # no file written, touched or left behind


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_status_2(case_folder, case):
    args, fragments = BAD_INPUTS[case]
    assert_one_line_error(case_folder, args, fragments)


def test_unreadable_data_file(case_folder):
    secret = case_folder / "secret.txt"
    secret.write_text("anna\n", encoding="utf-8")
    secret.chmod(0)
    try:
        with open(secret, "rb"):
            readable = True
    except PermissionError:
        readable = False
    if not readable:
        assert_one_line_error(case_folder, ["train", "--data", "secret.txt", "--out", "ck.json"],
                              ["cannot read", "secret.txt", "ermission denied"])
    else:
        # We run as root, and root reads a file whatever its mode, so chmod 000 cannot make an
        # unreadable file here. A path that the system refuses to open is the stand-in: a folder
        # (EISDIR) and a path through a regular file (ENOTDIR, the generic "cannot read" branch).
        assert_one_line_error(case_folder, ["train", "--data", "folder", "--out", "ck.json"],
                              ["directory", "folder"])
        assert_one_line_error(case_folder, ["train", "--data", "secret.txt/x", "--out", "ck.json"],
                              ["cannot read", "secret.txt/x", "Not a directory"])


# Hand-edited checkpoints whose fields have the wrong JSON type. Same promise: one line, status 2.
WRONG_TYPES = {
    "config is null": (lambda c: c.update(config=None), "sample"),
    "a weight row is a number": (lambda c: c["weights"]["wte"].__setitem__(0, 3), "sample"),
    "adam_m is a number": (lambda c: c.update(adam_m=5), "sample"),
    "rng_state is empty": (lambda c: c.update(rng_state=[]), "sample"),
    "adam settings unknown": (lambda c: c.update(adam={"momentum": 0.9}), "resume"),
}


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_checkpoint_with_a_field_of_the_wrong_type(case_folder, case):
    change, command = WRONG_TYPES[case]
    write_checkpoint_variant(case_folder, "odd.json", change)
    args = ["sample", "--checkpoint", "odd.json"] if command == "sample" else [*RESUME, "odd.json"]
    assert_one_line_error(case_folder, args, ["odd.json"])


@pytest.mark.parametrize("tiny", ["1e-320", "5e-324"])
def test_a_temperature_too_small_to_divide_by(case_folder, tiny):
    # Finite and above 0, but 1/T overflows a float, so no score can be divided: one line.
    before = snapshot(case_folder)
    result = microgpt("sample", "--checkpoint", "ck.json", "--temperature", tiny, cwd=case_folder)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"microgpt: error: --temperature {float(tiny)} is too small to divide by\n"
    assert result.stdout == "\n--- inference (new, hallucinated names) ---\n"  # no name yet
    assert snapshot(case_folder) == before


@pytest.mark.parametrize("engine", ["scalar", "vectorized"])
def test_a_diverging_run_is_one_line_and_saves_nothing(case_folder, engine):
    # A finite --lr, but so large that the loss is NaN or inf after a step or two (or math.log
    # meets a probability of 0): there is nothing worth saving, and no traceback or warning.
    before = snapshot(case_folder)
    result = microgpt("train", *TRAIN, "--steps", "5", "--lr", "1000", "--engine", engine,
                      cwd=case_folder)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("microgpt: error: training diverged at step ")
    assert "--lr" in lines[0]
    assert 1 <= len(step_lines(result.stdout)) < 5
    assert snapshot(case_folder) == before  # ck.json, the --out, as it was


def test_out_into_a_missing_folder_fails_before_training(tmp_path):
    # The default model on the bundled names for 1000 steps would take minutes: a quick failure
    # with no step line shows that the folder was checked first. 5 s is generous for start-up.
    start = time.perf_counter()
    result = microgpt("train", "--steps", "1000", "--out", "missing/ck.json", cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert result.returncode == 2
    assert result.stderr.startswith("microgpt: error: ") and len(result.stderr.splitlines()) == 1
    assert "step" not in result.stdout
    assert elapsed < 5, f"took {elapsed:.1f} s: did it train first?"
    assert list(tmp_path.iterdir()) == []


# --- checkpoints ---------------------------------------------------------------------------------

def test_checkpoint_is_plain_json_with_everything_a_resume_needs(trained):
    result, path = trained
    raw = path.read_bytes()
    assert raw.startswith(b"{")  # a pickle starts with b"\x80"
    ckpt = json.loads(raw.decode("utf-8"))  # the whole file is JSON: nothing else fits inside
    for key in ("format", "version", "config", "vocab", "weights", "adam_m", "adam_v", "step", "rng_state",
                "losses"):
        assert key in ckpt, key
    assert (ckpt["format"], ckpt["version"]) == ("microgpt-checkpoint", 1)
    assert ckpt["config"] == {"n_embd": 8, "n_head": 2, "n_layer": 1, "block_size": 8}
    assert ckpt["vocab"] == "".join(VOCAB)
    assert ckpt["step"] == 3
    # The recorded losses are the printed ones, at full precision.
    assert [f"loss {loss:.4f}" for loss in ckpt["losses"]] == [line.split("| ")[1] for line in
                                                               step_lines(result.stdout)]
    num_params = sum(len(row) for mat in ckpt["weights"].values() for row in mat)
    assert len(ckpt["adam_m"]) == len(ckpt["adam_v"]) == num_params
    assert f"num params: {num_params}" in result.stdout

    # No string anywhere but the three that are meant to be text: no encoded blob hides inside.
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            yield from node.keys()
            for child in node.values():
                yield from strings(child)
        elif isinstance(node, list):
            for child in node:
                yield from strings(child)

    texts = set(strings(ckpt)) - set(ckpt) - set(ckpt["config"]) - set(ckpt["weights"]) - set(ckpt["adam"])
    assert texts == {ckpt["format"], ckpt["vocab"], ckpt["data_sha256"]}


def test_no_temporary_file_is_left_after_a_save(trained):
    _, path = trained
    assert path.is_file()
    assert leftover_temporaries(path.parent) == []


def test_train_prints_the_same_steps_as_run(ran, trained):
    result, _ = trained
    assert step_lines(result.stdout) == step_lines(ran.stdout)
    assert result.stdout == ran.stdout.split("\n\n")[0] + "\n"  # train stops where run starts sampling


def test_sample_without_seed_continues_the_run(ran, trained):
    _, path = trained
    result = microgpt("sample", "--checkpoint", path.name, "--num", "5", cwd=path.parent)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "\n" + ran.stdout.split("\n\n", 1)[1]  # the very names run printed


def test_sample_with_seed_is_deterministic(trained):
    _, path = trained
    first, again, other = (microgpt("sample", "--checkpoint", path.name, "--num", "12", "--seed", seed,
                                    cwd=path.parent) for seed in ("7", "7", "8"))
    assert first.returncode == again.returncode == other.returncode == 0
    assert len(first.stdout.splitlines()) == 14  # blank line, heading, 12 names
    assert first.stdout == again.stdout
    assert first.stdout != other.stdout


# --- stopping with Ctrl-C and carrying on --------------------------------------------------------

def test_interrupted_and_resumed_training_equals_an_uninterrupted_run(tmp_path):
    (tmp_path / "names.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    # Two layers: ~40 ms a step, so that the 7 steps after step 5 leave ample time for the signal.
    flags = ["--data", "names.txt", "--n-embd", "8", "--n-head", "2", "--n-layer", "2", "--block-size", "8"]

    whole = microgpt("train", "--steps", "12", "--out", "a.json", *flags, cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr

    # Step lines go to a pipe, which Python buffers in blocks unless told otherwise; unbuffered
    # output lets us see step 5 as soon as it is printed.
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "microgpt", "train", "--steps", "12", "--out", "b.json",
                             *flags], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("step    5 /"):
            proc.send_signal(signal.SIGINT)  # a real Ctrl-C: the step under way finishes, then it saves
            break
    rest, err = proc.communicate(timeout=60)
    first_half = "".join(seen) + rest
    assert proc.returncode == 130, (proc.returncode, err)
    assert len(err.splitlines()) == 1 and "saved step" in err and "b.json" in err, err
    interrupted = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert interrupted["step"] in (5, 6)
    assert f"saved step {interrupted['step']} " in err
    assert len(step_lines(first_half)) == interrupted["step"]
    assert leftover_temporaries(tmp_path) == []

    second = microgpt("train", "--steps", "12", "--resume", "b.json", "--out", "b.json", "--data", "names.txt",
                      cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""

    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    for key in ("step", "losses", "weights", "adam_m", "adam_v", "rng_state"):
        assert b[key] == a[key], f"{key} differs after the resume"  # ==: every float bit for bit
    assert b == a
    assert step_lines(first_half) + step_lines(second.stdout) == step_lines(whole.stdout)
    assert leftover_temporaries(tmp_path) == []
