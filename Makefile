# Fabrique — the two commands: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Listen on every interface so phones on the hall's Wi-Fi can join; HOST=127.0.0.1 to keep
# it on this laptop. browser.serverAddress stops Streamlit from looking up an external IP.
HOST   ?= 0.0.0.0
PORT   ?= 8501
AXE    := tests/browser/axe/node_modules/axe-core/axe.min.js

.PHONY: install install-dev run test stress lint i18n lock guide-images icons

# What the app needs to run (a facilitator's laptop): no test or lint tools.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e .
	touch $@

# The same, plus what the tests, the benches and the linters need.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The app on PORT, and the projector's own app server on PORT+1 (same database).
run: install
	$(BIN)/fabrique serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# Two pytest-xdist workers: the browser tests that make their own load alone on one, the
# non-browser tests on the other, then the other browser tests shared between them
# (tests/conftest.py's scheduler).
test: lint $(AXE)
	$(BIN)/pytest -n 2 --dist loadgroup

# Each browser test RUNS times beside a process keeping a core busy (tests/stress.py): a
# test that fails now and then shows here, to be mended, never retried away.
RUNS ?= 10
stress: install-dev $(AXE)
	$(BIN)/python tests/stress.py --runs $(RUNS) tests/browser

# The facilitator's guide's screenshots (docs/images/), taken again by the browser tests
# that reach each screen (tests/browser/conftest.guide_shot).
guide-images: install-dev $(AXE)
	FABRIQUE_GUIDE_IMAGES=1 $(BIN)/pytest -p no:cacheprovider \
		$$(grep -l guide_shot tests/browser/test_*.py)

# axe-core for the browser tests' accessibility checks, from the npm registry (pinned in
# tests/browser/axe/package-lock.json); without npm those checks are skipped (failed in CI).
$(AXE): tests/browser/axe/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

# Extract messages from the code and merge them into both catalogs; then translate
# what `pytest tests/unit/test_i18n.py` reports as missing.
i18n: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location \
		--sort-output --omit-header -o core/locale/messages.pot app.py pages ui core launch
	$(BIN)/pybabel update -i core/locale/messages.pot -d core/locale -D messages \
		--no-fuzzy-matching --ignore-obsolete

# Streamlit's icon font cut down to the icons drawn (launch/icons.py): after adding an icon
# the tests do not find in it, or after upgrading Streamlit.
icons: install-dev
	$(BIN)/python -m launch.icons

# Re-pin every dependency to what is installed now (after a deliberate upgrade).
lock: install-dev
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^fabrique' > constraints.txt
