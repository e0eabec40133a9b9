"""Act 1's exercises as the reader sees them: starter code and reference solutions.

The page includes each region with pymdownx.snippets; exercises/act1.py checks them. This file
is never imported: each region runs on its own, in the reader's browser or in the tests.
"""

# --8<-- [start:predict_encode_starter]
from microgpt.data import Tokenizer

tiny = Tokenizer.from_docs(["banana", "cab"])
print(tiny.encode("cab"), tiny.bos)

# What does the line above print? Type it between the quotes, then press Check.
prediction = ""
# --8<-- [end:predict_encode_starter]

# --8<-- [start:predict_encode_solution]
from microgpt.data import Tokenizer

tiny = Tokenizer.from_docs(["banana", "cab"])
print(tiny.encode("cab"), tiny.bos)

# The vocabulary is the sorted characters a, b, c, n: c is 2, a is 0, b is 1;
# BOS comes next.
prediction = "[2, 0, 1] 4"
# --8<-- [end:predict_encode_solution]

# --8<-- [start:break_bos_starter]
from microgpt.data import Tokenizer, default_data_path, load_docs

tokenizer = Tokenizer.from_docs(load_docs(default_data_path()))


def wrap(name):
    """The tokens the model reads for one name: BOS, the letters, BOS."""
    return [tokenizer.bos] + tokenizer.encode(name) + [tokenizer.bos]


tokens = wrap("emma")
targets = tokens[1:]  # what each guess should be: the token after each one
guesses = ["BOS" if t == tokenizer.bos else tokenizer.chars[t] for t in targets]
print("guesses:", guesses)

# Which job can the model no longer learn once wrap() is broken:
# "start" or "stop"?
lost = ""
# --8<-- [end:break_bos_starter]

# --8<-- [start:break_bos_solution]
from microgpt.data import Tokenizer, default_data_path, load_docs

tokenizer = Tokenizer.from_docs(load_docs(default_data_path()))


def wrap(name):
    """The tokens the model reads for one name: BOS, the letters, no end BOS."""
    return [tokenizer.bos] + tokenizer.encode(name)


tokens = wrap("emma")
targets = tokens[1:]  # what each guess should be: the token after each one
guesses = ["BOS" if t == tokenizer.bos else tokenizer.chars[t] for t in targets]
print("guesses:", guesses)

# No guess is BOS any more: nothing teaches the model where a name ends.
lost = "stop"
# --8<-- [end:break_bos_solution]

# --8<-- [start:extend_bigram_starter]
from microgpt.data import Tokenizer, default_data_path, load_docs

docs = load_docs(default_data_path())
tokenizer = Tokenizer.from_docs(docs)


def bigram_probs(docs, tokenizer):
    """probs[a][b]: how often token b follows token a in the documents (each
    wrapped in BOS), as a fraction of everything that follows a. No smoothing."""
    n = tokenizer.vocab_size
    counts = [[0] * n for _ in range(n)]
    # Count each pair (token, next token) of every document here.
    # A blind guess, for now: replace it with the counts.
    return [[1 / n] * n for row in counts]


probs = bigram_probs(docs, tokenizer)
a_id = tokenizer.encode("a")[0]
print(f"P(first letter is 'a') = {probs[tokenizer.bos][a_id]:.3f}")
# --8<-- [end:extend_bigram_starter]

# --8<-- [start:extend_bigram_solution]
from microgpt.data import Tokenizer, default_data_path, load_docs

docs = load_docs(default_data_path())
tokenizer = Tokenizer.from_docs(docs)


def bigram_probs(docs, tokenizer):
    """probs[a][b]: how often token b follows token a in the documents (each
    wrapped in BOS), as a fraction of everything that follows a. No smoothing."""
    n = tokenizer.vocab_size
    counts = [[0] * n for _ in range(n)]
    for doc in docs:
        tokens = [tokenizer.bos] + tokenizer.encode(doc) + [tokenizer.bos]
        for a, b in zip(tokens, tokens[1:]):
            counts[a][b] += 1
    return [[c / sum(row) if sum(row) else 0.0 for c in row] for row in counts]


probs = bigram_probs(docs, tokenizer)
a_id = tokenizer.encode("a")[0]
print(f"P(first letter is 'a') = {probs[tokenizer.bos][a_id]:.3f}")
# --8<-- [end:extend_bigram_solution]
