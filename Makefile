# Two commands do all the set-up on a fresh machine (see README.md):
#   make serve   install what the site needs, then serve it on http://127.0.0.1:8000
#   make test    install everything, build the site strictly, run the whole test suite
# Everything is installed into .venv/ and node_modules/ inside the checkout.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build run browser clean

# Served at the root of 127.0.0.1:8000 (site_url's own path is for the published site);
# a matching site_url also lets Material's instant navigation work locally.
serve: $(VENV)/.docs node_modules/.installed
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.docs node_modules/.installed
	$(BIN)/mkdocs build --strict

# The default run of the package: train 1000 steps on the bundled names, print 20 samples.
run: $(VENV)/.core
	$(BIN)/microgpt run

test: $(VENV)/.all node_modules/.installed browser
	$(BIN)/mkdocs build --strict
	@# pytest exits 5 when it collected no test at all: that is a broken suite, not a pass.
	@# --dist loadgroup: the tests of the built site (xdist_group "site") share one worker, one build, one Chromium.
	$(BIN)/pytest -n 2 --dist loadgroup || { status=$$?; [ $$status -ne 5 ] || echo "make test: pytest collected no tests" >&2; exit $$status; }

# Debian's Chromium drives the real-browser tests; installed once, as root.
browser:
	@# CHROMIUM=/path/to/chrome points the tests at another Chromium build instead.
	@[ -n "$$CHROMIUM" ] || command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.core: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.docs: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[docs,vectorized]'
	touch $@

$(VENV)/.all: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[docs,vectorized,test]'
	touch $@ $(VENV)/.docs $(VENV)/.core

# Mermaid and KaTeX come from the npm registry at set-up time and are served by the site itself.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) node_modules site
