# Two commands for a newcomer: `make run` and `make test`. Everything else here serves those two.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.1 needs Python >= 3.12. The default python3 may be older and pyenv's shims fail without
# PYENV_VERSION, so each candidate is asked directly whether it is new enough.
FIND_PYTHON := for c in $${PYTHON:-} python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.*/bin/python3 /usr/local/bin/python3.1[2-9] 2>/dev/null | sort -rV); do \
	  p=$$(command -v "$$c" 2>/dev/null) || continue; \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
	done; exit 1

.PHONY: help run serve test lint format venv chromium a11y-tools clean bench faults bench-analysis bench-import screenshots bench-live bench-venv bench-cluster bench-profile nginx

help:
	@echo "make run    install, migrate, load the MMN bank and demo accounts, serve on http://$(HOST):$(PORT)"
	@echo "make test   install what the tests need (Chromium, Java, the npm accessibility checkers) and run the whole suite"
	@echo "make serve  the production profile under gunicorn (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS from the environment)"
	@echo "make lint   ruff check and format check"
	@echo "make bench  load-test the production profile on loopback with locust; report in bench-results/"
	@echo "make faults kill a gunicorn worker mid-run: no acknowledged answer lost or doubled (also ends make bench)"
	@echo "make bench-cluster   two app servers behind nginx, one stopped and restarted mid-run: nothing lost (about 5 minutes)"
	@echo "make bench-profile   where one htmx exam answer spends its time (cProfile, in process, about a minute)"
	@echo "make bench-analysis  time the item analysis over 100,000 responses on PostgreSQL (target: under 1 s)"
	@echo "make screenshots     PNGs of the main pages at 360 and 1280 px in screenshots/ (about a minute)"
	@echo "make bench-import    time a 2 MB GIFT file's preview and import on SQLite and PostgreSQL (target: under 10 s)"
	@echo "make bench-live      300 simulated learners in one live session, and 3 sessions of 100 (p99 < 1 s, 0 errors)"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Removing $(VENV): its Python is older than 3.12."; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then \
	  py=$$($(FIND_PYTHON)) || { \
	    echo "error: MMN Quiz needs Python 3.12 or newer, and none was found." >&2; \
	    echo "       Install one (e.g. 'pyenv install 3.13') or point to it: make PYTHON=/path/to/python3.13 ..." >&2; \
	    exit 1; }; \
	  echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production profile (DEBUG off, whitenoise, secure headers): gunicorn (WSGI) for the pages on PORT, and
# uvicorn (ASGI, mmnquiz.asgi) for live sessions' event streams (/live/stream/) on STREAM_PORT; a load
# balancer sends that path to the ASGI server (README, Deploying). Without SECRET_KEY it makes a throwaway
# one and serves plain HTTP on loopback, for trying the profile locally. Both servers share REDIS_URL for live
# events (without it, events cannot pass from gunicorn to uvicorn: projector and phones change only when reloaded).
# Both run in the background of one shell, which waits for either to end: stopping make (Ctrl-C, or SIGTERM,
# which make passes to the shell) or either server ending stops the other, and make returns once both have
# gone (gunicorn lets requests finish, up to 30 s). Under a supervisor run each server itself (README).
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
STREAM_PORT ?= 8001
serve: venv
	@export DEBUG=false; \
	if [ -z "$$SECRET_KEY" ]; then \
	  echo "SECRET_KEY is not set: using a throwaway key and plain HTTP on $(HOST) (local trial only)."; \
	  export SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	  export ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(HOST),localhost} SECURE_SSL_REDIRECT=false SECURE_COOKIES=false; \
	fi; \
	[ -n "$$REDIS_URL$$LIVE_REDIS_URL" ] || echo "REDIS_URL is not set: live sessions' events will not reach the stream server."; \
	$(PY) manage.py collectstatic --noinput -v0 && $(PY) manage.py migrate --noinput -v0 || exit 1; \
	$(VENV)/bin/uvicorn mmnquiz.asgi:application --host $(HOST) --port $(STREAM_PORT) --no-access-log \
	  --timeout-graceful-shutdown 5 & stream=$$!; \
	$(VENV)/bin/gunicorn mmnquiz.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --access-logfile - $(GUNICORN_ARGS) & app=$$!; \
	trap 'kill -TERM $$stream $$app 2>/dev/null' INT TERM; \
	wait -n; status=$$?; \
	kill -TERM $$stream $$app 2>/dev/null; wait; exit $$status

# Browser tests drive Debian's Chromium: Playwright cannot download its own browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq chromium >/dev/null; }

# The accessibility checks (tests/browser/test_accessibility.py) inject npm's axe-core into pages and run the
# Nu HTML Checker (npm's vnu-jar) with Java. Both are pinned in tests/a11y/package-lock.json; its install
# script (a Java download) is skipped, as Debian's Java runs the checker.
A11Y := tests/a11y
a11y-tools: $(A11Y)/node_modules/.package-lock.json
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Java (default-jre-headless) for the Nu HTML Checker"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq default-jre-headless >/dev/null; }

$(A11Y)/node_modules/.package-lock.json: $(A11Y)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing npm for the accessibility checkers"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq npm >/dev/null; }
	cd $(A11Y) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

test: venv chromium a11y-tools
	$(PY) -m pytest $(PYTEST_ARGS)

# Locust gets a venv of its own: it registers a pytest plugin (fixtures named `session`) that must stay out of
# the test venv. Same Python as .venv. The run stays on 127.0.0.1 and takes about 9 minutes.
# BENCH_ARGS=--compare also runs the throughput scenarios under gunicorn's gthread workers and granian (installed
# into .venv for it), to choose the WSGI server by the numbers.
BENCH_VENV := .venv-bench
bench-venv: venv
	@if [ ! -x $(BENCH_VENV)/bin/locust ]; then \
	  echo "Creating $(BENCH_VENV) for locust"; \
	  $(PY) -m venv $(BENCH_VENV) && \
	  $(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check locust; fi

bench: bench-venv
	@if [[ "$(BENCH_ARGS)" == *--compare* ]] && [ ! -x $(VENV)/bin/granian ]; then \
	  $(PY) -m pip install --quiet --disable-pip-version-check granian; fi
	status=0; $(PY) tests/bench/run.py $(BENCH_ARGS) || status=$$?; $(PY) tests/bench/faults.py || status=$$?; exit $$status

# Debian's nginx, for make bench-cluster (which starts and stops its own; the package's service is not used).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for make bench-cluster"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq nginx >/dev/null; }

# Two gunicorn servers behind nginx on loopback, one database and one Redis; 200 locust learners through nginx;
# one server stopped (SIGTERM) and restarted mid-run (tests/bench/cluster.py). Report in bench-results/cluster.md;
# fails when an acknowledged answer is lost or stored twice, a session is lost, or a request fails.
bench-cluster: bench-venv nginx
	$(PY) tests/bench/cluster.py

# cProfile over 25-answer exams through the whole middleware stack, in process, on PostgreSQL and Redis.
bench-profile: venv
	$(PY) tests/bench/profile_answer.py $(PROFILE_ARGS)

# SIGKILL a gunicorn worker in the middle of a run of exam answers (under 2 minutes, loopback only); fails
# when an acknowledged answer is missing or stored twice, or a retried POST still fails.
faults: venv
	$(PY) tests/bench/faults.py

# Item analysis over 100,000 responses, in a PostgreSQL database of its own (dropped afterwards); about a
# minute, most of it building the data. Fails when the analysis takes a second or more.
bench-analysis: venv
	$(PY) tests/bench/item_analysis.py

# A 2 MB GIFT file of short questions (about 40,000), previewed and imported into SQLite and into a
# PostgreSQL database of its own (dropped afterwards); under a minute. Fails when preview plus confirm
# takes 10 s or more on either.
bench-import: venv
	$(PY) tests/bench/imports.py

# The main pages of the accessibility checks' seeded world, as PNGs at 360 and 1280 px (screenshots/, ignored).
screenshots: venv chromium a11y-tools
	$(PY) -m pytest tests/browser/screenshots.py -q -p no:cacheprovider

# Live sessions under load (tests/bench/live.py): gunicorn, uvicorn and Redis on loopback, a PostgreSQL
# database of its own (dropped afterwards), 300 asyncio/httpx learners in one session, then 3 sessions of 100;
# about 8 minutes. Report in bench-results/live.md; fails when p99 from Next to receipt is 1 s or more, an
# answer is counted later than 2 s, or anything errs. BENCH_LIVE_ARGS=--compare also runs granian. Each question
# also reports the CPU each part used and the machine's other work (on a shared machine, say whose the miss is).
# BENCH_LIVE_DB and BENCH_LIVE_REDIS_URL name another database and Redis database for the run.
bench-live: venv
	$(PY) tests/bench/live.py $(BENCH_LIVE_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(BENCH_VENV) bench-results screenshots db.sqlite3 .pytest_cache .ruff_cache $(A11Y)/node_modules $(A11Y)/screenshots
