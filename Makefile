# The two commands: `make run` (set up, demo data, serve) and `make test` (set up, whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The address printed in decisions' QR codes and e-mails: where `make run` serves, unless given.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
export PUBLIC_BASE_URL
APP_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils graphviz
TEST_PACKAGES := chromium zbar-tools
export FLASK_APP := wsgi

.PHONY: vendor i18n-update keys lint api-token run test setup test-setup system-packages system-packages-test venv translations db demo serve bench clean

run: setup db demo keys api-token serve

# The suite runs in one pytest-xdist worker per core; `make test PYTEST_XDIST=` runs it in one process.
# The slowest 40 tests are listed at the end (where CI time goes). Each test file goes to one worker (its module fixtures are built once), in collection order:
# the browser stories must stay last in every worker (tests/browser/conftest.py).
PYTEST_XDIST ?= -n auto --dist loadfile --no-loadscope-reorder --durations=40

test: test-setup lint
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# Static checks (OWASP ASVS 14.2 / 1.14): ruff with its security rules (ruff.toml) and bandit.
# A reviewed finding is marked on its line (`# noqa: <rule>` and `# nosec <id>`, with the reason).
lint: venv
	$(BIN)/ruff check --quiet .
	$(BIN)/bandit --quiet --recursive supervision workflows tools config.py wsgi.py worker.py rq_cron.py

setup: system-packages venv translations vendor

test-setup: setup system-packages-test

# Browser libraries (Leaflet and its draw plugin) from npm into vendor/node_modules (not committed),
# served as static files under /static/vendor/.
vendor: vendor/node_modules/.installed

vendor/node_modules/.installed: vendor/package.json vendor/package-lock.json
	@command -v npm >/dev/null || bash scripts/system-packages.sh npm
	npm ci --prefix vendor --no-audit --no-fund --silent
	@touch $@

# Debian packages: installed when missing (as root), otherwise the one apt-get line is printed.
system-packages:
	@bash scripts/system-packages.sh $(APP_PACKAGES)

system-packages-test:
	@bash scripts/system-packages.sh $(TEST_PACKAGES)

venv: $(BIN)/.installed

$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { bash scripts/system-packages.sh python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

translations: venv
	@$(BIN)/pybabel compile -d translations -D messages >/dev/null

# After changing user-visible text: refresh the catalog, translate the new entries, commit.
i18n-update: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l zh --no-fuzzy-matching

db: venv
	$(BIN)/flask db upgrade

# A development CA and one signing certificate per department, made once (instance/keys).
keys: venv
	$(BIN)/flask decisions init-keys

demo: venv
	$(BIN)/flask demo load

# A fresh API token for firm A on every start (the previous one is revoked); printed on its own line.
api-token: venv
	$(BIN)/flask api demo-token

serve:
	@echo "Serving on http://$(HOST):$(PORT)  (demo logins above; Ctrl-C stops)"
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

bench: setup
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.documents

clean:
	rm -rf $(VENV) instance/test.db test-artifacts
