"""The sentences of Acts 4 and 5 that read an output, checked against the numbers they read.

Each test finds its sentence on the page (so a reworded sentence must come with its check),
takes what the sentence claims out of it (a name, two letters, "millions"), and computes the
same thing from the package, the data file or the reference checkpoint. A new checkpoint that
changes an output, or a sentence edited to say something else, fails here.
"""

import math
import random
import re
from collections import Counter
from functools import cache
from pathlib import Path

from microgpt.checkpoint import load_checkpoint, rng_state_from_json, state_dict_of
from microgpt.cli import build_parser
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.engine import Value
from microgpt.model import GPTConfig, gpt, softmax
from microgpt.sample import sample
from microgpt.train import AdamConfig, adam_update, document_loss

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHECKPOINT = ROOT / "docs" / "checkpoints" / "names-1000.json"


def page(name):
    """The page's text with every run of whitespace (line breaks, a fold's indent) made one space."""
    return " ".join((DOCS / name).read_text(encoding="utf-8").split())


def claim(name, pattern):
    """The match of pattern on the page; a failure names the sentence that went missing."""
    found = re.search(pattern, page(name))
    assert found, f"{name}: no sentence matches {pattern!r}: reword it here together with its check"
    return found


@cache
def reference():
    ckpt = load_checkpoint(CHECKPOINT)
    return (ckpt, state_dict_of(ckpt["weights"]), GPTConfig(**ckpt["config"]),
            Tokenizer(tuple(ckpt["vocab"])))


@cache
def shuffled_docs():
    """The names in the order the reference run met them: step i trained on docs[i]."""
    docs = load_docs(default_data_path())
    random.Random(reference()[0]["seed"]).shuffle(docs)
    return tuple(docs)


@cache
def run_samples():
    """The names `microgpt run` printed after training: the checkpoint's random stream, at the
    default temperature and number of samples (what print_samples draws)."""
    ckpt, state_dict, config, tokenizer = reference()
    rng = random.Random()
    rng.setstate(rng_state_from_json(ckpt["rng_state"]))
    num = build_parser().parse_args(["run"]).num
    return tuple(sample(state_dict, config, tokenizer, rng) for _ in range(num))


def name_probability(name):
    _, state_dict, config, tokenizer = reference()
    tokens = [tokenizer.bos] + tokenizer.encode(name) + [tokenizer.bos]
    return math.exp(-(len(tokens) - 1) * document_loss(state_dict, config, tokens).data)


def running_mean(losses, window):
    """The coloured line of the loss curve (docsite/plots.py: loss_curve)."""
    return [sum(losses[max(0, i - window + 1): i + 1]) / (i + 1 - max(0, i - window + 1))
            for i in range(len(losses))]


# --- Act 4 -----------------------------------------------------------------------------------

ACT4 = "act-4-training.md"


def test_act4_names_the_first_name_of_the_run():
    first = claim(ACT4, r"Its first name is `(\w+)`")[1]
    assert first == shuffled_docs()[0]
    spelled = claim(ACT4, r"one name from the data:<br>BOS ([a-z ]+) BOS")[1]
    assert spelled.split() == list(first)
    assert claim(ACT4, r"guess the `(\w)` of `(\w+)`").groups() == (first[0], first)


def test_act4_running_mean_drops_below_the_blind_guess_at_once_and_stays():
    claim(ACT4, r"The running mean \(in colour\) drops below the blind guess, the dashed line, "
                r"almost at once and never comes back above it")
    ckpt, _, _, tokenizer = reference()
    losses = ckpt["losses"]
    blind = math.log(tokenizer.vocab_size)
    window = 50  # plots.py's loss_curve
    above = [i for i, mean in enumerate(running_mean(losses, window)) if mean >= blind]
    assert above, "the running mean starts below the blind guess: 'drops below' is wrong"
    # 'almost at once': every step at or above it comes within the first 1% of the run
    assert above == list(range(len(above))) and len(above) <= len(losses) // 100, above


def test_act4_the_trained_model_is_far_less_surprised_than_at_the_start():
    claim(ACT4, r"After \{\{ num_steps \}\} steps the model is far less surprised by real names than "
                r"it was at the start")
    losses = reference()[0]["losses"]
    first, last = sum(losses[:100]) / 100, sum(losses[-100:]) / 100
    # 'far less': the last hundred steps average well below both the start and the blind guess
    assert last < first - 0.25 and last < losses[0] - 0.5, (losses[0], first, last)


def test_act4_longest_name_just_fits_the_block_size():
    claim(ACT4, r"The longest bundled name has \{\{ name_len_max \}\} letters: with a `BOS` at each "
                r"end, that is \{\{ block_size \}\} predictions, exactly the block size")
    longest = max(len(name) for name in load_docs(default_data_path()))
    assert longest + 1 == GPTConfig().block_size


def test_act4_adam_moves_about_one_learning_rate_whatever_the_gradient_size():
    claim(ACT4, r"a weight whose gradients keep pointing the same way moves about one learning "
                r"rate per step, whether they are tiny or huge")
    opt = AdamConfig()
    for gradient in (1e-4, 1.0, 1e4):
        p, m, v = Value(0.0), [0.0], [0.0]
        for step in range(20):
            p.grad = gradient
            before = p.data
            adam_update([p], m, v, step, 1000, opt)
            lr_t = opt.learning_rate * (1 - step / 1000)
            assert math.isclose(before - p.data, lr_t, rel_tol=1e-3), (gradient, step)


def test_act4_adam_memories_are_short_and_shorter_than_the_papers():
    claim(ACT4, r"`m` the last few names, `v` many more\. Both are shorter memories than the "
                r"defaults of Adam's authors")
    opt = AdamConfig()
    m_memory, v_memory = 1 / (1 - opt.beta1), 1 / (1 - opt.beta2)
    assert m_memory < 10 <= v_memory / m_memory  # a few steps, and many more
    assert opt.beta1 < 0.9 and opt.beta2 < 0.999  # Kingma and Ba, Algorithm 1


def test_act4_uncorrected_first_steps_are_too_large():
    claim(ACT4, r"so the uncorrected step is too \*large\* for the first steps")
    opt = AdamConfig()
    p, m, v = Value(0.0), [0.0], [0.0]
    for step in range(6):
        p.grad = 1.0
        adam_update([p], m, v, step, 1000, opt)
        assert m[0] / math.sqrt(v[0]) > 1  # in units of the learning rate; corrected: 1


# --- Act 5 -----------------------------------------------------------------------------------

ACT5 = "act-5-voice.md"


def test_act5_first_name_of_the_run_and_its_letters():
    found = claim(ACT5, r"the first name the trained reference model writes \(the first of its "
                        r"\[samples\]\(#twenty-names\)\) is `(\w+)`: it drew `(\w)`, then "
                        r"((?:`\w`, )*)and then `BOS`")
    name, first, rest = found[1], found[2], re.findall(r"`(\w)`", found[3])
    assert name == run_samples()[0]
    assert [first, *rest] == list(name)


def test_act5_some_samples_are_real_names_none_of_them_seen_in_training():
    claim(ACT5, r"Some of these are names people have, and yet training never showed the model "
                r"any of them")
    claim(ACT5, r"Yet some of the run's samples are real names, and none of them was among the "
                r"names it was shown")
    ckpt = reference()[0]
    known = set(load_docs(default_data_path()))
    shown = set(shuffled_docs()[: ckpt["step"]])
    real = [name for name in run_samples() if name in known]
    assert len(real) >= 2 and not set(real) & shown, real


def test_act5_names_end_most_often_on_the_same_letters_as_the_data():
    found = claim(ACT5, r"most often on an \*(\w)\* or an \*(\w)\*, just like the names it was "
                        r"trained on")
    claimed = list(found.groups())

    def commonest(names):
        return [letter for letter, _ in Counter(n[-1] for n in names if n).most_common(2)]

    assert commonest(run_samples()) == claimed
    assert commonest(load_docs(default_data_path())) == claimed


def test_act5_an_empty_name_is_likelier_at_a_high_temperature():
    claim(ACT5, r"It can even come up first, more likely at a high temperature")
    _, state_dict, config, tokenizer = reference()
    logits = gpt(state_dict, config, tokenizer.bos, 0, [[]], [[]])
    p_end = [softmax([z / t for z in logits])[tokenizer.bos].data for t in (0.5, 1.0, 1.5, 2.0)]
    assert p_end == sorted(p_end), p_end


def test_act5_typical_names_are_millions_of_times_likelier_than_an_odd_one():
    found = claim(ACT5, r"`(\w+)` \(one of the run's samples\) and `(\w+)` follow the commonest "
                        r"patterns, and the model finds them (\w+) of times likelier than `(\w+)`, "
                        r"a real name in the list but an odd one; `(\w+)`, which breaks every "
                        r"pattern, is less likely still")
    sampled, common, size, odd, broken = found.groups()
    assert sampled in run_samples()
    orders = {"thousands": 3, "millions": 6, "billions": 9}
    assert size in orders, size
    for name in (sampled, common):
        ratio = name_probability(name) / name_probability(odd)
        assert 10 ** orders[size] <= ratio < 10 ** (orders[size] + 3), (name, ratio)
    assert odd in set(load_docs(default_data_path()))
    assert name_probability(broken) < name_probability(odd)


def test_act5_the_figure_says_training_set_where_the_page_says_it_does():
    if re.search(r"the figure calls them the training set", page(ACT5)):
        assert "in the training set" in (DOCS / "javascripts" / "figures.js").read_text(encoding="utf-8")


def test_act5_the_block_size_is_longer_than_every_name():
    claim(ACT5, r"At low temperatures this practically never happens, since the training names "
                r"have at most \{\{ name_len_max \}\} letters")
    assert max(len(n) for n in load_docs(default_data_path())) < GPTConfig().block_size
