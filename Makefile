# Rainmaker: two commands.
#   make run   set everything up and serve the site with demo data on http://127.0.0.1:8000
#   make test  install what is missing and run the whole suite (PostgreSQL, Redis, SQLite, browser)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONPATH := $(CURDIR)/platform:$(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-fast test-sqlite test-browser install lint format lock bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (no python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the locks change: a second `make run` is fast.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py schedule_periodic
	@echo ""
	@echo "  Rainmaker is starting on http://$(HOST):$(PORT)"
	@echo "  Demo sign-ins (password: rainmaker-demo): newhire, rainmaker, mentor, manager"
	@echo "  Wagtail admin: http://$(HOST):$(PORT)/cms/   API docs: http://$(HOST):$(PORT)/api/v1/docs"
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py db_worker --interval 1 & \
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

# The whole suite: PostgreSQL + Redis (started by the test run itself), then SQLite, then
# the browser journeys.
test: install
	bash scripts/test.sh

test-fast: install
	$(PY) -m pytest -x -q -m "not browser" $(ARGS)

test-sqlite: install
	TEST_DB=sqlite $(PY) -m pytest -q -m "not browser and not postgres and not redis" $(ARGS)

test-browser: install
	bash scripts/test.sh browser $(ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

lock: $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-find-links --no-emit-index-url -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-find-links --no-emit-index-url -o requirements-dev.txt requirements-dev.in

bench: install
	$(PY) -m bench $(ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts node_modules
