"""Act 4's exercises as the reader sees them: starter code and reference solutions.

The page includes each region with pymdownx.snippets; exercises/act4.py checks them. This file
is never imported: each region runs on its own, in the reader's browser or in the tests.
"""

# --8<-- [start:predict_blind_starter]
from microgpt.engine import Value
from microgpt.model import softmax

# A model with no opinion: every score the same.
logits = [Value(0.0) for _ in range(27)]
probs = softmax(logits)
loss = -probs[4].log()  # the right next letter is e, id 4
print(round(loss.data, 4))  # as the page prints ln 27

# What does the line above print? Type it between the quotes, then press Check.
prediction = ""
# --8<-- [end:predict_blind_starter]

# --8<-- [start:predict_blind_solution]
from microgpt.engine import Value
from microgpt.model import softmax

# A model with no opinion: every score the same.
logits = [Value(0.0) for _ in range(27)]
probs = softmax(logits)
loss = -probs[4].log()  # the right next letter is e, id 4
print(round(loss.data, 4))  # as the page prints ln 27

# Every token gets 1/27, and -ln(1/27) = ln 27: whichever letter is right.
prediction = "3.2958"
# --8<-- [end:predict_blind_solution]

# --8<-- [start:break_zero_grad_starter]
import random

from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import document_loss

tokenizer = Tokenizer.from_docs(["emma"])
config = GPTConfig(n_embd=8, n_head=2, n_layer=1, block_size=8)
state_dict = init_params(config, tokenizer.vocab_size, random.Random(0))
params = parameters(state_dict)
tokens = [tokenizer.bos] + tokenizer.encode("emma") + [tokenizer.bos]


def sgd_step(params, learning_rate):
    """Plain gradient descent: each weight a small step against its gradient."""
    for p in params:
        p.data -= learning_rate * p.grad
        p.grad = 0  # backward() adds to .grad: start the next step from zero


for step in range(8):
    loss = document_loss(state_dict, config, tokens)
    loss.backward()
    sgd_step(params, 0.5)
    print(f"step {step + 1}: loss {loss.data:.3f}")

# Once it is broken, what moves the weights at step 2:
# "own" (its own gradient only) or "sum" (the gradients of steps 1 and 2 added)?
moved_by = ""
# --8<-- [end:break_zero_grad_starter]

# --8<-- [start:break_zero_grad_solution]
import random

from microgpt.data import Tokenizer
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import document_loss

tokenizer = Tokenizer.from_docs(["emma"])
config = GPTConfig(n_embd=8, n_head=2, n_layer=1, block_size=8)
state_dict = init_params(config, tokenizer.vocab_size, random.Random(0))
params = parameters(state_dict)
tokens = [tokenizer.bos] + tokenizer.encode("emma") + [tokenizer.bos]


def sgd_step(params, learning_rate):
    """Plain gradient descent, broken: the gradients are never zeroed."""
    for p in params:
        p.data -= learning_rate * p.grad


for step in range(8):
    loss = document_loss(state_dict, config, tokens)
    loss.backward()
    sgd_step(params, 0.5)
    print(f"step {step + 1}: loss {loss.data:.3f}")

# .grad keeps every earlier step's gradient, and backward() adds the new one.
moved_by = "sum"
# --8<-- [end:break_zero_grad_solution]

# --8<-- [start:extend_cross_entropy_starter]
from microgpt.engine import Value


def cross_entropy(logits, target):
    """-log(softmax(logits)[target]), straight from the scores, as one Value.
    Safe for large scores: log(sum(exp(s))) = m + log(sum(exp(s - m))) for the
    largest score m."""
    # The score of the right token: the log of the sum is missing.
    return -logits[target]


two_equal = [Value(0.0), Value(0.0)]  # two equal scores: the loss is ln 2
print(round(cross_entropy(two_equal, 0).data, 4))
# --8<-- [end:extend_cross_entropy_starter]

# --8<-- [start:extend_cross_entropy_solution]
from microgpt.engine import Value


def cross_entropy(logits, target):
    """-log(softmax(logits)[target]), straight from the scores, as one Value.
    Safe for large scores: log(sum(exp(s))) = m + log(sum(exp(s - m))) for the
    largest score m."""
    m = max(s.data for s in logits)
    log_sum_exp = sum((s - m).exp() for s in logits).log() + m
    return log_sum_exp - logits[target]


two_equal = [Value(0.0), Value(0.0)]  # two equal scores: the loss is ln 2
print(round(cross_entropy(two_equal, 0).data, 4))
# --8<-- [end:extend_cross_entropy_solution]
