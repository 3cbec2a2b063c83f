# One command per task: make run, make test, make lint, make bench, make bench-quality.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED_DATA ?= ../shared/data

.PHONY: install run load test lint format bench bench-quality judge data clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

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
