"""Rung 2, an MLP: learned weights instead of counts, and gradients by hand."""

# --8<-- [start:model]
import math  # math.exp, math.log

from microgpt.ladder.terms import add_up  # floats summed in order, on any Python


def matrix(rng, nout, nin, std=0.08):
    """nout rows of nin floats: the package's matrix() draws, without Values."""
    return [[rng.gauss(0, std) for _ in range(nin)] for _ in range(nout)]


def init(tokenizer, rng, n_embd=16):
    v, d = tokenizer.vocab_size, n_embd
    return {"wte": matrix(rng, v, d),         # a vector per token
            "lm_head": matrix(rng, v, d),     # a vector -> a score per token
            "mlp_fc1": matrix(rng, 4 * d, d),  # widen to 4 * n_embd
            "mlp_fc2": matrix(rng, d, 4 * d)}  # back to n_embd


def num_params(state_dict):
    return sum(len(row) for mat in state_dict.values() for row in mat)


def linear(x, w):
    return [add_up(wi * xi for wi, xi in zip(wo, x)) for wo in w]


def forward(state_dict, token_id):
    """The previous token only: embedded, through the MLP, to next-token scores."""
    x = state_dict["wte"][token_id]
    h = linear(x, state_dict["mlp_fc1"])
    a = [max(0.0, hi) for hi in h]  # relu
    y = linear(a, state_dict["mlp_fc2"])
    logits = linear(y, state_dict["lm_head"])
    return x, h, a, y, logits


def reader(state_dict):
    return lambda token_id, pos_id: forward(state_dict, token_id)[-1]
# --8<-- [end:model]


# --8<-- [start:backward]
def backward(state_dict, tokens, n):
    """The loss of one name and its gradient for every weight, by the chain rule."""
    grads = {name: [[0.0] * len(mat[0]) for _ in mat]
             for name, mat in state_dict.items()}
    loss = 0.0
    for pos_id in range(n):
        token_id, target_id = tokens[pos_id], tokens[pos_id + 1]
        x, h, a, y, logits = forward(state_dict, token_id)
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = add_up(exps)
        probs = [e / total for e in exps]
        loss += -math.log(probs[target_id]) / n
        # d(loss)/d(logit_i) = (p_i - [i is the target]) / n: softmax and log as one
        d_logits = [(p - (i == target_id)) / n for i, p in enumerate(probs)]
        d_y = outer_back(grads["lm_head"], state_dict["lm_head"], d_logits, y)
        d_a = outer_back(grads["mlp_fc2"], state_dict["mlp_fc2"], d_y, a)
        # relu passes the gradient where h > 0, and none where it is not
        d_h = [g if hi > 0 else 0.0 for g, hi in zip(d_a, h)]
        d_x = outer_back(grads["mlp_fc1"], state_dict["mlp_fc1"], d_h, x)
        d_wte = grads["wte"][token_id]  # this token's row of the gradient
        grads["wte"][token_id] = [g + dx for g, dx in zip(d_wte, d_x)]
    return loss, grads


def outer_back(grad_w, w, d_out, x):
    """Backward through linear(x, w): add d_out x^T to grad_w, return w^T d_out."""
    for row, g in zip(grad_w, d_out):
        for j, xj in enumerate(x):
            row[j] += g * xj
    return [add_up(w[i][j] * d_out[i] for i in range(len(w)))
            for j in range(len(x))]
# --8<-- [end:backward]


# --8<-- [start:train_step]
# BLOCK_SIZE: at most 16 predictions a name; LEARNING_RATE: SGD's first step
from microgpt.ladder.terms import BLOCK_SIZE, LEARNING_RATE


def train_step(state_dict, tokens, step, num_steps):
    """One step of plain gradient descent (SGD) on one name."""
    loss, grads = backward(state_dict, tokens, min(BLOCK_SIZE, len(tokens) - 1))
    lr_t = LEARNING_RATE * (1 - step / num_steps)
    for name, mat in state_dict.items():
        for row, grad_row in zip(mat, grads[name]):
            for j, g in enumerate(grad_row):
                row[j] -= lr_t * g  # a step against the gradient
    return loss
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
