# Two commands do everything on a fresh machine:  make run  (set-up + main job)  and  make test.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test check lint slow site docs tutorials lock clean

# The runtime set (requirements.lock: pinned, with hashes), then qcasim itself.
$(RUN_STAMP): requirements.lock pyproject.toml
	$(PY) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps -e .
	touch $@

# Adds the test, lint and documentation tools and the optional extras (requirements-dev.lock).
$(DEV_STAMP): $(RUN_STAMP) requirements-dev.lock
	$(PIP) --require-hashes -r requirements-dev.lock
	touch $@

run: $(RUN_STAMP)  ## set up (once) and run the default KBOP recovery study
	$(BIN)/qcasim run

test: $(DEV_STAMP)  ## the fast test suite
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

slow: $(DEV_STAMP)  ## tests marked slow (kill -9 resume, Dask cluster, full grids, the site in a browser)
	$(BIN)/python -m pytest -m slow

site: $(DEV_STAMP)  ## the documentation site in build/site (runs every tutorial); warnings are errors
	rm -rf build/site
	MPLBACKEND=Agg $(BIN)/python -m sphinx -W --keep-going -q -b html docs build/site
	@echo "site: build/site/index.html"

docs: site  ## the API reference is part of the site

tutorials: $(DEV_STAMP)  ## run every tutorial as a plain script
	@set -e; for f in experiments/tutorials/*.py; do echo "== $$f"; MPLBACKEND=Agg $(BIN)/python $$f > /dev/null; done

lock: $(RUN_STAMP)  ## re-resolve both lock files (keeps current pins unless pyproject.toml needs others)
	$(PIP) pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-options \
	    -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-options --allow-unsafe \
	    --extra parquet --extra dask --extra plot --extra test --extra docs -o requirements-dev.lock pyproject.toml

check: test lint site slow

clean:
	rm -rf $(VENV) build docs/tutorials docs/examples docs/generated docs/sg_execution_times.rst
