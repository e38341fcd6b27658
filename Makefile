# zhengcai — two commands on a fresh machine:
#   make demo   set everything up and serve the platform with demo data (SQLite) on :8000
#   make test   set up and run lint, type check, migration check and the whole suite on
#               SQLite and then on PostgreSQL
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
DEMO_SCALE ?= small
PG_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/zhengcai)
PYTEST_ARGS ?=
# The suite runs on both cores; a module's tests stay on one worker (module-scoped worlds).
XDIST ?= -n auto --dist loadfile
# Machine dates the suite is also run at (faketime), to prove no test reads the real date:
# one mid-2026, one across New Year into a year without an official holiday schedule, one in 2028.
SUITE_DATES ?= 2026-07-15T10:00:00 2026-12-28T08:00:00 2028-02-29T10:00:00

.PHONY: help setup system-deps assets messages extract-messages lint format typecheck migrations-check \
        test test-sqlite test-postgres test-dates demo serve bench openapi clean

help:
	@echo "make demo   — install, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make test   — install, lint, type-check, migration check, tests on SQLite + PostgreSQL"
	@echo "make bench  — benchmarks (ratios against an in-run baseline)"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) assets messages

system-deps:
	scripts/system-deps.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

zhengcai/static/vendor/.stamp: node_modules/.package-lock.json
	mkdir -p zhengcai/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js zhengcai/static/vendor/
	cp node_modules/echarts/dist/echarts.min.js zhengcai/static/vendor/
	touch $@

assets: zhengcai/static/vendor/.stamp

messages: $(STAMP)
	@command -v msgfmt >/dev/null || scripts/system-deps.sh gettext
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MANAGE) compilemessages -v0

# After changing interface strings: extract, translate the new entries in
# locale/en/LC_MESSAGES/django.po (msgids are Chinese), then `make messages`.
extract-messages: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MANAGE) makemessages -l en --no-wrap --no-location \
	  --ignore=.venv --ignore=node_modules --ignore=var
	# A guessed ("fuzzy") translation is no translation: empty it so it is written anew.
	msgattrib --clear-fuzzy --empty --clear-previous --no-wrap --no-location \
	  -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(STAMP)
	$(VENV)/bin/mypy zhengcai config

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

test: system-deps setup lint typecheck migrations-check test-sqlite test-postgres test-dates
	@echo "make test: all checks passed on SQLite and PostgreSQL, and at every date in SUITE_DATES"

test-sqlite: setup
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: setup
	@echo "== tests on PostgreSQL ($(PG_URL))"
	scripts/ensure-postgres.sh "$(PG_URL)"
	DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS)

# The suite (browser walks excepted, they run above) with the machine's clock moved by
# faketime: a test that reads the real date instead of the platform clock fails here.
test-dates: setup
	@command -v faketime >/dev/null || scripts/system-deps.sh faketime
	@for d in $(SUITE_DATES); do \
	  echo "== tests on SQLite with the machine clock at $$d"; \
	  env -u DATABASE_URL faketime "$${d/T/ }" $(VENV)/bin/pytest $(XDIST) -q -m "not browser" \
	    -p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
	done

demo: setup
	@command -v espeak-ng >/dev/null || scripts/system-deps.sh espeak-ng
	DJANGO_SETTINGS_MODULE=config.settings.demo $(MANAGE) migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.demo $(MANAGE) seed_demo --scale $(DEMO_SCALE) --if-empty
	DJANGO_SETTINGS_MODULE=config.settings.demo $(MANAGE) collectstatic --noinput -v0
	scripts/serve.sh

bench: setup
	env -u DATABASE_URL $(PY) -m bench

openapi: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) export_openapi docs/openapi.json

clean:
	rm -rf $(VENV) node_modules zhengcai/static/vendor var
