# meetingsite: `make run` to serve the 1996 meeting, `make test` to run every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install fonts run test lint format migrate seed superuser lock clean

help:
	@echo "make run    set everything up and serve the 1996 meeting at http://127.0.0.1:8000/"
	@echo "make test   set up and run ruff and the whole test suite"
	@echo "make lint   ruff lint and format check"
	@echo "make lock   re-pin requirements.lock from pyproject.toml"

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

run: seed
	$(MANAGE) ensure_admin
	$(MANAGE) runserver 127.0.0.1:8000

superuser: migrate
	$(MANAGE) createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
