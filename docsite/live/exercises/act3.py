"""Act 3's exercises and quiz: softmax, why it subtracts the maximum, and the parameter count."""

import math
import random
import sys

from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, init_params, parameters, rmsnorm, softmax


def predict_softmax(code):
    from docsite.live.exercises import check_prediction

    probs = softmax([Value(0.0), Value(0.0), Value(math.log(2))])
    return check_prediction(code, str([round(p.data, 3) for p in probs]))


def break_softmax(code):
    from docsite.live.exercises import Run

    _, my_softmax, results = Run.requiring(code, "my_softmax(logits)", may_raise=True)
    if my_softmax is None:
        return results
    small = [1.0, 2.0, 3.0]
    want = [p.data for p in softmax([Value(s) for s in small])]
    got = [p.data for p in my_softmax([Value(s) for s in small])]
    if all(math.isclose(g, w, rel_tol=1e-9) for g, w in zip(got, want)) and len(got) == len(want):
        results.append((True, "On the scores 1, 2, 3 it still gives the right probabilities: "  # typed: 1 2 3 -- the scores the check feeds it
                        "the change does not show on small scores."))
    else:
        results.append((False, f"On the scores 1, 2, 3 it should still give {[round(w, 3) for w in want]}, "  # typed: 1 2 3 -- the scores the check feeds it
                        f"not {[round(g, 3) for g in got]}: remove only the subtraction."))
    try:
        big = my_softmax([Value(1000.0), Value(1001.0), Value(1002.0)])
    except OverflowError:
        results.append((True, "On the scores 1000, 1001, 1002 it now raises OverflowError: e to the "  # typed: 1000 1001 1002 -- the scores the check feeds it
                        "1000 is far beyond the largest float "  # typed: 1000 -- the smallest of those scores
                        f"(about {sys.float_info.max:.1e}). Subtracting the largest score first "
                        "turns them into -2, -1, 0 and changes no probability."))  # typed: 2 1 0 -- the same scores minus the largest, worked out
    else:
        results.append((False, f"On the scores 1000, 1001, 1002 it still works "  # typed: 1000 1001 1002 -- the scores the check feeds it
                        f"({[round(p.data, 3) for p in big]}): it is not broken yet. What does it "
                        "subtract before exp()?"))
    return results


def extend_params(code):
    from docsite.live.exercises import Run

    _, count_params, results = Run.requiring(code, "count_params(config, vocab_size)")
    if count_params is None:
        return results
    shapes = [(GPTConfig(), 27), (GPTConfig(n_layer=2), 27), (GPTConfig(n_embd=8, n_head=2, n_layer=3), 5),
              (GPTConfig(n_embd=12, n_head=3, n_layer=1, block_size=4), 11)]
    for config, vocab_size in shapes:
        real = len(parameters(init_params(config, vocab_size, random.Random(0))))
        got = count_params(config, vocab_size)
        if got != real:
            results.append((False, f"For n_embd={config.n_embd}, n_layer={config.n_layer}, "
                            f"block_size={config.block_size} and {vocab_size} tokens the model has "
                            f"{real} parameters; count_params says {got}."))
            return results
    layers = sorted({config.n_layer for config, _ in shapes})
    results.append((True, f"count_params agrees with the real model (init_params) for {len(shapes)} "
                    f"shapes, with {', '.join(map(str, layers[:-1]))} and {layers[-1]} layers."))
    return results


EXERCISES = {
    "act3-predict-softmax": predict_softmax,
    "act3-break-softmax": break_softmax,
    "act3-extend-params": extend_params,
}


# --- The quiz ------------------------------------------------------------------------------

def _num_params():
    vocab_size = Tokenizer.from_docs(load_docs(default_data_path())).vocab_size
    return len(parameters(init_params(GPTConfig(), vocab_size, random.Random(42))))


def _rms_after_norm():
    x = rmsnorm([Value(3.0), Value(4.0)])
    return round(math.sqrt(sum(v.data**2 for v in x) / len(x)), 3)


def _softmax_shift_same():
    a = [p.data for p in softmax([Value(1.0), Value(2.0)])]
    b = [p.data for p in softmax([Value(101.0), Value(102.0)])]
    return "They stay the same" if all(math.isclose(x, y) for x, y in zip(a, b)) else "They change"


QUIZ = [
    {
        "question": "How many parameters does the default model have (GPTConfig(), on the bundled names)?",
        "answer": _num_params,
        "explanation": "The tables wte, wpe and lm_head, plus the layer's attention matrices (attn_wq, "
                       "attn_wk, attn_wv, attn_wo) and MLP matrices (mlp_fc1, mlp_fc2), make {answer} "
                       "numbers.",
    },
    {
        "question": "Each head reads a slice of the vector. How many numbers wide is a head by default?",
        "answer": lambda: GPTConfig().head_dim,
        "explanation": "n_embd {n_embd} shared by n_head {n_head}: {answer} numbers each.",
        "values": lambda: {"n_embd": GPTConfig().n_embd, "n_head": GPTConfig().n_head},
    },
    {
        "question": "Add 100 to every score before softmax. What happens to the probabilities?",  # typed: 100 -- the shift the question asks about
        "choices": ["They stay the same", "They change"],
        "answer": _softmax_shift_same,
        "explanation": "e**(s+100) is e**s times e**100 for every score; the common factor cancels "  # typed: 100 100 -- the same shift, in the working
                       "in the division. That is why subtracting the maximum is safe.",
    },
    {
        "question": "rmsnorm([3, 4]): what is the root mean square of the result (to 3 decimals)?",  # typed: 3 4 3 -- the question's input, and the rounding it asks for
        "answer": _rms_after_norm,
        "tolerance": 0.0005,  # asked to 3 decimals: 0.2877 and 0.288 both count
        "explanation": "rmsnorm divides by the root mean square (plus a tiny constant inside the root), "
                       "so the result's is {answer}: the direction is kept, the size is reset.",
    },
    {
        "question": "What does a residual connection do?",
        "choices": ["Adds what came into a block to what the block computed",
                    "Multiplies the block's output by a learned weight",
                    "Removes the block's output during training"],
        "answer": lambda: "Adds what came into a block to what the block computed",
        "explanation": "x = [a + b for a, b in zip(x, x_residual)]: each block edits the vector "
                       "instead of rewriting it, and gradients flow straight through the sum.",
    },
]
