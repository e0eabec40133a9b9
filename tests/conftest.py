# The built site, served on 127.0.0.1 for the session (tests/site_fixtures.py), and the
# end-of-run summaries of what the browser tests verified.
import site_fixtures
from site_fixtures import site  # noqa: F401

_ran_in_browser = []  # (blocks run, [reasons of the blocks skipped]) per page


def pytest_runtest_logreport(report):
    site_fixtures.pytest_runtest_logreport(report)
    if report.when == "call" and report.passed:
        properties = dict(report.user_properties)
        if "ran" in properties:
            skipped = [value for name, value in report.user_properties if name == "skipped"]
            _ran_in_browser.append((properties["ran"], skipped))


def pytest_terminal_summary(terminalreporter):
    site_fixtures.pytest_terminal_summary(terminalreporter)
    if not _ran_in_browser:
        return
    skipped = [reason for _, reasons in _ran_in_browser for reason in reasons]
    terminalreporter.write_sep("-", "Python blocks run in the browser")
    terminalreporter.write_line(f"{sum(ran for ran, _ in _ran_in_browser)} blocks run on {len(_ran_in_browser)} pages; "
                                f"{len(skipped)} not runnable in the browser:")
    for reason in skipped:
        terminalreporter.write_line("  " + reason)
