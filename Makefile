# Two commands a newcomer needs: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= $(or $(FAPIAO_WATCH_DB),data/warehouse.duckdb)

.PHONY: install run test lint typecheck pytest demo bench bench-dashboard screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $(STAMP)

install: $(STAMP)

demo: install
	@test -f "$(DB)" || $(BIN)/fapiao-watch demo --db "$(DB)"

run: demo
	$(BIN)/fapiao-watch serve --db "$(DB)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/bench_pipeline.py

# Dashboard speed per page (first render, rerun after a filter change) on the demo warehouse.
bench-dashboard: demo
	$(BIN)/python bench/bench_dashboard.py --db "$(DB)"

# The README's screenshots (docs/screenshots/), taken by the browser test on the demo warehouse.
screenshots: demo
	FAPIAO_WATCH_DB="$(DB)" FAPIAO_WATCH_UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/test_browser.py

clean:
	rm -rf $(VENV) data/generated data/*.duckdb data/serving
