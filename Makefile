# meetingsite: `make run` to serve the 1996 meeting, `make test` to run every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install fonts run serve worker bench load backup restore test lint format migrate seed superuser lock clean messages translations browser

help:
	@echo "make run    set everything up and serve the 1996 meeting at http://127.0.0.1:8000/"
	@echo "make test   set up and run ruff and the whole test suite"
	@echo "make serve  run as in production: gunicorn and a Celery worker, DEBUG off, hashed compressed static files"
	@echo "make worker Celery workers alone (long PDFs, e-mails), for a machine of its own"
	@echo "make bench  benchmarks against a generated meeting of 5,000 participants"
	@echo "make load   focal points and desk users all at once, checked for lost rows"
	@echo "make backup / make restore BACKUP=file   back up or restore the database, files included"
	@echo "make lint   ruff lint and format check"
	@echo "make lock   re-pin requirements.lock from pyproject.toml"
	@echo "make messages  re-extract every string into locale/{fr,es,ru,zh_Hans,ar}/LC_MESSAGES/django.po and compile them"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly the pinned versions CI tested; re-runs when the pins change.
$(INSTALLED): $(BIN)/python requirements.lock pyproject.toml build-constraints.txt
	PIP_CONSTRAINT=build-constraints.txt $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(INSTALLED) fonts

# Printed documents carry names in any script: Noto covers Arabic, Cyrillic and Chinese.
# Installed from Debian when missing; elsewhere a warning, and PDFs fall back to DejaVu.
NOTO_PACKAGES := fonts-noto-core fonts-noto-cjk libharfbuzz-subset0
fonts:
	@if fc-list 2>/dev/null | grep -q "Noto Sans Arabic" && fc-list | grep -q "Noto Sans CJK"; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing $(NOTO_PACKAGES) for printed documents"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(NOTO_PACKAGES) >/dev/null; \
	else echo "warning: install $(NOTO_PACKAGES) (or other Noto fonts) to print non-Latin names"; fi

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_meeting

run: seed translations
	$(MANAGE) ensure_admin
	$(MANAGE) runserver 127.0.0.1:8000

# Production-like serving. SECRET_KEY comes from the environment; when it is unset a
# random one is kept in .secret_key (git-ignored) so sessions survive restarts. The access
# log goes to stdout, with registration tokens masked (meetingsite/gunicorn.conf.py).
# Beside gunicorn, a Celery worker makes the long PDFs and sends the e-mails; both stop
# together (Ctrl-C, or either one ending). The broker is CELERY_BROKER_URL, by default the
# local Redis's database 1; serve and worker say so and stop when it cannot be reached.
WORKERS ?= 4
TASK_WORKERS ?= 2
BIND ?= 127.0.0.1:8000
DEFAULT_BROKER := redis://127.0.0.1:6379/1
serve worker: export DEBUG = false
serve worker: export SITE_URL ?= http://$(BIND)
serve worker: export SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null || (umask 077; $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" | tee .secret_key))
serve worker: export CELERY_BROKER_URL ?= $(DEFAULT_BROKER)
serve: SHELL := /bin/bash
BROKER_CHECK = $(BIN)/python -c "import kombu, os; kombu.Connection(os.environ['CELERY_BROKER_URL'], connect_timeout=3).ensure_connection(max_retries=1)" 2>/dev/null \
	|| { echo "No task broker at $$CELERY_BROKER_URL: start Redis there (apt-get install redis-server), or set CELERY_BROKER_URL=redis://host:6379/N." >&2; exit 1; }
CELERY_WORKER = $(BIN)/celery -A meetingsite worker --concurrency $(TASK_WORKERS) --loglevel warning
serve: seed translations
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) check --deploy --fail-level WARNING
	@$(BROKER_CHECK)
	$(CELERY_WORKER) & worker=$$!; \
	$(BIN)/gunicorn meetingsite.wsgi --config meetingsite/gunicorn.conf.py --workers $(WORKERS) --bind $(BIND) --log-level warning & web=$$!; \
	trap 'kill -TERM $$web $$worker 2>/dev/null' INT TERM; \
	wait -n $$web $$worker; status=$$?; \
	kill -TERM $$web $$worker 2>/dev/null; wait $$web $$worker; exit $$status

# Workers alone, on a machine of their own: the same settings as the web (DATABASE_URL,
# CELERY_BROKER_URL, the storage), TASK_WORKERS processes.
worker: install translations
	@$(BROKER_CHECK)
	$(CELERY_WORKER)

# Benchmarks against a generated meeting on SQLite and PostgreSQL (see docs/benchmarks.md).
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--duration 10 --databases postgresql".
bench: install translations
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/report.py

# Many focal points register and many desk users check in at once while others print long
# PDFs, on PostgreSQL, with a Celery worker on Redis (LOAD_BROKER_URL, by default the local
# Redis's database 1, emptied first).
load: install translations
	$(BIN)/python bench/load.py $(LOAD_ARGS)
	@if [ -f bench/results/latest.json ]; then $(BIN)/python bench/report.py; \
	else echo "(docs/benchmarks.md is written with make bench's results: run make bench too)"; fi

# make backup [BACKUP=path]; make restore BACKUP=path (replaces the database's contents).
backup: install
	$(MANAGE) backup $(if $(BACKUP),--output $(BACKUP))

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<file>"; exit 2; }
	$(MANAGE) restore --yes $(BACKUP)

superuser: migrate
	$(MANAGE) createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint translations browser
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n 2

# Compiled with polib (a pinned dependency), so GNU gettext is not needed to run or test.
translations: install
	$(MANAGE) compile_translations

# Extracting strings needs GNU gettext's xgettext; installed here when missing.
messages: install
	@command -v xgettext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)
	$(MANAGE) makemessages --locale fr --locale es --locale ru --locale zh_Hans --locale ar --no-obsolete --ignore ".venv/*" --ignore "staticfiles/*"
	$(MANAGE) compile_translations

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
# Without it they skip, or fail when BROWSER_TESTS_REQUIRED is set (as .ci/run does).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "Could not install chromium: the browser tests will skip."

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
