"""Act 5's exercises as the reader sees them: starter code and reference solutions.

The page includes each region with pymdownx.snippets; exercises/act5.py checks them. This file
is never imported: each region runs on its own, in the reader's browser or in the tests.
"""

# --8<-- [start:predict_temperature_starter]
import math

from microgpt.engine import Value
from microgpt.model import softmax

# The first token twice as likely as the second:
logits = [Value(math.log(2)), Value(0.0)]
temperature = 0.5
probs = softmax([logit / temperature for logit in logits])
print([round(p.data, 3) for p in probs])

# What does the line above print? Type it between the quotes, then press Check.
prediction = ""
# --8<-- [end:predict_temperature_starter]

# --8<-- [start:predict_temperature_solution]
import math

from microgpt.engine import Value
from microgpt.model import softmax

# The first token twice as likely as the second:
logits = [Value(math.log(2)), Value(0.0)]
temperature = 0.5
probs = softmax([logit / temperature for logit in logits])
print([round(p.data, 3) for p in probs])

# Dividing by 0.5 doubles the scores, which squares the odds:
# 2 to 1 becomes 4 to 1.
prediction = "[0.8, 0.2]"
# --8<-- [end:predict_temperature_solution]

# --8<-- [start:break_stop_starter]
import random

from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, gpt, softmax

# The reference run, 1000 steps:
ckpt = load_checkpoint("docs/checkpoints/names-1000.json")
state_dict, config = state_dict_of(ckpt["weights"]), GPTConfig(**ckpt["config"])
tokenizer = Tokenizer(tuple(ckpt["vocab"]))


def sample_ids(rng, temperature=0.5):
    """The ids of one new name, as microgpt.sample draws them (without BOS)."""
    keys = [[] for _ in range(config.n_layer)]  # one cache for each layer
    values = [[] for _ in range(config.n_layer)]
    token_id, ids = tokenizer.bos, []
    for pos_id in range(config.block_size):
        logits = gpt(state_dict, config, token_id, pos_id, keys, values)
        probs = softmax([logit / temperature for logit in logits])
        weights = [p.data for p in probs]
        token_id = rng.choices(range(tokenizer.vocab_size), weights=weights)[0]
        if token_id == tokenizer.bos:  # the model says the name is finished
            break
        ids.append(token_id)
    return ids


rng = random.Random(1)
for _ in range(2):
    print(tokenizer.decode(sample_ids(rng)))

# Once it is broken, how long is every "name", in tokens?
# Type a number between the quotes.
length = ""
# --8<-- [end:break_stop_starter]

# --8<-- [start:break_stop_solution]
import random

from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, gpt, softmax

# The reference run, 1000 steps:
ckpt = load_checkpoint("docs/checkpoints/names-1000.json")
state_dict, config = state_dict_of(ckpt["weights"]), GPTConfig(**ckpt["config"])
tokenizer = Tokenizer(tuple(ckpt["vocab"]))


def sample_ids(rng, temperature=0.5):
    """The ids of one new name, broken: a BOS no longer ends it."""
    keys = [[] for _ in range(config.n_layer)]  # one cache for each layer
    values = [[] for _ in range(config.n_layer)]
    token_id, ids = tokenizer.bos, []
    for pos_id in range(config.block_size):
        logits = gpt(state_dict, config, token_id, pos_id, keys, values)
        probs = softmax([logit / temperature for logit in logits])
        weights = [p.data for p in probs]
        token_id = rng.choices(range(tokenizer.vocab_size), weights=weights)[0]
        ids.append(token_id)
    return ids


rng = random.Random(1)
for _ in range(2):
    print(tokenizer.decode(sample_ids(rng)))

# Nothing stops the loop before block_size, and decode() hides the BOS tokens
# in the middle.
length = "16"
# --8<-- [end:break_stop_solution]

# --8<-- [start:extend_top_k_starter]
import random


def top_k_weights(weights, k):
    """Keep the k largest weights, set the others to 0, and rescale them so
    that they sum to 1."""
    total = sum(weights)
    # All of them, for now: keep only the k largest.
    return [w / total for w in weights]


rng = random.Random(0)
weights = top_k_weights([0.5, 0.3, 0.15, 0.05], k=2)
print([round(w, 3) for w in weights])
print(rng.choices(range(4), weights=weights, k=20))
# --8<-- [end:extend_top_k_starter]

# --8<-- [start:extend_top_k_solution]
import random


def top_k_weights(weights, k):
    """Keep the k largest weights, set the others to 0, and rescale them so
    that they sum to 1."""
    kept = sorted(range(len(weights)), key=lambda i: weights[i], reverse=True)[:k]
    total = sum(weights[i] for i in kept)
    return [w / total if i in kept else 0.0 for i, w in enumerate(weights)]


rng = random.Random(0)
weights = top_k_weights([0.5, 0.3, 0.15, 0.05], k=2)
print([round(w, 3) for w in weights])
print(rng.choices(range(4), weights=weights, k=20))
# --8<-- [end:extend_top_k_solution]
