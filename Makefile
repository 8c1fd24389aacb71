# Two commands on a fresh machine (Python 3.11 + make): `make run` and `make test`.
# Both create .venv and install accord into it first; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The Python trees ruff checks (pyproject.toml's [tool.ruff] is the configuration).
LINTED := accord mock impl contract_tests tests bench tools

.PHONY: install browser cluster-servers node docs types demo run run-cluster mock serve test test-fast types-check lint-code bench clean

# Bytecode is written here, not left to the first import: with PYTHONDONTWRITEBYTECODE set (common in
# containers and CI) every start would compile accord again (~70 ms more before `accord mock` answers).
# A wheel install compiles at install time the same way; this keeps the editable install level with it.
install: $(STAMP)
	@$(BIN)/python -m compileall -q accord mock contract_tests impl >/dev/null

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## browser: Debian's Chromium for the browser tests (tests/browser/), installed once when missing.
## Playwright (a Python dev dependency) drives this binary; it never downloads a browser of its own.
CHROMIUM ?= /usr/bin/chromium
browser: $(CHROMIUM)

$(CHROMIUM):
	@echo "make browser: $(CHROMIUM) is missing; installing Debian's chromium (needs root)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
	@test -x $(CHROMIUM)

## cluster-servers: Debian's PostgreSQL and Redis for the cluster deployment and its tests, installed once when
## missing. Nothing is started as a system service: the tests and `make run-cluster` run their own processes.
PG_GLOB := /usr/lib/postgresql/*/bin/postgres
cluster-servers:
	@if [ -z "$$(ls $(PG_GLOB) 2>/dev/null)" ] || ! command -v redis-server >/dev/null; then \
	  echo "make cluster-servers: installing Debian's postgresql and redis-server (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; \
	fi

## node: the npm tools of package.json (openapi-typescript, typescript, swagger-ui-dist), exactly as locked.
NODE_STAMP := node_modules/.accord-installed
node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## docs: the API reference, docs/api/index.html (git-ignored), rendered by swagger-ui-dist from spec/
docs: install node
	$(BIN)/python web/reference.py spec/openapi.yaml --assets node_modules/swagger-ui-dist -o docs/api

## types: TypeScript types for the web team, web/types/accord-api.d.ts (git-ignored), from spec/
types: node
	node_modules/.bin/openapi-typescript spec/openapi.yaml -o web/types/accord-api.d.ts --default-non-nullable=false

## demo: the demo page on http://127.0.0.1:8000 (start the mock and/or the service with `make run`)
demo:
	@echo "demo    http://127.0.0.1:8000/?base=http://127.0.0.1:4010   (service: ?base=http://127.0.0.1:8080)"
	$(PYTHON) -m http.server 8000 --bind 127.0.0.1 --directory web/demo

# The mock checks the same key as the service (a wrong key is a 401 on both), unless set otherwise.
ACCORD_API_KEYS ?= accord-dev-key

## run: the mock on :4010 and the data team's service on :8080 (Ctrl-C stops both)
run: install
	@echo "mock    http://127.0.0.1:$${ACCORD_MOCK_PORT:-4010}  (Swagger UI: /__accord/docs)"
	@echo "service http://127.0.0.1:$${ACCORD_SERVE_PORT:-8080}  (Swagger UI: /ui)   API key: $(if $(filter accord-dev-key,$(ACCORD_API_KEYS)),accord-dev-key,from ACCORD_API_KEYS)"
	@stop() { trap - INT TERM EXIT; kill $$(jobs -p) 2>/dev/null; wait; }; \
	trap 'stop; exit 0' INT TERM; trap stop EXIT; \
	ACCORD_API_KEYS='$(ACCORD_API_KEYS)' $(BIN)/accord mock & \
	ACCORD_API_KEYS='$(ACCORD_API_KEYS)' $(BIN)/accord serve & \
	wait

## run-cluster: the service's cluster deployment on this machine: PostgreSQL and Redis (data under
## .accord/cluster/), the models built once, replicas on :8080 and :8081, two Celery workers (Ctrl-C stops all).
## docs/data-team.md, "Beyond one machine".
run-cluster: install cluster-servers
	ACCORD_API_KEYS='$(ACCORD_API_KEYS)' $(BIN)/python tools/run_cluster.py

mock: install
	ACCORD_API_KEYS='$(ACCORD_API_KEYS)' $(BIN)/accord mock

serve: install
	ACCORD_API_KEYS='$(ACCORD_API_KEYS)' $(BIN)/accord serve

## test: everything CI runs (browser tests included: Chromium and the npm tools are installed first)
test: install browser cluster-servers node types-check
	$(BIN)/ruff check $(LINTED)
	$(BIN)/accord validate spec/openapi.yaml
	$(BIN)/python -m pytest

## test-fast: while iterating, the unit tests of tests/ (under two minutes; `install` is all they need).
## Left out, by marker (pyproject.toml): the service and mock as real servers, whole Schemathesis runs
## (and contract_tests/), the browser, the npm tools, the real-world corpus.
test-fast: install
	$(BIN)/python -m pytest tests -m "not slow and not browser and not integration" -x -q

## types-check: mypy over accord/, mock/, contract_tests/ and impl/ ([tool.mypy] in pyproject.toml)
types-check: install
	$(BIN)/python tools/typecheck.py

lint-code: install
	$(BIN)/ruff check $(LINTED)

clean:
	rm -rf $(VENV) .accord .pytest_cache .mypy_cache .hypothesis bench/out tests/.corpus node_modules docs/api \
	       web/types/accord-api.d.ts tests/browser/screenshots
