"""The same terms for every rung: data, split, steps, score and samples."""

# --8<-- [start:split]
import random  # random.Random: the one seeded stream, shuffled as the package does

from microgpt.data import Tokenizer, default_data_path, load_docs

SEED = 42  # the package's default seed
NUM_STEPS = 1000  # one name per step, as the reference run
BLOCK_SIZE = 16  # every rung predicts at most the first 16 next tokens of a name
NUM_HELD_OUT = 200  # the last 200 names after the shuffle: no rung trains on them
LEARNING_RATE = 0.3  # each SGD rung's first step, decaying linearly to 0 as Adam's


def setup(seed=SEED):
    """The shuffled names, tokenizer, held-out names and rng, as in the package.

    Training walks docs[0], docs[1], ... one per step, exactly like `microgpt
    train`, so a 1000-step run sees docs[:1000]; the held-out names are
    docs[-200:], far past that.
    """
    docs = load_docs(default_data_path())
    rng = random.Random(seed)
    rng.shuffle(docs)  # the package's order: same seed, same shuffle
    tokenizer = Tokenizer.from_docs(docs)
    return docs, tokenizer, docs[-NUM_HELD_OUT:], rng
# --8<-- [end:split]


# --8<-- [start:score]
import math  # math.log, math.exp: the score in plain floats


def add_up(xs):
    """xs added left to right: from Python 3.12 on, sum() of floats compensates its
    rounding, so its last bits differ."""
    total = 0.0
    for x in xs:
        total += x
    return total


def tokens_of(tokenizer, doc):
    # BOS, the name's tokens, BOS
    return [tokenizer.bos] + tokenizer.encode(doc) + [tokenizer.bos]


def float_loss(next_logits, tokens):
    """A name's average cross-entropy, the package's definition, in plain floats.

    next_logits(token_id, pos_id) gives the scores for the next token; a fresh one
    per name.
    """
    n = min(BLOCK_SIZE, len(tokens) - 1)
    total = 0.0
    for pos_id in range(n):
        logits = next_logits(tokens[pos_id], pos_id)
        top = max(logits)
        log_sum = top + math.log(add_up(math.exp(z - top) for z in logits))
        # -log softmax(logits)[target]
        total += log_sum - logits[tokens[pos_id + 1]]
    return total / n


def held_out_loss(rung, model, tokenizer, held_out):
    """The mean of float_loss over the held-out names: lower is better."""
    losses = (float_loss(rung.reader(model), tokens_of(tokenizer, doc))
              for doc in held_out)
    return add_up(losses) / len(held_out)


def sample_name(next_logits, tokenizer, rng, temperature=0.5):
    """One name drawn from a rung, as Act 5 draws one: start at BOS, stop at BOS."""
    ids, token_id = [], tokenizer.bos
    for pos_id in range(BLOCK_SIZE):
        logits = [z / temperature for z in next_logits(token_id, pos_id)]
        top = max(logits)
        weights = [math.exp(z - top) for z in logits]
        token_id = rng.choices(range(tokenizer.vocab_size), weights=weights)[0]
        if token_id == tokenizer.bos:
            break
        ids.append(token_id)
    return tokenizer.decode(ids)
# --8<-- [end:score]


# --8<-- [start:climb]
import time  # time.perf_counter: seconds per step


def climb(rung, num_steps=NUM_STEPS, steps=None, num_samples=5, score=True,
          log=None, log_every=1):
    """Train one rung on the same terms as every other; return what it measured.

    steps < num_steps stops early (the learning rate still decays over
    num_steps), so that the first steps of a short run equal those of the full one.
    """
    docs, tokenizer, held_out, rng = setup()
    model = rung.init(tokenizer, rng)
    name = rung.__spec__.name.rsplit(".", 1)[-1]  # "mlp" for microgpt.ladder.mlp
    losses, start = [], time.perf_counter()
    for step in range(num_steps if steps is None else steps):
        tokens = tokens_of(tokenizer, docs[step % len(docs)])
        losses.append(rung.train_step(model, tokens, step, num_steps))
        if log and (step + 1) % log_every == 0:
            log(f"{name}: step {step + 1:4d} / {num_steps} | loss {losses[-1]:.4f}")
    seconds = time.perf_counter() - start
    result = {"num_params": rung.num_params(model), "losses": losses,
              "seconds_per_step": seconds / len(losses)}
    if score:
        result["held_out_loss"] = held_out_loss(rung, model, tokenizer, held_out)
        result["samples"] = [sample_name(rung.reader(model), tokenizer, rng)
                             for _ in range(num_samples)]
    return result
# --8<-- [end:climb]


def main(rung, argv=None):
    """`python -m microgpt.ladder.<rung> [--steps N]`: train one rung, print what
    it buys."""
    import argparse
    import sys
    parser = argparse.ArgumentParser(prog=f"python -m {rung.__spec__.name}",
                                     description=rung.__doc__)
    parser.add_argument("--steps", type=int, default=NUM_STEPS,
                        help=f"training steps (default: {NUM_STEPS})")
    args = parser.parse_args(argv)
    if args.steps < 1:
        print(f"{parser.prog}: error: --steps must be at least 1, not {args.steps}",
              file=sys.stderr)
        sys.exit(2)
    result = climb(rung, num_steps=args.steps, log=print)
    last = result["losses"][-100:]
    print(f"params: {result['num_params']} | train loss (last 100 steps): "
          f"{add_up(last) / len(last):.4f} | "
          f"held-out loss: {result['held_out_loss']:.4f} | "
          f"{result['seconds_per_step'] * 1000:.1f} ms/step")
    print("samples:", ", ".join(result["samples"]))
