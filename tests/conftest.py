"""The fixtures the browser tests share (the site, built once and served on 127.0.0.1 for the
session, and one Chromium), and the end-of-run summaries of what they verified.

Building, serving and driving the site are docsite.served and docsite.chromium, which the
benchmarks use too; only the pytest side of them lives here.
"""

import pytest

from docsite.chromium import launch_chromium
from docsite.served import LocalServer, Site, build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once for the session and served on 127.0.0.1 while it runs."""
    directory = tmp_path_factory.mktemp("site")
    with LocalServer(directory) as server:
        try:
            build_site(directory, server.url)
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        yield Site(directory, server.url)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session, shared by every browser test module: a second
    sync_playwright() in the same process fails ("Sync API inside the asyncio loop")."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        yield chromium
        chromium.close()


# --- The end-of-run summaries --------------------------------------------------------------
# A browser test appends ("site_verified", {...}) or ("ran", n) and ("skipped", reason) to its
# report's user_properties; the reports reach the controlling process under pytest-xdist too,
# so the totals are added up here and printed after the run.

_verified = []  # one dict per page or move verified in Chromium
_ran_in_browser = []  # (blocks run, [reasons of the blocks skipped]) per page


def pytest_runtest_logreport(report):
    if report.when != "call" or not report.passed:
        return
    _verified.extend(value for name, value in report.user_properties if name == "site_verified")
    properties = dict(report.user_properties)
    if "ran" in properties:
        skipped = [value for name, value in report.user_properties if name == "skipped"]
        _ran_in_browser.append((properties["ran"], skipped))


def pytest_terminal_summary(terminalreporter):
    if _verified:
        summarise_pages(terminalreporter)
    if _ran_in_browser:
        summarise_blocks(terminalreporter)


def summarise_pages(terminalreporter):
    views = list(dict.fromkeys(v["view"] for v in _verified))
    per_page = [v for v in _verified if v.get("kind") == "page"]
    pages = {v["page"] for v in per_page}
    keys = ("diagrams", "nodes", "formulas", "images", "notebook_outputs")
    totals = {key: sum(max(v[key] for v in per_page if v["page"] == page) for page in pages) for key in keys}
    terminalreporter.write_sep("-", "site verified in Chromium")
    terminalreporter.write_line(
        f"{len(pages)} pages x {len(views)} views ({', '.join(views)}), {len(per_page)} page loads; "
        f"{totals['diagrams']} diagrams ({totals['nodes']} nodes), {totals['formulas']} formulas, "
        f"{totals['images']} images, {totals['notebook_outputs']} notebook outputs"
    )
    other = [v for v in _verified if v.get("kind") != "page"]
    if other:
        terminalreporter.write_line("also: " + "; ".join(f"{v['kind']} ({v['view']})" for v in other))


def summarise_blocks(terminalreporter):
    skipped = [reason for _, reasons in _ran_in_browser for reason in reasons]
    terminalreporter.write_sep("-", "Python blocks run in the browser")
    terminalreporter.write_line(f"{sum(ran for ran, _ in _ran_in_browser)} blocks run on {len(_ran_in_browser)} pages; "
                                f"{len(skipped)} not runnable in the browser:")
    for reason in skipped:
        terminalreporter.write_line("  " + reason)
