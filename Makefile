# Kontor — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
VENDOR := kontor/static/vendor

.PHONY: run test test-sqlite test-postgres setup system-packages venv static migrate demo lint format bench scaleout messages clean lock

run: setup migrate demo ## set up everything and serve http://127.0.0.1:$(PORT) with the worker
	@echo ""
	@echo "  Kontor runs at http://127.0.0.1:$(PORT)/  — demo login: admin / admin"
	@echo ""
	@trap 'kill 0' EXIT; \
	$(PY) manage.py worker --interval 1 & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

setup: system-packages venv static

# The Debian packages of `make run` (Python with venv, npm), installed when missing; `make test`
# (through the variable below, which make hands on to the prerequisites of test) adds Chromium
# and Dovecot (the inbound mail tests).
system-packages:
	scripts/system-packages $(SYSTEM_PACKAGES_FOR)

venv: $(VENV)/.installed

# The exact versions of requirements-dev.lock (hashes checked), then Kontor itself without
# resolving anything again; rebuilt whenever the lock changes.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements-dev.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# Pin every dependency of pyproject.toml with its hashes, for Linux, macOS and Windows:
# requirements.lock for a deployment (deploy/README.md), requirements-dev.lock with the dev
# tools on the same versions. Run after changing a dependency; commit both files.
UV_VERSION := 0.13.9
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet 'uv==$(UV_VERSION)'
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' --quiet -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -c requirements.lock --universal \
		--python-version 3.11 --generate-hashes --custom-compile-command 'make lock' --quiet \
		-o requirements-dev.lock

static: $(VENDOR)/.installed

# The files the pages load, and the source maps they name: collectstatic's hashed names (DEBUG
# off) need every file a CSS or JS file refers to.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/icons $(VENDOR)/tom-select
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/icons/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/js/tom-select.complete.min.js $(VENDOR)/tom-select/
	cp node_modules/sortablejs/Sortable.min.js node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css.map node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css.map node_modules/tom-select/dist/js/tom-select.complete.min.js.map $(VENDOR)/tom-select/
	cp node_modules/chart.js/dist/chart.umd.min.js.map $(VENDOR)/
	mkdir -p $(VENDOR)/fullcalendar
	cp node_modules/fullcalendar/index.global.min.js node_modules/@fullcalendar/core/locales/de.global.min.js $(VENDOR)/fullcalendar/
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo --if-empty

# The whole suite on SQLite, then on PostgreSQL when DATABASE_URL points at one.
test: SYSTEM_PACKAGES_FOR = test
test: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	@status=0; $(MAKE) test-sqlite || status=1; \
	if [ -n "$$DATABASE_URL" ]; then $(MAKE) test-postgres || status=1; \
	else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi; \
	exit $$status

test-sqlite:
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres:
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

# Two app servers behind HAProxy, two workers, Redis, a PostgreSQL of its own; kills parts of it
# under load and checks that nothing is lost (bench/README.md, "Scale-out proof").
scaleout: setup
	scripts/system-packages scaleout
	$(PY) -m bench.scaleout $(SCALEOUT_ARGS)

lint:
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(VENV)/bin/lint-imports

format:
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

messages:  ## compile kontor/locale/*/django.po to .mo (needs no GNU gettext)
	$(PY) -m kontor.core.i18n compile

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
