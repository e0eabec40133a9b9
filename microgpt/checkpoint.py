"""Checkpoints: everything a run needs to stop and carry on exactly, as plain JSON (never pickle)."""

# --8<-- [start:save]
import json  # json.dump, json.load: floats round-trip exactly through their shortest repr
import os    # os.replace, os.fsync: an atomic rename, so a crash never leaves half a file
import tempfile  # tempfile.mkstemp: a scratch file beside the target

FORMAT = "microgpt-checkpoint"
VERSION = 1


def save_checkpoint(path, checkpoint):
    """Write the checkpoint dict to path atomically: a temporary file first, then a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".checkpoint-", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes the file private; give it the usual mode
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "version": VERSION, **checkpoint}, f)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the name points at them
        os.replace(tmp, path)     # atomic: readers see the old file or the new one, never a mix
    except BaseException:
        os.unlink(tmp)
        raise
# --8<-- [end:save]


# --8<-- [start:load]
import random  # random.Random, to build a throwaway model whose shapes a checkpoint must match

from microgpt.model import GPTConfig, init_params  # the hyperparameters, and the matrices they imply
from microgpt.train import AdamConfig  # the optimizer's settings


class CheckpointError(Exception):
    """A checkpoint that cannot be used, with a message that says why."""


def load_checkpoint(path):
    """Read and check a checkpoint; raise CheckpointError naming the first problem found."""
    try:
        with open(path, encoding="utf-8") as f:
            ckpt = json.load(f)
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint not found: {path}") from None
    except IsADirectoryError:
        raise CheckpointError(f"checkpoint is a directory, not a file: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckpointError(f"checkpoint {path} is not valid JSON (truncated or not a checkpoint?)") from None
    except OSError as e:
        raise CheckpointError(f"cannot read checkpoint {path}: {e.strerror}") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{path} is JSON but not a microgpt checkpoint")
    if ckpt.get("version") != VERSION:
        raise CheckpointError(
            f"checkpoint {path} has format version {ckpt.get('version')!r}; this microgpt reads version {VERSION}"
        )
    missing = [k for k in CHECKPOINT_KEYS if k not in ckpt]
    if missing:
        raise CheckpointError(f"checkpoint {path} lacks {', '.join(missing)}")
    try:
        problem = content_problem(ckpt)
    except (TypeError, ValueError, KeyError, AttributeError) as e:  # a field of the wrong JSON type
        problem = f"a field holds the wrong kind of value ({e})"
    if problem:
        raise CheckpointError(f"checkpoint {path}: {problem}")
    return ckpt


CHECKPOINT_KEYS = ("config", "adam", "vocab", "seed", "data_sha256", "num_steps", "step",
                   "weights", "adam_m", "adam_v", "rng_state", "losses")


def content_problem(ckpt):
    """The first way in which the checkpoint disagrees with itself, or None.

    Its arrays must have the shapes its hyperparameters imply, and its optimizer settings and
    random state must be usable. A field of the wrong type raises, and load_checkpoint says so.
    """
    config = GPTConfig(**ckpt["config"])
    AdamConfig(**ckpt["adam"])
    random.Random().setstate(rng_state_from_json(ckpt["rng_state"]))
    if not isinstance(ckpt["vocab"], str):
        return "vocab should be a string of characters"
    if not all(isinstance(n, int) and n > 0 for n in vars(config).values()):
        return f"hyperparameters must be positive integers, not {ckpt['config']}"
    if config.n_embd % config.n_head:
        return f"n_embd {config.n_embd} is not divisible by n_head {config.n_head}"
    vocab_size = len(ckpt["vocab"]) + 1
    expected = expected_shapes(config, vocab_size)
    weights = ckpt["weights"]
    if not isinstance(weights, dict) or list(weights) != list(expected):
        return f"weights should be the matrices {list(expected)}"
    for name, (rows, cols) in expected.items():
        mat = weights[name]
        if len(mat) != rows or any(len(row) != cols for row in mat):
            return f"weight {name!r} does not have the shape {rows}x{cols} its hyperparameters imply"
        if not all(isinstance(x, (int, float)) for row in mat for x in row):
            return f"weight {name!r} holds something that is not a number"
    num_params = sum(r * c for r, c in expected.values())
    for key in ("adam_m", "adam_v"):
        if len(ckpt[key]) != num_params:
            return f"{key} has {len(ckpt[key])} numbers, expected {num_params}"
    if not (isinstance(ckpt["step"], int) and 0 <= ckpt["step"] == len(ckpt["losses"])):
        return f"step {ckpt['step']!r} does not match the {len(ckpt['losses'])} recorded losses"
    return None


def expected_shapes(config, vocab_size):
    """name -> (rows, columns) of every matrix, read off a throwaway model of this shape."""
    state_dict = init_params(config, vocab_size, random.Random(0))
    return {name: (len(mat), len(mat[0])) for name, mat in state_dict.items()}
# --8<-- [end:load]


# --8<-- [start:convert]
from microgpt.engine import Value  # Value, to turn stored numbers back into trainable ones


def weights_of(state_dict):
    """The plain numbers inside a state dict of Values."""
    return {name: [[p.data for p in row] for row in mat] for name, mat in state_dict.items()}


def state_dict_of(weights):
    """A state dict of fresh Values holding the given numbers."""
    return {name: [[Value(x) for x in row] for row in mat] for name, mat in weights.items()}


def rng_state_to_json(state):
    version, internal, gauss_next = state  # what random.Random.getstate() returns
    return [version, list(internal), gauss_next]


def rng_state_from_json(state):
    version, internal, gauss_next = state
    return (version, tuple(internal), gauss_next)
# --8<-- [end:convert]
