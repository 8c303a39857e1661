SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/safeguarding
export REDIS_URL ?= redis://127.0.0.1:6379/0
export PYTHONDONTWRITEBYTECODE := 1
# Tests need a couple of cores each; two xdist workers suit the two-core CI machine.
PYTEST_WORKERS ?= 2

.PHONY: help run test setup system-check services db migrate lint typecheck pytest bench lock clean

help:
	@echo "make run    set everything up, load the demo area and start web + worker + beat on http://127.0.0.1:8000"
	@echo "make test   lint, type-check and run the whole test suite (real PostgreSQL, Redis, Celery and Chromium)"
	@echo "make bench  run the benchmarks (outside the test suite)"

## Environment ---------------------------------------------------------------------------------------------

$(VENV)/.installed: requirements.lock pyproject.toml
	@PYTHON_BIN=$$(scripts/find-python.sh) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON_BIN"; "$$PYTHON_BIN" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/.built: node_modules/.installed $(wildcard assets/scss/*.scss) scripts/copy-assets.mjs
	npm run --silent build
	@touch $@

system-check:
	@scripts/check-system.sh

setup: system-check $(VENV)/.installed static/dist/.built

services: $(VENV)/.installed
	@$(PY) scripts/check_services.py

db: services
	@$(PY) scripts/check_services.py --create-db
	$(PY) manage.py migrate --noinput

## The two commands ----------------------------------------------------------------------------------------

run: setup db
	$(PY) manage.py seed_demo --quiet
	@mkdir -p var
	@$(PY) manage.py demo_credentials
	@echo "Starting web, worker and beat. Open http://127.0.0.1:8000 and sign in with a demo user above."
	$(VENV)/bin/honcho start

test: setup services
	@start=$$(date +%s); status=0; \
	  $(MAKE) --no-print-directory lint typecheck pytest || status=$$?; \
	  end=$$(date +%s); echo "make test finished in $$((end - start)) s (status $$status)"; exit $$status

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck:
	$(VENV)/bin/mypy safeguarding escalation cases referrals meetings reviews $$( [ -d assurance ] && echo assurance )

pytest:
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## Benchmarks and maintenance ------------------------------------------------------------------------------

bench: setup db
	$(PY) bench/run.py $(BENCH_ARGS)

lock:
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) node_modules static/dist var .mypy_cache .ruff_cache .pytest_cache .hypothesis
