"""Act 1's exercises and quiz: the tokenizer, BOS, and a bigram baseline."""

import math
from collections import Counter

from microgpt.data import Tokenizer, default_data_path, load_docs


def predict_encode(code):
    from docsite.live.exercises import check_prediction

    tiny = Tokenizer.from_docs(["banana", "cab"])
    return check_prediction(code, f"{tiny.encode('cab')} {tiny.bos}")


def break_bos(code):
    from docsite.live.exercises import Run, check_answer

    run, wrap, results = Run.requiring(code, "wrap(name)")
    if wrap is None:
        return results
    tokenizer = Tokenizer.from_docs(load_docs(default_data_path()))
    bos, letters = tokenizer.bos, tokenizer.encode("emma")
    tokens = list(wrap("emma"))
    if tokens[:1] == [bos] and tokens[1:5] == letters:
        results.append((True, "wrap('emma') still starts with BOS and the letters e m m a."))
    else:
        results.append((False, f"wrap('emma') gives {tokens}: change only its end, keep BOS and the "
                        f"letters {letters} at the start."))
    targets = tokens[1:]
    if bos in targets:
        results.append((False, "Some guess is still BOS: wrap() is not broken yet. Remove the BOS "
                        "at the end."))
    else:
        results.append((True, "No guess is BOS any more: the model is never shown that a name ends."))
    results.append(check_answer(
        run, "lost", "stop",
        "Right: the first BOS still teaches how names start, but nothing teaches when to stop, "
        "so in Act 5 the model would write until block_size.",
        "Not that one: the first BOS is still there, so the model still learns how names start. "
        "Which guess has gone?"))
    return results


def bigram_reference(docs, tokenizer):
    """The bigram counts as fractions, to compare the reader's with."""
    counts = Counter()
    for doc in docs:
        tokens = [tokenizer.bos] + tokenizer.encode(doc) + [tokenizer.bos]
        counts.update(zip(tokens, tokens[1:]))
    totals = Counter()
    for (a, _), c in counts.items():
        totals[a] += c
    return counts, totals


def extend_bigram(code):
    from docsite.live.exercises import Run

    _, bigram_probs, results = Run.requiring(code, "bigram_probs(docs, tokenizer)")
    if bigram_probs is None:
        return results
    # A tiny world first, where every fraction can be worked out by hand.
    tiny_docs = ["ab", "b"]
    tiny = Tokenizer.from_docs(tiny_docs)
    counts, totals = bigram_reference(tiny_docs, tiny)
    probs = bigram_probs(tiny_docs, tiny)
    a, b, bos = 0, 1, tiny.bos
    wanted = {(bos, a): 0.5, (bos, b): 0.5, (a, b): 1.0, (b, bos): 1.0, (b, a): 0.0}
    wrong = [(x, y) for (x, y), p in wanted.items() if not math.isclose(probs[x][y], p, abs_tol=1e-9)]
    names = {a: "a", b: "b", bos: "BOS"}
    if wrong:
        x, y = wrong[0]
        results.append((False, f"On the documents ['ab', 'b'], P({names[y]} after {names[x]}) should be "
                        f"{wanted[(x, y)]} (count the pairs by hand) but is {probs[x][y]}."))
        return results
    results.append((True, "On the documents ['ab', 'b'] every probability is right."))
    # Then the real names: rows sum to 1, and the loss of this baseline on the data.
    docs = load_docs(default_data_path())
    tokenizer = Tokenizer.from_docs(docs)
    probs = bigram_probs(docs, tokenizer)
    counts, totals = bigram_reference(docs, tokenizer)
    bad = [row for row, total in totals.items() if not math.isclose(sum(probs[row]), 1, abs_tol=1e-9)]
    if bad:
        results.append((False, f"On the real names the row of token {bad[0]} sums to {sum(probs[bad[0]])}, not to one."))
        return results
    n = sum(totals.values())
    loss = -sum(c * math.log(probs[x][y]) for (x, y), c in counts.items()) / n
    results.append((True, f"On all {len(docs)} names each row sums to one. This bigram baseline's average "
                    f"loss (its surprise at each real next token, -ln of the probability it gave that token) "
                    f"over the {n} guesses is {loss:.3f}, against ln {tokenizer.vocab_size} = "
                    f"{math.log(tokenizer.vocab_size):.3f} for a blind guess: the number Act 4's "
                    "training has to beat."))
    return results


EXERCISES = {
    "act1-predict-encode": predict_encode,
    "act1-break-bos": break_bos,
    "act1-extend-bigram": extend_bigram,
}


# --- The quiz ------------------------------------------------------------------------------
# Each answer is a function: the page shows what it returns (docsite/quizzes.py runs it at
# build time), and tests/test_exercises.py checks it against the package.

def _tokenizer():
    return Tokenizer.from_docs(load_docs(default_data_path()))


QUIZ = [
    {
        "question": "How many tokens does microgpt's vocabulary have?",
        "answer": lambda: _tokenizer().vocab_size,
        "explanation": "The names use {num_chars} distinct letters, and BOS is one token more: {answer}.",
        "values": lambda: {"num_chars": len(_tokenizer().chars)},
    },
    {
        "question": "Which id does BOS get?",
        "choices": ["the first id, before every character", "the id after the last character", "a random id"],
        "answer": lambda: "the id after the last character" if _tokenizer().bos == len(_tokenizer().chars) else "the first id, before every character",
        "explanation": "Characters take ids {first} to {bos_minus_one} in sorted order, so BOS is "
                       "{bos}, the next free id.",
        "values": lambda: {"first": _tokenizer().encode(_tokenizer().chars[0])[0], "bos": _tokenizer().bos,
                           "bos_minus_one": _tokenizer().bos - 1},
    },
    {
        "question": "How many guesses does the model make while reading the name emma?",
        "answer": lambda: len([_tokenizer().bos] + _tokenizer().encode("emma")),
        "explanation": "BOS e m m a BOS is {tokens} tokens, and every token but the last is "
                       "followed by one to guess: {answer}, the last guess being BOS.",
        "values": lambda: {"tokens": len("emma") + 2},
    },
    {
        "question": "What does tokenizer.encode(\"zoë\") do?",
        "choices": ["raises ValueError", "skips the ë", "gives ë the BOS id"],
        "answer": lambda: _encode_outcome("zoë"),
        "explanation": "ë is not in the vocabulary, so tuple.index finds no position for it and "
                       "raises, rather than guessing.",
    },
    {
        "question": "Why does microgpt shuffle the names before training?",
        "choices": ["The file is sorted by popularity: the steps would only see common names",
                    "Shuffling makes the tokenizer smaller",
                    "Training needs a new random order at every step"],
        "answer": lambda: "The file is sorted by popularity: the steps would only see common names",
        "explanation": "The default run sees one name per step, a slice of the file; shuffled "
                       "with a seed, that slice is a fair (and repeatable) sample of all names.",
    },
]


def _encode_outcome(text):
    try:
        ids = _tokenizer().encode(text)
    except ValueError:
        return "raises ValueError"
    return "gives ë the BOS id" if _tokenizer().bos in ids else "skips the ë"
