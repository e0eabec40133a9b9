"""The efficiency boundary: the same GPT on NumPy arrays, every position of a
document at once.

Same weights, same arithmetic, same Adam as the scalar engine, so the losses and
samples agree with it; but each operation now works on a whole (T, C) array in
compiled code, and the backward pass is written out by hand, one formula per
operation, instead of being read off a graph of scalar Values. An optional extra:
the core package does not need NumPy; the command line loads this module only for
--engine vectorized.

Shapes in comments: T positions of the document, C = n_embd, H = n_head,
D = head_dim = C // H, V = vocab_size, N = number of parameters.
"""

# --8<-- [start:pack]
import numpy as np  # np.array, np.float64: the arrays every function below works on


def pack(weights, m, v):
    """Plain lists in, arrays out: each weight matrix becomes a view into one
    flat buffer.

    weights maps name -> list of rows (the scalar state dict's .data, in
    init_params order); m and v are Adam's moments, flat lists in parameters()
    order. That order is the buffer's order, so Adam can update every parameter
    in a handful of whole-buffer operations.
    """
    flat = [x for rows in weights.values() for row in rows for x in row]
    buffer = np.array(flat, dtype=np.float64)  # (N,)
    P, start = {}, 0
    for name, rows in weights.items():
        nout, nin = len(rows), len(rows[0])
        end = start + nout * nin
        P[name] = buffer[start:end].reshape(nout, nin)  # (nout, nin), a view
        start = end
    M = np.array(m, dtype=np.float64)  # (N,) running mean of the gradient
    V = np.array(v, dtype=np.float64)  # (N,) running mean of its square
    return P, M, V


def unpack(P, M, V):
    """Arrays back to the plain lists pack() took; tolist() gives back the
    exact floats."""
    weights = {name: w.tolist() for name, w in P.items()}
    return weights, M.tolist(), V.tolist()


def flat_buffer(P):
    """The (N,) buffer that every matrix of P is a view into: what Adam updates."""
    buffer = P["wte"].base  # a view's .base is the array that owns its memory
    if buffer is None or buffer.ndim != 1:
        raise ValueError("P must come from pack(): its matrices must be views"
                         " into one flat buffer")
    return buffer
# --8<-- [end:pack]


# --8<-- [start:linear]
def linear(x, w):
    """Every position at once: row t of the result is w times row t of x, as
    one matrix product."""
    return x @ w.T  # (T, nin) @ (nin, nout) -> (T, nout)
# --8<-- [end:linear]


# --8<-- [start:softmax]
import numpy as np  # np.exp


def softmax(logits):
    """Probabilities along the last axis. An entry of -inf (masked out) gets
    exactly 0."""
    top = logits.max(axis=-1, keepdims=True)  # (..., 1) each row's largest
    exps = np.exp(logits - top)               # (..., n) the scalar subtracts it too
    total = exps.sum(axis=-1, keepdims=True)  # (..., 1)
    return exps * (1 / total)                 # (..., n) as the scalar does a / b
# --8<-- [end:softmax]


# --8<-- [start:rmsnorm]
def rmsnorm(x):
    """Rescale each row to root mean square 1. The scale is returned too:
    backward needs it."""
    sq = (x * x).sum(axis=-1, keepdims=True)  # (T, 1) sum of the squares
    ms = sq * (1 / x.shape[-1])               # (T, 1) mean of the squares
    scale = (ms + 1e-5) ** -0.5               # (T, 1) 1 / sqrt(ms)
    return x * scale, scale                   # (T, C), (T, 1)


def rmsnorm_backward(dy, y, scale):
    """Gradient through y = x * scale(x), given the output y: the direct path
    plus the path through the scale. With d scale / d x_i = -scale**3 * x_i / C
    and y = x * scale, it comes to dx = scale * (dy - y * mean(dy * y)): the
    part of dy along y is taken out, then rescaled."""
    mean_dy_y = (dy * y).sum(axis=-1, keepdims=True) * (1 / y.shape[-1])  # (T, 1)
    return scale * (dy - y * mean_dy_y)                                   # (T, C)
# --8<-- [end:rmsnorm]


# --8<-- [start:causal_mask]
from functools import lru_cache  # lru_cache, to build each mask once
import numpy as np               # np.triu, np.full


@lru_cache(maxsize=None)
def causal_mask(T):
    """(T, T): 0 where position t may look at position s (s <= t), -inf where
    s is still to come.

    Adding it to the attention scores before the softmax gives the future
    weight exactly 0: the same arithmetic as the scalar engine, whose KV cache
    only ever holds the past.
    """
    full = np.full((T, T), -np.inf)  # (T, T) -inf everywhere
    mask = np.triu(full, k=1)        # (T, T) -inf strictly above the diagonal
    mask.flags.writeable = False     # shared between calls: nobody may change it
    return mask
# --8<-- [end:causal_mask]


# --8<-- [start:forward]
import numpy as np  # np.asarray, np.maximum


def forward(P, config, tokens):
    """All positions at once: token ids (T,) in, logits (T, V) out, plus what
    backward() needs."""
    T, C, H, D = len(tokens), config.n_embd, config.n_head, config.head_dim
    if T > config.block_size:
        raise ValueError(f"{T} tokens do not fit in block_size {config.block_size}")
    tokens = np.asarray(tokens)  # (T,)
    # --8<-- [start:embed]
    tok_emb = P["wte"][tokens]                   # (T, C) what each token is,
    pos_emb = P["wpe"][:T]                       # (T, C) plus where it stands
    x, embed_scale = rmsnorm(tok_emb + pos_emb)  # (T, C), (T, 1)
    # --8<-- [end:embed]
    cache = {"tokens": tokens, "x": x, "embed_scale": embed_scale, "layers": []}

    for li in range(config.n_layer):
        # --8<-- [start:attention]
        # 1) Attention, every position and head at once; the mask hides each
        # position's future.
        wq, wk = P[f"layer{li}.attn_wq"], P[f"layer{li}.attn_wk"]
        wv, wo = P[f"layer{li}.attn_wv"], P[f"layer{li}.attn_wo"]
        x_residual = x                             # (T, C)
        xn, scale1 = rmsnorm(x)                    # (T, C), (T, 1)
        q = linear(xn, wq)                         # (T, C)
        k = linear(xn, wk)                         # (T, C)
        v = linear(xn, wv)                         # (T, C)
        q = q.reshape(T, H, D).transpose(1, 0, 2)  # (H, T, D) one slice per head
        k = k.reshape(T, H, D).transpose(1, 0, 2)  # (H, T, D)
        v = v.reshape(T, H, D).transpose(1, 0, 2)  # (H, T, D)

        kT = k.transpose(0, 2, 1)           # (H, D, T)
        scores = (q @ kT) * (1 / D**0.5)    # (H, T, D) @ (H, D, T) -> (H, T, T)
        scores = scores + causal_mask(T)    # (H, T, T) -inf where s > t
        attn = softmax(scores)              # (H, T, T) row t: weights over s <= t
        y = attn @ v                        # (H, T, T) @ (H, T, D) -> (H, T, D)
        y = y.transpose(1, 0, 2)            # (T, H, D)
        heads = y.reshape(T, C)             # (T, C) the heads side by side
        x = linear(heads, wo) + x_residual  # (T, C) residual: add what came in
        # --8<-- [end:attention]

        # --8<-- [start:mlp]
        # 2) MLP: each position on its own; one matrix product per layer covers
        # all of them.
        fc1, fc2 = P[f"layer{li}.mlp_fc1"], P[f"layer{li}.mlp_fc2"]
        x_residual = x                   # (T, C)
        xn2, scale2 = rmsnorm(x)         # (T, C), (T, 1)
        h_pre = linear(xn2, fc1)         # (T, 4C)
        h = np.maximum(h_pre, 0.0)       # (T, 4C) relu
        x = linear(h, fc2) + x_residual  # (T, C) residual again
        # --8<-- [end:mlp]
        cache["layers"].append({"xn": xn, "scale1": scale1, "q": q, "k": k, "v": v,
                                "attn": attn, "heads": heads, "xn2": xn2,
                                "scale2": scale2, "h_pre": h_pre, "h": h})

    cache["x_out"] = x                # (T, C)
    logits = linear(x, P["lm_head"])  # (T, V) a score per token, at every position
    return logits, cache
# --8<-- [end:forward]


# --8<-- [start:attention_maps]
import numpy as np  # np.stack


def attention_maps(P, config, tokens):
    """The attention weights of every layer and head, (n_layer, n_head, T, T):
    row t, column s is how much position t takes from position s (zero above
    the diagonal)."""
    _, cache = forward(P, config, tokens)
    maps = [layer["attn"] for layer in cache["layers"]]  # (H, T, T) each
    return np.stack(maps)                                # (n_layer, H, T, T)
# --8<-- [end:attention_maps]


# --8<-- [start:loss]
import numpy as np  # np.arange, np.log


def cross_entropy(logits, targets):
    """Mean of -log p(target) over the positions; also the probabilities, for
    backward()."""
    T = len(targets)
    probs = softmax(logits)                        # (T, V)
    picked = probs[np.arange(T), targets]          # (T,) p(the right next token)
    return -np.log(picked).sum() * (1 / T), probs  # a float; (T, V)
# --8<-- [end:loss]


# --8<-- [start:backward]
from functools import lru_cache  # lru_cache, to build each identity matrix once
import numpy as np               # np.eye, np.zeros


@lru_cache(maxsize=None)
def identity(n):
    """The (n, n) identity matrix, built once per size and shared: nobody may
    change it."""
    eye = np.eye(n)  # (n, n)
    eye.flags.writeable = False
    return eye


def one_hot(ids, n):
    """(len(ids), n): row t is 0 everywhere except a 1 in column ids[t]."""
    return identity(n)[ids]  # (T, n) rows picked out of the identity


def backward(P, config, cache, probs, targets):
    """Every parameter's gradient, by formula: each forward line, undone in
    reverse order.

    For y = x @ w.T the gradients are dx = dy @ w and dw = dy.T @ x; a residual
    x + f(x) passes its gradient to both branches; everything else is spelled
    out where it happens.
    """
    T, C, H, D = len(targets), config.n_embd, config.n_head, config.head_dim
    grads = dict.fromkeys(P)  # the same names, in the same order, as the weights

    # loss = mean_t -log softmax(logits_t)[target_t]
    #   =>  dlogits = (probs - one_hot(targets)) / T
    targets_one_hot = one_hot(targets, len(P["wte"]))  # (T, V)
    dlogits = (probs - targets_one_hot) * (1 / T)      # (T, V)
    grads["lm_head"] = dlogits.T @ cache["x_out"]      # (V, T) @ (T, C) -> (V, C)
    dx = dlogits @ P["lm_head"]                        # (T, V) @ (V, C) -> (T, C)

    for li in reversed(range(config.n_layer)):
        layer = cache["layers"][li]
        wq, wk = P[f"layer{li}.attn_wq"], P[f"layer{li}.attn_wk"]
        wv, wo = P[f"layer{li}.attn_wv"], P[f"layer{li}.attn_wo"]
        fc1, fc2 = P[f"layer{li}.mlp_fc1"], P[f"layer{li}.mlp_fc2"]

        # MLP, backwards: x_out = fc2(relu(fc1(rmsnorm(x_in)))) + x_in
        dfc2 = dx.T @ layer["h"]        # (C, T) @ (T, 4C) -> (C, 4C)
        dh = dx @ fc2                   # (T, C) @ (C, 4C) -> (T, 4C)
        dh = dh * (layer["h_pre"] > 0)  # (T, 4C) relu passes where it was > 0
        dfc1 = dh.T @ layer["xn2"]      # (4C, T) @ (T, C) -> (4C, C)
        dxn2 = dh @ fc1                 # (T, 4C) @ (4C, C) -> (T, C)
        # the residual's gradient, plus the MLP branch's through the norm
        dx = dx + rmsnorm_backward(dxn2, layer["xn2"], layer["scale2"])  # (T, C)

        # Attention, backwards: x_out = wo(heads) + x_in,
        #   heads = softmax(q k^T / sqrt(D) + mask) v
        attn = layer["attn"]                          # (H, T, T)
        q, k, v = layer["q"], layer["k"], layer["v"]  # (H, T, D) each
        dwo = dx.T @ layer["heads"]                   # (C, T) @ (T, C) -> (C, C)
        dheads = dx @ wo                              # (T, C) @ (C, C) -> (T, C)
        dy = dheads.reshape(T, H, D)                  # (T, H, D)
        dy = dy.transpose(1, 0, 2)                    # (H, T, D)
        # y = attn @ v, backwards
        dattn = dy @ v.transpose(0, 2, 1)  # (H, T, D) @ (H, D, T) -> (H, T, T)
        dv = attn.transpose(0, 2, 1) @ dy  # (H, T, T) @ (H, T, D) -> (H, T, D)
        # softmax, backwards (a masked a_ts is 0, and so is its dscore_ts):
        #   dscore_ts = a_ts * (da_ts - sum_s' a_ts' da_ts')
        dot = (dattn * attn).sum(axis=-1, keepdims=True)  # (H, T, 1)
        dscores = attn * (dattn - dot)                    # (H, T, T)
        # scores = (q @ k^T) * (1 / sqrt(D)), backwards
        dscores *= 1 / D**0.5                # (H, T, T)
        dq = dscores @ k                     # (H, T, T) @ (H, T, D) -> (H, T, D)
        dk = dscores.transpose(0, 2, 1) @ q  # (H, T, T) @ (H, T, D) -> (H, T, D)

        dq = dq.transpose(1, 0, 2).reshape(T, C)  # (T, C) heads side by side again
        dk = dk.transpose(1, 0, 2).reshape(T, C)  # (T, C)
        dv = dv.transpose(1, 0, 2).reshape(T, C)  # (T, C)
        xn = layer["xn"]                          # (T, C)
        dwq = dq.T @ xn                           # (C, T) @ (T, C) -> (C, C)
        dwk = dk.T @ xn                           # (C, C)
        dwv = dv.T @ xn                           # (C, C)
        dxn = (dq @ wq                            # (T, C) xn feeds q, k and v:
               + dk @ wk                          # its gradient is the sum
               + dv @ wv)                         # of the three
        # the residual's gradient, plus the attention branch's through the norm
        dx = dx + rmsnorm_backward(dxn, xn, layer["scale1"])  # (T, C)

        grads[f"layer{li}.attn_wq"], grads[f"layer{li}.attn_wk"] = dwq, dwk
        grads[f"layer{li}.attn_wv"], grads[f"layer{li}.attn_wo"] = dwv, dwo
        grads[f"layer{li}.mlp_fc1"], grads[f"layer{li}.mlp_fc2"] = dfc1, dfc2

    # Embedding, backwards: x = rmsnorm(wte[tokens] + wpe[:T])
    dx_embed = rmsnorm_backward(dx, cache["x"], cache["embed_scale"])  # (T, C)
    tokens_one_hot = one_hot(cache["tokens"], len(P["wte"]))           # (T, V)
    dwte = tokens_one_hot.T @ dx_embed  # (V, T) @ (T, C) -> (V, C):
                                        # a repeated token sums its rows
    dwpe = np.zeros(P["wpe"].shape)     # (block_size, C) unused positions get 0
    dwpe[:T] = dx_embed                 # (T, C)
    grads["wte"], grads["wpe"] = dwte, dwpe
    return grads
# --8<-- [end:backward]


# --8<-- [start:loss_and_grads]
def loss_and_grads(P, config, tokens):
    """The loss on one document and every parameter's gradient; nothing is
    updated.

    tokens is the whole document, BOS name BOS; like document_loss, it predicts
    at most block_size positions and drops the rest.
    """
    n = min(config.block_size, len(tokens) - 1)   # positions to predict
    inputs, targets = tokens[:n], tokens[1 : n + 1]
    logits, cache = forward(P, config, inputs)    # (n, V)
    loss, probs = cross_entropy(logits, targets)  # a float; (n, V)
    return float(loss), backward(P, config, cache, probs, targets)
# --8<-- [end:loss_and_grads]


# --8<-- [start:adam]
import numpy as np  # np.concatenate, np.empty_like; out= fills existing arrays


def adam_update(P, grads, M, V, step, num_steps, opt):
    """One Adam step on all N parameters at once, in place: the scalar formula,
    in the same order.

    The temporaries go into two (N,) arrays (out=) rather than ten new ones: on
    a big model, fresh memory for every temporary costs more than the
    arithmetic done in it.
    """
    buffer = flat_buffer(P)                            # (N,) every weight
    if buffer.shape != M.shape:
        raise ValueError(f"{buffer.size} parameters but {M.size} moments")
    parts = [grad.ravel() for grad in grads.values()]  # one per matrix
    g = np.concatenate(parts)                          # (N,) same order as buffer
    tmp = np.empty_like(g)                             # (N,) scratch
    lr_t = opt.learning_rate * (1 - step / num_steps)  # linear decay

    M *= opt.beta1                                # (N,) m = beta1 * m
    M += np.multiply(1 - opt.beta1, g, out=tmp)   # (N,)   + (1 - beta1) * g
    V *= opt.beta2                                # (N,) v = beta2 * v
    g2 = np.square(g, out=tmp)                    # (N,) g**2
    V += np.multiply(1 - opt.beta2, g2, out=tmp)  # (N,)   + (1 - beta2) * g**2
    c1 = 1 - opt.beta1 ** (step + 1)              # bias correction: m, v start at 0
    m_hat = np.divide(M, c1, out=g)               # (N,) into g (g is used up)
    c2 = 1 - opt.beta2 ** (step + 1)              # the same for v
    v_hat = np.divide(V, c2, out=tmp)             # (N,)
    update = np.multiply(lr_t, m_hat, out=m_hat)  # (N,) lr_t * m_hat
    root = np.sqrt(v_hat, out=v_hat)              # (N,) v_hat**0.5
    update /= np.add(root, opt.eps, out=v_hat)    # (N,)   / (v_hat**0.5 + eps)
    buffer -= update                              # (N,) a step against the gradient
# --8<-- [end:adam]


# --8<-- [start:train_step]
def train_step(P, M, V, config, tokenizer, doc, step, num_steps, opt):
    """One full step on one document: forward, backward by formula, Adam.
    Returns the loss."""
    ids = tokenizer.encode(doc)
    tokens = [tokenizer.bos] + ids + [tokenizer.bos]  # BOS name BOS
    loss, grads = loss_and_grads(P, config, tokens)
    adam_update(P, grads, M, V, step, num_steps, opt)
    return loss
# --8<-- [end:train_step]


# --8<-- [start:sample]
def sample(P, config, tokenizer, rng, temperature=0.5):
    """Generate one name, drawing from rng exactly as the scalar sample() does.

    No KV cache: each step runs the whole prefix through forward() again and
    keeps the last row.
    """
    ids = [tokenizer.bos]
    for _ in range(config.block_size):
        logits, _ = forward(P, config, ids)      # (len(ids), V)
        scores = logits[-1] * (1 / temperature)  # (V,) divided as in the scalar
        probs = softmax(scores)                  # (V,)
        token_id = rng.choices(range(tokenizer.vocab_size),
                               weights=probs.tolist())[0]
        if token_id == tokenizer.bos:  # the model says the name is finished
            break
        ids.append(token_id)
    return tokenizer.decode(ids)
# --8<-- [end:sample]
