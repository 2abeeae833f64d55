# Wegwijzer — see README.md. Every target creates the virtual environment when needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
EVAL_SET ?= ../shared/eval/dev.jsonl
SCORER   ?= ../shared/tools/score_route.py
STAMP  := $(VENV)/.installed

.PHONY: run test check lint typecheck chromium rules-check eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m app migrate
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check app tests migrations

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (never a downloaded one). Where it is missing and
# this user may install packages, it is installed; otherwise those tests say they were skipped.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "== installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
	  else echo "!! chromium not found: browser tests will be skipped (apt-get install chromium)"; fi; \
	fi

# The suite runs on SQLite; with TEST_POSTGRES_URL set (.ci/run does) it runs again on PostgreSQL.
test: lint typecheck chromium rules-check
	$(BIN)/pytest
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== the suite again, on PostgreSQL"; \
	  WEGWIJZER_TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/pytest; \
	fi

# The shipped rule set must pass its own checks with zero errors.
rules-check: $(STAMP)
	$(BIN)/python -m app rules check

check: test

eval: $(STAMP)
	$(BIN)/python -m app.devtools.evaluate --set $(EVAL_SET) --scorer $(SCORER)

bench: $(STAMP)
	$(BIN)/python -m app.devtools.bench --set $(EVAL_SET)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
