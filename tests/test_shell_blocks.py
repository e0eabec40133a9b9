"""Every shell block of the site runs, or says on the page why not; every command line parses.

A shell block (```sh, ```bash) either runs here as written, in a scratch copy of the checkout,
or carries a visible title that says why it does not, like a Python `notest` fence:

    ```{.sh notest title="Not run: <reason, naming the test that runs the same commands>"}

The reason names a test of this suite (tests/FILE.py::NAME) that exists. For blocks that train,
that test is test_a_training_block_in_a_cheaper_form below: it runs the block's own lines with
every step count scaled down by the same factor (1000 steps become 3, a resume to 2000 becomes 6).

Independently, every `microgpt ...` command line anywhere on the site (shell blocks, code spans
in the prose) and in the README is read with the package's real argument parser: each flag must
be one of its own subcommand's, and a complete line must parse. A renamed or removed flag fails here.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docsite import fences
from microgpt.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
SHELLS = ("sh", "bash", "shell", "console")
PAGES = sorted((ROOT / "docs").rglob("*.md"))
TEST_ID = re.compile(r"tests/(test_\w+\.py)::(\w+)")
SCALE = 3 / 1000  # a cheaper form: every step count times this


def shell_blocks(paths=PAGES):
    """(page, line, fence) for every shell fence of the given markdown files."""
    for path in paths:
        for fence in fences.fences(path.read_text(encoding="utf-8")):
            if fence.lang in SHELLS:
                yield path.relative_to(ROOT).as_posix(), fence.start + 1, fence


def block_id(block):
    page, line, _ = block
    return f"{page}:{line}"


BLOCKS = list(shell_blocks())
RUN = [block for block in BLOCKS if "notest" not in block[2].words]
NOT_RUN = [block for block in BLOCKS if "notest" in block[2].words]


def test_there_are_shell_blocks_of_both_kinds():
    assert RUN and NOT_RUN


@pytest.mark.parametrize("block", NOT_RUN, ids=block_id)
def test_a_block_not_run_says_why_and_names_the_test_that_runs_it(block):
    page, line, fence = block
    title = fence.attrs.get("title", "")
    assert title.startswith("Not run: "), f"{page}:{line}: a notest shell block needs a 'Not run: <reason>' title"
    named = TEST_ID.findall(title)
    assert named, f"{page}:{line}: the reason names no test (tests/FILE.py::NAME) that runs these commands"
    for file, name in named:
        source = (ROOT / "tests" / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"{page}:{line}: no test {file}::{name}"


def scratch_checkout(tmp_path):
    """A copy of the checkout's tracked files, with the project's environment first on PATH."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))  # `source .venv/bin/activate` works too
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return tmp_path, env


def run_block(script, tmp_path):
    cwd, env = scratch_checkout(tmp_path)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("block", RUN, ids=block_id)
def test_a_shell_block_runs_as_written(block, tmp_path):
    page, line, fence = block
    done = run_block(fence.body, tmp_path)
    assert done.returncode == 0, f"{page}:{line} exited {done.returncode}:\n{done.stderr[-2000:]}"


def cheaper(command):
    """A training command line with its step count scaled down: the same work, in less time."""
    words = shlex.split(command, comments=True)
    argv = microgpt_argv(words)
    if argv is None or subcommand(argv) not in ("run", "train"):
        return command
    if "--steps" in words:
        at = words.index("--steps") + 1
        words[at] = str(max(1, round(int(words[at]) * SCALE)))
    else:
        words += ["--steps", str(round(1000 * SCALE))]
    return shlex.join(words)


TRAINING = [block for block in NOT_RUN if "test_a_training_block_in_a_cheaper_form" in block[2].attrs["title"]]


@pytest.mark.parametrize("block", TRAINING, ids=block_id)
def test_a_training_block_in_a_cheaper_form(block, tmp_path):
    page, line, fence = block
    script = "\n".join(cheaper(command) for command in fence.body.split("\n"))
    assert script != fence.body, f"{page}:{line}: no training command to make cheaper"
    done = run_block(script, tmp_path)
    assert done.returncode == 0, f"{page}:{line} exited {done.returncode}:\n{done.stderr[-2000:]}"
    assert "step" in done.stdout


# --- Every command line, against the real parser --------------------------------------

def microgpt_argv(words):
    """The arguments after `microgpt` or `python -m microgpt`, or None if the words are not one."""
    if words[:1] == ["microgpt"]:
        return words[1:]
    if words[:3] in (["python", "-m", "microgpt"], ["python3", "-m", "microgpt"]):
        return words[3:]
    return None


def subcommand(argv):
    """The subcommand main() runs for these arguments (run when the first is another flag)."""
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        return "run"
    return argv[0]


def subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, action.choices


def command_lines(paths):
    """(where, command line) for every microgpt command in shell blocks and code spans."""
    for path in paths:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        for fence in fences.fences(text):
            if fence.lang in SHELLS:
                for offset, line in enumerate(fence.body.split("\n"), start=fence.start + 2):
                    yield f"{name}:{offset}", line
        for number, line in enumerate(text.split("\n"), start=1):
            for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", line):
                yield f"{name}:{number}", span


def checked_commands(paths):
    """(where, argv) for each command line found, split at pipes and separators."""
    for where, line in command_lines(paths):
        for part in re.split(r"\s(?:\||&&|;)\s", line):
            try:
                words = shlex.split(part.lstrip("$ "), comments=True)
            except ValueError:
                continue
            argv = microgpt_argv(words)
            if argv is not None:
                yield where, argv


def command_problems(where, argv):
    """What is wrong with one command line, as the parser reads it: a list of sentences."""
    parser, commands = subparsers()
    command = subcommand(argv)
    if command not in commands and command not in ("-h", "--help"):
        return [f"{where}: microgpt has no command {command!r}"]
    sub = commands.get(command, parser)
    rest = argv if argv and argv[0].startswith("-") else argv[1:]
    options = {option: action for action in sub._actions for option in action.option_strings}
    problems, concrete = [], True
    expects_value = False
    for word in rest:
        if word.startswith("--"):
            flag = word.split("=", 1)[0]
            if flag not in options:
                problems.append(f"{where}: `microgpt {command}` has no flag {flag}")
                concrete = False
            expects_value = "=" not in word and flag in options and options[flag].nargs != 0
        elif expects_value and not re.fullmatch(r"[A-Z_]+|\{.*\}", word):
            expects_value = False
        else:
            concrete = False  # a placeholder (N, PATH), a list of flags, or prose
    if expects_value or not rest:
        concrete = False  # a flag without its value, or a bare `microgpt sample`: a name, not a run
    if concrete and not problems and "-h" not in rest and "--help" not in rest:
        try:
            parser.parse_args(argv if argv and not argv[0].startswith("-") else ["run", *argv])
        except Exception as error:  # the package's UsageError: one line, as the reader would see
            problems.append(f"{where}: `{shlex.join(['microgpt', *argv])}` does not parse: {error}")
    return problems


def test_every_command_line_on_the_site_and_in_the_readme_parses():
    found = list(checked_commands([*PAGES, ROOT / "README.md"]))
    assert len(found) > 40
    problems = [problem for where, argv in found for problem in command_problems(where, argv)]
    assert problems == []


def test_the_command_line_check_finds_a_removed_flag_and_a_bad_value():
    assert command_problems("page.md:1", ["train", "--stpes", "3"]) == [
        "page.md:1: `microgpt train` has no flag --stpes"]
    assert command_problems("page.md:2", ["sample", "--out", "x.json"]) == [
        "page.md:2: `microgpt sample` has no flag --out"]
    assert command_problems("page.md:3", ["--engine", "gpu"])[0].startswith(
        "page.md:3: `microgpt --engine gpu` does not parse: argument --engine: invalid choice")
    assert command_problems("page.md:4", ["train", "--steps", "N", "--out", "FILE"]) == []
    assert command_problems("page.md:5", ["train", "--steps", "--n-embd", "--lr"]) == []


def test_a_cheaper_form_scales_every_step_count_alike():
    assert cheaper("microgpt train --out names.json   # train") == "microgpt train --out names.json --steps 3"
    assert cheaper("microgpt train --steps 2000 --resume names.json") == \
        "microgpt train --steps 6 --resume names.json"
    assert cheaper("python -m microgpt") == "python -m microgpt --steps 3"
    assert cheaper("microgpt sample --checkpoint names.json") == "microgpt sample --checkpoint names.json"
    assert cheaper("make test") == "make test"
