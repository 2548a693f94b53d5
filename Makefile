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

.PHONY: serve test lint unit doctest build browser pdf bench zensical clean

# `make test` runs these stages at the same time (JOBS of them at once): the unit tests,
# the doc tests, and the strict build followed by the browser tests on that very build.
# A new stage adds itself here (`TEST_STAGES += drill`) and prints its own wall time.
TEST_STAGES := lint unit doctest browser
JOBS ?= 4
# Run a stage's command, then print "[stage] N s"; the stage's exit status is kept.
timed = @t0=$$(date +%s); $(1); s=$$?; echo "[$@] $$(( $$(date +%s) - t0 )) s"; exit $$s
# Where `make build` writes the site; the browser tests read it instead of building again.
SITE := site

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --strict --dev-addr $(SERVE_ADDR) --livereload

test: $(STAMP)
	@t0=$$(date +%s); $(MAKE) --no-print-directory -j$(JOBS) --output-sync=target \
		$(TEST_STAGES) && echo "make test: all checks passed in $$(( $$(date +%s) - t0 )) s"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint .github/workflows/*.yml

# --dist loadfile: a module's site build (module-scoped fixture) runs once, not once per
# worker; test_links checks the site `make build` wrote instead of building its own.
unit: $(STAMP) build
	$(call timed,KORRIGO_SITE_DIR=$(SITE) $(BIN)/pytest -q -n 2 --dist loadfile tests \
		--ignore=tests/browser)

doctest: $(STAMP)
	$(call timed,$(BIN)/pytest -q -p no:randomly --markdown-docs \
		--markdown-docs-syntax=superfences -o testpaths= docs runbooks --ignore=docs/runbooks)

build: $(STAMP)
	$(call timed,$(BIN)/mkdocs build --strict --quiet -d $(SITE))

# One Chromium and one served copy of $(SITE) per xdist worker, for the whole session
# (tests/browser/conftest.py); the tests mostly wait on pages, so two workers overlap them.
browser: $(STAMP) build
	@if [ -x /usr/bin/chromium ]; then \
		t0=$$(date +%s); KORRIGO_SITE_DIR=$(SITE) $(BIN)/pytest -q -n 2 \
			tests/browser; s=$$?; \
		echo "[browser] $$(( $$(date +%s) - t0 )) s"; exit $$s; \
	else \
		echo "SKIPPED browser tests: /usr/bin/chromium is missing (apt-get install chromium; CI installs it)"; \
	fi

# The printable runbooks as a PDF, printed by Chromium from the built site (a CI artifact).
pdf: $(STAMP) build
	@mkdir -p artifacts
	/usr/bin/chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
		--disable-background-networking --virtual-time-budget=10000 \
		--print-to-pdf=artifacts/runbooks.pdf "file://$(CURDIR)/$(SITE)/runbooks/print/index.html" \
		2>artifacts/chromium-pdf.log
	@$(BIN)/python -c "from pypdf import PdfReader; \
		print('artifacts/runbooks.pdf:', len(PdfReader('artifacts/runbooks.pdf').pages), 'A4 pages')"

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

zensical: $(STAMP)
	$(BIN)/python -m tests.zensical_report

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache
