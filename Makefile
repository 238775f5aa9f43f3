# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# pip prints one "Location ... is ignored" warning per index page on these machines.
PIP_NOISE := Location '.*' is ignored

.PHONY: help install run test test-fast lint clean

help:
	@echo "make run        install, migrate, seed demo data, start web + worker + beat (Ctrl-C stops all)"
	@echo "make test       ruff, mypy, compose schema, pytest on real PostgreSQL, Redis and Chromium"
	@echo "make test-fast  pytest on SQLite with no services (quick loop)"
	@echo "make lint       ruff check + format check + mypy"

# Reinstall only when pyproject.toml changes, so a second `make run` starts in seconds.
# `make run` needs the app's dependencies only; the test targets add the dev extra.
define pip_install
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "==> installing $(1) into $(VENV) (log: $(VENV)/pip.log)"
	@$(PY) -m pip install --disable-pip-version-check --no-compile -e '$(1)' >$(VENV)/pip.log 2>&1 \
	   || { grep -v "$(PIP_NOISE)" $(VENV)/pip.log | tail -40; echo "pip install failed"; exit 1; }
endef

$(VENV)/.installed-app: pyproject.toml
	$(call pip_install,.)
	@touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(call pip_install,.[dev])
	@touch $@ $(VENV)/.installed-app

install: $(VENV)/.installed-dev

run: $(VENV)/.installed-app
	@scripts/run.sh

test: install
	@scripts/test.sh $(PYTEST_ARGS)

test-fast: install
	@scripts/test-fast.sh $(PYTEST_ARGS)

lint: install
	@$(VENV)/bin/ruff check ceutrack tests
	@$(VENV)/bin/ruff format --check ceutrack tests
	@$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) test-results *.egg-info
