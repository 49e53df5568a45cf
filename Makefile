# Two entry points (see README): `make run` and `make test`. Both create .venv on first use.
# `make bench` measures the performance claims (benchmarks/README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[plots]'
	touch $@

$(BIN)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,plots]'
	touch $(BIN)/.installed $@

run: $(BIN)/.installed
	$(BIN)/python -m chainrule train

test: $(BIN)/.installed-dev
	$(BIN)/python -m ruff check src tests benchmarks examples
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: $(BIN)/.installed-dev
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/run_all.py
	$(BIN)/python benchmarks/train_quality.py
	$(BIN)/python benchmarks/optimizers.py
	$(BIN)/python benchmarks/second_order.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
