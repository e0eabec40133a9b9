# Two commands do all the set-up on a fresh machine (see README.md):
#   make serve   install what the site needs, then serve it on http://127.0.0.1:8000
#   make test    install everything, build the site strictly, run the whole test suite
# Everything is installed into .venv/ and node_modules/ inside the checkout, at the versions
# pinned in constraints.txt (Python) and package-lock.json (npm).
#   make lock    refresh constraints.txt after a change to pyproject.toml's dependencies

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := constraints.txt
# The lock pins the build backend (setuptools) too: pip builds the editable install with it.
PIP_INSTALL := $(BIN)/pip install -q --constraint $(LOCK) --build-constraint $(LOCK)
# The notebook page's kernel talks to mkdocs over local sockets, not TCP ports (see below).
KERNEL_CONFIG := $(VENV)/etc/jupyter/jupyter_nbconvert_config.json
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build run browser clean lock diagrams

# Served at the root of 127.0.0.1:8000 (site_url's own path is for the published site);
# a matching site_url also lets Material's instant navigation work locally.
serve: $(VENV)/.docs $(KERNEL_CONFIG) node_modules/.installed
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.docs $(KERNEL_CONFIG) node_modules/.installed
	$(BIN)/mkdocs build --strict

# The default run of the package: train 1000 steps on the bundled names, print 20 samples.
# stdout carries the run's own lines only, so it diffs cleanly against the original's: make
# does not echo the command, and whatever the first set-up prints goes to stderr.
run:
	@$(MAKE) --no-print-directory $(VENV)/.core >&2
	@$(BIN)/microgpt run

# The strict build happens once, inside the suite: the browser tests build the site for the
# address they serve it from (docsite/served.py), while the other worker runs the rest.
test: $(VENV)/.all $(KERNEL_CONFIG) node_modules/.installed browser
	@# pytest exits 5 when it collected no test at all: that is a broken suite, not a pass.
	@# --dist loadgroup: the tests of the built site (xdist_group "site") share one worker, one build, one Chromium.
	$(BIN)/pytest -n 2 --dist loadgroup || { status=$$?; [ $$status -ne 5 ] || echo "make test: pytest collected no tests" >&2; exit $$status; }

# Debian's Chromium drives the real-browser tests; installed once with apt, which needs root:
# as root it runs apt-get directly, otherwise through sudo when there is one (sudo asks for a
# password if it needs one). CHROMIUM=/path/to/chrome points the tests at another Chromium
# build instead (on Ubuntu, apt's chromium is only a stub that installs a snap).
browser:
	@[ -n "$$CHROMIUM" ] || command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo=sudo; \
	  else echo "make: no chromium; install Debian's chromium package as root, or set CHROMIUM=/path/to/chrome" >&2; exit 1; fi; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# A stock Debian/Ubuntu python3 needs the python3-venv package for this step.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "make: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install the python3-venv package" >&2; exit 1; }
	$(BIN)/pip install -q --constraint $(LOCK) pip

$(VENV)/.core: pyproject.toml $(LOCK) | $(VENV)/bin/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.docs: pyproject.toml $(LOCK) | $(VENV)/bin/python
	$(PIP_INSTALL) -e '.[docs,vectorized]'
	touch $@

$(VENV)/.all: pyproject.toml $(LOCK) | $(VENV)/bin/python
	$(PIP_INSTALL) -e '.[docs,vectorized,test]'
	touch $@ $(VENV)/.docs $(VENV)/.core

# mkdocs-jupyter runs docs/experiments.py in a Jupyter kernel. Over TCP (Jupyter's default) the
# kernel warns on every build that its traffic is unencrypted; IPC transport uses Unix sockets
# in Jupyter's runtime folder instead: nothing listens on a port, and the kernel has no
# warning to give. nbconvert reads this file from the environment's own etc/jupyter/.
$(KERNEL_CONFIG): | $(VENV)/bin/python
	mkdir -p $(@D)
	echo '{"KernelManager": {"transport": "ipc"}}' > $@

# Refresh constraints.txt: resolve pyproject.toml's dependencies with every extra, plus pip,
# setuptools and uv themselves, for every platform and every Python from 3.10 (--universal).
# Versions already in the lock are kept where they still fit; `make lock LOCK_FLAGS=--upgrade`
# moves everything to the newest releases.
lock: | $(VENV)/bin/python
	$(BIN)/pip install -q --constraint $(LOCK) uv
	printf 'pip\nsetuptools>=77\nuv\n' | $(BIN)/uv pip compile --quiet --universal \
		--python-version 3.10 --all-extras --custom-compile-command 'make lock' \
		$(LOCK_FLAGS) --output-file $(LOCK) pyproject.toml -

# Redraw the mermaid diagrams into docs/diagrams/ after a ```mermaid fence changes (the build
# fails, naming this target, until they are redrawn); commit what it writes. Needs Chromium
# (`make browser`) and node_modules/mermaid; reading or building the site needs neither.
diagrams: $(VENV)/.all node_modules/.installed browser
	$(BIN)/python tools/render_diagrams.py

# Mermaid and KaTeX come from the npm registry at set-up time and are served by the site itself.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) node_modules site
