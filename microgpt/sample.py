"""Act 5, the voice: let the trained model write, one character at a time."""

# --8<-- [start:sample]
from microgpt.model import gpt, softmax  # the forward pass; scores -> probabilities


def sample(state_dict, config, tokenizer, rng, temperature=0.5):
    """One new name: start from BOS, draw each next token; stop at BOS or
    block_size."""
    keys = [[] for _ in range(config.n_layer)]
    values = [[] for _ in range(config.n_layer)]
    token_id = tokenizer.bos
    ids = []
    for pos_id in range(config.block_size):
        logits = gpt(state_dict, config, token_id, pos_id, keys, values)
        probs = softmax([logit / temperature for logit in logits])  # T < 1 sharpens
        weights = [p.data for p in probs]
        token_id = rng.choices(range(tokenizer.vocab_size), weights=weights)[0]
        if token_id == tokenizer.bos:  # the model says the name is finished
            break
        ids.append(token_id)
    return tokenizer.decode(ids)
# --8<-- [end:sample]
