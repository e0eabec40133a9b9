"""Rung 1, bigram counts: how often does each token follow each other? No neural network."""

# --8<-- [start:model]
import math  # math.log: counts -> scores


def init(tokenizer, rng):
    """A table of counts, counts[a][b] = how often b followed a; every pair starts at 1."""
    v = tokenizer.vocab_size
    return [[1] * v for _ in range(v)]  # the 1s (add-one smoothing): no pair is impossible


def num_params(counts):
    return sum(len(row) for row in counts)


def reader(counts):
    """next_logits(token_id, pos_id): the log of the counts. Softmax of them = count / total."""
    return lambda token_id, pos_id: [math.log(c) for c in counts[token_id]]
# --8<-- [end:model]


# --8<-- [start:train_step]
from microgpt.ladder.terms import BLOCK_SIZE, add_up  # 16 predictions a name; floats summed in order


def train_step(counts, tokens, step, num_steps):
    """Score the name with the table as it is, then count its pairs into the table."""
    n = min(BLOCK_SIZE, len(tokens) - 1)
    pairs = list(zip(tokens[:n], tokens[1 : n + 1]))  # (this token, the next one)
    loss = add_up(-math.log(counts[a][b] / sum(counts[a])) for a, b in pairs) / n
    for a, b in pairs:
        counts[a][b] += 1  # "learning" is counting
    return loss
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
