# Rust for Data Science workshop.
#
#   make measure   build everything, then time every stage of every lesson
#   make test      build everything, then run every check CI runs
#
# Every target sets the environment up first (.venv-setup/bootstrap.py): it is
# quick when nothing changed and rebuilds only the crate whose sources changed.

PYTHON ?= python3
VENV_PY := $(CURDIR)/.venv/bin/python
LESSONS := poly_match_rs ml_demos_rs inference_rs
# Extra arguments for measure_all.py, e.g. make measure MEASURE_ARGS=--quick
MEASURE_ARGS ?=
# Difficulty of the exercise stubs: easy, intermediate or hard.
LEVEL ?= intermediate

export UV_PYTHON_DOWNLOADS := never
export PYO3_PYTHON := $(VENV_PY)
export PATH := $(PATH):$(HOME)/.cargo/bin

.DEFAULT_GOAL := help
.PHONY: help setup measure test test-rust test-python lint fmt flamegraphs notebooks \
	exercises lock clean

help:
	@echo "make measure      time every stage of every lesson and print the tables (the main job)"
	@echo "make test         everything CI checks: Rust tests, Python tests, notebooks, docs, lint"
	@echo "make exercises LEVEL=easy|intermediate|hard   turn the Rust stages into exercises"
	@echo "make flamegraphs  regenerate the py-spy flamegraphs in <lesson>/py_project/graphs/"
	@echo "make notebooks    open the lesson notebooks in JupyterLab"
	@echo "make lint         cargo fmt --check, cargo clippy -D warnings, ruff"
	@echo "make fmt          format the Rust and Python code in place"
	@echo "make lock         refresh requirements.lock after changing pyproject.toml"
	@echo "make clean        remove .venv, the Rust build folder and caches"

setup:
	@$(PYTHON) .venv-setup/bootstrap.py

measure: setup
	@for lesson in $(LESSONS); do \
		echo; echo "=== $$lesson ==="; \
		(cd $$lesson/py_project && $(VENV_PY) measure_all.py $(MEASURE_ARGS)) || exit 1; \
	done

test: setup lint test-rust test-python

test-rust: setup
	@# Rust tests that start Python import NumPy from .venv (see .cargo/config.toml);
	@# PYTHONPATH covers Python 3.10 on Linux, where PYTHONEXECUTABLE is ignored.
	PYTHONPATH="$$($(VENV_PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
		cargo test --workspace --quiet

test-python: setup
	$(VENV_PY) -m pytest

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	$(VENV_PY) -m ruff check .
	$(VENV_PY) -m ruff format --check .

fmt: setup
	cargo fmt --all
	$(VENV_PY) -m ruff format .
	$(VENV_PY) -m ruff check --fix .

flamegraphs: setup
	@for lesson in $(LESSONS); do \
		(cd $$lesson/py_project && $(VENV_PY) -m workshop flamegraphs) || exit 1; \
	done

notebooks: setup
	$(VENV_PY) -m jupyter lab --notebook-dir=$(CURDIR)

exercises: setup
	$(VENV_PY) -m workshop exercises start all --level $(LEVEL)

# Refresh the hash-pinned locks (requirements.lock and the pinned uv) from
# pyproject.toml. uv.lock is only a step on the way: it records download URLs,
# so it is not committed.
lock:
	@$(PYTHON) .venv-setup/bootstrap.py --lock

clean:
	rm -rf .venv .venv-setup/uv target .pytest_cache .ruff_cache .hypothesis uv.lock
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
