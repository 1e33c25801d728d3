# Two commands on a fresh machine:
#   make run    set up, fill an empty database with the demo province, start the dashboard
#   make test   set up (Python packages, Debian's Chromium, PostgreSQL and nginx for the browser, lake and
#               cluster tests) and run every test
#   make cluster / make cluster-stop   PostgreSQL + two dashboard replicas on a DuckLake + nginx in front
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint demo demo-files chromium servers cluster cluster-stop

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard.py $(if $(REFORM_MAX_UPLOAD_MB),--server.maxUploadSize $(REFORM_MAX_UPLOAD_MB))

demo: $(VENV)/.runtime
	$(PY) -m reform demo

demo-files: $(VENV)/.runtime
	$(PY) -m reform demo --write-files

# fonts-dejavu-core draws the status grid's symbols (✓ ◐ ✗), which Noto Sans lacks
chromium:
	@{ command -v chromium && dpkg -s fonts-noto-core fonts-dejavu-core; } >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-core fonts-dejavu-core; }

# PostgreSQL holds a DuckLake's catalog (the lake tests, make cluster); nginx fronts the replicas
servers:
	@{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } && \
		{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql nginx; }

test: $(VENV)/.dev chromium servers
	$(PY) -m pytest -n auto --dist loadfile --durations=30

cluster: $(VENV)/.runtime servers
	$(PY) -m reform.cluster start

cluster-stop: $(VENV)/.runtime
	$(PY) -m reform.cluster stop

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
