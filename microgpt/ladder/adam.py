"""Rung 6, Adam: the package's own model and training, exactly: the top rung."""

# --8<-- [start:model]
# the package's model, as it is
from microgpt.model import GPTConfig, gpt, init_params, parameters

CONFIG = GPTConfig()  # 4 heads, n_layer layers (1 by default): the package's model


def init(tokenizer, rng):
    state_dict = init_params(CONFIG, tokenizer.vocab_size, rng)
    params = parameters(state_dict)
    # m and v: Adam's memory, two numbers a weight
    return {"state_dict": state_dict, "params": params, "tokenizer": tokenizer,
            "m": [0.0] * len(params), "v": [0.0] * len(params)}


def num_params(model):
    return len(model["params"])


def reader(model):
    keys = [[] for _ in range(CONFIG.n_layer)]  # one name's KV cache, per layer
    values = [[] for _ in range(CONFIG.n_layer)]

    def next_logits(token_id, pos_id):
        logits = gpt(model["state_dict"], CONFIG, token_id, pos_id, keys, values)
        return [z.data for z in logits]
    return next_logits
# --8<-- [end:model]


# --8<-- [start:train_step]
# Adam's settings, and the package's step
from microgpt.train import AdamConfig, train_step as package_train_step


def train_step(model, tokens, step, num_steps):
    """The package's own step: forward, backward, an Adam update instead of SGD."""
    tokenizer = model["tokenizer"]
    doc = tokenizer.decode(tokens)  # the package's step takes the name itself
    return package_train_step(model["state_dict"], model["params"], CONFIG,
                              tokenizer, doc, model["m"], model["v"], step,
                              num_steps, AdamConfig())
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
