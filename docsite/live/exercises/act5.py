"""Act 5's exercises and quiz: temperature, where a name ends, and top-k sampling."""

import math
import random
from collections import Counter

from microgpt.engine import Value
from microgpt.model import GPTConfig, softmax

CHECKPOINT = "docs/checkpoints/names-1000.json"


def predict_temperature(code):
    from docsite.live.exercises import check_prediction

    probs = softmax([Value(math.log(2)) / 0.5, Value(0.0) / 0.5])
    return check_prediction(code, str([round(p.data, 3) for p in probs]))


def break_stop(code):
    from docsite.live.exercises import Run, check_answer

    run, sample_ids, results = Run.requiring(code, "sample_ids(rng)")
    if sample_ids is None:
        return results
    from microgpt.checkpoint import load_checkpoint

    ckpt = load_checkpoint(CHECKPOINT)
    block_size, bos = GPTConfig(**ckpt["config"]).block_size, len(ckpt["vocab"])
    rng = random.Random(5)
    drawn = [sample_ids(rng) for _ in range(3)]
    if all(len(ids) == block_size for ids in drawn):
        inner = sum(ids.count(bos) for ids in drawn)
        results.append((True, f"Every one of {len(drawn)} names now runs to block_size, {block_size} "
                        f"tokens, with {inner} BOS tokens drawn inside them: the model did say "
                        "'finished', and nobody listened. decode() drops those BOS, so names run "
                        "into each other."))
    else:
        lengths = [len(ids) for ids in drawn]
        results.append((False, f"The {len(drawn)} names drawn have {lengths} tokens: they still stop "
                        "at BOS. Which line ends a name?"))
    results.append(check_answer(
        run, "length", str(block_size),
        f"Right: {block_size} tokens, block_size, the only limit left.",
        "Not that number: without the stop, what limits the loop?"))
    return results


def extend_top_k(code):
    from docsite.live.exercises import Run

    _, top_k_weights, results = Run.requiring(code, "top_k_weights(weights, k)")
    if top_k_weights is None:
        return results
    rng = random.Random(6)
    size, ks = 8, (1, 2, 3, 8)  # every k from the sharpest to keeping all of them
    for k in ks:
        weights = [rng.random() for _ in range(size)]
        kept = sorted(range(size), key=lambda i: weights[i], reverse=True)[:k]
        total = sum(weights[i] for i in kept)
        want = [weights[i] / total if i in kept else 0.0 for i in range(size)]
        got = list(top_k_weights(list(weights), k))
        if len(got) != size or not all(math.isclose(g, w, abs_tol=1e-12) for g, w in zip(got, want)):
            results.append((False, f"For k = {k} the weights to sample from should be {[round(w, 3) for w in want]}, "
                            f"not {[round(g, 3) for g in got]}: the k largest, rescaled to sum to {sum(want):g}, "
                            "and nothing elsewhere."))
            return results
    results.append((True, f"For k = {', '.join(map(str, ks))} on random weights, it keeps exactly the k "
                    "largest, rescaled to sum to one."))
    # The distribution it samples from, by sampling, with k = 2.
    given, k, num = [0.5, 0.3, 0.15, 0.05], 2, 20000
    expected = [w / sum(given[:k]) if i < k else 0 for i, w in enumerate(given)]
    weights = top_k_weights(given, k)
    draws = Counter(random.Random(7).choices(range(len(given)), weights=weights, k=num))
    shares = [draws[i] / num for i in range(len(given))]
    dropped = sum(draws[i] for i in range(k, len(given)))
    if dropped or not all(abs(s - w) < 0.02 for s, w in zip(shares, expected)):
        results.append((False, f"Sampling {num} tokens from {given} with k = {k} gave the shares "
                        f"{shares}, not about {expected[:k]} and nothing else."))
    else:
        results.append((True, f"Sampling {num} tokens with k = {k} from {given}: the shares "
                        f"{shares[0]:.3f} and {shares[1]:.3f} (about {expected[0]:g} and {expected[1]:g}), "
                        f"and not one draw of the other {len(given) - k} tokens."))
    return results


EXERCISES = {
    "act5-predict-temperature": predict_temperature,
    "act5-break-stop": break_stop,
    "act5-extend-top-k": extend_top_k,
}


# --- The quiz ------------------------------------------------------------------------------

def _default_temperature():
    import inspect

    from microgpt.sample import sample

    return inspect.signature(sample).parameters["temperature"].default


ODDS, LOW_T = 3, 0.5  # the quiz's two tokens: 3 times as likely as each other at T = 1


def _odds_at_temperature():
    probs = softmax([Value(math.log(ODDS)) / LOW_T, Value(0.0) / LOW_T])
    return round(probs[0].data / probs[1].data, 6)


QUIZ = [
    {
        "question": "What temperature does microgpt sample with by default?",
        "answer": _default_temperature,
        "explanation": "sample() divides every score by {answer} before softmax: below 1, the likely "  # typed: 1 -- the temperature that leaves the probabilities as learned
                       "letters get likelier.",
    },
    {
        "question": f"At temperature 1 one token is {ODDS} times as likely as another. How many "  # typed: 1 -- the temperature that leaves the probabilities as learned
                    f"times as likely is it at temperature {LOW_T}?",
        "answer": _odds_at_temperature,
        "explanation": "Dividing the scores by {t} doubles them, which squares the ratio of the "
                       "probabilities: {odds} times becomes {answer} times.",
        "values": lambda: {"t": LOW_T, "odds": ODDS},
    },
    {
        "question": "What is the longest name, in letters, the default model can write?",
        "answer": lambda: GPTConfig().block_size,
        "explanation": "The loop stops at block_size positions ({answer}) even if BOS never comes.",
    },
    {
        "question": "As the temperature goes towards 0, sampling becomes...",  # typed: 0 -- the limit the question is about
        "choices": ["always the most likely token", "a uniform choice", "more random"],
        "answer": lambda: "always the most likely token",
        "explanation": "Dividing by a tiny temperature makes the largest score dwarf the others, so "
                       "softmax puts almost all the probability on it.",
    },
    {
        "question": "Can a sampled name be a name from the training data?",
        "choices": ["Yes", "No"],
        "answer": lambda: "Yes",
        "explanation": "The model learned the names' letter patterns, and common names are the "
                       "likeliest strings under them: nothing forbids drawing one.",
    },
]
