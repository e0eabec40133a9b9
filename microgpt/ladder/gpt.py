"""Rung 5, the full GPT: several heads and a loop of layers; still plain SGD."""

# --8<-- [start:model]
# the package's model, as it is
from microgpt.model import GPTConfig, gpt, init_params

CONFIG = GPTConfig()  # 4 heads, n_layer layers (1 by default): the package's model


def init(tokenizer, rng):
    return init_params(CONFIG, tokenizer.vocab_size, rng)


def num_params(state_dict):
    return sum(len(row) for mat in state_dict.values() for row in mat)


def reader(state_dict):
    keys = [[] for _ in range(CONFIG.n_layer)]  # one name's KV cache, per layer
    values = [[] for _ in range(CONFIG.n_layer)]

    def next_logits(token_id, pos_id):
        logits = gpt(state_dict, CONFIG, token_id, pos_id, keys, values)
        return [z.data for z in logits]
    return next_logits
# --8<-- [end:model]


# --8<-- [start:backward]
from microgpt.train import document_loss  # the package's: gpt() at every position
# --8<-- [end:backward]


# --8<-- [start:train_step]
from microgpt.ladder.autograd import sgd_update  # the rung below's SGD, unchanged
from microgpt.model import parameters  # every Value of a state dict, in one list


def train_step(state_dict, tokens, step, num_steps):
    loss = document_loss(state_dict, CONFIG, tokens)  # at most CONFIG.block_size
    loss.backward()
    sgd_update(parameters(state_dict), step, num_steps)
    return loss.data
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
