# farmwatch: `make demo` runs the demonstration, `make test` runs the tests.
# Both create .venv and install the locked dependencies on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast test-browser bench lint serve clean system-deps

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --all-extras --quiet
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/farmwatch demo

# Debian packages the tests use: Chromium (browser tests), redis-server (shared crawl test) and
# Graphviz (the network drawing).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "make test needs Debian packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

test: $(STAMP) system-deps
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
