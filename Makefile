# The two commands of the README: `make run` and `make test`. Both honour DATABASE_URL.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz venv lint format bench-org bench-pdf bench-workers bench-scale bench-load clean-db

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# The directory login extra builds python-ldap against OpenLDAP's headers; without them
	@# (apt-get install libldap2-dev libsasl2-dev) the rest installs and its test is skipped.
	$(BIN)/python -m pip install --quiet -e '.[dev,ldap]' || { \
	  echo "python-ldap could not be built (apt-get install libldap2-dev libsasl2-dev): installing without directory login"; \
	  $(BIN)/python -m pip install --quiet -e '.[dev]'; }
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty
	@# The background worker (unit report jobs) runs beside the server and stops with it;
	@# without its autoreloader, whose child would outlive the kill (restart after code changes).
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# One pytest-xdist worker per core (TEST_WORKERS=0: none), each with its own test database; a
# test file stays on one worker, so the rows and the browser its tests share are built once.
# Tests marked solo (a streaming replica of the test server, whose hot standby waits for every
# long transaction on the primary) run afterwards, alone. The slowest tests are listed at the
# end (--durations): CI's time grows with them.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not solo" --durations=25
	$(BIN)/python -m pytest -m solo

# Random hostile input, many more cases than `make test` draws (which repeats the same ones).
FUZZ_CASES ?= 200
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=explore FUZZ_CASES=$(FUZZ_CASES) E2E=0 \
	  $(BIN)/python -m pytest -p no:cacheprovider tests/robustness tests/orgchart/test_import_fuzz.py tests/orgchart/test_import_moves.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Seed timings and page query counts at a given size (PostgreSQL via DATABASE_URL).
bench-org: $(STAMP)
	$(BIN)/python scripts/bench_org.py $(if $(STAFF),--staff $(STAFF),)

# PDF timings: a 500-person unit (embedded SQLite scratch file, or DATABASE_URL).
bench-pdf: $(STAMP)
	$(BIN)/python scripts/bench_pdf.py $(if $(PEOPLE),--people $(PEOPLE),)

# Unit books per second with 1 and 2 db_worker processes on the same jobs (DATABASE_URL or a
# scratch SQLite file; BOOKS books of PEOPLE staff each).
bench-workers: $(STAMP)
	$(BIN)/python scripts/bench_workers.py $(if $(BOOKS),--books $(BOOKS),) $(if $(PEOPLE),--people $(PEOPLE),) $(if $(WORKERS),--workers $(WORKERS),)

# Every role's main pages at 20,000 and 300,000 staff on PostgreSQL (DATABASE_URL names the
# server; the databases epms_scale_<size> are seeded once and reused): queries, best and median
# ms side by side with the ratio. SIZES=20000,300000 REPEAT=7 RESEED=1.
bench-scale: $(STAMP)
	$(BIN)/python scripts/bench_scale.py $(if $(SIZES),--sizes $(SIZES),) $(if $(REPEAT),--repeat $(REPEAT),) $(if $(RESEED),--reseed,)

# A deadline day on the production server (gunicorn, WEB_WORKERS sync workers) over the
# SIZE-staff database of bench-scale: logged-in staff, supervisors and HR from a second process
# for SECONDS, beside the login page alone; req/s, p50/p95/p99 per kind, errors.
bench-load: $(STAMP)
	$(BIN)/python scripts/bench_load.py $(if $(SIZE),--size $(SIZE),) $(if $(WEB_WORKERS),--workers $(WEB_WORKERS),) $(if $(USERS),--users $(USERS),) $(if $(SECONDS),--seconds $(SECONDS),)

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
