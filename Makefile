# The two set-up commands: `make book` builds the site, `make test` runs every test.
# Both create .venv and install the pinned requirements on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
CFFCONVERT_LOCK := tests/cffconvert/requirements.txt
PORT ?= 8000

.PHONY: book test pdf serve lint format regen bench mutate clean

# Every package, direct or not, is pinned with its hashes (pip-tools; see requirements.in):
# pip refuses any file whose hash is not listed, installs exactly the list (--no-deps: the
# lock is complete), and `pip check` confirms that every package's needs are met.
$(INSTALLED): requirements.txt $(CFFCONVERT_LOCK) pyproject.toml
	@echo "[make] creating $(VENV) and installing the hash-pinned requirements (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --progress-bar off --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip check
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@echo "[make] cffconvert (validates CITATION.cff) in its own environment: it needs jsonschema<4"
	$(PYTHON) -m venv $(VENV)/cffconvert
	$(VENV)/cffconvert/bin/pip install --quiet --require-hashes --no-deps -r $(CFFCONVERT_LOCK)
	$(VENV)/cffconvert/bin/pip check
	@touch $@

book: $(INSTALLED)
	$(PY) -m analysis build

test: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n auto

# The PDF edition is part of every build (the site links to it); this says where it is.
pdf: book
	@echo "[make] the PDF edition: _build/html/book.pdf"

serve: book
	@echo "[make] previewing on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Rewrite tests/golden/ from the book's notebooks and their fresh outputs; review `git diff` before committing.
regen: $(INSTALLED)
	$(PY) -m tests.test_golden
	$(PY) -m pytest tests/test_golden.py -q -n auto

# Speed and weight figures (build times, page bytes, Lighthouse, scaling): about 45 minutes.
bench: $(INSTALLED)
	$(PY) -m tests.bench

# Mutation testing, not part of `make test`: mutmut plants one-line bugs in analysis/, runs the
# fast in-process tests against each, and the report prints the share killed per module.
# MUTANTS narrows it, e.g. make mutate MUTANTS='analysis.corpus* analysis.cli*'
MUTANTS ?=
mutate: $(INSTALLED)
	rm -rf mutants
	$(VENV)/bin/mutmut run $(MUTANTS)
	$(PY) -m tests.mutation_report

clean:
	rm -rf _build mutants
