# One command per habit: `make run`, `make test`, `make lint`, `make bench`.
#
# Everything runs from a virtualenv in .venv. Installing is skipped when a stamp
# file named after a hash of the requirements files' contents already exists, so a
# second `make test` goes straight to the tests; changing a pin reinstalls.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

REQ_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-12)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

.PHONY: setup setup-dev run serve test test-fast test-browser lint format bench clean check-python

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "CYPS Performance needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo 'not found')."; \
		echo "Install python3.11 (or newer) and run: make PYTHON=python3.11 $(MAKECMDGOALS)"; \
		exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(DEV_STAMP): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

# Demo mode on the illustrative sample: CYPS_DEMO=on is the explicit opt-in (a deployment
# never sets it); the dashboard loads the sample into an empty database by itself.
run: setup
	CYPS_DEMO=on $(BIN)/streamlit run dashboard.py

# Many users at once (a committee meeting): PROCESSES Streamlit processes on ports 8601, ...
# behind nginx with deploy/nginx/cyps.conf, at https://ADDRESS:HTTPS_PORT, until Ctrl+C.
# CYPS_DB and CYPS_DEMO come from the environment (demo mode off unless CYPS_DEMO=on);
# without CERT and KEY the run makes a self-signed certificate. Needs nginx (apt).
PROCESSES ?= 2
ADDRESS ?= 127.0.0.1
HTTPS_PORT ?= 8443
HTTP_PORT ?= 8080
serve: setup
	$(BIN)/python -m deploy.serve --processes $(PROCESSES) --address $(ADDRESS) \
		--https-port $(HTTPS_PORT) --http-port $(HTTP_PORT) \
		$(if $(CERT),--cert $(CERT)) $(if $(KEY),--key $(KEY))

# Unit, property, AppTest and real-browser tests, on two workers (the machine has two
# cores). Browser tests skip with a message when Chromium is missing, except under CI=true.
test: setup-dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Everything but the real-browser tests.
test-fast: setup-dev
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

test-browser: setup-dev
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Style, the house plan (import-linter contracts in pyproject.toml) and types (mypy: zero
# errors in core, analysis and etl; the layers above may not grow their baseline).
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m tools.mypy_gate

format: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf test-artifacts bench/out .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
