# Alongside: two commands. `make demo` sets up and serves the demo; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON_VERSION := 3.12
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/uv/bin/uv)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
REQUIREMENTS := requirements/base.txt requirements/dev.txt
export PATH := $(CURDIR)/$(BIN):$(HOME)/.pyenv/shims:$(PATH)

.PHONY: help demo test lint requirements browser postgres serve sbom

help:
	@echo "make demo   set up and serve the demo organisation at http://127.0.0.1:8000"
	@echo "make test   run every test (SQLite, PostgreSQL and Chromium)"

$(CURDIR)/.tools/uv/bin/uv:
	python3 -m pip install --quiet --disable-pip-version-check --target $(CURDIR)/.tools/uv uv

# Bytecode is compiled at install, as pip does: with PYTHONDONTWRITEBYTECODE set, every process
# would otherwise compile each module it imports again (polars alone: 1.2 s instead of 0.3 s).
$(BIN)/.installed: $(REQUIREMENTS) pyproject.toml | $(UV)
	test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON_VERSION) $(VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes $(REQUIREMENTS)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	# The project's own bytecode too: PYTHONDONTWRITEBYTECODE=1 stops Python writing it, so without
	# this every command recompiled the project's modules (0.25 s of each `alongside` start).
	$(BIN)/python -m compileall -q alongside config
	touch $@

# The demo and the checks run with DEBUG on; without DJANGO_DEBUG=true settings are production's.
demo lint test: export DJANGO_DEBUG = true

demo: $(BIN)/.installed
	$(BIN)/alongside migrate --verbosity 0
	$(BIN)/alongside demo
	@echo "A task worker runs beside the server: appointment reminders print here (console email and text)."
	$(BIN)/alongside db_worker --interval 5 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(BIN)/alongside runserver 127.0.0.1:8000

browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: $(BIN)/.installed browser postgres lint sbom
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -q
	ALONGSIDE_TEST_DATABASE=postgres $(BIN)/python -m pytest -q -m "not browser"

# The software bill of materials (CycloneDX JSON) of what a server installs: every package pinned,
# with its hashes, in requirements/base.txt (docs/security/patching.md). CI makes it with `make test`.
SBOM ?= sbom.json
sbom: $(BIN)/.installed
	PYTHONWARNINGS=ignore::UserWarning $(BIN)/cyclonedx-py requirements --pyproject pyproject.toml --output-reproducible \
	  --of JSON -o $(SBOM) requirements/base.txt

# Recompile the hash-pinned requirements (no index URLs are written).
requirements: | $(UV)
	cd requirements && $(UV) pip compile --quiet --generate-hashes --no-emit-index-url --python-version $(PYTHON_VERSION) base.in -o base.txt
	cd requirements && $(UV) pip compile --quiet --generate-hashes --no-emit-index-url --python-version $(PYTHON_VERSION) dev.in -o dev.txt
