# farmwatch: `make demo` runs the demonstration, `make test` runs the tests.
# Both create .venv and install the locked dependencies on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: compiled demo test test-fast test-browser bench lint serve clean system-deps

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Byte-code is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on many CI and container
# machines) every crawl, match and benchmark process would otherwise compile Scrapy, Twisted and the
# rest again on import, seconds a process.
$(STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --all-extras --quiet --compile-bytecode
	touch $(STAMP)

# The project's own byte-code, for the same reason (quick when it is up to date).
PACKAGES := registry spiders matching datasette_config farmwatch alerts synthetic bench
compiled: $(STAMP)
	@$(BIN)/python -m compileall -q $(PACKAGES) >/dev/null

demo: compiled
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

test: compiled system-deps
	$(BIN)/python -m pytest -m "not browser" -q
	$(BIN)/python -m pytest -m browser -q; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow" -q -x

bench: compiled
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .

serve: $(STAMP)
	$(BIN)/farmwatch serve

clean:
	rm -rf $(VENV) .tools .pytest_cache

# The map's vendored libraries and base data (committed; rerun only to update them). Leaflet and
# Leaflet.markercluster come from the npm registry, the coastline from world-atlas (Natural Earth),
# the force grid from the installed ONS postcode directory. See docs/workspace.md, "The map".
LEAFLET := 1.9.4
MARKERCLUSTER := 1.5.3
WORLD_ATLAS := 2.0.2
VENDOR := datasette_config/static/vendor
.PHONY: map-assets map-data
map-assets:
	rm -rf .npm-pack && mkdir -p .npm-pack $(VENDOR)/leaflet $(VENDOR)/markercluster
	cd .npm-pack && npm pack --silent leaflet@$(LEAFLET) leaflet.markercluster@$(MARKERCLUSTER) world-atlas@$(WORLD_ATLAS) \
	  && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp .npm-pack/leaflet-$(LEAFLET)/package/dist/leaflet.js .npm-pack/leaflet-$(LEAFLET)/package/dist/leaflet.css \
	  .npm-pack/leaflet-$(LEAFLET)/package/LICENSE $(VENDOR)/leaflet/
	cp .npm-pack/leaflet.markercluster-$(MARKERCLUSTER)/package/dist/leaflet.markercluster.js \
	  .npm-pack/leaflet.markercluster-$(MARKERCLUSTER)/package/dist/MarkerCluster.css \
	  .npm-pack/leaflet.markercluster-$(MARKERCLUSTER)/package/dist/MarkerCluster.Default.css \
	  .npm-pack/leaflet.markercluster-$(MARKERCLUSTER)/package/MIT-LICENCE.txt $(VENDOR)/markercluster/
	$(BIN)/python -m datasette_config.officer.basemap .npm-pack/world-atlas-$(WORLD_ATLAS)/package/countries-10m.json
	cp .npm-pack/world-atlas-$(WORLD_ATLAS)/package/LICENSE datasette_config/static/basemap/WORLD-ATLAS-LICENSE
	rm -rf .npm-pack

map-data: $(STAMP)
	$(BIN)/python -m registry.places.force_grid datasette_config/static/basemap/force_grid.json
