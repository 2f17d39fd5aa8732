# pcms: `make demo` to try it, `make test` to check it. Both set up .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PCMS := $(BIN)/pcms
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo serve install test test-sqlite test-postgres lint audit lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Six nodes (RG on 8000, MR ML BF NE TD on 8001-8005), each with its own database under data/.
demo: install
	scripts/demo-network

test: install
	scripts/ensure-test-services
	$(MAKE) lint
	$(MAKE) audit
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite:
	PCMS_TEST_EXPECT_DB=sqlite $(BIN)/pytest

# The browser, network and heavy suites (real nodes, fuzzing, the access matrix) run once, on
# SQLite: they add no SQL of their own to what the rest runs on both (docs/security.md).
test-postgres:
	PCMS_TEST_EXPECT_DB=postgresql PCMS_DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser and not network and not heavy"

lint:
	$(BIN)/ruff check .

# Supply chain: insecure code patterns of high severity, known vulnerabilities in the lock file.
audit:
	$(BIN)/bandit -q -c pyproject.toml -r src --severity-level high
	$(BIN)/python scripts/audit-dependencies

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --quiet -o requirements.lock

clean:
	rm -rf $(VENV) data .pytest_cache
