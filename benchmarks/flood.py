"""Benchmark: an output flood in the in-page Python, and Stop, measured in one run.

    python benchmarks/flood.py                 # builds the site into a scratch folder
    python benchmarks/flood.py --site DIR      # a site already built with `mkdocs build -d DIR`

In headless Chromium (every other address blocked), on Act 1's first block, with Python
already started, it runs `while True: print("x" * 1000)` and measures, while the flood goes on:

- the round trip to the page: the longest and the median time for `page.evaluate("1 + 1")`
  to come back, sampled every 100 ms for --seconds (target: under 1 s);
- the longest gap of a 50 ms timer inside the page (how long its main thread was held);
- the messages the worker sent per second and the characters the output box kept;

then presses Stop and measures the time until the block says "Stopped." (target: under 2 s).
Times depend on the machine and how busy it is (the load average is printed beside them);
the ratios to the targets are what to read. Writes benchmarks/results/flood.json (--out).
"""

import statistics  # statistics.median of the round trips
import time  # time.perf_counter

from playwright.sync_api import sync_playwright

from docsite.bench import Bench
from docsite.chromium import FINISHED, launch_chromium, only_this_site

PAGE = "act-1-world/"
FLOOD = 'while True:\n    print("x" * 1000)'

# The longest gap between two ticks of a 50 ms timer: how long the page's main thread was held.
PROBE = """() => {
  window.__gap = 0
  let last = performance.now()
  setInterval(() => { const now = performance.now(); window.__gap = Math.max(window.__gap, now - last - 50); last = now }, 50)
}"""
COUNT_MESSAGES = """(() => {
  const Real = window.Worker
  window.__messages = 0
  window.Worker = function (...args) {
    const worker = new Real(...args)
    if (String(args[0]).includes("runtime-worker")) worker.addEventListener("message", () => { window.__messages += 1 })
    return worker
  }
})()"""


def measure(site_url, seconds):
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context()
        context.route(only_this_site(site_url), lambda route: route.abort())
        context.add_init_script(COUNT_MESSAGES)
        page = context.new_page()
        page.goto(site_url + PAGE)
        block = page.locator("[data-runnable]").first
        editor = block.get_by_role("textbox")
        block.get_by_role("button", name="Run", exact=True).press("Enter")  # start Python first
        page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=300_000)
        editor.evaluate("(e, code) => { e.textContent = code }", FLOOD)
        page.evaluate(PROBE)
        block.get_by_role("button", name="Run", exact=True).press("Enter")
        output = block.locator("[data-run-output]")
        page.wait_for_function("o => o.textContent.length > 0", arg=output.element_handle(), timeout=60_000)
        messages_before = page.evaluate("window.__messages")
        round_trips = []
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            sent = time.perf_counter()
            page.evaluate("1 + 1")
            round_trips.append(time.perf_counter() - sent)
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        messages = page.evaluate("window.__messages") - messages_before
        kept = output.evaluate("o => [o.textContent.length, o.childNodes.length]")
        cut_line = output.locator(".run-cut").text_content()
        stop_pressed = time.perf_counter()
        block.get_by_role("button", name="Stop").press("Enter")
        page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=60_000)
        stopped = time.perf_counter() - stop_pressed
        gap_ms = page.evaluate("window.__gap")
        browser.close()
    return {
        "round_trip_max_s": max(round_trips), "round_trip_median_s": statistics.median(round_trips),
        "samples": len(round_trips), "main_thread_longest_gap_s": gap_ms / 1000,
        "messages_per_s": messages / elapsed, "chars_kept": kept[0], "output_nodes": kept[1],
        "cut_line": cut_line.strip(), "stop_to_stopped_s": stopped,
    }


def main(argv=None):
    bench = Bench("flood.py", __doc__, "flood.json")
    bench.parser.add_argument("--seconds", type=float, default=10, help="how long to let the flood run (default 10)")
    args = bench.parse(argv, check=lambda args: None if args.seconds > 0 else "--seconds must be positive")
    with bench.served(args) as (server, _):
        r = measure(server.url, args.seconds)
    print(f"round trip to the page under a flood: longest {r['round_trip_max_s']:.3f} s, median "
          f"{r['round_trip_median_s']:.3f} s over {r['samples']} samples   (target: 1 s; "
          f"{r['round_trip_max_s'] / 1.0:.2f} of it)")
    print(f"longest hold of the page's main thread: {r['main_thread_longest_gap_s']:.3f} s")
    print(f"messages from the worker: {r['messages_per_s']:.1f} a second; the output box keeps "
          f"{r['chars_kept']:,} characters in {r['output_nodes']} nodes ({r['cut_line']!r})")
    print(f"Stop to stopped: {r['stop_to_stopped_s']:.3f} s   (target: 2 s; {r['stop_to_stopped_s'] / 2.0:.2f} of it)")
    print(bench.load())
    bench.write(args, {"flood_seconds": args.seconds, **r})


if __name__ == "__main__":
    main()
