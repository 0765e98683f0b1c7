# Courtdash: `make demo` runs it with demo data, `make test` runs the tests.
# With no DATABASE_URL / REDIS_URL, an embedded PostgreSQL and Redis start under ./data.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_CASES ?= 100000
PORT ?= 8000

.PHONY: demo test lint bench messages clean-data

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(VENV)/.installed-dev
	DEMO_CASES=$(DEMO_CASES) PORT=$(PORT) bin/demo

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed-dev
	$(PY) manage.py bench_import --rows 1000000
	$(PY) manage.py bench_metrics --cases 1000000
	$(PY) manage.py bench_pages

messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=data
	$(PY) manage.py compilemessages --ignore=.venv

clean-data:
	rm -rf data staticfiles
