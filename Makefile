# cowork-data: `make run` sets everything up and builds the data package offline; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean browser virtuoso bytecode

setup: $(STAMP) bytecode browser virtuoso

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The toolkit's modules compiled ahead (as a non-editable pip install does): with PYTHONDONTWRITEBYTECODE set, as in
# many containers, nothing else writes them, and every command compiled its modules again (0.13 s of a cold
# `cowork-data validate`, docs/decisions.md §20.5). A module changed since is compiled again here, or in memory.
bytecode: $(STAMP)
	@$(PY) -m compileall -q cowork_data

# Debian's Chromium (web tests) and raptor (rapper, an independent RDF parser); installed once, as root.
browser:
	@if ! command -v chromium >/dev/null || ! command -v rapper >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium raptor2-utils >/dev/null; \
	  else \
	    echo "chromium and raptor2-utils are missing: run 'sudo apt-get install chromium raptor2-utils'"; exit 1; \
	  fi; \
	fi

# Debian's Virtuoso server binary (push tests against a real Virtuoso, the store of dati.gov.it's SPARQL endpoint).
# virtuoso-opensource-7-bin is the server alone: the virtuoso-opensource package would also install and start a
# system service on ports 1111 and 8890. The tests start their own server on free loopback ports.
virtuoso:
	@if ! command -v virtuoso-t >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null; \
	  else \
	    echo "virtuoso-t is missing: run 'sudo apt-get install virtuoso-opensource-7-bin'"; exit 1; \
	  fi; \
	fi

# The release (datapackage.json, data/, ids/) and the semantic assets (assets/, schema.gov.it's layout).
run: setup
	$(VENV)/bin/cowork-data build
	$(VENV)/bin/cowork-data assets

# Two workers (CI has two cores), one test module per worker at a time (module fixtures start servers once), the
# longest modules first (tests/conftest.py SLOWEST_FIRST); the run prints its wall time and its slowest tests.
test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=30

# Benchmarks (not tests): bench/build.py times `cowork-data build --root` on a generated project (cold, against the
# store's own bulk load of the same N-Quads by pyoxigraph and by the oxigraph CLI, no change, one source changed;
# each step of the cold build with its wall and CPU time and memory; bench/results/build-*.json; BENCH_1M=1 adds 1M spaces);
# bench_validate.py times the validation of a municipality's file; load_endpoint.py puts 16 clients on the SPARQL endpoint for 60 s.
bench: $(STAMP) bytecode
	$(PY) bench/build.py
	$(PY) bench/bench_validate.py
	test -d build/store || $(VENV)/bin/cowork-data build -q
	$(PY) bench/load_endpoint.py --seconds 60 --clients 16

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf build $(VENV)
