"""Checkpoints: everything a run needs to stop and carry on exactly, as plain JSON
(never pickle)."""

# --8<-- [start:save]
import contextlib  # contextlib.suppress: tidying up must not hide the error
import json  # json.dump, json.load: floats round-trip exactly (shortest repr)
import os    # os.replace, os.fsync: an atomic rename; a crash leaves no half file
import tempfile  # tempfile.mkstemp: a scratch file beside the target

FORMAT = "microgpt-checkpoint"
VERSION = 1


def save_checkpoint(path, checkpoint):
    """Write the checkpoint dict to path atomically: scratch file, then rename."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".checkpoint-", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:  # closes fd on any way out
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp made it private: the usual mode
            f.write(checkpoint_text(checkpoint))
            f.flush()  # a full disk says so here (or at close); the old file stays
            os.fsync(f.fileno())  # on disk before the name points at them
        os.replace(tmp, path)  # atomic: readers see the old file or the new, no mix
    except BaseException:  # OSError or Ctrl-C: the scratch file goes, the old stays
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def checkpoint_text(checkpoint):
    """The file's whole text: the dict as JSON, its format and version first."""
    return json.dumps({"format": FORMAT, "version": VERSION, **checkpoint})
# --8<-- [end:save]


# --8<-- [start:load]
import random  # random.Random: a throwaway model, the shapes a checkpoint must have
import sys  # sys.float_info.max: the largest number a float holds
from collections import deque  # deque: the queue of a walk through every value

# the hyperparameters, and the matrices they imply
from microgpt.model import GPTConfig, init_params
from microgpt.train import AdamConfig  # the optimizer's settings


class CheckpointError(Exception):
    """A checkpoint that cannot be used, with a message that says why."""


def load_checkpoint(path):
    """Read and check a checkpoint; a CheckpointError names the first problem."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint not found: {path}") from None
    except IsADirectoryError:
        message = f"checkpoint is a directory, not a file: {path}"
        raise CheckpointError(message) from None
    except UnicodeDecodeError:
        message = (f"checkpoint {path} is not valid JSON "
                   "(truncated or not a checkpoint?)")
        raise CheckpointError(message) from None
    except OSError as e:
        message = f"cannot read checkpoint {path}: {e.strerror}"
        raise CheckpointError(message) from None
    return read_checkpoint_text(text, path)


def read_checkpoint_text(text, path):
    """The checked checkpoint in text, which came from path (named in errors)."""
    try:
        ckpt = json.loads(text)
    except json.JSONDecodeError:
        message = (f"checkpoint {path} is not valid JSON "
                   "(truncated or not a checkpoint?)")
        raise CheckpointError(message) from None
    except (ValueError, RecursionError):  # a 4300-digit integer; lists 1000 deep
        message = (f"checkpoint {path} is not a microgpt checkpoint "
                   "(too long a number, or too deep)")
        raise CheckpointError(message) from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{path} is JSON but not a microgpt checkpoint")
    if ckpt.get("version") != VERSION:
        raise CheckpointError(
            f"checkpoint {path} has format version {ckpt.get('version')!r}; "
            f"this microgpt reads version {VERSION}")
    missing = [k for k in CHECKPOINT_KEYS if k not in ckpt]
    if missing:
        raise CheckpointError(f"checkpoint {path} lacks {', '.join(missing)}")
    try:
        problem = content_problem(ckpt)
    except (TypeError, ValueError, KeyError, AttributeError) as e:  # a wrong type
        problem = f"a field holds the wrong kind of value ({e})"
    if problem:
        raise CheckpointError(f"checkpoint {path}: {problem}")
    return ckpt


CHECKPOINT_KEYS = ("config", "adam", "vocab", "seed", "data_sha256", "num_steps",
                   "step", "weights", "adam_m", "adam_v", "rng_state", "losses")


def content_problem(ckpt):
    """The first way in which the checkpoint disagrees with itself, or None.

    Its arrays must have the shapes its hyperparameters imply, and its optimizer
    settings and random state must be usable. A field of the wrong type raises, and
    load_checkpoint says so.
    """
    problem = non_finite_number(ckpt)
    if problem:
        return problem
    config = GPTConfig(**ckpt["config"])
    opt = AdamConfig(**ckpt["adam"])
    betas_ok = 0 <= opt.beta1 < 1 and 0 <= opt.beta2 < 1
    if not (opt.learning_rate > 0 and betas_ok and opt.eps > 0):
        return f"Adam needs learning_rate > 0, betas in [0, 1), eps > 0, not {opt}"
    random.Random().setstate(rng_state_from_json(ckpt["rng_state"]))
    if not (isinstance(ckpt["seed"], int) and not isinstance(ckpt["seed"], bool)):
        return f"seed should be an integer, not {ckpt['seed']!r}"
    if not isinstance(ckpt["vocab"], str):
        return "vocab should be a string of characters"
    if not all(isinstance(n, int) and n > 0 for n in vars(config).values()):
        return f"hyperparameters must be positive integers, not {ckpt['config']}"
    if config.n_embd % config.n_head:
        return f"n_embd {config.n_embd} is not divisible by n_head {config.n_head}"
    vocab_size = len(ckpt["vocab"]) + 1
    E, least = config.n_embd, len(ckpt["adam_m"])  # one moment per weight
    if config.n_layer * E * E + (config.block_size + vocab_size) * E > least:
        # a few of the matrices' sizes: over them, the throwaway model below
        # could be far larger than the file
        return f"its hyperparameters imply more weights than its {least} moments"
    expected = expected_shapes(config, vocab_size)
    weights = ckpt["weights"]
    if not isinstance(weights, dict) or list(weights) != list(expected):
        return f"weights should be the matrices {list(expected)}"
    for name, (rows, cols) in expected.items():
        mat = weights[name]
        if len(mat) != rows or any(len(row) != cols for row in mat):
            return (f"weight {name!r} does not have the shape {rows}x{cols} "
                    "its hyperparameters imply")
        if not all(is_number(x) for row in mat for x in row):
            return f"weight {name!r} holds something that is not a number"
    num_params = sum(r * c for r, c in expected.values())
    for key in ("adam_m", "adam_v", "losses"):
        numbers = isinstance(ckpt[key], list) and all(map(is_number, ckpt[key]))
        if not numbers:
            return f"{key} should be a list of numbers"
    for key in ("adam_m", "adam_v"):
        if len(ckpt[key]) != num_params:
            return f"{key} has {len(ckpt[key])} numbers, expected {num_params}"
    if any(x < 0 for x in ckpt["adam_v"]):  # a mean of squares: Adam takes its root
        return "adam_v holds a negative number"
    step, num_losses = ckpt["step"], len(ckpt["losses"])
    if not (isinstance(step, int) and 0 <= step == num_losses):
        return f"step {step!r} does not match the {num_losses} recorded losses"
    return None


def is_number(x):
    return type(x) in (int, float)  # not bool, though Python counts True as an int


def non_finite_number(ckpt):
    """Where the checkpoint holds NaN, an infinity or a too big integer; or None.

    Python's json reads NaN, Infinity and 1e999 (as inf) without a word, and
    arithmetic on them would train nothing. The seed is the one number that may be
    any integer.
    """
    todo = deque((key, value) for key, value in ckpt.items() if key != "seed")
    while todo:
        where, value = todo.popleft()
        if isinstance(value, dict):
            todo.extend((f"{where}.{k}", child) for k, child in value.items())
        elif isinstance(value, list):
            todo.extend((f"{where}[{i}]", child) for i, child in enumerate(value))
        elif isinstance(value, float) and not abs(value) <= sys.float_info.max:
            return f"{where} is {value!r}, not a finite number"  # NaN too
        elif is_number(value) and not abs(value) <= sys.float_info.max:
            return f"{where} is an integer too big for a float"
    return None


def expected_shapes(config, vocab_size):
    """name -> (rows, columns) of every matrix, read off a throwaway model."""
    state_dict = init_params(config, vocab_size, random.Random(0))
    return {name: (len(mat), len(mat[0])) for name, mat in state_dict.items()}
# --8<-- [end:load]


# --8<-- [start:convert]
from microgpt.engine import Value  # Value: stored numbers, trainable again


def weights_of(state_dict):
    """The plain numbers inside a state dict of Values."""
    return {name: [[p.data for p in row] for row in mat]
            for name, mat in state_dict.items()}


def state_dict_of(weights):
    """A state dict of fresh Values holding the given numbers."""
    return {name: [[Value(x) for x in row] for row in mat]
            for name, mat in weights.items()}


def rng_state_to_json(state):
    version, internal, gauss_next = state  # what random.Random.getstate() returns
    return [version, list(internal), gauss_next]


def rng_state_from_json(state):
    version, internal, gauss_next = state
    return (version, tuple(internal), gauss_next)
# --8<-- [end:convert]


def running_mean(xs, window):
    """Each value's mean with up to window - 1 values before it: a loss curve without
    the noise of single steps. The site's loss plots and live training chart all use
    this one."""
    return [sum(xs[max(0, i - window + 1):i + 1]) / (i + 1 - max(0, i - window + 1))
            for i in range(len(xs))]
