# Two commands on a fresh machine: `make run` and `make test`.

# The interpreter the venv is made with, unless PYTHON is given (`make run PYTHON=python3.13`): on Linux the
# distribution's own /usr/bin/python3 when it is 3.11 or newer and can make a venv, else the first python3 on PATH.
# Why: the suite is CPU-bound Python, and distributions build CPython with profile-guided and link-time optimisation,
# which a version manager's default build leaves out (pyenv without PYTHON_CONFIGURE_OPTS, first on this machine's
# PATH). Measured on a 2-core machine, three alternating pairs of whole runs (pytest -n 5): Debian's 3.11.2 99 / 103 /
# 97 s wall, 163 / 173 / 165 s user CPU; pyenv's 3.11.7 118 / 125 / 112 s, 204 / 216 / 196 s. It also runs the suite on
# the oldest 3.11 a common distribution ships (Debian 12), which found a real difference (tui/project/pyparse.py).
# Evaluated only when the venv is made (a recursive variable); the chosen interpreter is printed then.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell test "$$(uname -s)" = Linux && $(SYSTEM_PYTHON) -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11) or not ensurepip.version())' > /dev/null 2>&1 && echo $(SYSTEM_PYTHON) || echo python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-random lint demo doctor validate bench snapshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("agentcore-triage needs Python >= 3.11") if sys.version_info < (3, 11) else print(f"{sys.argv[1]}: Python {sys.version.split()[0]} ({sys.executable}); make PYTHON=... chooses another")' $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[sandbox,test,web]'
	@touch $(STAMP)

## run: open the TUI against the embedded demo sandbox (no AWS account needed)
run: $(STAMP)
	$(BIN)/agentcore-triage demo

# Four workers on a 2-core machine: a good part of the suite's worker time is spent waiting (servers started and
# stopped, probes that must sit out their own timeout, Textual's idle frames), and the extra workers fill those waits.
# Each worker also pays its own collection (~2 s of CPU), moto server and scenario sandboxes, and more workers than
# cores cost CPU in switching. Five workers were the best while the suite's timeout-observing tests slept 5 s each;
# with those at 2 s (round 2, stop 17), `make test` measured back to back on 2 cores, mypy's cache removed each time:
# quiet, -n 4 103.8 / 105.5 / 97.2 s and -n 5 106.5 / 103.4 / 92.3 s (five 0-5 s faster), with 2-9 % less CPU at
# -n 4 (184 against 203 s, 189 against 197 s, 170 against 173 s); with other work on the machine (load 4-6), pytest
# alone, -n 4 110.5 / 100.5 s against -n 5 132.6 / 125.5 s. The CPU a run needs is what counts when it shares the
# machine, as CI often does, so four.
TEST_WORKERS ?= 4

## test: install, run the quality gate and the whole test suite
# The type check (mypy, ~12 s of CPU with no cache, as in a fresh clone) runs beside the tests, which leave part of
# the two cores idle while they wait on servers; its verdict is printed after theirs and fails the target as lint
# does. It runs at the lowest priority (nice 19): the tests' waits leave ~15-20 core-seconds idle, and a niced mypy
# fills those instead of taking half a core from the test workers whenever they are all busy; it still ends before
# the tests do. Measured on 2 cores, four alternating pairs of whole `make test` runs (mypy's cache removed each
# time): nice 109.2 / 105.2 / 106.3 / 106.5 s against 110.9 / 111.3 / 114.2 / 107.4 s without.
# The package is byte-compiled first, as `pip install` does for a regular install (an editable one does not),
# so the test workers and the processes the tests start do not each compile it again (this environment may set
# PYTHONDONTWRITEBYTECODE, which stops Python from saving what it compiles). Not the sample project: it is package
# data that the sandbox copies, and a wheel built from this checkout would carry its bytecode.
# The same holds for the test modules, which pytest rewrites (its assertion messages) before compiling them: saving
# the rewritten modules once lets each worker read them instead of rewriting every module itself (measured: a worker's
# collection 4.1 s of CPU without them, 2.2 s with them). tests/rewrite_ahead.py does only that rewriting, without
# importing the test modules, and only those whose saved code pytest would not accept (a second run in the same checkout
# rewrites only what changed): 1.6 s for all, against 4.5 s for the `pytest --collect-only` that did it before, and this step
# is on the critical path. Should it fail (a pytest release that moved its internals: tests/test_rewrite_ahead.py then
# fails too), that collection still saves them; any collection error is left for the real run to report.
# pytest rewrites its plugins' modules too (every module of a package that registers a pytest plugin: hypothesis,
# anyio, syrupy, xdist, …, 143 modules here), and without the bytecode cache each worker did that again: 0.9 s of CPU
# per worker. A collection of one small test module with the cache allowed saves them (1.4 s of CPU), on the other
# core while rewrite_ahead.py runs, so the step's wall is unchanged.
SAVE_REWRITTEN_PLUGINS = PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest --collect-only -q -p no:randomly tests/test_rewrite_ahead.py > /dev/null 2>&1
SAVE_REWRITTEN_TESTS = { $(SAVE_REWRITTEN_PLUGINS) & plugins=$$!; $(BIN)/python tests/rewrite_ahead.py 2> /dev/null || PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest --collect-only -q -p no:randomly -p no:xdist > /dev/null 2>&1 || true; wait $$plugins || true; }
test: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench
	@$(BIN)/python -m compileall -q -x sample_project tui
	@nice -n 19 $(BIN)/mypy > $(VENV)/mypy.out 2>&1 & types=$$!; trap 'kill $$types 2>/dev/null; exit 130' INT TERM; \
	$(SAVE_REWRITTEN_TESTS); \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist=loadgroup -q -p no:randomly; tests=$$?; \
	wait $$types; typed=$$?; echo "mypy:"; cat $(VENV)/mypy.out; \
	test $$tests -eq 0 && test $$typed -eq 0

## test-random: the same suite in a random order (pytest-randomly; replay with --randomly-seed=N)
test-random: lint
	@$(SAVE_REWRITTEN_TESTS)
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
