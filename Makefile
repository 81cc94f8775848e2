# The two commands a newcomer needs:
#   make demo   install Masthead and serve a demo site at http://127.0.0.1:8000
#   make test   install everything the tests need and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install test-deps system-deps lint bench

demo: install
	$(BIN)/masthead demo masthead-demo

test: install test-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not quiet"
	$(BIN)/python -m pytest -p no:xdist -m quiet

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

test-deps: system-deps node_modules/.installed

system-deps:
	./scripts/install-system-deps.sh

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/build.py
