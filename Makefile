# farmwatch: `make demo` runs the demonstration, `make test` runs the tests.
# Both create .venv and install the locked dependencies on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast test-browser bench lint serve clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --all-extras --quiet
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/farmwatch demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" -q
	$(BIN)/python -m pytest -m browser -q; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow" -q -x

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .

serve: $(STAMP)
	$(BIN)/farmwatch serve

clean:
	rm -rf $(VENV) .tools .pytest_cache
