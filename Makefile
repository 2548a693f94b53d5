# Two commands matter (see README): `make serve` and `make test`.
# Both bootstrap .venv from requirements.txt when it is missing or older than that file.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The checkout's own folders that the wheel does not ship (handbook/, demo/, tools/,
# drills/, tests/) are importable from the venv, as with an editable install: a `.pth`
# file naming the checkout, written once (mkdocs and zensical run macros.py from their
# own script directory, where `import handbook` would otherwise fail).
REPO_PATH := $(VENV)/.repo-on-path
READY  := $(STAMP) $(REPO_PATH)
SERVE_ADDR ?= 127.0.0.1:8000
# Material for MkDocs prints an end-of-life banner on every build; we know (README: Zensical).
export NO_MKDOCS_2_WARNING := 1
# Compiled modules are kept from one run to the next (`__pycache__`, in .gitignore), also
# where the environment turns that off (PYTHONDONTWRITEBYTECODE=1, as container images
# often set, this project's shared machine included): there, every pytest process rewrote
# and compiled every test module again, 4 of the 7 CPU s it takes to collect the unit
# tests, and every mkdocs build and command compiled the checkout's code again. (Empty is
# off: Python reads only a non-empty value.)
export PYTHONDONTWRITEBYTECODE :=

.PHONY: serve test check quick lint unit doctest build browser pdf bench zensical clean field
.PHONY: drill drills drills-full drill-screenshots

# `make test` runs these stages at the same time (JOBS of them at once): the incident drills
# on a live local stack, the strict build followed by the browser tests on that very build,
# the installed-wheel field test, the unit tests, the Zensical build compared page by page
# with that same MkDocs build, the doc tests and lint.
# A new stage adds itself here (`TEST_STAGES += name`) and prints its own wall time.
#
# Scheduling on two cores (the stages need about twice as much CPU time as the wall time
# the whole run may take): every stage starts at once, in this order, the stages that
# mostly wait (the drills on their live stack, the browser on Chromium) first, so that the
# computing ones fill the cores while those wait. Starting four at a time left the cores
# idle while four waiting stages ran, and started the drills last. (Running the computing
# stages under `nice` was tried: on a machine shared with other work, load average 12, they
# yielded to it, and the unit tests ended 70 s after every other stage.)
TEST_STAGES := drills browser field unit zensical doctest lint
JOBS ?= 8
# Which run a stage belongs to (`make test` and `make check` set it): its figures go to
# .cache/loops/$(LOOP)/ (tests/benchmarks/stage.py), which `make bench` reports.
LOOP ?= single
# Run a stage's command (no single quote in it), then print "[stage] N s wall, C CPU s";
# the stage's exit status is kept.
timed = @$(BIN)/python -m tests.benchmarks.stage $(LOOP) $@ -- '$(1)'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(REPO_PATH): $(STAMP)
	$(BIN)/python -c "import site, sys; \
		open(site.getsitepackages()[0] + '/korrigo-handbook-checkout.pth', 'w').write(sys.argv[1] + '\\n')" "$(CURDIR)"
	touch $(REPO_PATH)

serve: $(READY)
	$(BIN)/mkdocs serve --strict --dev-addr $(SERVE_ADDR) --livereload

# The edit loop (README): lint, the unit tests but the slow ones (they build the whole site:
# the build stage does), the doc tests and the strict build, two at a time on two cores.
CHECK_STAGES := lint quick doctest build
check: $(READY)
	@rm -rf .cache/loops/check; t0=$$(date +%s); $(BIN)/python -m tests.benchmarks.stage check \
		total -- $(MAKE) --no-print-directory -j2 --output-sync=target LOOP=check \
		$(CHECK_STAGES) && echo "make check: all checks passed in $$(( $$(date +%s) - t0 )) s"

quick: $(READY)
	$(call timed,$(BIN)/pytest -q -n 2 -m "not slow" -p no:playwright tests \
		--ignore=tests/browser --ignore=tests/field --ignore=tests/drills)

# What pip cannot install (Debian's chromium and redis-server): installed when this user may
# (root, or sudo without a password), otherwise one command to run, before any test.
.PHONY: system-deps
system-deps:
	@sh tools/system_deps.sh

test: system-deps $(READY)
	@rm -rf .cache/loops/test; t0=$$(date +%s); $(BIN)/python -m tests.benchmarks.stage test \
		total -- $(MAKE) --no-print-directory -j$(JOBS) --output-sync=target LOOP=test \
		$(TEST_STAGES) && echo "make test: all checks passed in $$(( $$(date +%s) - t0 )) s"

# Import, dependency and type policies are in pyproject.toml ([tool.importlinter],
# [tool.deptry], [tool.mypy]).
lint: $(READY)
	$(call timed,$(BIN)/ruff check . && $(BIN)/ruff format --check . \
		&& $(BIN)/actionlint .github/workflows/*.yml && $(BIN)/lint-imports \
		&& NO_COLOR=1 $(BIN)/deptry korrigo_sentry && $(BIN)/mypy)

# --dist loadfile: a module's site build (module-scoped fixture) runs once, not once per
# worker; the tests that only read the site read the one `make build` wrote
# (KORRIGO_SITE_DIR). -p tests.slow_first: the files of slow tests go to the workers first,
# so that the run does not end with one worker on a site build and the other idle.
# -p no:playwright (here and in quick): no unit test drives a browser, and importing
# pytest-playwright cost each of the three processes 0.3 CPU s.
unit: $(READY) build
	$(call timed,KORRIGO_SITE_DIR=$(SITE) $(BIN)/pytest -q -n 2 --dist loadfile -p no:playwright \
		-p tests.slow_first tests --ignore=tests/browser --ignore=tests/field --ignore=tests/drills)

# The commands from the built wheel, installed in a fresh virtualenv outside the checkout.
field: $(READY)
	$(call timed,$(BIN)/pytest -q -p no:randomly tests/field)

doctest: $(READY)
	$(call timed,$(BIN)/pytest -q -p no:randomly --markdown-docs \
		--markdown-docs-syntax=superfences -o testpaths= docs runbooks --ignore=docs/runbooks)

# No --quiet: it drops warnings before --strict counts them (a broken link would pass).
# SITE: where the site goes (tests build a broken copy of the repo into a temporary dir).
SITE ?= site
build: $(READY)
	$(call timed,$(BIN)/mkdocs build --strict --site-dir $(SITE))

# Mutation testing (slow: not in `make test`; CI runs it weekly). MODULES="sampling macros"
# selects modules (default: all of tests/mutation/run.py's MODULES).
.PHONY: mutate
MODULES ?=
mutate: $(READY)
	$(BIN)/python -m tests.mutation.run $(MODULES)

# One Chromium and one served copy of $(SITE) per xdist worker, for the whole session
# (tests/browser/conftest.py); the tests mostly wait on pages, so two workers overlap them.
browser: $(READY) build
	@if [ -x /usr/bin/chromium ]; then \
		$(BIN)/python -m tests.benchmarks.stage $(LOOP) $@ -- \
			KORRIGO_SITE_DIR=$(SITE) $(BIN)/pytest -q -n 2 tests/browser; \
	else \
		echo "SKIPPED browser tests: /usr/bin/chromium is missing (apt-get install chromium; CI installs it)"; \
	fi

# The printable runbooks as a PDF, printed by Chromium from the built site (a CI artifact):
# page numbers in the footer, and each runbook's page written into the contents.
pdf: $(READY) build
	$(BIN)/python -m tools.runbooks_pdf $(SITE)

bench: $(READY)
	$(BIN)/python -m tests.benchmarks

# Re-read every source of data/facts.yaml and list the excerpts that are gone.
# Exit 1: drift; exit 3: offline (nothing checked). CI runs it weekly, non-blocking.
.PHONY: facts-check
facts-check: $(READY)
	$(BIN)/python -m tools.facts_check

# Korrigo's own test suite with the package adopted, searched for personal values in every
# envelope (tools/korrigo_check). Needs a Korrigo checkout; not part of `make test` (CI has none).
.PHONY: korrigo-check
KORRIGO ?=
korrigo-check: $(READY)
	@if [ -z "$(KORRIGO)" ]; then \
		echo "korrigo-check: skipped, KORRIGO is unset (make korrigo-check KORRIGO=path/to/Korrigo; not part of make test)"; \
	else \
		$(BIN)/python -m tools.korrigo_check "$(KORRIGO)"; \
	fi

# The site built by Zensical (the pinned version) against the MkDocs build in $(SITE): a page
# missing or different fails (tools/zensical_report.py; report in artifacts/).
zensical: $(READY) build
	$(call timed,$(BIN)/python -m tools.zensical_report --site $(SITE))

# --- incident drills on a live local stack (drills/README.md) ---------------------------
# `make drill`: redis-server, Bugsink, the demo under gunicorn and a Celery worker, on
# loopback, until Ctrl-C. `make drills`: the quick subset of drills (part of `make test`);
# `make drills-full`: every drill (its own CI job). Bugsink's virtualenv is made once, in
# .cache/drills/.
drill: $(READY)
	PYTHONPATH=. $(BIN)/python -m drills

drills: $(READY)
	$(call timed,PYTHONPATH=. $(BIN)/pytest -q -p no:randomly tests/drills)

drills-full: system-deps $(READY)
	KORRIGO_DRILLS=full PYTHONPATH=. $(BIN)/pytest -q -p no:randomly tests/drills

# Re-make docs/assets/drills/*.png (the Verify page's "What you should see") from a drill.
drill-screenshots: $(READY)
	KORRIGO_DRILL_SCREENSHOTS=docs/assets/drills PYTHONPATH=. $(BIN)/pytest -q -p no:randomly \
		tests/drills/test_screenshots.py

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
	find . -name __pycache__ -not -path './.venv/*' -not -path './.cache/*' -prune -exec rm -rf {} +
