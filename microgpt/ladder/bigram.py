"""Rung 1, bigram counts: how often does each token follow another? No network."""

# --8<-- [start:model]
import math  # math.log: counts -> scores


def init(tokenizer, rng):
    """A table of counts: counts[a][b] is how often b followed a, plus one."""
    v = tokenizer.vocab_size
    # every pair starts at 1 (add-one smoothing), so that none is impossible
    return [[1] * v for _ in range(v)]


def num_params(counts):
    return sum(len(row) for row in counts)


def reader(counts):
    """next_logits(token_id, pos_id): log counts; their softmax is count / total."""
    return lambda token_id, pos_id: [math.log(c) for c in counts[token_id]]
# --8<-- [end:model]


# --8<-- [start:train_step]
# BLOCK_SIZE: at most 16 predictions a name; add_up: floats summed in order
from microgpt.ladder.terms import BLOCK_SIZE, add_up


def train_step(counts, tokens, step, num_steps):
    """Score the name with the table as it is, then count its pairs into it."""
    n = min(BLOCK_SIZE, len(tokens) - 1)
    pairs = list(zip(tokens[:n], tokens[1 : n + 1]))  # (this token, the next one)
    pair_losses = (-math.log(counts[a][b] / sum(counts[a])) for a, b in pairs)
    loss = add_up(pair_losses) / n
    for a, b in pairs:
        counts[a][b] += 1  # "learning" is counting
    return loss
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
