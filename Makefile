# Sportello: the two commands every newcomer uses are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The public address used in emails, return URLs and by the built-in sandbox: the one
# make run listens on, unless set.
SITE_URL ?= http://$(HOST):$(PORT)
# Parallel test workers (pytest-xdist); 0 runs in one process.
TEST_WORKERS ?= 2

.PHONY: run test install install-test lint lock messages clean bench

# The venv's own pip is used as it comes (no unpinned `pip install --upgrade pip`): every
# package installed comes from a lock file and must match one of its sha256 hashes.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements.lock
	touch $@

# requirements-test.lock holds everything (the runtime pins of requirements.lock included).
$(VENV)/.installed-test: requirements.lock requirements-test.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements-test.lock
	touch $(VENV)/.installed-run $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

## Set up and serve the portal with demo data and the built-in pagoPA sandbox.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --demo-second-factor --demo-api-token
	HOST=$(HOST) PORT=$(PORT) SITE_URL=$(SITE_URL) exec $(BIN)/python manage.py serve

## Set up and run the whole test suite (browser tests need /usr/bin/chromium).
test: install-test
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

## Regenerate bench/RESULTS.md's measured sections on this machine: the portal and the EC
## endpoint at 10k, 100k and 1M positions, the receipt's own SQL replayed bare beside the
## floor, then the deadline day (about an hour). Needs a
## PostgreSQL database of the benchmark's own (created if missing) and Redis.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sportello_bench
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/7
bench: install-test
	$(BIN)/python bench/createdb.py $(BENCH_DATABASE_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) \
		$(BIN)/python bench/run.py --sizes 10000,100000,1000000
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) \
		$(BIN)/python bench/receipt_bound.py
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) \
		$(BIN)/python bench/deadline_day.py --minutes 10 --users 60

## Regenerate the hashed lock files from pyproject.toml (uv, in a scratch virtualenv); the
## pins already there are kept. Upgrade on purpose: make lock LOCK_ARGS=--upgrade
lock:
	PYTHON=$(PYTHON) LOCK_ARGS="$(LOCK_ARGS)" scripts/lock.sh

## Extract and compile translations (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static/vendor \
		--ignore=tests --ignore=bench --ignore=docs --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) var
