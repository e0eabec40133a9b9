"""Benchmark: what each page of the site costs a first-time visitor, and what it loads.

    python benchmarks/page_weight.py              # build the site into a scratch folder, then measure
    python benchmarks/page_weight.py --site site  # measure a site already built (e.g. by `make build`)

The site is served on 127.0.0.1 the way a static host such as GitHub Pages serves it:
HTML, CSS, JavaScript, JSON and SVG gzip-compressed. Each page of the sitemap is opened in
headless Chromium (/usr/bin/chromium) in a fresh context, so with an empty cache, and
measured once its diagrams (SVG the build inlined), maths and images are drawn:

- requests and bytes: the navigation entry and every resource entry of the Resource Timing
  API; "transfer" is what came over the wire (transferSize: compressed bodies plus
  headers), "decoded" what the browser unpacked (decodedBodySize);
- time: first contentful paint, the load event, and "rendered", the moment diagrams,
  maths and images were all drawn (all three from the start of the navigation);
- what it loaded: KaTeX (vendor/katex/), the notebook styles that mkdocs-jupyter writes
  inline into a notebook page, and Pyodide (vendor/pyodide/), counted from every request
  of the page and of any worker it starts, since Pyodide runs in a Web Worker whose
  requests the page's Resource Timing does not list.

Then it checks that each heavy asset is loaded exactly where it is needed: KaTeX on pages
with maths, notebook styles on notebook pages, and Pyodide on no page, as nobody has
pressed Run; and lists any page where that is not so. Requests to any other site are
blocked and reported.
Writes benchmarks/results/page_weight.json and prints the table. Under a minute on 2 cores.
"""

import sys  # sys.exit

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from docsite.bench import Bench, GzipHandler
from docsite.chromium import LOAD_LAZY_IMAGES, RENDER_STATE, RENDERED, launch_chromium, only_this_site, rendering_work
from docsite.served import Site

TIMEOUT_MS = 30_000


# Everything measured in the page, once it is drawn.
MEASURE = """() => {
  const navigation = performance.getEntriesByType("navigation")[0]
  const resources = performance.getEntriesByType("resource")
  const entries = [navigation, ...resources]
  const paint = performance.getEntriesByType("paint").find(e => e.name === "first-contentful-paint")
  const notebookStyles = [...document.querySelectorAll("style")]
    .map(style => style.textContent).filter(text => text.includes(".jp-"))
  return {
    requests: entries.length,
    transfer: entries.reduce((sum, e) => sum + e.transferSize, 0),
    encoded: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
    decoded: entries.reduce((sum, e) => sum + e.decodedBodySize, 0),
    fcp_ms: paint ? Math.round(paint.startTime) : null,
    load_ms: Math.round(navigation.loadEventEnd),
    katex_bytes: resources.filter(e => e.name.includes("/vendor/katex/")).reduce((s, e) => s + e.transferSize, 0),
    notebook_css_chars: notebookStyles.reduce((sum, text) => sum + text.length, 0),
  }
}"""


def measure_page(browser, site, url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    blocked = []
    pyodide_sizes = []  # body bytes of each Pyodide file fetched

    def block(route):
        blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def note_pyodide(request):  # the context hears a worker's requests too
        if "/vendor/pyodide/" in request.url:
            pyodide_sizes.append(request.sizes()["responseBodySize"])

    context.route(only_this_site(site.url), block)
    context.on("requestfinished", note_pyodide)
    page = context.new_page()
    facts = site.facts(url)
    try:
        page.goto(site.url + url)
        page.evaluate(LOAD_LAZY_IMAGES)
        try:
            page.wait_for_function(RENDERED, arg=rendering_work(facts), timeout=TIMEOUT_MS)
            rendered_ms = round(page.evaluate("performance.now()"))
        except PlaywrightTimeout:
            rendered_ms = None  # never finished drawing: reported as such
        page.wait_for_load_state("networkidle")  # late requests count too
        measured = page.evaluate(MEASURE)
        state = page.evaluate(RENDER_STATE)
    finally:
        context.close()
    return {
        "page": "/" + url,
        **measured,
        "pyodide_bytes": sum(pyodide_sizes),
        "rendered_ms": rendered_ms,
        "diagrams": facts.diagrams,
        "formulas": state["formulas"],
        "notebook": facts.notebook,
        "blocked": blocked,
    }


def misplaced_assets(row):
    """What this page loads without needing it, or needs without loading it."""
    problems = []
    for asset, loaded, needed in [
        ("KaTeX", row["katex_bytes"] > 0, row["formulas"] > 0),
        ("notebook styles", row["notebook_css_chars"] > 0, row["notebook"]),
        ("Pyodide", row["pyodide_bytes"] > 0, False),  # only once the reader presses Run
    ]:
        if loaded and not needed:
            problems.append(f"{row['page']}: loads {asset} but does not need it")
        if needed and not loaded:
            problems.append(f"{row['page']}: needs {asset} but did not load it")
    if row["rendered_ms"] is None:
        problems.append(f"{row['page']}: did not finish drawing in {TIMEOUT_MS // 1000} s")
    problems += [f"{row['page']}: asked another site for {url} (blocked)" for url in row["blocked"]]
    return problems


def kb(n):
    return f"{n / 1024:,.0f}"


def print_table(rows):
    header = f"{'page':<28} {'req':>4} {'transfer kB':>12} {'decoded kB':>11} {'FCP ms':>7} {'load ms':>8} {'rendered ms':>12}  loads"
    print(header)
    print("-" * len(header))
    for row in rows:
        loads = [name for name, on in [
            ("katex", row["katex_bytes"]), ("notebook-css", row["notebook_css_chars"]), ("pyodide", row["pyodide_bytes"])
        ] if on]
        print(
            f"{row['page']:<28} {row['requests']:>4} {kb(row['transfer']):>12} {kb(row['decoded']):>11} "
            f"{row['fcp_ms'] if row['fcp_ms'] is not None else '-':>7} {row['load_ms']:>8} "
            f"{row['rendered_ms'] if row['rendered_ms'] is not None else 'never':>12}  {', '.join(loads) or '-'}"
        )


def measure(site):
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            version = browser.version
            rows = [measure_page(browser, site, url) for url in site.sitemap_pages()]
        finally:
            browser.close()
    return version, rows


def main(argv=None):
    bench = Bench("page_weight.py", __doc__, "page_weight.json")
    args = bench.parse(argv)
    with bench.served(args, handler=GzipHandler) as (server, directory):
        try:
            version, rows = measure(Site(directory, server.url))
        except RuntimeError as error:  # no Chromium
            bench.fail(str(error))

    problems = [problem for row in rows for problem in misplaced_assets(row)]
    print_table(rows)
    total = sum(row["transfer"] for row in rows)
    print(f"\n{len(rows)} pages, {kb(total)} kB transferred in all, each page with an empty cache")
    print("heavy assets only where needed: " + ("yes" if not problems else "NO"))
    for problem in problems:
        print("  " + problem)
    print(bench.load())
    bench.write(args, {
        "chromium": version,
        "served": "127.0.0.1, gzip for html/css/js/json/svg/xml/txt (as GitHub Pages serves), fresh browser context per page",
        "units": {"transfer": "bytes over the wire incl. headers", "encoded": "body bytes as sent", "decoded": "body bytes unpacked",
                  "pyodide_bytes": "body bytes as sent, for the page and its workers",
                  "*_ms": "milliseconds from the start of navigation"},
        "pages": rows,
        "misplaced_assets": problems,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
