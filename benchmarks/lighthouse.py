"""Benchmark: Lighthouse's four scores and the page weight of every page, phone and desktop.

    python benchmarks/lighthouse.py                      # build the site into a scratch folder, then audit
    python benchmarks/lighthouse.py --site /tmp/site-x   # audit a site already built (its canonical
                                                         # links then name another host: SEO may drop)
    python benchmarks/lighthouse.py --page act-3-mind/ --preset mobile   # one page while iterating

Lighthouse (npm, node_modules/.bin/lighthouse, from `npm ci`) drives headless Chromium
(/usr/bin/chromium, or CHROMIUM=...) against the site served on 127.0.0.1 only, gzip on,
the way a static host serves it (docsite/bench.py's GzipHandler, as for page_weight.py). Every request
to another site fails, so the figures are the offline site's. "mobile" is Lighthouse's
default preset (a mid-range phone, throttled CPU and network, simulated); "desktop" is
`--preset=desktop`. Scores vary from run to run, by ten points or more on a small shared
machine, so each page and preset is audited --runs times (3 by default) and the median run is
kept, chosen the way Lighthouse's own computeMedianRun chooses it (core/lib/median-run.js; see
Lighthouse's docs/variability.md): the run nearest the median first paint and the median
time to interactive. Each run takes 10-30 s on 2 cores; the whole set takes a while.

Prints one line per page and preset: performance, accessibility, best practices, SEO
(0-100) of the median run, the page weight (bytes over the wire, Lighthouse's
total-byte-weight) and the number of DOM elements; writes them, with every run's performance
score, to benchmarks/results/lighthouse.json (--out), where the rows of pages and presets
not audited this time stay as they were, each with its own date.
Exit status 1 if any page misses a target (TARGETS below), 2 on bad input.
"""

import datetime  # datetime.datetime.now, to date each row
import json  # json.loads of Lighthouse's report, json.dumps of ours
import os  # getloadavg: how busy the machine was during each run
import platform  # platform.platform: the machine's description
import statistics  # statistics.median, to pick the median run
import subprocess  # subprocess.run, for the Lighthouse CLI
import sys  # sys.exit

from docsite.bench import Bench, GzipHandler
from docsite.chromium import CHROMIUM, CHROMIUM_ARGS
from docsite.served import ROOT, nav_pages

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PRESETS = ("mobile", "desktop")
# The lowest score each category may have, per preset.
TARGETS = {
    "mobile": {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100},
    "desktop": {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100},
}
CHROME_FLAGS = " ".join([
    "--headless=new", *CHROMIUM_ARGS,
    # Offline: every host name other than 127.0.0.1 resolves to nothing.
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"',
])


def audit(url, preset):
    """Lighthouse's report (a dict) for one page and preset."""
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        command.append("--preset=desktop")
    done = subprocess.run(command, capture_output=True, text=True, env={"CHROME_PATH": str(CHROMIUM), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} ({preset}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def median_run(reports):
    """The report nearest the median first contentful paint and the median time to
    interactive (Euclidean distance), as Lighthouse's computeMedianRun picks it."""
    def value(report, audit):
        return report["audits"][audit]["numericValue"]
    fcp = statistics.median(value(r, "first-contentful-paint") for r in reports)
    tti = statistics.median(value(r, "interactive") for r in reports)
    return min(reports, key=lambda r: (fcp - value(r, "first-contentful-paint")) ** 2
               + (tti - value(r, "interactive")) ** 2)


def summary(report, page, preset):
    """The figures we keep from one Lighthouse report."""
    audits = report["audits"]
    scores = {name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES}
    failed = sorted(
        key for name in CATEGORIES for key in (ref["id"] for ref in report["categories"][name]["auditRefs"] if ref["weight"] > 0)
        if name != "performance" and audits[key]["score"] is not None and audits[key]["score"] < 1
    )
    metrics = {key: round(audits[key]["numericValue"]) for key in (
        "first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index") if key in audits}
    missed = [name for name in CATEGORIES if scores[name] < TARGETS[preset][name]]
    return {
        "page": page, "preset": preset, **scores,
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "dom_elements": round(audits["dom-size"]["numericValue"]) if "dom-size" in audits else None,
        **{f"{key}_ms": value for key, value in metrics.items()},
        "failed_audits": failed,
        "missed_targets": missed,
    }


def run(url, pages, presets, out, runs=3):
    # The rows of pages and presets not audited now stay in the results file, each with the
    # date it was measured: `--preset mobile` re-measures the phone and keeps the desktop.
    audited = {("/" + page, preset) for page in pages for preset in presets}
    earlier = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    kept = [row for row in earlier.get("pages", []) if (row["page"], row["preset"]) not in audited]
    for row in kept:
        row.setdefault("date", earlier.get("date"))
    rows = []
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True).stdout.strip()

    def write():  # after every run, so an interrupted benchmark keeps what it measured
        result = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": {"platform": platform.platform(), "cores": os.cpu_count(), "lighthouse": version, "chromium": chromium},
            "served": "127.0.0.1, gzip for html/css/js/json/svg/xml/txt (as GitHub Pages serves), no other host reachable",
            "units": {"scores": "0-100", "bytes": "Lighthouse total-byte-weight, over the wire", "*_ms": "Lighthouse's simulated metrics"},
            "targets": TARGETS,
            "pages": kept + rows,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    for page in pages:
        for preset in presets:
            load = os.getloadavg()[0]  # the machine may be shared: a busy one lowers performance
            reports = [audit(url + page, preset) for _ in range(runs)]
            row = summary(median_run(reports), "/" + page, preset)
            row["performance_of_each_run"] = [round(100 * r["categories"]["performance"]["score"]) for r in reports]
            row["load_average_1min"] = round((load + os.getloadavg()[0]) / 2, 2)  # before and after the runs
            row["date"] = datetime.datetime.now().isoformat(timespec="seconds")
            rows.append(row)
            write()
            print(f"{row['page']:<28} {preset:<8} perf {row['performance']:>3} "
                  f"({'/'.join(map(str, row['performance_of_each_run']))})  a11y {row['accessibility']:>3}  "
                  f"bp {row['best-practices']:>3}  seo {row['seo']:>3}  {row['bytes'] / 1024:>7.0f} KiB  "
                  f"{row['dom_elements'] or 0:>5} elements  TBT {row.get('total-blocking-time_ms', 0):>5} ms  "
                  f"load {row['load_average_1min']:.1f} on {os.cpu_count()} cores"
                  + (f"  failed: {', '.join(row['failed_audits'])}" if row["failed_audits"] else ""), flush=True)
    missed = [f"{r['page']} ({r['preset']}): {', '.join(r['missed_targets'])}" for r in rows if r["missed_targets"]]
    print(f"wrote {out}; " + (f"{len(missed)} of {len(rows)} runs miss a target:\n  " + "\n  ".join(missed) if missed
                              else f"all {len(rows)} runs meet the targets"))
    return 1 if missed else 0


def main(argv=None):
    bench = Bench("lighthouse.py", __doc__, "lighthouse.json")
    bench.parser.add_argument("--page", action="append", help="a page address relative to the site root, e.g. "
                              "act-3-mind/ or '' for the home page (repeatable; default: every page of the nav)")
    bench.parser.add_argument("--preset", choices=PRESETS, action="append", help="mobile or desktop (default: both)")
    bench.parser.add_argument("--runs", type=int, default=3,
                              help="runs per page and preset; the median run is kept (default: 3)")
    known = [url for url, _ in nav_pages()]

    def check(args):
        unknown = [p for p in args.page or [] if p not in known]
        if args.runs < 1:
            return f"--runs must be 1 or more, not {args.runs}"
        if unknown:
            return f"no page {unknown[0]!r} in the nav (pages: {', '.join(repr(p) for p in known)})"
        if not LIGHTHOUSE.exists():
            return f"no {LIGHTHOUSE.relative_to(ROOT)}: run `npm ci` first"
        return None

    args = bench.parse(argv, check)
    pages = args.page if args.page is not None else known
    with bench.served(args, handler=GzipHandler) as (server, _):
        return run(server.url, pages, args.preset or list(PRESETS), args.out, args.runs)


if __name__ == "__main__":
    sys.exit(main())
