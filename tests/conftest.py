# The built site, served on 127.0.0.1 for the session (docsite/served.py), and the
# end-of-run summaries of what the browser tests verified.
import pytest
from docsite import served
from docsite.served import launch_chromium, site  # noqa: F401


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

_ran_in_browser = []  # (blocks run, [reasons of the blocks skipped]) per page


def pytest_runtest_logreport(report):
    served.pytest_runtest_logreport(report)
    if report.when == "call" and report.passed:
        properties = dict(report.user_properties)
        if "ran" in properties:
            skipped = [value for name, value in report.user_properties if name == "skipped"]
            _ran_in_browser.append((properties["ran"], skipped))


def pytest_terminal_summary(terminalreporter):
    served.pytest_terminal_summary(terminalreporter)
    if not _ran_in_browser:
        return
    skipped = [reason for _, reasons in _ran_in_browser for reason in reasons]
    terminalreporter.write_sep("-", "Python blocks run in the browser")
    terminalreporter.write_line(f"{sum(ran for ran, _ in _ran_in_browser)} blocks run on {len(_ran_in_browser)} pages; "
                                f"{len(skipped)} not runnable in the browser:")
    for reason in skipped:
        terminalreporter.write_line("  " + reason)
