# lsfmm-prep. On a fresh machine with Python 3.11 and make: `make site`, then `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
NPM    := $(shell command -v npm 2>/dev/null)
AXE    := node_modules/axe-core/axe.min.js

.PHONY: site pdf serve check test lint goldens schema bench clean distclean help

help:
	@echo "make site      create .venv if needed, generate pages from data/, build site/ (strict)"
	@echo "make pdf       make site, plus a printable session brief per topic: site/briefs/<topic>.pdf (A4)"
	@echo "               and site/briefs/<topic>.letter.pdf (US Letter), linked from each topic page"
	@echo "make serve     live preview: saving a YAML file regenerates and reloads the page"
	@echo "make check     validate data/ only (fast, writes nothing)"
	@echo "make test      lint and run the test suite (npm ci installs axe-core for the browser audit)"
	@echo "make goldens   regenerate the golden files after an intended change (review the diff)"
	@echo "make schema    regenerate the JSON Schemas in docs/schemas/ for editors"
	@echo "make bench     time generation and mkdocs build at three data scales; writes BENCHMARKS.md;"
	@echo "               then intake, and import-mbox's time and memory on mail at its limits"
	@echo "make clean     remove generated pages and site/"

# The virtual environment, rebuilt whenever requirements.txt changes.
$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

# axe-core for the accessibility audit of the browser tests, pinned in package-lock.json.
# Without npm the audit is skipped (with that reason); CI requires it (.ci/run).
$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

site: $(STAMP)
	$(BIN)/python -m generator site --strict
	@echo "Open site/index.html, or run make serve."

# The site with the PDF briefs: one build, swapped in whole (the briefs need Pango; .ci/run
# installs it on Debian).
pdf: $(STAMP)
	$(BIN)/python -m generator site --strict --pdf
	@echo "Briefs in site/briefs/; each topic page links to its own."

serve: $(STAMP)
	$(BIN)/python -m generator serve

check: $(STAMP)
	$(BIN)/python -m generator check --strict

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

test: lint $(if $(NPM),$(AXE))
	$(BIN)/python -m pytest -q

# Every test module that writes golden files when UPDATE_GOLDENS=1 (found by that name).
goldens: $(STAMP)
	UPDATE_GOLDENS=1 $(BIN)/python -m pytest -q $(shell grep -rl --include="test_*.py" UPDATE_GOLDENS tests)

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/import_cost.py

schema: $(STAMP)
	$(BIN)/python -m generator schema

clean:
	-$(BIN)/python -m generator clean 2>/dev/null || true
	rm -rf site .site-new-* .site-old-* .pytest_cache .lsfmm-cache .lsfmm-build.lock .bench test-artifacts

distclean: clean
	rm -rf $(VENV) node_modules
