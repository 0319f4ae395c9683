# Rasad — the two quick-start commands and a few helpers.  Each target sets up its own
# virtual environment (.venv) on first use; Python 3.11 is expected as `python3`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# Where PyPI's torch is a CUDA build, `make TORCH_INDEX=https://download.pytorch.org/whl/cpu`
# takes the CPU wheel; empty uses pip's configured index (a local CPU build here).
TORCH_INDEX ?=

.PHONY: run test test-fast gate bench lint check clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> installing Rasad and its dependencies into $(VENV) (first run takes a few minutes)"
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to the CPU build (a plain `torch` pulls a multi-GB CUDA build)
	$(BIN)/pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e '.[test,train]'
	@touch $(STAMP)

run: $(STAMP)          ## the service on embedded defaults (embedded Redis, default feeds)
	$(BIN)/rasad run

test: $(STAMP)         ## the whole test suite, integration and quality gates included
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)    ## unit tests only
	$(BIN)/python -m pytest -q -m "not integration and not gate"

gate: $(STAMP)         ## the quality gates (NER F1, event precision/recall)
	$(BIN)/python -m pytest -q -m gate

bench: $(STAMP)        ## speed and memory benchmarks (figures go in the model card)
	$(BIN)/python bench/bench_ner.py
	$(BIN)/python bench/bench_pipeline.py

check: $(STAMP)        ## validate config files
	$(BIN)/rasad check

clean:
	rm -rf $(VENV) .pytest_cache
