"""Act 4's exercises and quiz: the blind loss, zeroing the gradients, cross-entropy from scratch."""

import math
import random

from microgpt.engine import Value
from microgpt.model import softmax
from microgpt.train import AdamConfig


def predict_blind(code):
    from exercises import check_prediction

    probs = softmax([Value(0.0) for _ in range(27)])
    return check_prediction(code, str(round(-probs[4].log().data, 3)))


def break_zero_grad(code):
    from exercises import Run, check_answer

    run = Run(code)
    results = [run.result()]
    sgd_step = run.get("sgd_step", "function")
    if not run.ok or sgd_step is None:
        return results + [(False, "Keep the function sgd_step(params, learning_rate): the check calls it.")]
    # One weight with a known gradient, through two steps.
    w = Value(1.0)
    w.grad = 4.0
    sgd_step([w], 0.1)
    if not math.isclose(w.data, 0.6):
        results.append((False, f"sgd_step should still move a weight of 1.0 with gradient 4.0 to 0.6 "
                        f"(learning rate 0.1), and moved it to {w.data}: change only the zeroing."))
        return results
    results.append((True, "sgd_step still takes the step: 1.0 - 0.1 * 4.0 = 0.6."))
    if w.grad == 0:
        results.append((False, "After sgd_step the gradient is 0 again: the next backward() starts "
                        "fresh, nothing is broken yet. Which line resets it?"))
    else:
        (w * 2).backward()  # the next step's gradient is 2; backward() adds it to what is there
        results.append((True, f"After sgd_step the gradient stays at 4.0, so the next backward() "
                        f"leaves {w.grad} instead of 2: every step now also repeats all the steps "
                        "before it, and the loss stops falling steadily."))
    results.append(check_answer(
        run, "moved_by", "sum",
        "Right: with nothing zeroing .grad, backward() adds step 2's gradient to step 1's.",
        "Not quite: backward() uses +=. What is in .grad when step 2's backward() starts?"))
    return results


def extend_cross_entropy(code):
    from exercises import Run

    run = Run(code)
    results = [run.result()]
    cross_entropy = run.get("cross_entropy", "function")
    if not run.ok or cross_entropy is None:
        return results + [(False, "Keep the function cross_entropy(logits, target): the check calls it.")]
    rng = random.Random(4)
    for trial in range(5):
        scores = [rng.uniform(-4, 4) for _ in range(6)]
        target = rng.randrange(6)
        want = -softmax([Value(s) for s in scores])[target].log()
        logits = [Value(s) for s in scores]
        got = cross_entropy(logits, target)
        if not isinstance(got, Value) or not math.isclose(got.data, want.data, rel_tol=1e-9):
            shown = got.data if isinstance(got, Value) else got
            results.append((False, f"For the scores {[round(s, 2) for s in scores]} and target {target} "
                            f"the loss is {want.data:.6f}; cross_entropy gives {shown}."))
            return results
        got.backward()
        probs = [p.data for p in softmax([Value(s) for s in scores])]
        expected = [p - (i == target) for i, p in enumerate(probs)]  # d(loss)/d(score i)
        if not all(math.isclose(s.grad, e, abs_tol=1e-9) for s, e in zip(logits, expected)):
            results.append((False, "The loss is right but its gradients are not: for each score they "
                            "should be its probability, minus 1 for the target."))
            return results
    results.append((True, "On 5 random sets of scores the loss equals -log(softmax(...)[target]), "
                    "and every score's gradient is its probability minus 1 for the target."))
    try:
        big = cross_entropy([Value(1000.0), Value(0.0)], 1)
    except OverflowError:
        results.append((False, "With a score of 1000 it raises OverflowError: subtract the largest "
                        "score before exp(), and add it back after log()."))
        return results
    if math.isclose(big.data, 1000.0, rel_tol=1e-9):
        results.append((True, "With a score of 1000 it still gives the right loss, 1000: no overflow."))
    else:
        results.append((False, f"With the scores 1000 and 0, target 1, the loss should be 1000 and is {big.data}."))
    return results


EXERCISES = {
    "act4-predict-blind": predict_blind,
    "act4-break-zero-grad": break_zero_grad,
    "act4-extend-cross-entropy": extend_cross_entropy,
}


# --- The quiz ------------------------------------------------------------------------------

def _loss_when_sure():
    probs = softmax([Value(0.0), Value(math.log(3))])  # 1/4 and 3/4
    return round(-probs[1].log().data, 3)


LR_STEPS, LR_STEP = 1000, 500  # the run length and the step the quiz asks about


def _lr_at_step():
    """The learning rate adam_update applies at step LR_STEP of LR_STEPS, counting steps from 1
    as the page and the training log do: one weight with a constant gradient of 1 moves by it."""
    from microgpt.train import adam_update

    opt = AdamConfig()
    p, m, v = Value(0.0), [0.0], [0.0]
    for step in range(LR_STEP):  # the code counts from 0: its step LR_STEP - 1 is step LR_STEP
        p.grad = 1.0
        before = p.data
        adam_update([p], m, v, step, LR_STEPS, opt)
    return round(before - p.data, 6)  # lr_t, less a hair for eps


def _first_adam_step():
    """The size of Adam's very first step for any nonzero gradient: the learning rate."""
    from microgpt.train import adam_update

    opt = AdamConfig()
    p = Value(0.0)
    p.grad = 0.37
    adam_update([p], [0.0], [0.0], 0, 1000, opt)
    return round(abs(p.data), 6)


QUIZ = [
    {
        "question": "The model gives the right next letter a probability of 3/4. What is the "
                    "loss at that position (to 3 decimals)?",
        "answer": _loss_when_sure,
        "tolerance": 0.0005,  # asked to 3 decimals: 0.2877 and 0.288 both count
        "explanation": "The loss is -ln(probability of the right token): -ln 0.75 = {answer}. "
                       "A sure, right model would score 0.",
    },
    {
        "question": f"With the default learning rate and {LR_STEPS} steps, what is the learning rate "
                    f"at step {LR_STEP} (steps counted from 1, as the training log counts them)?",
        "answer": _lr_at_step,
        "explanation": "Step t uses {lr} * (1 - (t - 1) / {steps}): step {step} comes {before} steps "
                       "after step 1, so its rate is {answer}. The rate never reaches 0: the last "
                       "step uses {lr} / {steps}.",
        "values": lambda: {"lr": AdamConfig().learning_rate, "steps": LR_STEPS, "step": LR_STEP,
                           "before": LR_STEP - 1},
    },
    {
        "question": "At the first step (default settings), how far does Adam move a weight whose "
                    "gradient is 0.37?",
        "answer": _first_adam_step,
        "explanation": "Bias correction makes m_hat the gradient and v_hat its square, so the step is "
                       "lr * g / |g| = {answer}, whatever the gradient's size.",
    },
    {
        "question": "Why does training zero every gradient after each step?",
        "choices": ["backward() adds to .grad, so old gradients would pile up",
                    "Zero gradients make the next loss smaller",
                    "Adam needs gradients of zero to compute its moments"],
        "answer": lambda: "backward() adds to .grad, so old gradients would pile up",
        "explanation": "The += that makes a reused Value right within one step would carry every "
                       "earlier step's gradient into the next.",
    },
    {
        "question": "What does one training step of microgpt see?",
        "choices": ["One name", "A batch of 32 names", "All the names"],
        "answer": lambda: "One name",
        "explanation": "train_step takes one document, wraps it in BOS, and averages the loss over "
                       "its positions: one name per step.",
    },
]
