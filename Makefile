# Caja developer entry points. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# The JavaScript linter and formatter (Biome), pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
BIOME := node_modules/.bin/biome
# The test-only OpenID Connect provider the SSO tests start (caja/tests/oidc_op, its own lock file).
OIDC_OP := caja/tests/oidc_op
OIDC_OP_STAMP := $(OIDC_OP)/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers for make test (PYTEST_WORKERS=0: one process, no xdist). loadgroup keeps each
# xdist_group on one worker (the browser tests, the fault tests). PYTEST_ARGS come last and win.
PYTEST_WORKERS ?= 2
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup
# The address join URLs and QR codes point at. 0.0.0.0 is where we listen, not where a phone can reach
# us: use this machine's first LAN address then. An explicit PUBLIC_BASE_URL (environment or .env) wins.
PUBLIC_HOST := $(if $(filter 0.0.0.0,$(HOST)),$(or $(shell hostname -I 2>/dev/null | awk '{print $$1}'),127.0.0.1),$(HOST))

.PHONY: help venv node oidc-op run test test-sqlite test-postgres lint format migrations-check messages messages-check bench bench-overload bench-vote-cost bench-fairness bench-trends bench-selfpaced bench-deck

help:
	@echo "make run               migrate, seed a demo session, serve on http://$(HOST):$(PORT)"
	@echo "make test              the suite on SQLite (no browser/PostgreSQL-only tests), then all of it on a throwaway PostgreSQL + Redis"
	@echo "make lint              ruff check, ruff format --check, mypy, the layering check, biome ci (JavaScript)"
	@echo "make format            ruff format + ruff check --fix, biome format --write"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make messages          update the translation catalogs (makemessages + compilemessages)"
	@echo "make messages-check    fail if a catalog is out of date, incomplete or not compiled"
	@echo "make bench             load benchmark (bench/run.sh)"
	@echo "make bench-overload    votes past the knee, load shedding off and on (bench/overload.py)"
	@echo "make bench-fairness    when 2000 phones first see a quiz question, against its opens_at (bench/fairness.py)"
	@echo "make bench-selfpaced   5,000 phones each answering 8 activities of a self-paced session over 2 min (bench/selfpaced.py)"
	@echo "make bench-deck        a 100-page PDF deck imported: time and worker memory (bench/deck.py)"
	@echo "make bench-vote-cost   a saturated vote's CPU split across workers, PostgreSQL, Redis, wrk (bench/vote_cost.py)"
	@echo "make bench-trends      a series' trends (50 sessions x 20 tracked activities x 2,000 responses) under 100 ms (bench/trends.py)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when a requirements file changed.
$(STAMP): $(PY) $(wildcard requirements*.txt)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# npm ci (exactly package-lock.json) again only when the lock file changed.
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

node: $(NODE_STAMP)

# The same for the SSO tests' provider (the tests also run this themselves when it is missing).
$(OIDC_OP_STAMP): $(OIDC_OP)/package-lock.json
	cd $(OIDC_OP) && npm ci --no-audit --no-fund --loglevel=error
	touch $(OIDC_OP_STAMP)

oidc-op: $(OIDC_OP_STAMP)

run: venv
	$(PY) manage.py migrate --no-input
	PUBLIC_BASE_URL="$$(bash scripts/public_base_url.sh "$(PUBLIC_HOST)" "$(PORT)")" $(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Caja is starting on http://$(HOST):$(PORT)/"
	@echo "    admin      http://$(HOST):$(PORT)/admin/"
	@echo "    API docs   http://$(HOST):$(PORT)/api/docs"
	@echo "    join page  http://$(HOST):$(PORT)/join"
	@echo "    health     http://$(HOST):$(PORT)/health"
	@echo ""
	PUBLIC_BASE_URL="$$(bash scripts/public_base_url.sh "$(PUBLIC_HOST)" "$(PORT)")" \
		DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

# Not here: the browser tests and what needs PostgreSQL (the race, fault and stack tests), which
# run in test-postgres. Exit status 5 (PYTEST_ARGS selected only such tests) is not a failure.
test-sqlite: venv oidc-op
	@echo "== SQLite =="
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(XDIST) -m "not browser and not postgres" $(PYTEST_ARGS) \
		|| { rc=$$?; [ $$rc -eq 5 ] && echo "(no test of PYTEST_ARGS runs on SQLite)" || exit $$rc; }

# Every test, the browser tests too. Starts its own PostgreSQL and Redis, always stops them (trap),
# keeps pytest's exit status.
test-postgres: venv oidc-op
	@echo "== PostgreSQL =="
	@set -euo pipefail; \
	stop() { bash scripts/redis.sh stop || true; bash scripts/pg.sh stop || true; }; \
	trap stop EXIT; \
	DATABASE_URL="$$(bash scripts/pg.sh start)"; \
	export DATABASE_URL; \
	echo "DATABASE_URL=$$DATABASE_URL"; \
	if REDIS_URL="$$(bash scripts/redis.sh start)"; then export REDIS_URL; echo "REDIS_URL=$$REDIS_URL"; \
	else echo "redis-server unavailable: tests marked redis will skip"; unset REDIS_URL; fi; \
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# Both phases always run; the target fails if either failed.
test: venv
	@rc=0; \
	$(MAKE) --no-print-directory test-sqlite || rc=1; \
	$(MAKE) --no-print-directory test-postgres || rc=1; \
	if [ $$rc -ne 0 ]; then echo "== make test: FAILED =="; else echo "== make test: OK (SQLite and PostgreSQL) =="; fi; \
	exit $$rc

lint: venv node
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	bash scripts/check_layers.sh
	$(BIOME) ci .

format: venv node
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIOME) format --write .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

messages: venv
	bash scripts/messages.sh update

messages-check: venv
	bash scripts/messages.sh check

bench: venv
	bash bench/run.sh

bench-overload: venv
	bash bench/run.sh overload

bench-vote-cost: venv
	bash bench/run.sh vote-cost

bench-fairness: venv
	bash bench/run.sh fairness

# The configured database (DATABASE_URL, else SQLite), migrated first. BENCH_TRENDS_ARGS: e.g. --responses 200.
BENCH_TRENDS_ARGS ?=
bench-trends: venv
	$(PY) manage.py migrate --no-input
	$(PY) bench/trends.py $(BENCH_TRENDS_ARGS)

bench-selfpaced: venv
	bash bench/run.sh selfpaced

bench-deck: venv
	$(PY) bench/deck.py
