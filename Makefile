# One command for each routine job. Every target builds its own virtualenv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Stamps are named by content, so any change to the dependency lists reinstalls.
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run migrate test lint fmt typecheck pytest bench bench-db bench-load bench-abuse bench-hangs bench-pages browser nginx clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "CodeRace needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "CodeRace needs Node.js and npm for its browser libraries"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-*
	@touch $(NODE_STAMP)

## setup: create the virtualenv, install CodeRace with its dev tools and the browser libraries
setup: $(STAMP) $(NODE_STAMP)

## run: set up, migrate the embedded SQLite, and serve CodeRace (http://$(HOST):$(PORT))
run: setup migrate
	$(BIN)/race run --host $(HOST) --port $(PORT)

## migrate: bring the results database (DATABASE_URL, else SQLite under instance/) up to date
migrate: setup
	$(BIN)/race db upgrade

## test: set up, lint, type-check and run the whole test suite (what CI runs)
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check race tests bench
	$(BIN)/ruff format --check race tests bench
	node_modules/.bin/dclint docker-compose.yml

fmt: setup
	$(BIN)/ruff check --fix race tests bench
	$(BIN)/ruff format race tests bench

typecheck: setup
	$(BIN)/mypy

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## browser: Debian's Chromium for the browser tests (Playwright drives it; its own download is not used)
browser:
	@[ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM_PATH" ] || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

## nginx: the load balancer of the deployment (deploy/nginx.conf), which the balancer tests run
nginx:
	@[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx-light; }

pytest: setup browser nginx
	$(BIN)/pytest

## bench: print throughput figures (no assertions)
bench: setup
	$(BIN)/python bench/scorer.py
	$(BIN)/python bench/verdict_humans.py
	$(BIN)/python bench/analysis.py

## bench-db: seed 1,000,000 results into Postgres (schema `bench`, once) and time the leaderboard queries
bench-db: setup
	$(BIN)/python bench/seed_results.py --results 1000000
	$(BIN)/python bench/leaderboard.py

## bench-load: simulated racers against 1 and 2 real workers on Redis (prints a table)
bench-load: setup
	$(BIN)/python bench/load.py --workers 1 2 --racers 300 600 1000

## bench-hangs: how long a call to a Postgres or Redis that accepts TCP and never answers takes to fail
bench-hangs: setup
	$(BIN)/python bench/hangs.py

## bench-abuse: one racer at the rate limit for a whole 600 s race, beside another room (prints figures)
bench-abuse: setup
	$(BIN)/python bench/abuse.py --seconds 600

## bench-pages: bytes each page transfers (compressed) and key press -> screen latency, in Chromium
bench-pages: setup browser
	$(BIN)/python bench/page_weight.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
