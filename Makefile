# Two commands on a fresh machine (Python 3.11 + make): `make run` and `make test`.
# Both create .venv and install accord into it first; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run mock serve test test-fast lint-code bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: the mock on :4010 and the data team's service on :8080 (Ctrl-C stops both)
run: install
	@echo "mock    http://127.0.0.1:4010  (Swagger UI: /__accord/docs)"
	@echo "service http://127.0.0.1:8080  (Swagger UI: /ui)   API key: accord-dev-key"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/accord mock & \
	$(BIN)/accord serve & \
	wait

mock: install
	$(BIN)/accord mock

serve: install
	$(BIN)/accord serve

## test: everything CI runs
test: install
	$(BIN)/accord validate spec/openapi.yaml
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow" -x -q

lint-code: install
	$(BIN)/ruff check accord mock impl contract_tests tests bench

clean:
	rm -rf $(VENV) .accord .pytest_cache .hypothesis bench/out tests/.corpus
