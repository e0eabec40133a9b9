"""Act 3's exercises as the reader sees them: starter code and reference solutions.

The page includes each region with pymdownx.snippets; exercises/act3.py checks them. This file
is never imported: each region runs on its own, in the reader's browser or in the tests.
"""

# --8<-- [start:predict_softmax_starter]
import math

from microgpt.engine import Value
from microgpt.model import softmax

scores = [Value(0.0), Value(0.0), Value(math.log(2))]
print([round(p.data, 3) for p in softmax(scores)])

# What does the line above print? Type it between the quotes, then press Check.
prediction = ""
# --8<-- [end:predict_softmax_starter]

# --8<-- [start:predict_softmax_solution]
import math

from microgpt.engine import Value
from microgpt.model import softmax

scores = [Value(0.0), Value(0.0), Value(math.log(2))]
print([round(p.data, 3) for p in softmax(scores)])

# exp gives 1, 1 and 2; divided by their sum, 4, that is a quarter, a quarter
# and a half.
prediction = "[0.25, 0.25, 0.5]"
# --8<-- [end:predict_softmax_solution]

# --8<-- [start:break_softmax_starter]
from microgpt.engine import Value


def my_softmax(logits):
    """Scores into probabilities, as microgpt.model.softmax does."""
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]


small = [Value(1.0), Value(2.0), Value(3.0)]
large = [Value(1000.0), Value(1001.0), Value(1002.0)]
print([round(p.data, 3) for p in my_softmax(small)])
print([round(p.data, 3) for p in my_softmax(large)])
# --8<-- [end:break_softmax_starter]

# --8<-- [start:break_softmax_solution]
from microgpt.engine import Value


def my_softmax(logits):
    """Scores into probabilities, broken: the largest score is not subtracted."""
    exps = [val.exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]


small = [Value(1.0), Value(2.0), Value(3.0)]
large = [Value(1000.0), Value(1001.0), Value(1002.0)]
print([round(p.data, 3) for p in my_softmax(small)])
try:
    print([round(p.data, 3) for p in my_softmax(large)])
except OverflowError as error:
    # e**1000 is far beyond the largest float, about 1.8e308
    print("OverflowError:", error)
# --8<-- [end:break_softmax_solution]

# --8<-- [start:extend_params_starter]
from microgpt.model import GPTConfig


def count_params(config, vocab_size):
    """How many numbers the model has, from its shape alone (see init_params)."""
    d = config.n_embd
    # wte, wpe and lm_head: d numbers for each token, position, token
    tables = vocab_size * d + config.block_size * d + vocab_size * d
    per_layer = 0  # attention and MLP matrices of one layer: fill this in
    return tables + config.n_layer * per_layer


print(count_params(GPTConfig(), 27))
print(count_params(GPTConfig(n_layer=2), 27))
# --8<-- [end:extend_params_starter]

# --8<-- [start:extend_params_solution]
from microgpt.model import GPTConfig


def count_params(config, vocab_size):
    """How many numbers the model has, from its shape alone (see init_params)."""
    d = config.n_embd
    # wte, wpe and lm_head: d numbers for each token, position, token
    tables = vocab_size * d + config.block_size * d + vocab_size * d
    attention = 4 * d * d        # wq, wk, wv, wo: d x d each
    mlp = 4 * d * d + d * 4 * d  # fc1 widens to 4d, fc2 comes back to d
    per_layer = attention + mlp
    return tables + config.n_layer * per_layer


print(count_params(GPTConfig(), 27))
print(count_params(GPTConfig(n_layer=2), 27))
# --8<-- [end:extend_params_solution]
