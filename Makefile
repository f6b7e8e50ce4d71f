# Two commands do everything on a fresh machine:  make run  (set-up + main job)  and  make test.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint slow docs tutorials clean

$(STAMP): requirements.lock pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

run: $(STAMP)  ## set up (once) and run the default KBOP recovery study
	$(BIN)/qcasim run

test: $(STAMP)  ## the fast test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

slow: $(STAMP)  ## tests marked slow (kill -9 resume, Dask cluster, full grids)
	$(BIN)/python -m pytest -m slow

docs: $(STAMP)  ## API reference from the docstrings; warnings are errors
	$(BIN)/python -W error -m pdoc --output-directory build/docs $$($(BIN)/python docs/modules.py)

tutorials: $(STAMP)  ## run every tutorial as a script
	@set -e; for f in experiments/tutorials/*.py; do echo "== $$f"; MPLBACKEND=Agg $(BIN)/python $$f > /dev/null; done

check: test lint slow docs tutorials

clean:
	rm -rf $(VENV) build
