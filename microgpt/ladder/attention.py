"""Rung 4, attention: positions, one attention head, rmsnorm and residual connections."""

# --8<-- [start:model]
from microgpt.model import GPTConfig, init_params, linear, rmsnorm, softmax  # the package's pieces

CONFIG = GPTConfig(n_head=1)  # one head, one layer: the package's shape otherwise


def init(tokenizer, rng):
    return init_params(CONFIG, tokenizer.vocab_size, rng)  # wte, wpe, lm_head, then the layer's


def num_params(state_dict):
    return sum(len(row) for mat in state_dict.values() for row in mat)


# --8<-- [start:forward]
def forward(state_dict, token_id, pos_id, keys, values):
    """Every earlier token, through attention: one head over the whole vector, one layer."""
    x = [t + p for t, p in zip(state_dict["wte"][token_id], state_dict["wpe"][pos_id])]
    x = rmsnorm(x)

    # Attention: score every position so far against this one, take in a weighted mix.
    x_residual = x
    x = rmsnorm(x)
    q = linear(x, state_dict["layer0.attn_wq"])  # what this position is looking for
    keys.append(linear(x, state_dict["layer0.attn_wk"]))  # what each position offers
    values.append(linear(x, state_dict["layer0.attn_wv"]))  # what it passes on when chosen
    d = len(q)
    attn_weights = softmax([sum(qj * kj for qj, kj in zip(q, k)) / d**0.5 for k in keys])
    x_attn = [sum(w * v[j] for w, v in zip(attn_weights, values)) for j in range(d)]
    x = linear(x_attn, state_dict["layer0.attn_wo"])
    x = [a + b for a, b in zip(x, x_residual)]  # residual: add what came in

    # MLP, as on the rung below, now with rmsnorm before it and a residual around it.
    x_residual = x
    x = rmsnorm(x)
    x = linear(x, state_dict["layer0.mlp_fc1"])
    x = [xi.relu() for xi in x]
    x = linear(x, state_dict["layer0.mlp_fc2"])
    x = [a + b for a, b in zip(x, x_residual)]
    return linear(x, state_dict["lm_head"])
# --8<-- [end:forward]


def reader(state_dict):
    keys, values = [], []  # the KV cache of one name
    return lambda token_id, pos_id: [z.data for z in forward(state_dict, token_id, pos_id, keys, values)]
# --8<-- [end:model]


# --8<-- [start:backward]
def document_loss(state_dict, tokens, n):
    """The loss of one name as a Value: loss.backward() then fills in every gradient."""
    keys, values = [], []
    losses = []
    for pos_id in range(n):
        probs = softmax(forward(state_dict, tokens[pos_id], pos_id, keys, values))
        losses.append(-probs[tokens[pos_id + 1]].log())
    return (1 / n) * sum(losses)
# --8<-- [end:backward]


# --8<-- [start:train_step]
from microgpt.ladder.autograd import sgd_update  # the rung below's SGD, unchanged
from microgpt.ladder.terms import BLOCK_SIZE  # at most 16 predictions per name
from microgpt.model import parameters  # every Value of a state dict, in one list


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
