# The README's two commands: `make run` (set up and start the app) and `make test` (set up and run every test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test install format benchmark profil clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/activate

install: $(BIN)/activate

run: install
	@echo "flux_dash : ouvrez http://localhost:$(PORT) dans votre navigateur (Ctrl+C pour arrêter)."
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: install
	$(BIN)/ruff check flux_dash pages tests app.py benchmarks
	$(BIN)/ruff format --check flux_dash pages tests app.py benchmarks
	$(BIN)/python -m pytest

format: install
	$(BIN)/ruff format flux_dash pages tests app.py benchmarks

# Benchmark (README « Performances »): make benchmark [ARGS="--tailles 1000000 --repetitions 1"]. nice: the
# machine may be shared; on an idle one it changes nothing.
$(VENV)/.bench: $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $(VENV)/.bench

benchmark: $(VENV)/.bench
	nice -n 10 $(BIN)/python -m benchmarks.benchmark $(ARGS)

profil: $(VENV)/.bench
	nice -n 10 $(BIN)/python -m benchmarks.profil $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
