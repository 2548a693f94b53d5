# Two commands matter (see README): `make serve` and `make test`.
# Both bootstrap .venv from requirements.txt when it is missing or older than that file.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SERVE_ADDR ?= 127.0.0.1:8000
# Material for MkDocs prints an end-of-life banner on every build; we know (README: Zensical).
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test lint unit doctest build browser bench zensical clean field
.PHONY: drill drills drills-full drill-screenshots

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --strict --dev-addr $(SERVE_ADDR) --livereload

test: $(STAMP) lint unit doctest build field browser drills
	@echo "make test: all checks passed"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint .github/workflows/*.yml

unit: $(STAMP)
	$(BIN)/pytest -q -n 2 tests --ignore=tests/browser --ignore=tests/field --ignore=tests/drills

# The commands from the built wheel, installed in a fresh virtualenv outside the checkout.
field: $(STAMP)
	$(BIN)/pytest -q -p no:randomly tests/field

doctest: $(STAMP)
	$(BIN)/pytest -q -p no:randomly --markdown-docs --markdown-docs-syntax=superfences \
		-o testpaths= docs runbooks --ignore=docs/runbooks

# No --quiet: it drops warnings before --strict counts them (a broken link would pass).
# SITE: where the site goes (tests build a broken copy of the repo into a temporary dir).
SITE ?= site
build: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir $(SITE)

# Mutation testing (slow: not in `make test`; CI runs it weekly). MODULES="sampling macros"
# selects modules (default: all of tests/mutation/run.py's MODULES).
.PHONY: mutate
MODULES ?=
mutate: $(STAMP)
	$(BIN)/python -m tests.mutation.run $(MODULES)

browser: $(STAMP) build
	@if [ -x /usr/bin/chromium ]; then \
		$(BIN)/pytest -q tests/browser; \
	else \
		echo "SKIPPED browser tests: /usr/bin/chromium is missing (apt-get install chromium; CI installs it)"; \
	fi

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

# Re-read every source of data/facts.yaml and list the excerpts that are gone.
# Exit 1: drift; exit 3: offline (nothing checked). CI runs it weekly, non-blocking.
.PHONY: facts-check
facts-check: $(STAMP)
	$(BIN)/python -m korrigo_sentry.facts_check

zensical: $(STAMP)
	$(BIN)/python -m tests.zensical_report

# --- incident drills on a live local stack (drills/README.md) ---------------------------
# `make drill`: redis-server, Bugsink, the demo under gunicorn and a Celery worker, on
# loopback, until Ctrl-C. `make drills`: the quick subset of drills (part of `make test`);
# `make drills-full`: every drill (its own CI job). Bugsink's virtualenv is made once, in
# .cache/drills/.
drill: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m drills

drills: $(STAMP)
	PYTHONPATH=. $(BIN)/pytest -q -p no:randomly tests/drills

drills-full: $(STAMP)
	KORRIGO_DRILLS=full PYTHONPATH=. $(BIN)/pytest -q -p no:randomly tests/drills

# Re-make docs/assets/drills/*.png (the Verify page's "What you should see") from a drill.
drill-screenshots: $(STAMP)
	KORRIGO_DRILL_SCREENSHOTS=docs/assets/drills PYTHONPATH=. $(BIN)/pytest -q -p no:randomly \
		tests/drills/test_screenshots.py

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache
