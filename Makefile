# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-random lint demo doctor validate bench snapshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "agentcore-triage needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[sandbox,test,web]'
	@touch $(STAMP)

## run: open the TUI against the embedded demo sandbox (no AWS account needed)
run: $(STAMP)
	$(BIN)/agentcore-triage demo

# Four workers on a 2-core machine: about a third of the suite's worker time is spent waiting (servers started and
# stopped, probes that must sit out their own timeout, Textual's idle frames), and two more workers fill those waits.
# Measured on 2 idle cores, one run each: -n 2 158 s, -n 4 112 s, -n 6 145 s (every worker also pays its own
# collection, moto server and scenario runs); -n 4 under two busy-loop hogs: all green, 203 s.
TEST_WORKERS ?= 4

## test: install, run the quality gate and the whole test suite
# The type check (mypy, ~12 s of CPU with no cache, as in a fresh clone) runs beside the tests, which leave part of
# the two cores idle while they wait on servers; its verdict is printed after theirs and fails the target as lint
# does. The package is byte-compiled first, as `pip install` does for a regular install (an editable one does not),
# so the test workers and the processes the tests start do not each compile it again (this environment may set
# PYTHONDONTWRITEBYTECODE, which stops Python from saving what it compiles). Not the sample project: it is package
# data that the sandbox copies, and a wheel built from this checkout would carry its bytecode.
test: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench
	@$(BIN)/python -m compileall -q -x sample_project tui
	@$(BIN)/mypy > $(VENV)/mypy.out 2>&1 & types=$$!; trap 'kill $$types 2>/dev/null; exit 130' INT TERM; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist=loadgroup -q -p no:randomly; tests=$$?; \
	wait $$types; typed=$$?; echo "mypy:"; cat $(VENV)/mypy.out; \
	test $$tests -eq 0 && test $$typed -eq 0

## test-random: the same suite in a random order (pytest-randomly; replay with --randomly-seed=N)
test-random: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist=loadgroup -q

## lint: the quality gate (lint rules, formatting, types; the import contract is tests/test_architecture.py)
lint: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/agentcore-triage playbooks validate

bench: $(STAMP)
	$(BIN)/python -m bench

snapshots: $(STAMP)
	$(BIN)/python -m pytest tests/test_snapshots.py --snapshot-update

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
