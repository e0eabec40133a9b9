"""Act 3's sentences that read an output, checked against the numbers they read.

Each test finds one sentence on the page (docs/act-3-mind.md) and the numbers it describes:
an output block of the page (as the fence tests check it), the build-time drawing of a figure
(docsite/plots.py), or the build-time facts (docsite/facts.py). Changing the output
without the sentence, or the sentence without the output, fails here. A sentence that has been
reworded fails too, with its pattern: reword the pattern with it.
"""

import importlib
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "act-3-mind.md"
VOWELS = "aeiou"


def hook(name):
    """A step of the site's build (docsite/NAME.py)."""
    return importlib.import_module(f"docsite.{name}")


@cache
def page_text():
    return PAGE.read_text(encoding="utf-8")


def sentence(pattern, literal=True):
    """The page's match of pattern, a literal text unless literal=False says it is a regular
    expression; a space in it matches any run of spaces and line breaks."""
    regex = re.sub(r"\\? ", r"\\s+", re.escape(pattern) if literal else pattern)
    found = re.search(regex, page_text())
    assert found, f"{PAGE.name}: no sentence matches {pattern!r}: was it reworded? Reword the test with it"
    return found


def output_of(code_part):
    """The checked output block of the page's one runnable fence whose code contains code_part."""
    fences = hook("fences")
    found = [r for r in fences.runnable_fences(page_text(), str(PAGE)) if code_part in r.code]
    assert len(found) == 1, f"{len(found)} fences contain {code_part!r}"
    assert found[0].output is not None, f"the fence with {code_part!r} has no output block"
    return found[0].output.splitlines()


def trained_vocabulary():
    from microgpt.checkpoint import load_checkpoint
    return [*load_checkpoint(ROOT / "docs" / "checkpoints" / "names-1000.json")["vocab"], "BOS"]


def test_after_chr_the_trained_model_wants_a_vowel_and_the_untrained_one_guesses():
    sentence('The trained model has learned that after "chr" comes mostly a vowel. The untrained one '
             'spreads its bets almost evenly')
    lines = dict(line.split(":", 1) for line in output_of('top_next(trained, "chr")'))
    trained = [(name, float(p)) for name, p in re.findall(r"(\S+) ([\d.]+)", lines["trained"])]
    untrained = [float(p) for p in re.findall(r" ([\d.]+)", lines["untrained"])]
    vowels = [p for name, p in trained if name in VOWELS]
    assert trained[0][0] in VOWELS and sum(vowels) > 0.5, trained  # "mostly a vowel"
    uniform = 1 / (len(trained_vocabulary()))
    assert max(untrained) < 2 * uniform, untrained  # "almost evenly": none near twice a blind guess


def test_one_query_looks_one_letter_back_at_the_only_positive_score():
    named = sentence(literal=False, pattern=r"The key of the `(\w)` matches the query far better "
                     r"than any other: its score is the only positive one, softmax gives it most of "
                     r"the weight, and the mix is close to the `(\w)`'s value\. At the `(\w)`, this "
                     r"head looks one letter back\.")
    key, key_again, query = named.groups()
    assert key == key_again
    lines = output_of('print(show("mix", mix))')
    split = lines.index("values, and their mix by weight:")
    rows = [line.split() for line in lines[3:split]]  # key, q.k, scaled, weight
    values = {line.split()[0]: [float(n) for n in line.split()[1:]] for line in lines[split + 1 :]}
    mix = values.pop("mix")
    positive = [row[0] for row in rows if float(row[1]) > 0]
    assert positive == [key], positive
    weights = {row[0]: float(row[3]) for row in rows}
    assert max(weights, key=weights.get) == key and weights[key] > 0.5  # "most of the weight"
    assert rows[-1][0] == query and rows[-2][0] == key  # the query is the last row; one letter back
    def distance(label):  # squared, from the mix to that letter's value
        return sum((x - y) ** 2 for x, y in zip(mix, values[label]))

    nearest = min(values, key=distance)
    assert nearest == key, (mix, values)  # "close to the value of the a"


@pytest.fixture(scope="module")
def plots():
    return hook("plots")


def test_the_vowels_sit_together_on_the_right_with_y_and_bos_nearest(plots):
    sentence("The vowels, drawn in colour, sit together on the right, apart from every consonant")
    nearest = sentence(literal=False, pattern=r"The tokens nearest to them along the first direction are `(\w+)`, often a "
                       r"vowel's stand-in, and (\w+)\.")
    labels, xy, _ = plots.embedding_coordinates(plots.trained_model())
    vowel_x = [x for label, (x, _) in zip(labels, xy) if label in VOWELS]
    others = sorted(((x, label) for label, (x, _) in zip(labels, xy) if label not in VOWELS),
                    reverse=True)
    assert min(vowel_x) > others[0][0], (vowel_x, others[:3])  # apart, and on the right
    assert {label for _, label in others[:2]} == set(nearest.groups()), others[:3]


@pytest.fixture(scope="module")
def facts():
    return hook("facts").act3_facts()


def test_the_sharp_head_and_the_broad_ones(facts):
    sentence("Head {{ attn_sharp_head }} is the sharp one")
    sentence("for heads {{ attn_broad_heads }}, which spread their weight like a running average")
    broad = [float(m) for m in re.findall(r"[\d.]+", facts["attn_broad_means"])]
    # "spread their weight": on average no position gets half of a row's weight
    assert max(broad) < 0.5 < float(facts["attn_sharp_mean"]), facts


def test_the_e_head_of_the_page_is_the_one_its_count_prints(facts):
    sentence("Over many names, head {{ attn_e_head }} most often looks hardest at an earlier `e` "
             "(at {{ attn_e_share }} of the positions that have one)")
    lines = output_of('print(f"head {h} looks hardest at an e')
    shares = {line.split()[1]: line.split()[-1] for line in lines[1:]}
    best = max(shares, key=lambda h: int(shares[h].rstrip("%")))
    assert (best, shares[best]) == (facts["attn_e_head"], facts["attn_e_share"]), shares


def test_only_earlier_positions_receive_gradient_through_the_cache():
    sentence(r"The positions before the `x` did not make this prediction, yet they receive gradient")
    sentence(r"The positions after it receive exactly nothing: the `x` never saw them")
    lines = output_of("loss = -softmax(logits[3])[w].log()")
    rows = [re.match(r"position (\d+) \(\s*(\S+)\): gradient on wpe row ([\d.]+)", line).groups()
            for line in lines]
    at = [label for _, label, _ in rows].index("x")
    assert all(float(g) > 0 for _, _, g in rows[:at]), rows
    assert all(float(g) == 0 for _, _, g in rows[at + 1 :]), rows
