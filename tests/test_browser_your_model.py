"""The reader's own model, in a real browser, carried to and from the command line.

Act 4's training figure trains on the reader's names, keeps the model in the browser
(IndexedDB) across reloads, pages and a restart of the page's Python, saves it as the
checkpoint `microgpt train --out` writes, and loads one that command wrote. These tests hold
the page to the package run here, in CPython, through the venv's own `microgpt` command:
the page's names are what `microgpt sample` prints from the downloaded file, `train --resume`
carries it on, and a terminal's checkpoint (of a shape the page cannot train) gives the page's
figures the package's own probabilities. Every bad file and every list of names the command
line would refuse gets one sentence, and the model the reader had stays, reload included.
Small shapes and few steps: the machine that runs them has two cores.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docsite.chromium import PYTHON_MS, Tab, click_nav_link

from microgpt.checkpoint import load_checkpoint, state_dict_of
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, gpt, softmax

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

MICROGPT = Path(sys.executable).with_name("microgpt")  # the venv's command, as a reader runs it
CITIES = "paris\nlondon\nberlin\nmadrid\nrome\nvienna\noslo\nlisbon\nDublin\nSão Paulo\n"


@pytest.fixture
def tab(browser, site):
    tab = Tab(browser, site, "desktop")
    yield tab
    tab.context.close()


def microgpt(*argv, cwd):
    """The command line's stdout; a failure shows its stderr."""
    done = subprocess.run([str(MICROGPT), *map(str, argv)], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def printed_samples(stdout):
    return [re.match(r"sample +\d+: (.*)$", line)[1] for line in stdout.splitlines() if line.startswith("sample")]


def package_probs(path, prefix):
    """{token: probability} after BOS + prefix, from the checkpoint file, by the package."""
    ckpt = load_checkpoint(path)
    config, tok = GPTConfig(**ckpt["config"]), Tokenizer(tuple(ckpt["vocab"]))
    sd = state_dict_of(ckpt["weights"])
    keys, values = [[] for _ in range(config.n_layer)], [[] for _ in range(config.n_layer)]
    for pos, token in enumerate([tok.bos] + tok.encode(prefix)):
        logits = gpt(sd, config, token, pos, keys, values)
    return {"BOS" if i == tok.bos else tok.chars[i]: p.data for i, p in enumerate(softmax(logits))}


def shown_probs(fig):
    rows = fig.locator("tr[data-token]")
    return {rows.nth(i).get_attribute("data-token"): float(rows.nth(i).get_attribute("data-prob"))
            for i in range(rows.count())}


def train_figure(tab):
    fig = tab.page.locator('[data-figure="train"]')
    fig.scroll_into_view_if_needed()
    return fig


def arrived(tab, page):
    """Until the address is the page's: Material's anchor tracking may add the heading in view."""
    tab.page.wait_for_url(re.compile(re.escape(tab.site.url + page) + "(#.*)?$"))


def model_name(fig):
    return fig.locator("[data-model-name]").inner_text()


def status(fig):
    return fig.locator("[data-status]").inner_text()


def train(tab, fig, steps, seed, n_embd="4"):
    fig.locator("input[name=steps]").fill(str(steps))
    fig.locator("input[name=seed]").fill(str(seed))
    fig.locator("select[name=n_embd]").select_option(n_embd)
    fig.get_by_role("button", name="Train").press("Enter")
    tab.page.wait_for_function("n => document.querySelector('[data-figure=train]').dataset.trained === n",
                               arg=str(steps), timeout=PYTHON_MS)


def act(tab, fig, do):
    """Do one thing to the model (load, back to the reference) and wait for its answer:
    "done" or "error"."""
    fig.evaluate("f => { delete f.dataset.action }")
    do()
    tab.page.wait_for_function("() => ['done', 'error'].includes(document.querySelector('[data-figure=train]').dataset.action)",
                               timeout=PYTHON_MS)
    return fig.get_attribute("data-action")


def download(tab, fig, button, folder):
    with tab.page.expect_download() as caught:
        fig.get_by_role("button", name=button).press("Enter")
    path = folder / caught.value.suggested_filename
    caught.value.save_as(path)
    return path


def load(tab, fig, path):
    return act(tab, fig, lambda: fig.get_by_label("Load a model").set_input_files(path))


def one_sentence(text):
    return "\n" not in text and "Traceback" not in text and "Error" not in text and text.endswith(".")


def numbers(value):
    if isinstance(value, dict):
        return [x for key in sorted(value) for x in numbers(value[key])]
    if isinstance(value, list):
        return [x for item in value for x in numbers(item)]
    return [value]


def assert_same_run(page, terminal):
    """Two checkpoints of one run: the same settings, data, steps and random stream; the same
    numbers up to the last few bits, since the page's Python links another maths library
    (its exp and log may round the last bit differently)."""
    floats = ("weights", "adam_m", "adam_v", "losses")
    assert {k: v for k, v in page.items() if k not in floats} == {k: v for k, v in terminal.items() if k not in floats}
    for key in floats:
        assert numbers(page[key]) == pytest.approx(numbers(terminal[key]), rel=1e-9, abs=1e-12), key


def test_a_model_trained_on_your_names_goes_to_the_terminal(tab, tmp_path):
    """Browser to terminal: the page's names are what `microgpt sample` prints from the
    downloaded checkpoint, and `train --resume` with the downloaded names carries it on,
    exactly as one longer run would have gone."""
    tab.page.goto(tab.site.url + "act-4-training/")
    fig = train_figure(tab)
    fig.get_by_label("Your names").fill(CITIES)
    tab.page.wait_for_function("document.querySelector('[data-names-check]').dataset.state === 'ok'", timeout=PYTHON_MS)
    assert fig.locator("[data-names-check]").inner_text().startswith("10 names, ")
    train(tab, fig, steps=4, seed=7)
    assert model_name(fig) == "yours: 4 steps on your 10 names"
    data = tmp_path / "cities.txt"
    data.write_text(CITIES, encoding="utf-8")
    terminal = tmp_path / "terminal.json"
    cli = microgpt("train", "--data", data, "--steps", 4, "--n-embd", 4, "--lr", 0.01, "--seed", 7, "--out", terminal,
                   cwd=tmp_path)
    logged = fig.locator("[data-train-log]").inner_text().strip().splitlines()
    assert logged == cli.strip().splitlines()[:len(logged)]

    names = [li.inner_text() for li in fig.locator("[data-samples] li").all()]
    command = fig.locator("[data-output] code").inner_text().split()
    checkpoint = download(tab, fig, "Download your model", tmp_path)
    assert checkpoint.suffix == ".json" and command[:3] == ["microgpt", "sample", "--checkpoint"]
    assert command[3] == checkpoint.name
    assert_same_run(load_checkpoint(checkpoint), load_checkpoint(terminal))
    assert printed_samples(microgpt(*command[1:], cwd=tmp_path)) == [n if n != "(empty)" else "" for n in names]
    assert len(names) == 5

    saved_names = download(tab, fig, "Download your names", tmp_path)
    assert saved_names.read_text(encoding="utf-8") == CITIES
    # resumed to step 6 from the page's file, and from the terminal's: one run, to the last bit
    for start, data_file in [(checkpoint, saved_names), (terminal, data)]:
        microgpt("train", "--resume", start, "--data", data_file, "--steps", 6, "--out", start.with_suffix(".6.json"),
                 cwd=tmp_path)
    resumed = load_checkpoint(checkpoint.with_suffix(".6.json"))
    assert resumed["step"] == 6 and resumed["losses"][:4] == load_checkpoint(checkpoint)["losses"]
    assert_same_run(resumed, load_checkpoint(terminal.with_suffix(".6.json")))
    assert tab.failures() == []


SHAPES = {  # a checkpoint's name: the shape flags of `microgpt train` that made it
    "default.json": [],
    "deep.json": ["--n-embd", 8, "--n-head", 2, "--n-layer", 2, "--block-size", 8],  # none of them the page's
}


@pytest.mark.parametrize("name", SHAPES)
def test_a_terminal_checkpoint_reads_the_same_in_the_page(tab, tmp_path, name):
    """Terminal to browser: a `microgpt train --out` file, of the default shape and of one the
    page cannot train (two layers, two heads, a shorter context), gives the figures the
    package's own probabilities; the page's samples are what `microgpt sample` prints from
    it, and Download your model gives the file back as it was."""
    checkpoint = tmp_path / name
    microgpt("train", "--steps", 2, *SHAPES[name], "--seed", 5, "--out", checkpoint, cwd=tmp_path)
    tab.page.goto(tab.site.url + "act-4-training/")
    fig = train_figure(tab)
    assert load(tab, fig, checkpoint) == "done", status(fig)
    assert model_name(fig) == f"yours: 2 steps, loaded from {name}"
    names = [li.inner_text() for li in fig.locator("[data-samples] li").all()]
    command = fig.locator("[data-output] code").inner_text().split()
    assert command[:3] == ["microgpt", "sample", "--checkpoint"]
    command[3] = checkpoint.name  # the page names the file it would save; this one is the terminal's
    assert printed_samples(microgpt(*command[1:], cwd=tmp_path)) == [n if n != "(empty)" else "" for n in names]
    (tmp_path / "back").mkdir()
    assert download(tab, fig, "Download your model", tmp_path / "back").read_bytes() == checkpoint.read_bytes()

    click_nav_link(tab.page, tab.site.url + "act-3-mind/")
    arrived(tab, "act-3-mind/")
    letter = tab.page.locator('[data-figure="next-letter"]')
    letter.scroll_into_view_if_needed()
    assert model_name(letter) == f"yours: 2 steps, loaded from {name}"
    block_size = load_checkpoint(checkpoint)["config"]["block_size"]
    for prefix in ["em", "", "olivia" + "a" * 20]:
        prefix = prefix[:block_size - 1]  # the longest prefix the context takes after BOS
        letter.locator("input").fill(prefix)
        tab.page.wait_for_function("p => document.querySelector('[data-figure=next-letter]').dataset.prefix === p",
                                   arg=prefix, timeout=PYTHON_MS)
        shown, expected = shown_probs(letter), package_probs(checkpoint, prefix)
        assert shown.keys() == expected.keys()
        for token, p in expected.items():
            assert shown[token] == pytest.approx(p, abs=1e-12), (prefix, token)
    assert tab.failures() == []


def test_your_model_outlives_a_reload_a_page_change_and_a_restart_of_python(tab, tmp_path):
    tab.page.goto(tab.site.url + "act-4-training/")
    fig = train_figure(tab)
    train(tab, fig, steps=3, seed=11)
    yours = model_name(fig)
    assert yours == f"yours: 3 steps on the bundled {len(load_docs(default_data_path())):,} names"
    checkpoint = download(tab, fig, "Download your model", tmp_path)

    tab.page.reload()
    fig = train_figure(tab)
    tab.page.wait_for_function("t => document.querySelector('[data-figure=train] [data-model-name]').textContent === t",
                               arg=yours, timeout=10_000)  # from the browser's storage, before Python starts
    assert fig.get_by_role("button", name="Use the reference model again").is_visible()
    assert fig.get_by_role("button", name="Download your model").is_enabled()

    click_nav_link(tab.page, tab.site.url + "act-3-mind/")
    arrived(tab, "act-3-mind/")
    letter = tab.page.locator('[data-figure="next-letter"]')
    letter.scroll_into_view_if_needed()
    tab.page.wait_for_function("() => document.querySelector('[data-figure=next-letter]')?.dataset.state === 'built'")
    assert model_name(letter) == yours
    assert status(letter) == f"This is the reference model, computed when the site was built: touch the figure to ask {yours}."
    for prefix in ["em", "emm"]:
        letter.locator("input").fill(prefix)
        tab.page.wait_for_function("p => document.querySelector('[data-figure=next-letter]').dataset.prefix === p",
                                   arg=prefix, timeout=PYTHON_MS)
        assert shown_probs(letter) == pytest.approx(package_probs(checkpoint, prefix), abs=1e-12)
        # a restart: code that changes the package makes the next job start a fresh Python
        tab.page.evaluate("MicrogptRuntime.session().run('import microgpt\\nmicrogpt.changed = 1', { trusted: false })")
    assert tab.page.evaluate("MicrogptRuntime.workersStarted") == 2
    assert model_name(letter) == yours

    click_nav_link(tab.page, tab.site.url + "act-4-training/")
    arrived(tab, "act-4-training/")
    fig = train_figure(tab)
    assert act(tab, fig, lambda: fig.get_by_role("button", name="Use the reference model again").press("Enter")) == "done"
    assert model_name(fig) == "the reference model"
    tab.page.reload()
    fig = train_figure(tab)
    tab.page.wait_for_timeout(500)  # time enough for a kept model to come back, were one kept
    assert model_name(fig) == "the reference model"
    assert not fig.get_by_role("button", name="Use the reference model again").is_visible()
    assert fig.get_by_role("button", name="Download your model").is_disabled()
    assert tab.failures() == []


def bad_checkpoints(good):
    """(file name, bytes, what the sentence must say) for each kind of bad upload."""
    text = good.decode("utf-8")
    ckpt = json.loads(text)
    first = next(iter(ckpt["weights"]))
    nan = text.replace(json.dumps(ckpt["weights"][first][0][0]), "NaN", 1)
    huge = text.replace(json.dumps(ckpt["weights"][first][0][0]), "1e999", 1)
    short = dict(ckpt, weights={**ckpt["weights"], first: ckpt["weights"][first][:-1]})
    return [
        ("notes.json", b"these are not the weights you are looking for", "not valid JSON"),
        ("nan.json", nan.encode(), ""),
        ("inf.json", huge.encode(), ""),
        ("short.json", json.dumps(short).encode(), ""),
        ("package.json", json.dumps({"name": "left-pad", "version": "1.3.0"}).encode(), "not a microgpt checkpoint"),
        ("big.json", b" " * 20_000_001, "far larger"),
    ]


HOSTILE_NAMES = [  # how the box gets it, the names, what the sentence must say
    ("\n  \n\t\n", "only blank lines"),
    ("emma\0olivia\n", "NUL"),
    ("".join(chr(0x4E00 + i) + "\n" for i in range(201)), "different characters"),
    ("a\n" * 500_001, "bytes"),
    ("ok\n<a lone surrogate>\n", "UTF-8"),  # put in the box by the page's JavaScript, which can hold one
]


def test_bad_files_and_names_get_one_sentence_and_lose_nothing(tab, tmp_path):
    checkpoint = tmp_path / "small.json"
    microgpt("train", "--steps", 1, "--n-embd", 4, "--seed", 3, "--out", checkpoint, cwd=tmp_path)
    tab.page.goto(tab.site.url + "act-4-training/")
    fig = train_figure(tab)
    assert load(tab, fig, checkpoint) == "done", status(fig)
    yours = model_name(fig)
    said = []
    for name, data, words in bad_checkpoints(checkpoint.read_bytes()):
        (tmp_path / name).write_bytes(data)  # a path, not bytes: the browser reads it where it lies
        assert load(tab, fig, tmp_path / name) == "error", name
        said.append(status(fig))
        assert one_sentence(said[-1]) and words in said[-1], said[-1]
        assert model_name(fig) == yours
    tab.page.reload()
    fig = train_figure(tab)
    tab.page.wait_for_function("t => document.querySelector('[data-figure=train] [data-model-name]').textContent === t",
                               arg=yours, timeout=10_000)

    box = fig.get_by_label("Your names")
    for names, words in HOSTILE_NAMES:
        fig.locator("[data-names-check]").evaluate("line => { delete line.dataset.state }")
        box.evaluate("(box, names) => { box.value = names.replace('<a lone surrogate>', '\\ud800')\n"
                     "box.dispatchEvent(new Event('input')) }", names)
        tab.page.wait_for_function("document.querySelector('[data-names-check]').dataset.state === 'error'", timeout=PYTHON_MS)
        check = fig.locator("[data-names-check]").inner_text()
        said.append(check)
        assert one_sentence(check) and words in check, check
        assert box.evaluate("(box, names) => box.value === names", names) or "surrogate" in names  # the box keeps them
        fig.locator("input[name=steps]").fill("2")
        fig.get_by_role("button", name="Train").press("Enter")  # refused before a step, in the same words
        tab.page.wait_for_function("document.querySelector('[data-figure=train]').dataset.state === 'error'", timeout=PYTHON_MS)
        assert status(fig) == check
        assert model_name(fig) == yours
        fig.evaluate("f => { f.dataset.state = '' }")

    box.fill(CITIES)  # a text file that is not text: refused, and the box keeps the cities
    fig.get_by_label("or a text file").set_input_files(
        {"name": "photo.txt", "mimeType": "text/plain", "buffer": bytes([0xFF, 0xD8, 0xFF, 0xE0]) * 100})
    tab.page.wait_for_function("document.querySelector('[data-names-check]').dataset.state === 'error'", timeout=PYTHON_MS)
    assert one_sentence(fig.locator("[data-names-check]").inner_text())
    assert box.input_value() == CITIES
    tab.page.reload()
    fig = train_figure(tab)
    tab.page.wait_for_function("t => document.querySelector('[data-figure=train] [data-model-name]').textContent === t",
                               arg=yours, timeout=10_000)
    print("\n".join(said))
    assert tab.failures() == []
