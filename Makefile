# Courtdash: `make demo` runs it with demo data, `make test` runs the tests.
# With no DATABASE_URL / REDIS_URL, an embedded PostgreSQL and Redis start under ./data.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_CASES ?= 100000
PORT ?= 8000

# Locks: requirements.in / requirements-dev.in hold the direct dependencies; `make lock` turns
# them into requirements.txt / requirements-dev.txt (the whole tree, pinned, with hashes) with a
# pinned pip-tools in its own venv. `make lock LOCK_ARGS=--upgrade` moves everything to the newest
# releases the .in files allow; `LOCK_ARGS="--upgrade-package NAME"` moves one.
PIP_TOOLS := pip-tools==7.7.0
LOCK_VENV := $(VENV)/lock-tools
LOCK_ARGS ?=
PIP_COMPILE = env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	CUSTOM_COMPILE_COMMAND="make lock" \
	$(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple $(LOCK_ARGS)

.PHONY: demo test lint lock bench messages clean-data

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# axe-core for the browser tests' accessibility checks, from the npm registry (locked).
A11Y := tests/a11y/node_modules/.package-lock.json
$(A11Y): tests/a11y/package.json tests/a11y/package-lock.json
	@command -v npm >/dev/null || { echo "需要 npm（Node.js）以安装 axe-core"; exit 1; }
	npm ci --prefix tests/a11y --no-audit --no-fund --silent
	touch $@

demo: $(VENV)/.installed-dev
	DEMO_CASES=$(DEMO_CASES) PORT=$(PORT) bin/demo

# The tests spread over the cores (pytest-xdist; at most 4 workers, each with its own test
# database and the next Redis database after REDIS_URL's), handed out one by one in pytest's
# order (pytest-django's: the transactional tests after the others, on every worker); tests
# marked with one xdist_group run on one worker. TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev $(A11Y)
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

lock:
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet "$(PIP_TOOLS)"
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

bench: $(VENV)/.installed-dev
	$(PY) manage.py bench_import --rows 1000000 --changed 0.01
	$(PY) manage.py bench_metrics --cases 1000000
	$(PY) manage.py bench_pages
	$(PY) manage.py bench_load --users 20 --seconds 15
	$(PY) manage.py bench_load --users 20 --seconds 15 --think 2

messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=data
	$(PY) manage.py compilemessages --ignore=.venv

clean-data:
	rm -rf data staticfiles
