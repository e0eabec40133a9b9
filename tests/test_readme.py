"""The README's figures about our code and our runs are the ones the package gives.

The site fills its figures in at build time; the README cannot, so this test holds each figure it
quotes to what the package computes: the names counted, the defaults of the default run, and the
lines of its output (the reference run's, docs/checkpoints/names-1000.json, and the names that
`microgpt sample` prints when it continues that run's random stream).
"""

import re
import subprocess
import sys
from pathlib import Path

from microgpt.checkpoint import load_checkpoint
from microgpt.cli import build_parser
from microgpt.data import Tokenizer, default_data_path, load_docs

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = ROOT / "docs" / "checkpoints" / "names-1000.json"


def default_run_output():
    """The README's example of the default run: the lines of its ```text block, '...' left out."""
    section = README[README.index("## The default run"):]
    block = re.search(r"```text\n(.*?)```", section, re.S)[1]
    return [line for line in block.split("\n") if line and line != "..."]


def test_the_counts_of_names_are_the_data_files():
    docs = load_docs(default_data_path())
    makemore = (ROOT / "docs" / "checkpoints" / "makemore-run.txt").read_text(encoding="utf-8").split("\n")[0]
    assert f"holds {len(docs):,} names" in README
    assert f"the {int(makemore.removeprefix('num docs: ')):,} names of" in README


def test_the_default_run_is_described_with_the_command_lines_defaults():
    args = build_parser().parse_args(["run"])
    assert f"train {args.steps} steps on the bundled names" in README
    assert f"print {args.num} new names" in README


def test_the_example_output_is_the_reference_runs():
    ckpt = load_checkpoint(REFERENCE)
    docs = load_docs(default_data_path())
    tokenizer = Tokenizer.from_docs(docs)
    steps = ckpt["step"]
    printed = subprocess.run([sys.executable, "-m", "microgpt", "sample", "--checkpoint", str(REFERENCE)],
                             capture_output=True, text=True, check=True).stdout.split("\n")
    reference = [f"num docs: {len(docs)}", f"vocab size: {tokenizer.vocab_size}",
                 f"num params: {len(ckpt['adam_m'])}",
                 *(f"step {i + 1:4d} / {steps:4d} | loss {loss:.4f}" for i, loss in enumerate(ckpt["losses"])),
                 "--- inference (new, hallucinated names) ---", *printed]
    shown = default_run_output()
    assert len(shown) >= 6
    assert [line for line in shown if line not in reference] == []
