# Vinh Danh: two commands. `make demo` serves a seeded demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_DEMO := $(VENV)/.installed-demo
STAMP_TEST := $(VENV)/.installed-test

PORT ?= 8000
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vinhdanh
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test lint bench load clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_DEMO): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test]"
	touch $@

# Embedded SQLite and the in-memory channel layer: for the demo only (`make demo PORT=8100`).
demo: $(STAMP_DEMO)
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= $(PY) manage.py migrate --no-input
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= $(PY) manage.py seed_demo
	@echo "Vinh Danh: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite against PostgreSQL and Redis on 127.0.0.1.
test: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(VENV)/bin/mypy
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(VENV)/bin/pytest -q

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Every benchmark beside its floor (bench/run_all.py): bench/results/latest.{json,md}.
bench: $(STAMP_TEST)
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(PY) bench/run_all.py

# A bounded load run (Locust, 127.0.0.1 only), outside the default test run: bench/load.py.
# `make load LOAD_ARGS=--reuse-seed` starts from the previous run's seeded database.
LOAD_ARGS ?=
load: $(STAMP_TEST)
	$(PIP) install --quiet -e ".[test,load]"
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 test-artefacts
