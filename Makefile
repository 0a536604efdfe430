# The README's two commands: `make run` (set up and start the app) and `make test` (set up and run every test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test install format benchmark clean

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

benchmark: install
	$(BIN)/python benchmarks/benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
