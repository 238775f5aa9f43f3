# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# The interpreter the venv is made from: Debian's /usr/bin/python3.11 where it can make a venv,
# else python3. Debian builds it with profile-guided and link-time optimisation into one static
# executable; the pyenv CPython 3.11 these machines put first on PATH is built with neither and
# calls into a shared libpython. Same language and the same wheels from the lock files. On the
# Debian build the engine's scenarios run in 15 % fewer instructions and imports in 27 % fewer
# (valgrind's callgrind, which counts the same whatever the machine's speed), pytest took about
# 9 % less time and the reminder sender a fifth less CPU per email (alternated runs).
# `make clean install` moves an existing venv to it.
FAST_PYTHON := /usr/bin/python3.11
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell $(FAST_PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 \
	&& echo $(FAST_PYTHON) || echo python3)
endif
VENV := .venv
PY := $(VENV)/bin/python
# pip prints one "Location ... is ignored" warning per index page on these machines.
PIP_NOISE := Location '.*' is ignored

.PHONY: help install run test test-fast lint lock upgrade clean

help:
	@echo "make run        install, migrate, seed demo data, start web + worker + beat (Ctrl-C stops all)"
	@echo "make test       ruff, mypy, import-linter, compose schema, pytest on PostgreSQL, Redis, Chromium"
	@echo "make test-fast  pytest on SQLite with no services (quick loop)"
	@echo "make lint       ruff check + format check + mypy + import-linter"
	@echo "make lock       bring requirements/*.txt in line with pyproject.toml, keeping pins"
	@echo "make upgrade    re-resolve requirements/*.txt to the newest versions pyproject allows"

# Dependencies install from the lock files under requirements/ (exact versions, hashes checked),
# never from the ranges in pyproject.toml: a clone on any later day installs what was tested.
# `make lock` re-resolves them on purpose; tests/unit/test_lock.py fails when the two disagree.
# The project itself is put on the path with a .pth file (what an editable install amounts to),
# so no build backend is fetched unpinned. Reinstall only when a lock file changes.
define pip_install
	@test -x $(PY) || { echo "==> creating $(VENV) with $(PYTHON) ($$($(PYTHON) -V))"; \
	   $(PYTHON) -m venv $(VENV); }
	@echo "==> installing $(1) into $(VENV) (log: $(VENV)/pip.log)"
	@$(PY) -m pip install --disable-pip-version-check --no-compile --require-hashes --no-deps \
	   -r $(1) >$(VENV)/pip.log 2>&1 \
	   || { grep -v "$(PIP_NOISE)" $(VENV)/pip.log | tail -40; echo "pip install failed"; exit 1; }
	@$(PY) -c 'import pathlib, site; pathlib.Path(site.getsitepackages()[0], "ceutrack.pth").write_text(str(pathlib.Path.cwd()) + "\n")'
endef

$(VENV)/.installed-app: requirements/app.txt
	$(call pip_install,requirements/app.txt)
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt
	$(call pip_install,requirements/dev.txt)
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
	@DEBUG=1 $(VENV)/bin/mypy
	@$(VENV)/bin/lint-imports --no-cache

# `make lock` brings requirements/*.txt in line with pyproject.toml, keeping every pin it can
# (a new dependency gets the newest allowed version); `make upgrade` re-resolves everything to the
# newest allowed versions. Either way: review `git diff requirements/`, run make test, and commit
# pyproject.toml and requirements/ together.
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --quiet \
	--python-version 3.11 --python-platform x86_64-manylinux_2_28
lock: $(VENV)/.installed-dev
	$(UV_COMPILE) $(UV_FLAGS) -o requirements/app.txt
	$(UV_COMPILE) $(UV_FLAGS) --extra dev -o requirements/dev.txt
	@echo "lock files regenerated: review 'git diff requirements/', run make test, commit"

upgrade:
	@$(MAKE) --no-print-directory lock UV_FLAGS=--upgrade

clean:
	rm -rf $(VENV) test-results *.egg-info
