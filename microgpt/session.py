"""A training session: a run set up once, then stepped, then saved. The command line
and the site's live figures both train through it."""

# --8<-- [start:imports]
import hashlib  # hashlib.sha256: fingerprint the data, so a resume uses the same
import math     # math.isfinite: a loss that is no longer a number
import os       # os.environ: one BLAS thread for the vectorized engine
import random   # random.Random: the one stream of randomness, seeded
from dataclasses import asdict  # asdict: hyperparameters into the checkpoint
from pathlib import Path  # Path: the data file

from microgpt.checkpoint import (CheckpointError, load_checkpoint,
                                 rng_state_from_json, rng_state_to_json,
                                 state_dict_of, weights_of)
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig, train_step
# --8<-- [end:imports]


# --8<-- [start:read_data]
class SetupError(ValueError):
    """Input a run cannot start from: one plain sentence says why."""


def read_documents(path):
    """The documents of a data file, or a SetupError saying what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SetupError(f"data file not found: {path}") from None
    except IsADirectoryError:
        raise SetupError(f"data file is a directory: {path}") from None
    except OSError as e:
        raise SetupError(f"cannot read data file {path}: {e.strerror}") from None
    if not raw:
        raise SetupError(f"data file is empty: {path}")
    if b"\0" in raw:
        raise SetupError(f"data file looks binary (it contains NUL bytes): {path}")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SetupError(f"data file is not UTF-8 text: {path}") from None
    docs = load_docs(path)
    if not docs:
        raise SetupError(f"data file has only blank lines: {path}")
    return docs


def fingerprint(docs):
    return hashlib.sha256("\n".join(docs).encode("utf-8")).hexdigest()
# --8<-- [end:read_data]


# --8<-- [start:setup]
def start(data=None, steps=1000, seed=None, lr=None, resume=None,
          engine="scalar", **shape):
    """A Session ready for its first step: fresh from the seed, or from the
    checkpoint file `resume`. shape: any of n_embd, n_head, n_layer, block_size.
    A setting left None takes the default, or on a resume the checkpoint's."""
    given = {name: shape.pop(name, None) for name in asdict(GPTConfig())}
    if shape:  # a misspelt name must not train the default shape in silence
        raise TypeError(f"start() got unknown settings {sorted(shape)}")
    data_path = data or default_data_path()
    docs = read_documents(data_path)
    data_sha256 = fingerprint(docs)  # of the file's own order, before the shuffle
    if resume:
        ckpt = read_checkpoint(resume)
        config, opt = GPTConfig(**ckpt["config"]), AdamConfig(**ckpt["adam"])
        asked = {**given, "seed": seed, "lr": lr}
        stored = {**ckpt["config"], "seed": ckpt["seed"], "lr": opt.learning_rate}
        for name, value in asked.items():
            if value is not None and value != stored[name]:
                flag = "--" + name.replace("_", "-")
                raise SetupError(f"{flag} {value} differs from the checkpoint's "
                                 f"{stored[name]}")
        if ckpt["data_sha256"] != data_sha256:
            raise SetupError(f"{data_path} is not the data the checkpoint "
                             f"{resume} was trained on")
        if ckpt["step"] > steps:
            raise SetupError(f"checkpoint {resume} is at step {ckpt['step']}, "
                             f"past --steps {steps}")
        if "".join(Tokenizer.from_docs(docs).chars) != ckpt["vocab"]:
            raise SetupError(f"the vocabulary of {data_path} "
                             "differs from the checkpoint's")
        seed = ckpt["seed"]
    else:
        ckpt = None
        chosen = {k: v for k, v in given.items() if v is not None}
        shape = {**asdict(GPTConfig()), **chosen}
        if shape["n_embd"] % shape["n_head"]:  # said before GPTConfig refuses
            raise SetupError(f"--n-embd {shape['n_embd']} is not divisible "
                             f"by --n-head {shape['n_head']}")
        config = GPTConfig(**shape)
        opt = AdamConfig() if lr is None else AdamConfig(learning_rate=lr)
        seed = 42 if seed is None else seed

    rng = random.Random(seed)
    rng.shuffle(docs)  # the same order every time for the same seed
    tokenizer = Tokenizer.from_docs(docs)
    if ckpt is None:
        state_dict = init_params(config, tokenizer.vocab_size, rng)
        n = len(parameters(state_dict))
        ckpt = {"config": asdict(config), "adam": asdict(opt),
                "vocab": "".join(tokenizer.chars), "seed": seed,
                "data_sha256": data_sha256, "step": 0, "losses": [],
                "weights": weights_of(state_dict),
                "adam_m": [0.0] * n, "adam_v": [0.0] * n}
    else:
        rng.setstate(rng_state_from_json(ckpt["rng_state"]))
    ckpt["num_steps"] = steps
    engines = {"scalar": scalar_engine, "vectorized": vectorized_engine}
    step, export = engines[engine](ckpt, config, tokenizer, opt)
    return Session(docs, tokenizer, config, rng, ckpt, step, export)


def read_checkpoint(path):
    try:
        return load_checkpoint(path)
    except CheckpointError as e:
        raise SetupError(str(e)) from None
# --8<-- [end:setup]


# --8<-- [start:engines]
def scalar_engine(ckpt, config, tokenizer, opt):
    """(step function, export function) of the scalar engine: the original's."""
    state_dict = state_dict_of(ckpt["weights"])
    params = parameters(state_dict)
    m, v = list(ckpt["adam_m"]), list(ckpt["adam_v"])

    def step(i, doc, num_steps):
        return train_step(state_dict, params, config, tokenizer, doc, m, v,
                          i, num_steps, opt)

    def export():
        return weights_of(state_dict), m, v

    return step, export


def vectorized_engine(ckpt, config, tokenizer, opt):
    """The same two functions for the NumPy engine: the same numbers, far faster."""
    # One BLAS thread: this model's matrices are small, so the work a second
    # thread could take is less than the handing over, and timings stay steadier.
    # Set before numpy loads.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        from microgpt import vectorized
    except ImportError:
        raise SetupError("--engine vectorized needs numpy: "
                         "pip install 'microgpt-explained[vectorized]'") from None
    P, M, V = vectorized.pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])

    def step(i, doc, num_steps):
        with vectorized.np.errstate(all="ignore"):  # Session.advance says it
            return vectorized.train_step(P, M, V, config, tokenizer, doc,
                                         i, num_steps, opt)

    def export():
        return vectorized.unpack(P, M, V)

    return step, export
# --8<-- [end:engines]


# --8<-- [start:session]
class Diverged(SetupError):
    """The loss stopped being a number: the weights are lost, nothing is learnt."""

    def __init__(self, step, loss):
        super().__init__(f"training diverged at step {step} "
                         f"(loss {loss}): try a smaller --lr")
        self.step, self.loss = step, loss


class Session:
    """A run between two steps: its documents, model, optimizer and random stream.

    ckpt is the checkpoint dict of the run: step and losses are kept up to date,
    the weights and the optimizer's moments only by checkpoint()."""

    def __init__(self, docs, tokenizer, config, rng, ckpt, step_fn, export):
        self.docs, self.tokenizer, self.config = docs, tokenizer, config
        self.rng, self.ckpt = rng, ckpt
        self.step_fn, self.export = step_fn, export

    @property
    def step(self):
        return self.ckpt["step"]  # steps done so far

    @property
    def num_steps(self):
        return self.ckpt["num_steps"]

    def advance(self):
        """One step on the next document; its loss, or Diverged."""
        i = self.step
        try:
            loss = self.step_fn(i, self.docs[i % len(self.docs)], self.num_steps)
        except (OverflowError, ZeroDivisionError, ValueError) as e:  # log(0)
            # log(0) says "math domain error", from Python 3.14 on
            # "expected a positive input"; other ValueErrors are no divergence
            if isinstance(e, ValueError) and not str(e).startswith(
                    ("math domain error", "expected a positive input")):
                raise
            loss = math.nan
        if not math.isfinite(loss):  # too large a learning rate
            raise Diverged(i + 1, loss)
        self.ckpt["losses"].append(loss)
        self.ckpt["step"] = i + 1
        return loss

    def line(self):
        """The original's line for the step just done."""
        loss = self.ckpt["losses"][-1]
        return f"step {self.step:4d} / {self.num_steps:4d} | loss {loss:.4f}"

    def checkpoint(self):
        """The checkpoint dict as it stands: what a save writes."""
        weights, m, v = self.export()
        self.ckpt.update(weights=weights, adam_m=m, adam_v=v,
                         rng_state=rng_state_to_json(self.rng.getstate()))
        return self.ckpt
# --8<-- [end:session]
