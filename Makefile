# One command per task: make run, make test, make lint, make bench, make bench-quality.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED_DATA ?= ../shared/data
CHROMIUM := /usr/bin/chromium

.PHONY: install chromium run load test lint format bench bench-load bench-quality judge data clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@$(MAKE) --no-print-directory chromium
	touch $(STAMP)

install: $(STAMP) chromium

## Debian's Chromium for the browser tests (tests/browser); Playwright never downloads one
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests (apt-get)..."; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null; } \
	  || echo "Could not install chromium with apt-get: the browser tests will be skipped (they fail when CI=true)."; \
	else \
	  echo "$(CHROMIUM) is missing and apt-get cannot run as root here: the browser tests"; \
	  echo "will be skipped (they fail when CI=true). Install it with: sudo apt-get install chromium"; \
	fi

## load the bundled catalogue into the database (SQLite file var/orientation.sqlite by default)
load: $(STAMP)
	$(PY) -m recommender load

## install, load, and serve the API on http://127.0.0.1:8000
run: load
	$(PY) -m api

## install and run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy recommender api data benchmarks

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m benchmarks.catalogue
	$(PY) -m benchmarks.recommend
	$(PY) -m benchmarks.reconversion

## load test: uvicorn with 2 workers, 60 s of mixed widget queries (locust), on the loaded store
bench-load: load
	$(PY) -m benchmarks.load.run --duration 60

## recommendation quality: the engine against four baselines on the judged profiles
bench-quality: $(STAMP)
	$(PY) -m benchmarks.quality

## re-derive benchmarks/quality/judgments.json after editing profiles.toml or data/
judge: $(STAMP)
	$(PY) -m benchmarks.quality.judge

## rebuild data/*.parquet from the raw public sources (needs ../shared/data)
data: $(STAMP)
	$(PY) -m data.build --sources $(SHARED_DATA)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
