# The two commands the README starts with, plus the quick loop, the benchmark and the long fuzz campaign.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
# pytest-xdist workers: one per core by default; PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test test-fast bench eval fuzz install lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# constraints.txt anew: the newest releases pyproject.toml allows, resolved in a throwaway venv.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '/^#/p' constraints.txt; .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-lock

run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo setup --url http://$(HOST):$(PORT)
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The edit-test loop: everything but the browser tests and the fuzz campaign.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser" --ignore=tests/fuzz $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

eval: $(STAMP)
	$(BIN)/python eval/run.py

fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest tests/fuzz -p no:randomly $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
