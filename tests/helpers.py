"""What several test modules share: the command line run as a user runs it, a tiny data set, and the
hand-counted parameter formula (an oracle independent of the package's init_params)."""

import os  # os.environ, for the subprocess
import subprocess  # subprocess.run: the real command line
import sys  # sys.executable, the Python running the tests
from pathlib import Path  # Path, for the files of each case

from microgpt.model import GPTConfig

CHECKOUT = Path(__file__).resolve().parents[1]

NAMES = ["emma", "liam", "olivia", "noah", "ava", "isabella", "logan", "william", "sophia", "james",
         "benjamin", "mason", "mia", "elijah", "oliver", "jacob", "lucas", "charlotte", "michael",
         "alexander", "ethan", "amelia", "daniel", "matthew"]
VOCAB = sorted(set("".join(NAMES)))
TINY = ["--n-embd", "8", "--n-head", "2", "--block-size", "8"]  # 8 wide, 1 layer: ~5 ms a step
TINY_CONFIG = GPTConfig(n_embd=8, n_head=2, block_size=8)
STEP_LINE = r"step {:4d} / {:4d} \| loss \d+\.\d{{4}}"


def microgpt(*args, cwd, env=None):
    """Run the command line as a user would; stdin is closed and stdout/stderr are pipes."""
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT), **(env or {})}  # this checkout's package
    return subprocess.run([sys.executable, "-m", "microgpt", *args], cwd=cwd, env=env, timeout=120,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)


def step_lines(stdout):
    return [line for line in stdout.splitlines() if line.startswith("step ")]


def leftover_temporaries(folder):
    return sorted(p.name for p in Path(folder).glob(".checkpoint-*.tmp"))


def snapshot(folder):
    """Every entry under folder, with its bytes and modification time: any write shows up."""
    state = {}
    for path in sorted(Path(folder).rglob("*")):
        stat = path.lstat()
        try:
            content = path.read_bytes() if path.is_file() else None
        except PermissionError:  # the chmod 000 case, when not running as root
            content = "unreadable"
        state[str(path.relative_to(folder))] = (content, stat.st_mtime_ns, stat.st_mode)
    return state


def parameter_count(config, vocab_size):
    """Two vocab x d tables, one position table, and per layer four d x d matrices plus a 4d x d MLP pair."""
    d = config.n_embd
    return 2 * vocab_size * d + config.block_size * d + config.n_layer * (4 * d * d + 2 * 4 * d * d)
