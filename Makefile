# The README's two commands: `make run` (set up and start the app) and `make test` (set up and run every test).
# `make run` installs what running needs (the package), `make test` adds the test tools (extra `dev`), `make carnet`
# the notebook (extra `notebook`), `make benchmark` the measuring tools (extras `dev`, `bench`). Each install leaves
# a stamp in the environment; an extra's stamp also stands for what it includes, so `make run` after `make test`
# reinstalls nothing; a newer pyproject.toml makes every stamp stale.
# `make test-rapide` (while coding) skips the tests marked `lent`: browser, LibreOffice, end-to-end CLI, properties.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
ADRESSE ?= 127.0.0.1
# -qq: errors only (a failed download or a dependency conflict still shows; warnings are noise for users).
PIP := $(BIN)/python -m pip -qq --disable-pip-version-check --no-input
PAQUET := $(VENV)/.installe-paquet
OUTILS_TEST := $(VENV)/.installe-dev
OUTILS_CARNET := $(VENV)/.installe-notebook
OUTILS_BENCH := $(VENV)/.installe-bench
CODE := flux_dash pages tests app.py benchmarks

.PHONY: run test test-rapide install carnet format benchmark profil clean

# The environment; its pip is upgraded first (the one bundled with Python may be years old: slower, noisier).
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "flux_dash : Python 3.11 ou plus récent est requis ($(PYTHON) : $$($(PYTHON) --version 2>&1))." \
	       "Indiquez-en un autre : make run PYTHON=python3.12"; exit 1; }
	@echo "flux_dash : création de l'environnement $(VENV)"
	@$(PYTHON) -m venv $(VENV) >/dev/null || { rm -rf $(VENV); \
	  echo "flux_dash : impossible de créer l'environnement ; sous Debian/Ubuntu : sudo apt-get install python3-venv"; \
	  exit 1; }
	@$(PIP) install --upgrade pip

$(PAQUET): pyproject.toml | $(BIN)/python
	@echo "flux_dash : installation de l'application dans $(VENV) (quelques minutes la première fois)"
	@$(PIP) install -e .
	@touch $@

$(OUTILS_TEST): pyproject.toml | $(BIN)/python
	@echo "flux_dash : installation de l'application et des outils de test dans $(VENV)"
	@$(PIP) install -e ".[dev]"
	@touch $@ $(PAQUET)

$(OUTILS_CARNET): pyproject.toml | $(BIN)/python
	@echo "flux_dash : installation de l'application et de Jupyter dans $(VENV)"
	@$(PIP) install -e ".[notebook]"
	@touch $@ $(PAQUET)

install: $(PAQUET)

run: $(PAQUET)
	@echo "flux_dash : ouvrez http://localhost:$(PORT) dans votre navigateur (Ctrl+C pour arrêter)."
	@$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADRESSE)

test: $(OUTILS_TEST)
	@$(BIN)/ruff check --quiet $(CODE)
	@$(BIN)/ruff format --check --quiet $(CODE)
	@$(BIN)/python -m pytest -q

test-rapide: $(OUTILS_TEST)
	@$(BIN)/ruff check --quiet $(CODE)
	@$(BIN)/ruff format --check --quiet $(CODE)
	@$(BIN)/python -m pytest -q -m "not lent"

carnet: $(OUTILS_CARNET)
	@$(BIN)/jupyter notebook docs/exemple.ipynb

format: $(OUTILS_TEST)
	$(BIN)/ruff format $(CODE)

# Benchmark (README « Performances »): make benchmark [ARGS="--tailles 1000000 --repetitions 1"]. nice: the
# machine may be shared; on an idle one it changes nothing.
$(OUTILS_BENCH): pyproject.toml | $(BIN)/python
	@echo "flux_dash : installation de l'application et des outils de mesure dans $(VENV)"
	@$(PIP) install -e ".[dev,bench]"
	@touch $@ $(OUTILS_TEST) $(PAQUET)

benchmark: $(OUTILS_BENCH)
	nice -n 10 $(BIN)/python -m benchmarks.benchmark $(ARGS)

profil: $(OUTILS_BENCH)
	nice -n 10 $(BIN)/python -m benchmarks.profil $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
