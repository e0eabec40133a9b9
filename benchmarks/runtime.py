"""Benchmark: the in-page Python (Pyodide in a worker) against native CPython, in one run.

    python benchmarks/runtime.py                # builds the site into a scratch folder
    python benchmarks/runtime.py --steps 20 --site DIR   # a site built with `mkdocs build -d DIR`

It builds the site into a scratch folder, serves it on 127.0.0.1, and drives headless
Chromium (as the browser tests do, every other address blocked) to measure:

- cold start: from pressing Run on the first block of Act 1 in a fresh browser (empty cache)
  to the first line it prints, which includes fetching and starting Pyodide;
- warm: the same Run pressed again, with Pyodide already loaded in the worker;
- the bytes the browser fetched for the runtime (vendor/pyodide/ and runtime/);
- one scalar training step of the default model, timed by perf_counter inside Python,
  in the browser and in this CPython, on the same documents from the same weights, and
  their ratio. Both run in the same run of this script, so the ratio holds even on a
  shared, noisy machine; the absolute times do not.

Writes benchmarks/results/runtime.json (--out) and prints a table. Targets: first output
within 3 s cold, a step no slower than 1.5x native.
"""

import gzip  # gzip.compress: the runtime's weight as a static host that compresses would send it
import json  # the browser's answer
import time  # time.perf_counter, for the Run timings

from playwright.sync_api import sync_playwright

from docsite.bench import Bench
from docsite.chromium import launch_chromium, only_this_site

PAGE = "act-1-world/"

# The same code runs in the browser and here: the default model, seeded, `steps` steps
# on the first documents; the value of the last line is the seconds per step.
STEP_CODE = """
import random, time
from microgpt.data import Tokenizer, default_data_path, load_docs
from microgpt.model import GPTConfig, init_params, parameters
from microgpt.train import AdamConfig, train_step

rng = random.Random(42)
docs = load_docs(default_data_path())
rng.shuffle(docs)
tokenizer = Tokenizer.from_docs(docs)
config, opt = GPTConfig(), AdamConfig()
state_dict = init_params(config, tokenizer.vocab_size, rng)
params = parameters(state_dict)
m, v = [0.0] * len(params), [0.0] * len(params)
train_step(state_dict, params, config, tokenizer, docs[0], m, v, 0, 1000, opt)  # warm-up
start = time.perf_counter()
for step in range(1, STEPS + 1):
    train_step(state_dict, params, config, tokenizer, docs[step], m, v, step, 1000, opt)
(time.perf_counter() - start) / STEPS
"""


def native_step_seconds(steps):
    scope = {}
    *body, last = STEP_CODE.replace("STEPS", str(steps)).strip().split("\n")
    exec("\n".join(body), scope)
    return eval(last, scope)


def press_run_until_first_line(page, block):
    output = block.locator("[data-run-output]")
    start = time.perf_counter()
    block.get_by_role("button", name="Run", exact=True).press("Enter")
    page.wait_for_function("el => el.textContent.length > 0", arg=output.element_handle(), timeout=120_000)
    first_line = time.perf_counter() - start
    page.wait_for_function("el => el.dataset.runState === 'done'", arg=block.element_handle(), timeout=120_000)
    return first_line


def browser_figures(site_url, steps):
    fetched = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context()
        context.route(only_this_site(site_url), lambda route: route.abort())
        page = context.new_page()

        def count(response):
            path = response.url.removeprefix(site_url)
            if path.startswith(("vendor/pyodide/", "runtime/")):
                fetched[path] = len(response.body())

        page.on("response", count)
        page.goto(site_url + PAGE)
        # the first block that prints something and continues from no other
        description = json.loads(page.locator("#runnable-fences").get_attribute("data-description"))
        index = next(r["index"] for r in description if r["output"] and not r["chain"] and not r["browser_skip"])
        block = page.locator(f'[data-runnable="{index}"]')
        cold = press_run_until_first_line(page, block)
        warm = press_run_until_first_line(page, block)
        code = STEP_CODE.replace("STEPS", str(steps))
        seconds = page.evaluate("code => MicrogptRuntime.session().call(code)", code)
        browser.close()
    return cold, warm, fetched, seconds


def main(argv=None):
    bench = Bench("runtime.py", __doc__, "runtime.json")
    bench.parser.add_argument("--steps", type=int, default=20, help="training steps to time, each side (default 20)")
    args = bench.parse(argv, check=lambda args: "--steps must be at least 1" if args.steps < 1 else None)
    with bench.served(args) as (server, site):
        cold, warm, fetched, browser_step = browser_figures(server.url, args.steps)
        gzipped = {name: len(gzip.compress((site / name).read_bytes(), 6))
                   for name in fetched if (site / name).is_file()}
        native_step = native_step_seconds(args.steps)  # inside, so the load average covers it
    results = {
        "steps_timed": args.steps,
        "first_output_cold_s": round(cold, 3),
        "first_output_warm_s": round(warm, 3),
        "runtime_bytes": sum(fetched.values()),
        "runtime_bytes_gzip": sum(gzipped.values()),
        "runtime_files": fetched,
        "browser_step_s": browser_step,
        "native_step_s": native_step,
        "browser_over_native": browser_step / native_step,
    }
    print(f"first printed line, cold (fetch and start Pyodide): {cold:6.2f} s   (target: 3 s)")
    print(f"first printed line, Pyodide already loaded:         {warm:6.2f} s")
    print(f"bytes fetched for the runtime: {results['runtime_bytes'] / 1e6:.1f} MB in {len(fetched)} files "
          f"({results['runtime_bytes_gzip'] / 1e6:.1f} MB gzipped, as a compressing static host sends them)")
    print(bench.load())
    print(f"one training step: browser {browser_step * 1000:.0f} ms, native {native_step * 1000:.0f} ms, "
          f"ratio {results['browser_over_native']:.2f}x   (target: 1.5x)")
    bench.write(args, results)


if __name__ == "__main__":
    main()
