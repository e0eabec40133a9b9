"""Act 4's exercises and quiz: the blind loss, zeroing the gradients, cross-entropy from scratch."""

import math
import random

from microgpt.engine import Value
from microgpt.model import softmax
from microgpt.train import AdamConfig


def predict_blind(code):
    from docsite.live.exercises import check_prediction

    probs = softmax([Value(0.0) for _ in range(27)])
    return check_prediction(code, str(round(-probs[4].log().data, 4)))  # 4 places, as the page shows ln 27


def break_zero_grad(code):
    from docsite.live.exercises import Run, check_answer

    run, sgd_step, results = Run.requiring(code, "sgd_step(params, learning_rate)")
    if sgd_step is None:
        return results
    # One weight with a known gradient, through two steps.
    start, gradient, learning_rate, next_gradient = 1.0, 4.0, 0.1, 2.0
    w = Value(start)
    w.grad = gradient
    sgd_step([w], learning_rate)
    moved_to = start - learning_rate * gradient
    if not math.isclose(w.data, moved_to):
        results.append((False, f"sgd_step should still move a weight of {start} with gradient {gradient} "
                        f"to {moved_to:g} (learning rate {learning_rate}), and moved it to {w.data}: "
                        "change only the reset of the gradient."))
        return results
    results.append((True, f"sgd_step still takes the step: {start} - {learning_rate} * {gradient} "
                    f"= {moved_to:g}."))
    if w.grad == 0:
        results.append((False, f"After sgd_step the gradient is back to {w.grad}: the next backward() "
                        "starts fresh, nothing is broken yet. Which line resets it?"))
    else:
        (w * next_gradient).backward()  # the next step's gradient; backward() adds it to what is there
        results.append((True, f"After sgd_step the gradient stays at {gradient}, so the next backward() "
                        f"leaves {w.grad} instead of {next_gradient}: every step now also repeats all "
                        "the steps before it, and the loss stops falling steadily."))
    results.append(check_answer(
        run, "moved_by", "sum",
        "Right: with nothing resetting .grad, backward() adds the second step's gradient to the first's.",
        "Not quite: backward() uses +=. What is in .grad when the second step's backward() starts?"))
    return results


def extend_cross_entropy(code):
    from docsite.live.exercises import Run

    _, cross_entropy, results = Run.requiring(code, "cross_entropy(logits, target)")
    if cross_entropy is None:
        return results
    rng = random.Random(4)
    trials = 5
    for trial in range(trials):
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
                            "should be its probability, less one for the target."))
            return results
    results.append((True, f"On {trials} random sets of scores the loss equals -log(softmax(...)[target]), "
                    "and every score's gradient is its probability, less one for the target."))
    scores, target = [1000.0, 0.0], 1  # exp(1000) overflows a float
    want = max(scores) - scores[target]  # -log(softmax) when one score dwarfs the other
    try:
        big = cross_entropy([Value(s) for s in scores], target)
    except OverflowError:
        results.append((False, f"With a score of {scores[0]:g} it raises OverflowError: subtract the "
                        "largest score before exp(), and add it back after log()."))
        return results
    if math.isclose(big.data, want, rel_tol=1e-9):
        results.append((True, f"With a score of {scores[0]:g} it still gives the right loss, {want:g}: "
                        "no overflow."))
    else:
        results.append((False, f"With the scores {scores} and target {target}, the loss should be "
                        f"{want:g} and is {big.data}."))
    return results


EXERCISES = {
    "act4-predict-blind": predict_blind,
    "act4-break-zero-grad": break_zero_grad,
    "act4-extend-cross-entropy": extend_cross_entropy,
}


# --- The quiz ------------------------------------------------------------------------------

RIGHT_PROBABILITY, DECIMALS = 0.75, 3  # the first question's model, and how its answer is rounded


def _loss_when_sure():
    odds = RIGHT_PROBABILITY / (1 - RIGHT_PROBABILITY)
    probs = softmax([Value(0.0), Value(math.log(odds))])  # 1 - p and p
    return round(-probs[1].log().data, DECIMALS)


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


FIRST_GRADIENT = 0.37  # any nonzero gradient would do


def _first_adam_step():
    """The size of Adam's very first step for any nonzero gradient: the learning rate."""
    from microgpt.train import adam_update

    opt = AdamConfig()
    p = Value(0.0)
    p.grad = FIRST_GRADIENT
    adam_update([p], [0.0], [0.0], 0, 1000, opt)
    return round(abs(p.data), 6)


QUIZ = [
    {
        "question": f"The model gives the right next letter a probability of {RIGHT_PROBABILITY}. "
                    f"What is the loss at that position (to {DECIMALS} decimals)?",
        "answer": _loss_when_sure,
        "tolerance": 0.5 * 10**-DECIMALS,  # 0.2877 and 0.288 both count
        "explanation": "The loss is -ln(probability of the right token): -ln {p} = {answer}. "
                       "A model sure of the right letter would not be surprised at all.",
        "values": lambda: {"p": RIGHT_PROBABILITY},
    },
    {
        "question": f"With the default learning rate and {LR_STEPS} steps, what is the learning rate "
                    f"at step {LR_STEP} (steps counted from 1, as the training log counts them)?",  # typed: 1 -- the log's first step is step 1
        "answer": _lr_at_step,
        "explanation": "Step t uses {lr} * (1 - (t - 1) / {steps}): step {step} comes {before} steps "  # typed: 1 1 -- the schedule's formula, as the page writes it
                       "after the first, so its rate is {answer}. The rate never quite runs out: the "
                       "last step uses {lr} / {steps}.",
        "values": lambda: {"lr": AdamConfig().learning_rate, "steps": LR_STEPS, "step": LR_STEP,
                           "before": LR_STEP - 1},
    },
    {
        "question": "At the first step (default settings), how far does Adam move a weight whose "
                    f"gradient is {FIRST_GRADIENT}?",
        "answer": _first_adam_step,
        "explanation": "Bias correction makes m_hat the gradient and v_hat its square, so the step is "
                       "lr * g / |g| = {answer}, whatever the gradient's size.",
    },
    {
        "question": "Why does training reset every gradient after each step?",
        "choices": ["backward() adds to .grad, so old gradients would pile up",
                    "Resetting them makes the next loss smaller",
                    "Adam needs empty gradients to compute its moments"],
        "answer": lambda: "backward() adds to .grad, so old gradients would pile up",
        "explanation": "The += that makes a reused Value right within one step would carry every "
                       "earlier step's gradient into the next.",
    },
    {
        "question": "What does one training step of microgpt see?",
        "choices": ["One name", "A batch of many names", "All the names"],
        "answer": lambda: "One name",
        "explanation": "train_step takes one document, wraps it in BOS, and averages the loss over "
                       "its positions: one name per step.",
    },
]
