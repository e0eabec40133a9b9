"""The trained model the site shows is exactly what the package's own command line makes.

The docs read docs/checkpoints/names-1000.json for every figure about the trained model (the
loss curve, the attention heatmap, the twenty names, the final loss). This test runs the
command that made it, on the scalar engine, and compares the result byte for byte: same
weights, same Adam moments, same random state, every one of the 1000 losses.
It takes a few minutes of one core; the suite starts it first so that it overlaps the rest.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "checkpoints" / "names-1000.json"
COMMAND = ["train", "--out"]  # everything else at its default: bundled names, seed 42, 1000 steps


@pytest.mark.slow
def test_command_line_reproduces_the_reference_checkpoint(tmp_path):
    out = tmp_path / "names-1000.json"
    result = subprocess.run([sys.executable, "-m", "microgpt", *COMMAND, str(out)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert out.read_bytes() == REFERENCE.read_bytes()
    # The printed losses are the ones stored: what the run said is what the site plots.
    printed = [line.rsplit(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("step")]
    stored = json.loads(REFERENCE.read_text())["losses"]
    assert printed == [f"{loss:.4f}" for loss in stored]
