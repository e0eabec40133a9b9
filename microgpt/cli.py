"""The command line: `microgpt run | train | sample`, with checkpoints, and
one-line errors for bad input."""

# --8<-- [start:imports]
import argparse  # argparse.ArgumentParser: flags and sub-commands
import hashlib   # hashlib.sha256: fingerprint the data, so a resume uses the same
import math      # math.isfinite: "inf" and "nan" are floats, but not usable ones
import os        # os.environ: one BLAS thread for the vectorized engine
import random    # random.Random: the one stream of randomness, seeded
import signal    # signal.signal: turn Ctrl-C into "stop after this step"
import sys       # sys.stdout, sys.stderr, sys.exit
import time      # time.perf_counter: steps per second for the progress line
from dataclasses import asdict  # asdict: hyperparameters into the checkpoint
from pathlib import Path  # Path: checks on the data file and checkpoint folder

from microgpt.checkpoint import (CheckpointError, load_checkpoint,
                                 rng_state_from_json, rng_state_to_json,
                                 save_checkpoint, state_dict_of, weights_of)
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.sample import sample
from microgpt.train import AdamConfig, train_step
# --8<-- [end:imports]


# --8<-- [start:errors]
class UsageError(Exception):
    """Bad input from the user: reported as one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: one line too, no usage block
        raise UsageError(f"{message} (see {self.prog} --help)")


def positive(kind):
    """An argparse type: a number of the given kind, greater than zero."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            noun = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if kind is float and not math.isfinite(value):  # float("nan"), "1e999"
            message = f"must be a finite number greater than 0, not {text}"
            raise argparse.ArgumentTypeError(message)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
        return value
    parse.__name__ = f"positive {kind.__name__}"
    return parse


def nonempty_path(text):
    """An argparse type: a file path, which cannot be empty ("" names no file)."""
    if not text:
        raise argparse.ArgumentTypeError("must be a path, not an empty string")
    return text
# --8<-- [end:errors]


# --8<-- [start:parser]
def build_parser():
    about = "Train a tiny GPT on names, and let it invent new ones."
    parser = Parser(prog="microgpt", description=about)
    commands = parser.add_subparsers(dest="command", metavar="{run,train,sample}",
                                     parser_class=Parser)

    # Model and training flags default to None: a resume tells "given" from not.
    train_flags = Parser(add_help=False)
    flag = train_flags.add_argument
    flag("--data", type=nonempty_path, metavar="PATH",
         help="text file, one document per line (default: the bundled names)")
    flag("--steps", type=positive(int), default=1000,
         help="train until this step (default: 1000)")
    flag("--seed", type=int, help="seed of the one random stream (default: 42)")
    flag("--n-embd", type=positive(int), help="embedding width (default: 16)")
    flag("--n-head", type=positive(int), help="attention heads (default: 4)")
    flag("--n-layer", type=positive(int), help="transformer blocks (default: 1)")
    flag("--block-size", type=positive(int),
         help="longest context in tokens (default: 16)")
    flag("--lr", type=positive(float),
         help="Adam learning rate at step 1 (default: 0.01)")
    flag("--out", type=nonempty_path, metavar="CHECKPOINT",
         help="write a checkpoint here at the end, or on Ctrl-C")
    flag("--resume", type=nonempty_path, metavar="CHECKPOINT",
         help="carry on from this checkpoint")
    flag("--engine", choices=("scalar", "vectorized"), default="scalar",
         help="scalar Values (the exhibit, default) "
              "or NumPy arrays (fast; needs numpy)")

    sample_flags = Parser(add_help=False)
    flag = sample_flags.add_argument
    flag("--num", type=positive(int), default=20,
         help="names to generate (default: 20)")
    flag("--temperature", type=positive(float), default=0.5,
         help="below 1: safer names; above 1: wilder (default: 0.5)")

    commands.add_parser("run", parents=[train_flags, sample_flags],
                        help="train, then sample "
                             "(the default when no command is given)")
    commands.add_parser("train", parents=[train_flags],
                        help="train, and optionally save a checkpoint")
    sampler = commands.add_parser("sample", parents=[sample_flags],
                                  help="generate names from a checkpoint")
    sampler.add_argument("--checkpoint", type=nonempty_path, required=True,
                         metavar="PATH", help="a checkpoint written by train --out")
    sampler.add_argument("--seed", type=int, help="seed for sampling "
                         "(default: continue the checkpoint's random stream)")
    return parser
# --8<-- [end:parser]


# --8<-- [start:read_data]
def read_documents(path):
    """The documents of a data file, or a UsageError saying what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"data file not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"data file is a directory: {path}") from None
    except OSError as e:
        raise UsageError(f"cannot read data file {path}: {e.strerror}") from None
    if not raw:
        raise UsageError(f"data file is empty: {path}")
    if b"\0" in raw:
        raise UsageError(f"data file looks binary (it contains NUL bytes): {path}")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"data file is not UTF-8 text: {path}") from None
    docs = load_docs(path)
    if not docs:
        raise UsageError(f"data file has no non-empty line: {path}")
    return docs


def fingerprint(docs):
    return hashlib.sha256("\n".join(docs).encode("utf-8")).hexdigest()
# --8<-- [end:read_data]


# --8<-- [start:setup]
def start_training(args):
    """Everything a training run needs: fresh from the seed, or from --resume."""
    data_path = args.data or default_data_path()
    docs = read_documents(data_path)
    data_sha256 = fingerprint(docs)  # of the file's own order, before the shuffle
    given = {"n_embd": args.n_embd, "n_head": args.n_head, "n_layer": args.n_layer,
             "block_size": args.block_size}
    if args.resume:
        ckpt = read_checkpoint(args.resume)
        config, opt = GPTConfig(**ckpt["config"]), AdamConfig(**ckpt["adam"])
        asked = {**given, "seed": args.seed, "lr": args.lr}
        stored = {**ckpt["config"], "seed": ckpt["seed"], "lr": opt.learning_rate}
        for name, value in asked.items():
            if value is not None and value != stored[name]:
                flag = "--" + name.replace("_", "-")
                raise UsageError(f"{flag} {value} differs from the checkpoint's "
                                 f"{stored[name]}")
        if ckpt["data_sha256"] != data_sha256:
            raise UsageError(f"{data_path} is not the data the checkpoint "
                             f"{args.resume} was trained on")
        if ckpt["step"] > args.steps:
            raise UsageError(f"checkpoint {args.resume} is at step {ckpt['step']}, "
                             f"past --steps {args.steps}")
        seed = ckpt["seed"]
    else:
        ckpt = None
        chosen = {k: v for k, v in given.items() if v is not None}
        shape = {**asdict(GPTConfig()), **chosen}
        if shape["n_embd"] % shape["n_head"]:  # said before GPTConfig refuses
            raise UsageError(f"--n-embd {shape['n_embd']} is not divisible "
                             f"by --n-head {shape['n_head']}")
        config = GPTConfig(**shape)
        opt = AdamConfig() if args.lr is None else AdamConfig(learning_rate=args.lr)
        seed = 42 if args.seed is None else args.seed
    if args.out:
        check_writable(args.out)  # before training, not after minutes of it

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
    elif "".join(tokenizer.chars) != ckpt["vocab"]:
        raise UsageError(f"the vocabulary of {data_path} "
                         "differs from the checkpoint's")
    else:
        rng.setstate(rng_state_from_json(ckpt["rng_state"]))
    ckpt["num_steps"] = args.steps
    return docs, tokenizer, config, opt, rng, ckpt


def read_checkpoint(path):
    try:
        return load_checkpoint(path)
    except CheckpointError as e:
        raise UsageError(str(e)) from None


def check_writable(path):
    """Refuse now, not after training, a path the final save could not write."""
    folder = Path(path).resolve().parent
    if folder.exists() and not folder.is_dir():  # e.g. --out notes.txt/ckpt.json
        raise UsageError(f"cannot write {path}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: folder {folder} does not exist")
    if Path(path).is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    if not os.access(folder, os.W_OK | os.X_OK):  # no permission, a read-only mount
        raise UsageError(f"cannot write {path}: folder {folder} is not writable")
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
        raise UsageError("--engine vectorized needs numpy: "
                         "pip install 'microgpt-explained[vectorized]'") from None
    P, M, V = vectorized.pack(ckpt["weights"], ckpt["adam_m"], ckpt["adam_v"])

    def step(i, doc, num_steps):
        with vectorized.np.errstate(all="ignore"):  # train() reports a divergence
            return vectorized.train_step(P, M, V, config, tokenizer, doc,
                                         i, num_steps, opt)

    def export():
        return vectorized.unpack(P, M, V)

    return step, export
# --8<-- [end:engines]


# --8<-- [start:train_loop]
def train(args):
    """Train from args, printing the original's lines on stdout; return the
    final checkpoint dict, the tokenizer, the config and the random stream."""
    docs, tokenizer, config, opt, rng, ckpt = start_training(args)
    vector = args.engine == "vectorized"
    make_engine = vectorized_engine if vector else scalar_engine
    step_fn, export = make_engine(ckpt, config, tokenizer, opt)
    print(f"num docs: {len(docs)}")
    print(f"vocab size: {tokenizer.vocab_size}")
    print(f"num params: {len(ckpt['adam_m'])}")

    stop = StopRequest()
    progress = Progress(ckpt["step"], args.steps) if sys.stderr.isatty() else None
    with stop:
        for step in range(ckpt["step"], args.steps):
            try:
                loss = step_fn(step, docs[step % len(docs)], args.steps)
            except (OverflowError, ZeroDivisionError, ValueError) as e:  # log(0)
                # log(0) says "math domain error", from Python 3.14 on
                # "expected a positive input"; other ValueErrors are no divergence
                if isinstance(e, ValueError) and not str(e).startswith(
                        ("math domain error", "expected a positive input")):
                    raise
                loss = math.nan
            if not math.isfinite(loss):  # too large a --lr: nothing is learnt
                raise UsageError(f"training diverged at step {step + 1} "
                                 f"(loss {loss}): try a smaller --lr")
            ckpt["losses"].append(loss)
            ckpt["step"] = step + 1
            line = f"step {step + 1:4d} / {args.steps:4d} | loss {loss:.4f}"
            print(line, flush=True)  # flush: `| tee log` sees each line now
            if progress:
                progress.update(step + 1, loss)
            if stop.requested:
                break
        if progress:
            progress.close()

        weights, m, v = export()
        ckpt.update(weights=weights, adam_m=m, adam_v=v,
                    rng_state=rng_state_to_json(rng.getstate()))
        if args.out:
            stop.hold()  # a Ctrl-C now waits: the save always tidies up
            try:
                save_checkpoint(args.out, ckpt)
            except OSError as e:  # disk full, or the folder changed meanwhile
                message = f"cannot write checkpoint {args.out}: {e.strerror or e}"
                raise UsageError(message) from None
    if stop.requested:
        saved = f"saved step {ckpt['step']} to {args.out}"
        where = saved if args.out else "nothing saved (no --out given)"
        print(f"interrupted at step {ckpt['step']} of {args.steps}: {where}",
              file=sys.stderr)
        sys.exit(130)
    return ckpt, tokenizer, config, rng


class StopRequest:
    """While active, the first Ctrl-C asks the loop to stop after the current
    step; a second one stops at once."""

    requested = False
    held = False  # after hold(), every Ctrl-C only asks: nothing stops at once

    def __enter__(self):
        self.previous = signal.signal(signal.SIGINT, self.handle)
        return self

    def handle(self, signum, frame):
        self.requested = True
        if not self.held:
            signal.signal(signal.SIGINT, self.previous)

    def hold(self):
        self.held = True
        signal.signal(signal.SIGINT, self.handle)  # again, if a Ctrl-C removed it

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)


class Progress:
    """A live line on stderr (a terminal only): step, loss, speed and time left."""

    def __init__(self, first_step, num_steps):
        self.first, self.total = first_step, num_steps
        self.start = time.perf_counter()

    def update(self, step, loss):
        rate = (step - self.first) / (time.perf_counter() - self.start)
        left = int((self.total - step) / rate)
        sys.stderr.write(f"\r  step {step}/{self.total} | loss {loss:.4f}"
                         f" | {rate:.1f} steps/s"
                         f" | {left // 60}m{left % 60:02d}s left ")
        sys.stderr.flush()

    def close(self):
        sys.stderr.write("\r\033[K")  # wipe the line: stdout's record is what stays
        sys.stderr.flush()
# --8<-- [end:train_loop]


# --8<-- [start:sampling]
def print_samples(state_dict, config, tokenizer, rng, num, temperature):
    print("\n--- inference (new, hallucinated names) ---")
    for i in range(num):
        try:
            name = sample(state_dict, config, tokenizer, rng, temperature)
        except (OverflowError, ValueError):  # scores / temperature: inf, nan
            raise UsageError(f"--temperature {temperature} is too small "
                             "to divide by") from None
        print(f"sample {i + 1:2d}: {name}")


def sample_command(args):
    ckpt = read_checkpoint(args.checkpoint)
    config = GPTConfig(**ckpt["config"])
    tokenizer = Tokenizer(tuple(ckpt["vocab"]))
    rng = random.Random(args.seed)
    if args.seed is None:  # carry on the checkpoint's stream: its run's own names
        rng.setstate(rng_state_from_json(ckpt["rng_state"]))
    state_dict = state_dict_of(ckpt["weights"])
    print_samples(state_dict, config, tokenizer, rng, args.num, args.temperature)
# --8<-- [end:sampling]


# --8<-- [start:main]
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]  # no command: the whole original, train then sample
    try:
        args = build_parser().parse_args(argv)
        if args.command == "sample":
            sample_command(args)
        else:
            ckpt, tokenizer, config, rng = train(args)
            if args.command == "run":
                state_dict = state_dict_of(ckpt["weights"])
                print_samples(state_dict, config, tokenizer, rng,
                              args.num, args.temperature)
    except UsageError as e:
        print(f"microgpt: error: {e}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:  # e.g. `microgpt run | head`: the reader left; no error
        sys.stderr.close()
        sys.exit(0)
# --8<-- [end:main]
