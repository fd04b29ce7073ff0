# Two commands: `make run` serves the demo (gunicorn) on http://127.0.0.1:5000, `make test` runs
# every test (on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set). `make serve` serves
# without the demo, as in production (docs/deployment.md), with the queue's worker when REDIS_URL
# is set.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# The address in mails and under the QR code of issued notices, for every command below:
# where `make run` serves, unless PUBLIC_BASE_URL is set in the environment or on the command line.
# (Served on every interface, 0.0.0.0, the links point to this machine's loopback address.)
PUBLIC_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
export PUBLIC_BASE_URL ?= http://$(PUBLIC_HOST):$(PORT)
# Tests run in parallel, one worker per core (pytest-xdist); TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= auto

# Debian packages: WeasyPrint's libraries and fonts; the tests also drive Chromium and read PDFs.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
	fonts-lxgw-wenkai
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils

.PHONY: run serve test install system-run system-test axe translations i18n-update db demo lifecycle-doc architecture-doc lint clean

run: install system-run translations db demo
	@echo "Serving Centerflow on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn -c python:workflow.serving.gunicorn_conf wsgi:app

# gunicorn (workflow/serving/gunicorn_conf.py) on HOST:PORT; no demo is loaded. With REDIS_URL
# set, one queue worker (`flask worker`) runs beside it and stops with it.
serve: install system-run translations db
	@echo "Serving Centerflow with gunicorn on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	@worker=; \
	if [ -n "$$REDIS_URL" ]; then \
		$(FLASK) worker & worker=$$!; \
		echo "Queue worker started (pid $$worker) on $$REDIS_URL"; \
	else \
		echo "REDIS_URL is not set: slow work runs in the app's processes, no worker started"; \
	fi; \
	trap 'if [ -n "$$worker" ]; then kill $$worker 2>/dev/null; wait $$worker; fi' EXIT INT TERM; \
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn -c python:workflow.serving.gunicorn_conf wsgi:app

test: install system-test translations axe
	$(VENV)/bin/ruff check workflow forms tests bench
	$(VENV)/bin/lint-imports
	TEST_DATABASE_URL= $(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; \
		$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS); \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped."; \
	fi

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

system-run:
	@sh scripts/system-packages.sh $(RUN_PACKAGES)

system-test:
	@sh scripts/system-packages.sh $(TEST_PACKAGES)

# axe-core from npm, which tests/web/test_accessibility.py injects into the pages; that test is
# skipped, saying why, where node and npm are missing.
axe:
	@if command -v npm >/dev/null; then npm ci --prefix tests/js --no-audit --no-fund --silent; \
	else echo "npm not found: tests/web/test_accessibility.py will be skipped (apt-get install npm)"; fi

translations: install
	$(VENV)/bin/pybabel -q compile -d workflow/translations

# After changing user-facing strings: refresh the catalogs, then translate the new entries in
# workflow/translations/zh_Hans_CN/LC_MESSAGES/messages.po (tests/web/test_i18n.py lists them).
i18n-update: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.*' \
		--project=Centerflow -o workflow/translations/messages.pot workflow forms templates
	$(VENV)/bin/pybabel -q update -i workflow/translations/messages.pot -d workflow/translations

db: install
	@mkdir -p instance
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

lifecycle-doc: install
	$(FLASK) lifecycle-doc > docs/lifecycle.md

# The diagram of docs/architecture.md, from the imports of the code (the prose is kept).
architecture-doc: install
	$(FLASK) architecture-doc > docs/architecture.md.new
	mv docs/architecture.md.new docs/architecture.md

lint: install
	$(VENV)/bin/ruff check workflow forms tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache tests/js/node_modules
