"""Rung 6, Adam: the package's own model and training, exactly; the top of the ladder."""

# --8<-- [start:model]
from microgpt.model import GPTConfig, gpt, init_params, parameters  # the package's model

CONFIG = GPTConfig()  # 4 heads, n_layer layers (1 by default): the package's model


def init(tokenizer, rng):
    state_dict = init_params(CONFIG, tokenizer.vocab_size, rng)
    params = parameters(state_dict)
    return {"state_dict": state_dict, "params": params, "tokenizer": tokenizer,
            "m": [0.0] * len(params), "v": [0.0] * len(params)}  # Adam's memory: 2 numbers a weight


def num_params(model):
    return len(model["params"])


def reader(model):
    keys, values = [[] for _ in range(CONFIG.n_layer)], [[] for _ in range(CONFIG.n_layer)]
    return lambda token_id, pos_id: [z.data for z in gpt(model["state_dict"], CONFIG, token_id, pos_id, keys, values)]
# --8<-- [end:model]


# --8<-- [start:train_step]
from microgpt.train import AdamConfig, train_step as package_train_step  # Adam, and its step


def train_step(model, tokens, step, num_steps):
    """The package's own step: forward, backward, and an Adam update instead of SGD."""
    tokenizer = model["tokenizer"]
    doc = tokenizer.decode(tokens)  # the package's step takes the name itself
    return package_train_step(model["state_dict"], model["params"], CONFIG, tokenizer, doc,
                              model["m"], model["v"], step, num_steps, AdamConfig())
# --8<-- [end:train_step]


if __name__ == "__main__":
    import sys
    from microgpt.ladder.terms import main
    main(sys.modules[__name__])
