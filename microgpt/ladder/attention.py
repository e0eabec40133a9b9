"""Rung 4, attention: positions, one head of attention, rmsnorm and residuals."""

# --8<-- [start:model]
# the package's pieces
from microgpt.model import GPTConfig, init_params, linear, rmsnorm, softmax

CONFIG = GPTConfig(n_head=1)  # one head, one layer: the package's shape otherwise


def init(tokenizer, rng):
    # wte, wpe, lm_head, then the layer's matrices
    return init_params(CONFIG, tokenizer.vocab_size, rng)


def num_params(state_dict):
    return sum(len(row) for mat in state_dict.values() for row in mat)


# --8<-- [start:forward]
def forward(state_dict, token_id, pos_id, keys, values):
    """Every earlier token, through one head of attention over the whole vector."""
    tok_emb = state_dict["wte"][token_id]  # what this token is
    pos_emb = state_dict["wpe"][pos_id]    # where it stands
    x = [t + p for t, p in zip(tok_emb, pos_emb)]
    x = rmsnorm(x)

    # Attention: look back at every earlier position, take in a weighted mix.
    x_residual = x
    x = rmsnorm(x)
    q = linear(x, state_dict["layer0.attn_wq"])  # what this position seeks
    k = linear(x, state_dict["layer0.attn_wk"])  # what it offers later ones
    v = linear(x, state_dict["layer0.attn_wv"])  # what it passes on
    keys.append(k)
    values.append(v)
    d = len(q)
    attn_logits = [sum(qj * kj for qj, kj in zip(q, ki)) / d**0.5 for ki in keys]
    attn_weights = softmax(attn_logits)
    x_attn = [sum(w * vi[j] for w, vi in zip(attn_weights, values))
              for j in range(d)]
    x = linear(x_attn, state_dict["layer0.attn_wo"])
    x = [a + b for a, b in zip(x, x_residual)]  # residual: add what came in

    # MLP, as on the rung below, now with rmsnorm before it, a residual around it.
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

    def next_logits(token_id, pos_id):
        logits = forward(state_dict, token_id, pos_id, keys, values)
        return [z.data for z in logits]
    return next_logits
# --8<-- [end:model]


# --8<-- [start:backward]
def document_loss(state_dict, tokens, n):
    """One name's loss as a Value, whose backward() fills in every gradient."""
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
