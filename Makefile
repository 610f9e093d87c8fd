# Kunta-KG. `make run` and `make test` are the two commands a fresh clone needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KUNTAKG := $(VENV)/bin/kuntakg
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run build serve test lint soak bench bench-scale bench-serve install install-serve export clean system-deps browser-deps \
	node-deps r-deps virtuoso-deps

# Two stamps: `make run` installs only what serving needs (.[serve]); `make test` adds the test tools
# (.[serve,test]: pytest, playwright, locust, schemathesis, hypothesis, ruff, mypy …). Either works first
# from a fresh clone; each reinstalls when pyproject.toml changes.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-serve: pyproject.toml | $(VENV)/bin/python
	$(MAKE) system-deps
	$(PY) -m pip install -q -e '.[serve]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(MAKE) system-deps
	$(PY) -m pip install -q -e '.[serve,test]'
	touch $(VENV)/.installed-serve $@

install-serve: $(VENV)/.installed-serve
install: $(VENV)/.installed-test

# Java runs the HermiT reasoner bundled with owlready2.
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for HermiT (apt-get)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless; }

# Debian's chromium runs the browser tests (Playwright cannot download browsers; tests use executable_path).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests (apt-get)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Debian's Virtuoso runs the deploy recipe's test (tests/test_deploy_virtuoso.py: bulk load, our app in front);
# without it that test would only skip
virtuoso-deps:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "installing Debian's virtuoso-opensource for the deploy recipe's test (apt-get)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q virtuoso-opensource; }

# Debian's R runs examples/kuntakg.R in tests/test_examples.py (base R and jsonlite, both from Debian)
r-deps:
	@{ command -v Rscript >/dev/null 2>&1 && Rscript -e 'quit(status = !requireNamespace("jsonlite", quietly = TRUE))'; } || { \
	  echo "installing Debian's R and jsonlite for the R example (apt-get)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    r-base-core r-cran-jsonlite; }

build: install-serve
	$(KUNTAKG) build

run: build
	$(KUNTAKG) serve --host $(HOST) --port $(PORT)

# gunicorn.conf.py: --preload (the store is loaded once in the master and shared copy-on-write), gthread
# workers with read deadlines for headers and bodies (slow clients hold no worker), and each gunicorn
# worker starts its own killable query processes right after the fork.
serve: build
	$(VENV)/bin/gunicorn -c gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) 'server:create_app()'

# ruff (pyflakes, pycodestyle, bugbear, import order) and mypy, zero findings; .ci/run runs it before the tests
lint: install
	$(VENV)/bin/ruff check kuntakg server
	$(VENV)/bin/mypy kuntakg server

# tests/node: the npm SPARQL client that tests/test_clients.py runs against a live server (lock file pinned)
node-deps:
	@if command -v npm >/dev/null 2>&1; then cd tests/node && npm ci --no-audit --no-fund --silent; \
	  else echo "npm not found: tests/test_clients.py::test_node_fetch_sparql_endpoint will fail"; fi

# tidy tables (CSV, XLSX) of goals, actions, indicators, targets and assessments from dist/ (docs/exports.md)
export: build
	$(KUNTAKG) export

test: install browser-deps node-deps r-deps virtuoso-deps
	$(PY) -m pytest

# the fuzz, fault and load tests in their long form (KUNTAKG_SOAK=1 scales cases and durations; tests/soak.py)
soak: install browser-deps
	KUNTAKG_SOAK=1 $(PY) -m pytest -m "fuzz or fault or load" -p no:cacheprovider

# the endpoint against the in-process engine, Oxigraph server and rdflib (issue 5, its own ~100k quads),
# then the scale table (issue 8): generated documents through the real build, load and stored-query API
# at each of SCALES quads (SCALES=100000,1000000,5000000 for the 5 M row; output in bench/out/, git-ignored)
SCALES ?= 100000,1000000
bench: install
	$(PY) bench/endpoint.py
	$(PY) bench/scale.py --scales $(SCALES) --json bench/out/scale.json

bench-scale: install
	$(PY) bench/scale.py --scales $(SCALES) --json bench/out/scale.json

# serving a large build: stored queries per town over the on-disk store and over Virtuoso (issue 15)
SERVE_DIST ?= bench/out/1000000/project/dist
bench-serve: install
	$(PY) bench/serve_scale.py --dist $(SERVE_DIST) --json bench/out/serve.json

clean:
	rm -rf dist $(VENV)
