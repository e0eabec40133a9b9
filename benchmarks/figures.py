"""Benchmark: how long each live figure takes to update after an input, in headless Chromium.

    python benchmarks/figures.py              # build the site into a scratch folder, then measure
    python benchmarks/figures.py --site DIR   # measure a site already built (mkdocs build -d DIR)

Each figure is opened on its page (it shows its first frame, computed at build time) and
touched, by focusing its first field (which starts the page's Python, cold: Pyodide, the
package and the reference checkpoint), then given a few inputs. For each input it
reports the time from the input to the moment the figure has drawn the new numbers (measured
in the page), and the part of it spent in Python (the figure's data-update-ms: the
session.call round trip). Native times of the same figures.py calls in this CPython are given
beside them, as a ratio measured in the same run. Each page is a full load, so a new Python
(cold). On a busy machine every number grows; the ratios are the steadier figure.
Writes benchmarks/results/figures.json (--out).
"""

import time  # time.perf_counter, for the native calls

from playwright.sync_api import sync_playwright

from docsite.bench import Bench
from docsite.chromium import launch_chromium, only_this_site
from docsite.live import figures

WAIT_MS = 180_000
TRAIN_CHUNK_SECONDS = 0.3  # figures.js: settings.trainChunkSeconds

# figure, page, what to do, the dataset key and value that mean "drawn", the native call
CASES = [
    ("next-letter", "act-3-mind/", "type 'e'", "input[type=text]", "e", "prefix", "e",
     lambda: figures.next_letter("e")),
    ("next-letter", "act-3-mind/", "type 'emm'", "input[type=text]", "emm", "prefix", "emm",
     lambda: figures.next_letter("emm")),
    ("attention", "act-3-mind/", "type 'anna'", "input[type=text]", "anna", "name", "anna",
     lambda: figures.attention("anna")),
    ("attention", "act-3-mind/", "type 'maximilian'", "input[type=text]", "maximilian", "name", "maximilian",
     lambda: figures.attention("maximilian")),
    ("temperature", "act-5-voice/", "slider to 1.0", "input[type=range]", "1", "temperature", "1",
     lambda: figures.temperature(1.0, 20, 42)),
    ("backward", "act-2-engine/", "build (a * b + a).exp() / b", "[data-input=expression]",
     "(a * b + a).exp() / b", None, None, lambda: figures.backward_steps("(a * b + a).exp() / b")),
]


def drawn(page, name, key, value):
    page.wait_for_function(
        "([n, k, v]) => document.querySelector(`[data-figure=\"${n}\"]`).dataset[k] === v",
        arg=[name, key, value], timeout=WAIT_MS)


def measure(site_url):
    rows = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.route(only_this_site(site_url), lambda route: route.abort())
        page = context.new_page()
        opened = None
        for name, url, what, selector, text, key, value, native in CASES:
            if url != opened:
                page.goto(site_url + url)
                opened = url
            fig = page.locator(f'[data-figure="{name}"]')
            if not fig.get_attribute("data-active"):
                start = time.perf_counter()
                fig.locator("input").first.focus()
                page.wait_for_function(
                    "n => document.querySelector(`[data-figure=\"${n}\"]`).dataset.state === 'ready'", arg=name,
                    timeout=WAIT_MS)
                rows.append({"figure": name, "input": "first touch (starts Python if cold)",
                             "browser_ms": round(1000 * (time.perf_counter() - start))})
            box = fig.locator(selector)
            if key is None:  # the backward figure: a new expression, then Build
                box.fill(text)
                start = time.perf_counter()
                fig.locator("button[type=submit]").click()
                page.wait_for_function(
                    "() => document.querySelector('[data-figure=backward]').dataset.at === '0' &&"
                    " !document.querySelector('[data-figure=backward] [data-step=next]').disabled"
                    " && document.querySelector('[data-figure=backward] [data-status]').textContent.startsWith('Press')",
                    timeout=WAIT_MS)
            else:
                start = time.perf_counter()
                box.fill(text)
                drawn(page, name, key, value)
            elapsed = round(1000 * (time.perf_counter() - start))
            python_ms = int(fig.get_attribute("data-update-ms"))
            native()  # once untimed: the checkpoint is read and cached on first use, as in the page
            t = time.perf_counter()
            native()
            native_ms = round(1000 * (time.perf_counter() - t), 1)
            rows.append({"figure": name, "input": what, "browser_ms": elapsed, "python_ms": python_ms,
                         "native_ms": native_ms, "ratio": round(python_ms / native_ms, 1) if native_ms else None})
        # training: chunks of at most TRAIN_CHUNK_SECONDS, as the figure runs it
        page.goto(site_url + "act-4-training/")
        fig = page.locator('[data-figure="train"]')
        fig.scroll_into_view_if_needed()
        fig.locator("input[name=steps]").fill("20")
        start = time.perf_counter()
        fig.locator("button[type=submit]").click()
        drawn(page, "train", "trained", "20")
        elapsed = round(1000 * (time.perf_counter() - start))
        t = time.perf_counter()
        run = figures.train_start(steps=20)["run"]
        while not figures.train_chunk(20, run, TRAIN_CHUNK_SECONDS)["finished"]:
            pass
        figures.train_samples(5)
        figures.train_keep()
        native_ms = round(1000 * (time.perf_counter() - t))
        figures.use_reference()
        rows.append({"figure": "train", "input": "20 steps in short chunks, samples, keep",
                     "browser_ms": elapsed, "native_ms": native_ms,
                     "ratio": round(elapsed / native_ms, 1)})
        browser.close()
    return rows


def main(argv=None):
    bench = Bench("figures.py", __doc__, "figures.json")
    args = bench.parse(argv)
    with bench.served(args) as (server, _):
        rows = measure(server.url)
    print(f"{'figure':<12} {'input':<42} {'browser ms':>10} {'python ms':>9} {'native ms':>9} {'ratio':>5}")
    for r in rows:
        print(f"{r['figure']:<12} {r['input']:<42} {r['browser_ms']:>10} {r.get('python_ms', ''):>9} "
              f"{r.get('native_ms', ''):>9} {r.get('ratio') or '':>5}")
    print(bench.load())
    bench.write(args, {"rows": rows})


if __name__ == "__main__":
    main()
