# Rasad — the two quick-start commands and a few helpers.  Each target sets up its own
# virtual environment (.venv) on first use; Python 3.11 is expected as `python3`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# Where PyPI's torch is a CUDA build, `make TORCH_INDEX=https://download.pytorch.org/whl/cpu`
# takes the CPU wheel; empty uses pip's configured index (a local CPU build here).
TORCH_INDEX ?=

# pip itself is pinned too: an older pip resolved trafilatura's extras differently (issue 11).
PIP_VERSION = 26.3

.PHONY: run test test-fast gate bench lint check clean lock

# Every dependency comes from requirements.lock (exact versions with hashes, torch the
# 2.13.0 CPU build); the project itself is then installed without resolving anything.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> installing Rasad and its locked dependencies into $(VENV) (first run takes a few minutes)"
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

lock:                  ## refresh requirements.lock from pyproject.toml (then run make test)
	@test -x $(VENV)-lock/bin/pip-compile || ($(PYTHON) -m venv $(VENV)-lock && $(VENV)-lock/bin/pip install --quiet pip-tools==7.6.2)
	$(VENV)-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
	    --extra test --extra train --no-emit-index-url --no-emit-find-links \
	    -o requirements.lock pyproject.toml

run: $(STAMP)          ## the service on embedded defaults (embedded Redis, default feeds)
	$(BIN)/rasad run

test: $(STAMP)         ## the whole test suite, integration and quality gates included
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)    ## unit tests only
	$(BIN)/python -m pytest -q -m "not integration and not gate"

gate: $(STAMP)         ## the quality gates (NER F1, event precision/recall)
	$(BIN)/python -m pytest -q -m gate

bench: $(STAMP)        ## speed and memory benchmarks (figures go in the model card)
	$(BIN)/python bench/bench_perf.py
	$(BIN)/python bench/bench_ner.py
	$(BIN)/python bench/bench_pipeline.py

check: $(STAMP)        ## validate config files
	$(BIN)/rasad check

clean:
	rm -rf $(VENV) $(VENV)-lock .pytest_cache
