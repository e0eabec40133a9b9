"""Act 3, the mind: the parameters, and the function that turns a token into a guess
at the next."""

# --8<-- [start:config]
from dataclasses import dataclass  # dataclass, for the hyperparameters


@dataclass(frozen=True)
class GPTConfig:
    """The shape of the model. Frozen: its shape never changes once it exists."""

    n_embd: int = 16      # width: how many numbers describe each position
    n_head: int = 4       # attention heads, each reading n_embd // n_head of them
    n_layer: int = 1      # transformer blocks, one after the other
    block_size: int = 16  # the longest context the model can see, in tokens

    def __post_init__(self):  # each head needs a whole slice of the n_embd numbers
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd {self.n_embd} is not divisible"
                             f" by n_head {self.n_head}")

    @property
    def head_dim(self):
        return self.n_embd // self.n_head
# --8<-- [end:config]


# --8<-- [start:init_params]
from microgpt.engine import Value  # Value, the scalar that carries a gradient


def matrix(rng, nout, nin, std=0.08):
    """nout rows of nin random Values, drawn from a normal distribution around 0."""
    return [[Value(rng.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]


def init_params(config, vocab_size, rng):
    """Every weight of the model, as a dict of named matrices (the "state dict")."""
    d = config.n_embd
    state_dict = {
        "wte": matrix(rng, vocab_size, d),         # token embeddings, per token
        "wpe": matrix(rng, config.block_size, d),  # position embeddings
        "lm_head": matrix(rng, vocab_size, d),     # a vector -> token scores
    }
    for i in range(config.n_layer):
        state_dict[f"layer{i}.attn_wq"] = matrix(rng, d, d)      # queries
        state_dict[f"layer{i}.attn_wk"] = matrix(rng, d, d)      # keys
        state_dict[f"layer{i}.attn_wv"] = matrix(rng, d, d)      # values
        state_dict[f"layer{i}.attn_wo"] = matrix(rng, d, d)      # mixes the heads
        state_dict[f"layer{i}.mlp_fc1"] = matrix(rng, 4 * d, d)  # MLP: widen to 4d
        state_dict[f"layer{i}.mlp_fc2"] = matrix(rng, d, 4 * d)  # MLP: back to d
    return state_dict


def parameters(state_dict):
    """All the model's Values in one flat list, in a fixed order: what Adam
    updates."""
    return [p for mat in state_dict.values() for row in mat for p in row]
# --8<-- [end:init_params]


# --8<-- [start:linear]
def linear(x, w):
    """Matrix times vector: output i is the dot product of row i of w with x."""
    return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]
# --8<-- [end:linear]


# --8<-- [start:softmax]
def softmax(logits):
    """Turn any list of scores into probabilities: positive, and summing to 1."""
    max_val = max(val.data for val in logits)  # subtracting it avoids overflow
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]
# --8<-- [end:softmax]


# --8<-- [start:rmsnorm]
def rmsnorm(x):
    """Rescale a vector so that its root mean square is 1."""
    ms = sum(xi * xi for xi in x) / len(x)  # mean of the squares
    scale = (ms + 1e-5) ** -0.5             # 1 / sqrt(ms); 1e-5 keeps it finite
    return [xi * scale for xi in x]
# --8<-- [end:rmsnorm]


# --8<-- [start:gpt]
def gpt(state_dict, config, token_id, pos_id, keys, values):
    """One position through the model: a token in, a score for every possible
    next token out.

    keys and values hold, for each layer, what the earlier positions of this
    sequence left behind (the KV cache); this call appends its own.
    """
    # --8<-- [start:embed]
    tok_emb = state_dict["wte"][token_id]  # what this token is
    pos_emb = state_dict["wpe"][pos_id]    # where it stands
    x = [t + p for t, p in zip(tok_emb, pos_emb)]
    x = rmsnorm(x)
    # --8<-- [end:embed]

    for li in range(config.n_layer):
        # --8<-- [start:attention]
        # 1) Attention: look back at every earlier position, take in a weighted mix.
        x_residual = x
        x = rmsnorm(x)
        q = linear(x, state_dict[f"layer{li}.attn_wq"])  # what this position seeks
        k = linear(x, state_dict[f"layer{li}.attn_wk"])  # what it offers later ones
        v = linear(x, state_dict[f"layer{li}.attn_wv"])  # what it passes on
        keys[li].append(k)
        values[li].append(v)
        x_attn = []
        for h in range(config.n_head):
            hs = h * config.head_dim  # this head's slice of the vector
            q_h = q[hs : hs + config.head_dim]
            k_h = [ki[hs : hs + config.head_dim] for ki in keys[li]]
            v_h = [vi[hs : hs + config.head_dim] for vi in values[li]]
            attn_logits = [
                sum(q_h[j] * k_h[t][j] for j in range(config.head_dim))
                / config.head_dim**0.5
                for t in range(len(k_h))
            ]
            attn_weights = softmax(attn_logits)
            head_out = [
                sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h)))
                for j in range(config.head_dim)
            ]
            x_attn.extend(head_out)
        x = linear(x_attn, state_dict[f"layer{li}.attn_wo"])
        x = [a + b for a, b in zip(x, x_residual)]  # residual: add what came in
        # --8<-- [end:attention]

        # --8<-- [start:mlp]
        # 2) MLP: think about what was gathered, one position at a time.
        x_residual = x
        x = rmsnorm(x)
        x = linear(x, state_dict[f"layer{li}.mlp_fc1"])
        x = [xi.relu() for xi in x]
        x = linear(x, state_dict[f"layer{li}.mlp_fc2"])
        x = [a + b for a, b in zip(x, x_residual)]  # residual again
        # --8<-- [end:mlp]

    logits = linear(x, state_dict["lm_head"])  # a score per token of the vocabulary
    return logits
# --8<-- [end:gpt]
