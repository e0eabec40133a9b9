"""Act 4, the training: how wrong is the model on one name? Nudge every weight to be
less wrong."""

# --8<-- [start:document_loss]
from microgpt.model import gpt, softmax  # the forward pass; scores -> probabilities


def document_loss(state_dict, config, tokens):
    """Average cross-entropy of predicting each next token of one document, as one
    Value."""
    n = min(config.block_size, len(tokens) - 1)  # predictions; cut if longer
    keys = [[] for _ in range(config.n_layer)]    # the KV cache, empty per document
    values = [[] for _ in range(config.n_layer)]
    losses = []
    for pos_id in range(n):
        token_id, target_id = tokens[pos_id], tokens[pos_id + 1]
        logits = gpt(state_dict, config, token_id, pos_id, keys, values)
        probs = softmax(logits)
        losses.append(-probs[target_id].log())  # small if the truth was likely
    return (1 / n) * sum(losses)
# --8<-- [end:document_loss]


# --8<-- [start:adam]
from dataclasses import dataclass  # dataclass, for the optimizer's settings


@dataclass(frozen=True)
class AdamConfig:
    learning_rate: float = 0.01  # the first step's size; decays linearly
    beta1: float = 0.85          # running mean of gradients: share kept
    beta2: float = 0.99          # the same for squared gradients
    eps: float = 1e-8            # keeps the division finite near 0


def adam_update(params, m, v, step, num_steps, opt):
    """One Adam step on every parameter, in place; then zero the gradients for the
    next one.

    step counts from 0; m and v hold each parameter's running moments between steps.
    """
    lr_t = opt.learning_rate * (1 - step / num_steps)  # linear decay towards 0
    for i, p in enumerate(params):
        m[i] = opt.beta1 * m[i] + (1 - opt.beta1) * p.grad     # mean of gradients
        v[i] = opt.beta2 * v[i] + (1 - opt.beta2) * p.grad**2  # mean of squares
        m_hat = m[i] / (1 - opt.beta1 ** (step + 1))  # bias correction: m, v start
        v_hat = v[i] / (1 - opt.beta2 ** (step + 1))  # at 0: early means grow
        p.data -= lr_t * m_hat / (v_hat**0.5 + opt.eps)  # a step downhill
        p.grad = 0  # gradients accumulate with +=: reset them
# --8<-- [end:adam]


# --8<-- [start:train_step]
def train_step(state_dict, params, config, tokenizer, doc, m, v, step, num_steps,
               opt):
    """One step on one document: forward to the loss, backward to the gradients,
    update."""
    tokens = [tokenizer.bos] + tokenizer.encode(doc) + [tokenizer.bos]  # BOS..BOS
    loss = document_loss(state_dict, config, tokens)
    loss.backward()
    adam_update(params, m, v, step, num_steps, opt)
    return loss.data
# --8<-- [end:train_step]
