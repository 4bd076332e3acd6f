# The two commands of the README's quick start. Both work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
export DATABASE_URL

.PHONY: run test install demo lint check clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

## make run: the demo on SQLite at http://127.0.0.1:8000 (no other service needed)
run: install
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=portal_site.settings.dev $(PY) manage.py migrate --no-input -v0
	DJANGO_SETTINGS_MODULE=portal_site.settings.dev $(PY) manage.py load_demo --base-url http://127.0.0.1:8000
	DJANGO_SETTINGS_MODULE=portal_site.settings.dev $(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite on PostgreSQL (DATABASE_URL, default the local server)
test: install
	@$(PY) scripts/check_postgres.py
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .

check: install
	DJANGO_SETTINGS_MODULE=portal_site.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var
