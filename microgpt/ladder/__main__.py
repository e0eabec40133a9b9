"""`python -m microgpt.ladder --out FILE`: train every rung on the same terms, write
the results."""

import argparse  # the --out flag
# ProcessPoolExecutor: the rungs are independent, so they train side by side
import concurrent.futures
import json  # the results, as plain JSON
# os.cpu_count: one rung per core, so that no two share one and slow each other
import os
import sys  # sys.stderr, sys.exit
from importlib import import_module  # each rung's module, by name
from pathlib import Path  # the output file

from microgpt.ladder import RUNGS
from microgpt.ladder.terms import BLOCK_SIZE, NUM_HELD_OUT, NUM_STEPS, SEED, climb


def climb_rung(name):
    def log(line):  # progress on stderr, every 50th step
        print(line, file=sys.stderr, flush=True)
    return climb(import_module(f"microgpt.ladder.{name}"), log=log, log_every=50)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m microgpt.ladder",
                                     description=__doc__)
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="where to write the results (JSON)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if not out.resolve().parent.is_dir() or out.is_dir():
        print(f"{parser.prog}: error: cannot write {out}", file=sys.stderr)
        sys.exit(2)
    results = {"seed": SEED, "num_steps": NUM_STEPS, "block_size": BLOCK_SIZE,
               "num_held_out": NUM_HELD_OUT, "rungs": {}}
    workers = min(len(RUNGS), os.cpu_count() or 1)
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        # each rung in its own process
        for name, r in zip(RUNGS, pool.map(climb_rung, RUNGS)):
            results["rungs"][name] = r
            print(f"{name}: held-out {r['held_out_loss']:.4f}, "
                  f"{r['seconds_per_step'] * 1000:.1f} ms/step", flush=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)  # the old file or the new one, never half of one


if __name__ == "__main__":
    main()
