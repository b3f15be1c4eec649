# The two set-up commands of a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8181
WORKERS ?= 1
OPA_WHEEL := opa-golib-python-bindings==0.4.4

.PHONY: serve test bench check rego-test clean install browser demo-reset

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# OPA's own engine, for the differential test (tests/integration/test_opa_differential.py).
	@# Its metadata asks for Python 3.14; its ctypes wrapper runs on 3.11. Where it cannot be
	@# installed the test skips with the reason (and fails under CI=true).
	$(BIN)/python -m pip install --quiet --ignore-requires-python '$(OPA_WHEEL)' \
	  || echo "could not install $(OPA_WHEEL): the OPA differential test will skip (and fail with CI=true)"
	@touch $(STAMP)

install: $(STAMP)

# The URL the service advertises (AuthZEN's policy_decision_point) follows HOST and
# PORT unless GOVSHARE_PUBLIC_URL is given (behind a proxy, say).
serve: $(STAMP)
	GOVSHARE_PUBLIC_URL="$${GOVSHARE_PUBLIC_URL:-http://$(HOST):$(PORT)}" \
	  $(BIN)/govshare serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# The bundled demo catalogue and grants back as shipped (logged in the ledger; see README).
demo-reset: $(STAMP)
	$(BIN)/govshare demo reset

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests (the console, the offline API docs) drive Debian's chromium,
# with a CJK font so that Chinese text renders. Install both, without recommended
# packages, when missing and apt-get can be used (as root); otherwise carry on:
# those tests then skip with the reason, or fail under CI=true.
browser:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium and fonts-noto-cjk for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null) \
	    || echo "could not install chromium: the browser tests will skip (and fail with CI=true)"; \
	else \
	  echo "chromium missing and apt-get not usable: the browser tests will skip (and fail with CI=true)"; \
	fi

check: $(STAMP)
	$(BIN)/govshare check

rego-test: $(STAMP)
	$(BIN)/govshare test

# The HTTP part drives load with Debian's wrk; install it when missing and
# apt-get can be used, else the bench falls back to a (slower) Python client.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)) ; } || \
	  echo "wrk not installed: the HTTP part uses a Python client, which limits what it can measure"
	$(BIN)/python -m tests.bench.bench_decisions

clean:
	rm -rf $(VENV) var .pytest_cache
