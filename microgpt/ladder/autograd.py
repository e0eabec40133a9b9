"""Rung 3, the same MLP, with gradients from the autograd Value, not by hand."""

# --8<-- [start:model]
from microgpt.model import linear, matrix, softmax  # the package's, on Values


def init(tokenizer, rng, n_embd=16):
    v, d = tokenizer.vocab_size, n_embd
    return {"wte": matrix(rng, v, d),         # a vector per token
            "lm_head": matrix(rng, v, d),     # a vector -> a score per token
            "mlp_fc1": matrix(rng, 4 * d, d),  # widen to 4 * n_embd
            "mlp_fc2": matrix(rng, d, 4 * d)}  # back to n_embd


def num_params(state_dict):
    return sum(len(row) for mat in state_dict.values() for row in mat)


def forward(state_dict, token_id):
    """The previous token only: embedded, through the MLP, to next-token scores."""
    x = state_dict["wte"][token_id]
    x = linear(x, state_dict["mlp_fc1"])
    x = [xi.relu() for xi in x]
    x = linear(x, state_dict["mlp_fc2"])
    return linear(x, state_dict["lm_head"])


def reader(state_dict):
    return lambda token_id, pos_id: [z.data for z in forward(state_dict, token_id)]
# --8<-- [end:model]


# --8<-- [start:backward]
def document_loss(state_dict, tokens, n):
    """One name's loss as a Value, whose backward() fills in every gradient."""
    losses = []
    for pos_id in range(n):
        probs = softmax(forward(state_dict, tokens[pos_id]))
        losses.append(-probs[tokens[pos_id + 1]].log())
    return (1 / n) * sum(losses)
# --8<-- [end:backward]


# --8<-- [start:train_step]
# BLOCK_SIZE: at most 16 predictions a name; LEARNING_RATE: SGD's first step
from microgpt.ladder.terms import BLOCK_SIZE, LEARNING_RATE
from microgpt.model import parameters  # every Value of a state dict, in one list


def sgd_update(params, step, num_steps):
    """Plain gradient descent (SGD): step every parameter, then zero its grad."""
    lr_t = LEARNING_RATE * (1 - step / num_steps)
    for p in params:
        p.data -= lr_t * p.grad  # a step against the gradient
        p.grad = 0


def train_step(state_dict, tokens, step, num_steps):
    loss = document_loss(state_dict, tokens, min(BLOCK_SIZE, len(tokens) - 1))
    loss.backward()
    sgd_update(parameters(state_dict), step, num_steps)
    return loss.data
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
