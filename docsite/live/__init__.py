"""The Python the page runs in the reader's browser, and the build and the tests import."""
