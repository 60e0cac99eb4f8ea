# The two commands are `make run` and `make test`; everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# Tests run against the machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lms
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test install install-test system-packages lint check pytest bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-packages

system-packages:
	@bash scripts/install-system-packages.sh

# Development server: SQLite and in-process Celery unless DATABASE_URL/REDIS_URL are set.
run: install
	$(MANAGE) catalogues_compile
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --history
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.installed-test
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) makemigrations --check --dry-run
	@# Production settings with a throw-away signing key and a public https address, as a deployment has.
	keydir=$$(mktemp -d) && export CERTIFICATE_SIGNING_KEY_FILE=$$keydir/key.pem BASE_URL=https://lms.example.org \
	  SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-key-0123456789abcdefghijklmnop \
	  ALLOWED_HOSTS=lms.example.org DJANGO_SETTINGS_MODULE=lms.settings.production && \
	  $(MANAGE) certificate_key create >/dev/null && \
	  $(MANAGE) check --deploy --fail-level WARNING; status=$$?; rm -rf $$keydir; exit $$status
	$(BIN)/lint-imports

# pytest-xdist processes for `make pytest` (one per core of a CI machine); each gets its own test
# database (<name>_gw0, <name>_gw1…) and Redis database (the URL's, plus its number). 0: one process.
PYTEST_WORKERS ?= 2
pytest: $(VENV)/.installed-test
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) catalogues_compile
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/python scripts/check_services.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/pytest --create-db -n $(PYTEST_WORKERS) --dist worksteal

test: install-test lint check pytest

bench: install-test
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/python tests/perf/run.py
	$(BIN)/python tests/perf/bench_import.py
	$(BIN)/python tests/perf/bench_exam.py
	$(BIN)/python tests/perf/bench_certificates.py --part all
	$(BIN)/python tests/perf/bench_cohort.py
	$(BIN)/python tests/perf/bench_reports.py

# After adding or changing interface strings: update the five catalogues, then translate what is new
# (tests/test_translation_catalogues.py fails until every entry is translated).
messages: $(VENV)/.installed-test
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) makemessages --no-obsolete \
	  $(foreach language,fr es pt ru ar,-l $(language)) \
	  --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=media --ignore=media-test --ignore=scripts

clean:
	rm -rf $(VENV) db.sqlite3 media media-test staticfiles
