# The two commands the README starts with, plus the quick loop, the benchmark and the long fuzz campaign.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
# pytest-xdist workers: one per core by default; PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test test-fast bench fuzz install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo setup --url http://$(HOST):$(PORT)
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The edit-test loop: everything but the browser tests and the fuzz campaign.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not browser" --ignore=tests/fuzz $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest tests/fuzz -p no:randomly $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
