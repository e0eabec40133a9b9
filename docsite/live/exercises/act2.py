"""Act 2's exercises and quiz: gradients that add up, and a new operation for Value."""

import math
import random

from microgpt.engine import Value


def predict_reuse(code):
    from docsite.live.exercises import check_prediction

    a = Value(3.0)
    out = a * a + a
    out.backward()
    return check_prediction(code, str(a.grad))


def break_accumulate(code):
    from docsite.live.exercises import Run, check_answer

    run, backward, results = Run.requiring(code, "backward(root)")
    if backward is None:
        return results
    # A graph where every Value is used once: x*y + z. Its gradients are right either way.
    x, y, z = Value(2.0), Value(-4.0), Value(5.0)
    backward(x * y + z)
    right = (y.data, x.data, 1)  # d/dx = y, d/dy = x, d/dz = 1
    if (x.grad, y.grad, z.grad) == right:
        results.append((True, f"On x*y + z, where each input is used once, the gradients are still "
                        f"right {right}: one path each, nothing to add up."))
    else:
        results.append((False, f"On x*y + z the gradients should be {right} but are "
                        f"({x.grad}, {y.grad}, {z.grad}): break only the accumulation, not the rest."))
    a, reference = Value(3.0), Value(3.0)
    backward(a * a + a)
    (reference * reference + reference).backward()  # the package's own backward(), unbroken
    if a.grad == reference.grad:
        results.append((False, f"On a*a + a, a.grad is still {a.grad}, the right answer: backward() is "
                        "not broken yet. Change the one line that passes a gradient on."))
    else:
        results.append((True, f"On a*a + a, a.grad is now {a.grad} instead of {reference.grad}: every use "
                        "of a sent a share, and only the last one was kept."))
    results.append(check_answer(
        run, "wrong", "reused",
        "Right: only a Value used more than once is wrong; the model reuses its weights at every "
        "position, so training would follow wrong gradients.",
        "Look again at x*y + z: those gradients are still right. What is different about a?"))
    return results


NUDGE = 1e-6  # the nudge of the finite-difference check, each way
LOW, HIGH = -3, 3  # where the random inputs of the tanh check are drawn
FACTOR = 3  # the check multiplies tanh(a) by this, so the chain rule is used too


def finite_difference(f, x, h=NUDGE):
    return (f(x + h) - f(x - h)) / (2 * h)


def extend_tanh(code):
    from docsite.live.exercises import Run

    _, tanh, results = Run.requiring(code, "tanh(a)")
    if tanh is None:
        return results
    rng = random.Random(2)
    inputs = [rng.uniform(LOW, HIGH) for _ in range(6)]
    for x in inputs:
        got = tanh(Value(x))
        if not isinstance(got, Value) or not math.isclose(got.data, math.tanh(x), abs_tol=1e-12):
            results.append((False, f"tanh(Value({x:.3f})) should be a Value holding {math.tanh(x):.6f}."))
            return results
    results.append((True, f"The forward value is right at {len(inputs)} random inputs in [{LOW}, {HIGH}]."))
    for x in inputs:
        a = Value(x)
        out = tanh(a) * FACTOR  # through one more operation, so the chain rule is used too
        out.backward()
        numeric = finite_difference(lambda t: FACTOR * math.tanh(t), x)
        if not math.isclose(a.grad, numeric, rel_tol=1e-5, abs_tol=1e-7):
            results.append((False, f"At a = {x:.3f} the gradient of {FACTOR}*tanh(a) is {a.grad}, but nudging a "
                            f"by ±{NUDGE} says {numeric:.6f}. Check the local gradient."))
            return results
    results.append((True, f"Its gradient agrees with finite differences (nudging a by ±{NUDGE}) at every "
                    "one of those inputs, through a multiplication after it as well."))
    return results


EXERCISES = {
    "act2-predict-reuse": predict_reuse,
    "act2-break-accumulate": break_accumulate,
    "act2-extend-tanh": extend_tanh,
}


# --- The quiz ------------------------------------------------------------------------------

A, B = 2.0, 3.0  # the inputs of the worked example, a and b
POWER_BASE, POWER = 4.0, -1  # the last question's a and exponent


def _grad_of_product():
    a, b = Value(A), Value(B)
    (a * b).backward()
    return a.grad


def _grad_of_worked_example():
    a, b = Value(A), Value(B)
    (a * b + a).backward()
    return a.grad


def _grad_after_two_backwards():
    a, b = Value(A), Value(B)
    out = a * b
    out.backward()
    out.backward()
    return a.grad


def _pow_local_grad():
    a = Value(POWER_BASE)
    (a**POWER).backward()
    return a.grad


QUIZ = [
    {
        "question": f"a = Value({A}), b = Value({B}), then (a * b).backward(). What is a.grad?",
        "answer": _grad_of_product,
        "explanation": "The local gradient of a*b towards a is b, here {answer}: a's share in the "
                       "product grows with b.",
    },
    {
        "question": f"The worked example: L = a*b + a with a = {A:g}, b = {B:g}. What is a.grad after "
                    "L.backward()?",
        "answer": _grad_of_worked_example,
        "explanation": "a reaches L by both paths, through a*b (worth b = {b}) and directly (worth "
                       "one); += adds them: {answer}.",
        "values": lambda: {"b": f"{B:g}"},
    },
    {
        "question": f"out = a * b with a = {A:g}, b = {B:g}; out.backward() is called a second time. "
                    "What is a.grad?",
        "answer": _grad_after_two_backwards,
        "explanation": "backward() adds to .grad and nothing zeroes it in between, so the second "
                       "call adds b once more: {answer}. That is why training zeroes every gradient "
                       "after each step.",
    },
    {
        "question": "In what order does backward() visit the graph?",
        "choices": ["From the output back to the inputs, every node after all that use it",
                    "From the inputs to the output, in the order they were created",
                    "In any order: the chain rule does not care"],
        "answer": lambda: "From the output back to the inputs, every node after all that use it",
        "explanation": "A node may pass its gradient on only once it is complete, that is once "
                       "every node computed from it has sent its share: the reversed topological order.",
    },
    {
        "question": f"a = Value({POWER_BASE}); (a ** {POWER}).backward(). What is a.grad?",
        "answer": _pow_local_grad,
        "explanation": "d(a**k)/da = k * a**(k-1), so {k} * {a}**({k_minus_one}) = {answer}: division "
                       "in Value is built from this power.",
        "values": lambda: {"k": POWER, "a": f"{POWER_BASE:g}", "k_minus_one": POWER - 1},
    },
]
