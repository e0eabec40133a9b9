"""Benchmark: stepping through the code in the page, recorded and played in one run.

    python benchmarks/stepper.py                # builds the site into a scratch folder
    python benchmarks/stepper.py --site DIR     # a site already built with `mkdocs build -d DIR`

It serves the site on 127.0.0.1 and drives headless Chromium (every other address blocked) on
the pages that carry the walkthroughs of gpt() and backward() (their blocks' data-step). For
each it measures, with Python already started in the page:

- the recording: steps recorded, its size as JSON, and seconds to record in the page, beside
  the same recording made in this CPython (the ratio holds on a noisy machine; the times do not);
- the player: the time one Step takes in the page (the button's click handler: the line, the
  call stack and the locals redrawn), over a few hundred steps, median and worst.

Writes benchmarks/results/stepper.json (--out) and prints a table. Targets: a recording within 2 s,
a player step within one frame (16 ms).
"""

import json  # the page's answers
import os  # os.chdir: the CPython recording runs where the page's Python does, in the checkout
import statistics  # statistics.median of the player's step times
import time  # time.perf_counter, for the CPython recording

from playwright.sync_api import sync_playwright

from docsite import fences  # which blocks are walkthroughs
from docsite.bench import Bench
from docsite.chromium import launch_chromium, only_this_site
from docsite.live import stepper
from docsite.served import ROOT, page_url

WALKTHROUGHS = ("gpt", "backward")

RECORD = """async ({code}) => {
  const session = MicrogptRuntime.session()
  await session.call("1", {owner: "benchmark", timeout: 300000})  // Python started: not timed
  const start = performance.now()
  const recording = await session.call(code, {owner: "benchmark", timeout: 300000})
  return {seconds: (performance.now() - start) / 1000, steps: recording.steps.length,
          bytes: JSON.stringify(recording).length}
}"""

# A walkthrough inside a folded "Look closer" block: opened, as a reader would.
OPEN_FOLDS = """el => { for (let d = el.closest("details"); d; d = d.parentElement.closest("details")) d.open = true }"""

PLAY = """(steps) => {
  const player = document.querySelector("[data-stepper]")
  const step = [...player.querySelectorAll("button")].find((b) => b.textContent === "Step")
  const times = []
  for (let i = 0; i < steps; i++) {
    const start = performance.now()
    step.click()
    player.getBoundingClientRect()  // the layout the redraw needs, inside the timing
    times.push(performance.now() - start)
  }
  return times
}"""


def walkthrough(name):
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for runnable in fences.page_runnables(page):
            if runnable.step == name:
                before = [fences.page_runnables(page)[k].code for k in runnable.chain]
                return page.relative_to(ROOT / "docs").as_posix(), runnable, before
    raise SystemExit(f"stepper.py: error: no block of the site has data-step=\"{name}\"")


def record_call(runnable, before):
    depth = "None" if runnable.step_depth is None else runnable.step_depth
    return ("from docsite.live import stepper\nstepper.record(" + json.dumps(runnable.code) + ", start=" + json.dumps(runnable.step)
            + f", max_depth={depth}, before=[" + ", ".join(map(json.dumps, before)) + "])")


def measure(site_url, steps):
    found = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(only_this_site(site_url), lambda route: route.abort())
        page = context.new_page()
        for name in WALKTHROUGHS:
            source, runnable, before = walkthrough(name)
            page.goto(site_url + page_url(source))
            in_page = page.evaluate(RECORD, {"code": record_call(runnable, before)})
            here = os.getcwd()
            os.chdir(ROOT)
            try:
                start = time.perf_counter()
                stepper.record(runnable.code, start=runnable.step, max_depth=runnable.step_depth, before=before)
                native = time.perf_counter() - start
            finally:
                os.chdir(here)
            block = page.locator(f'[data-runnable="{runnable.index}"]')
            block.evaluate(OPEN_FOLDS)
            block.scroll_into_view_if_needed()
            block.get_by_role("button", name="Step", exact=True).press("Enter")
            page.locator("[data-stepper]").wait_for(timeout=300_000)
            times = page.evaluate(PLAY, min(steps, in_page["steps"] - 1))
            found[name] = {"page": source, "steps_recorded": in_page["steps"], "json_bytes": in_page["bytes"],
                           "record_s_browser": round(in_page["seconds"], 3), "record_s_cpython": round(native, 3),
                           "browser_over_cpython": round(in_page["seconds"] / native, 2),
                           "player_step_ms_median": round(statistics.median(times), 2),
                           "player_step_ms_worst": round(max(times), 2), "player_steps_timed": len(times)}
        browser.close()
    return found


def main(argv=None):
    bench = Bench("stepper.py", __doc__, "stepper.json")
    bench.parser.add_argument("--steps", type=int, default=300, help="player steps to time on each walkthrough (default 300)")
    args = bench.parse(argv, check=lambda args: "--steps must be at least 1" if args.steps < 1 else None)
    with bench.served(args) as (server, _):
        found = measure(server.url, args.steps)
    print(f"{'walkthrough':12} {'steps':>7} {'JSON kB':>8} {'record s':>9} {'CPython s':>10} {'ratio':>6} "
          f"{'step ms (median, worst)':>24}")
    for name, row in found.items():
        print(f"{name + '()':12} {row['steps_recorded']:7,} {row['json_bytes'] / 1000:8.0f} {row['record_s_browser']:9.2f} "
              f"{row['record_s_cpython']:10.2f} {row['browser_over_cpython']:6.2f} "
              f"{row['player_step_ms_median']:12.1f}, {row['player_step_ms_worst']:.1f}")
    print("targets: a recording within 2 s, a player step within 16 ms (one frame)")
    print(bench.load())
    bench.write(args, {"walkthroughs": found})


if __name__ == "__main__":
    main()
