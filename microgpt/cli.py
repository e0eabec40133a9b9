"""The command line: `microgpt run | train | sample`, with checkpoints, and
one-line errors for bad input."""

# --8<-- [start:imports]
import argparse  # argparse.ArgumentParser: flags and sub-commands
import math      # math.isfinite: "inf" and "nan" are floats, but not usable ones
import os        # os.access: can the checkpoint's folder be written?
import random    # random.Random: the sampling stream, seeded
import signal    # signal.signal: turn Ctrl-C into "stop after this step"
import sys       # sys.stdout, sys.stderr, sys.exit
import time      # time.perf_counter: steps per second for the progress line
from pathlib import Path  # Path: checks on the checkpoint's folder

from microgpt import session  # session.start: set-up, steps, the step line
from microgpt.checkpoint import rng_state_from_json, save_checkpoint, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig
from microgpt.sample import sample
from microgpt.session import SetupError, read_checkpoint
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


# --8<-- [start:check_out]
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
# --8<-- [end:check_out]


# --8<-- [start:train_loop]
def train(args):
    """Train from args, printing the original's lines on stdout; return the
    session, whose checkpoint() is what --out saves."""
    run = session.start(data=args.data, steps=args.steps, seed=args.seed,
                        lr=args.lr, resume=args.resume, engine=args.engine,
                        n_embd=args.n_embd, n_head=args.n_head,
                        n_layer=args.n_layer, block_size=args.block_size)
    if args.out:
        check_writable(args.out)  # before training, not after minutes of it
    print(f"num docs: {len(run.docs)}")
    print(f"vocab size: {run.tokenizer.vocab_size}")
    print(f"num params: {len(run.ckpt['adam_m'])}")

    stop = StopRequest()
    progress = Progress(run.step, args.steps) if sys.stderr.isatty() else None
    with stop:
        while run.step < args.steps:
            loss = run.advance()  # Diverged: "training diverged at step ..."
            print(run.line(), flush=True)  # flush: `| tee log` sees each line now
            if progress:
                progress.update(run.step, loss)
            if stop.requested:
                break
        if progress:
            progress.close()

        ckpt = run.checkpoint()
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
    return run


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
            run = train(args)
            if args.command == "run":
                state_dict = state_dict_of(run.ckpt["weights"])
                print_samples(state_dict, run.config, run.tokenizer, run.rng,
                              args.num, args.temperature)
    except (UsageError, SetupError) as e:  # SetupError: data, resume, divergence
        print(f"microgpt: error: {e}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:  # e.g. `microgpt run | head`: the reader left; no error
        sys.stderr.close()
        sys.exit(0)
# --8<-- [end:main]
