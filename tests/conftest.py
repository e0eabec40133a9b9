# The built site, served on 127.0.0.1 for the session (tests/site_fixtures.py), and the
# end-of-run summary of what the browser tests verified.
from site_fixtures import pytest_runtest_logreport, pytest_terminal_summary, site  # noqa: F401
