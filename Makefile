# Vraagbaak. `make run` serves, `make test` tests; both set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
export HOST ?= 127.0.0.1
export PORT ?= 8000

.PHONY: help venv venv-dev index run serve-prod test lint eval bench container-test clean

help:
	@echo "make run            build what is missing, then serve on http://$(HOST):$(PORT)/ (simple server)"
	@echo "make test           install test dependencies, lint, run the whole test suite"
	@echo "make serve-prod     serve with gunicorn (production settings)"
	@echo "make eval           evaluate retrieval on eval/gold.jsonl -> eval/report.md"
	@echo "make bench          speed, throughput, scale benchmarks -> eval/bench.md"
	@echo "make container-test build and run the Dockerfile with podman"

# The runtime environment: the pinned core. torch is not needed to serve.
$(VENV)/.core: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -c constraints.txt -e .
	touch $@

# Tests add the sentence-transformers backend, eval and dev tools. torch==2.13.0 first, so no CUDA build is pulled.
$(VENV)/.dev: $(VENV)/.core
	$(PIP) install -c constraints.txt torch==2.13.0
	$(PIP) install -c constraints.txt -e '.[st,eval,dev]'
	touch $@

venv: $(VENV)/.core
venv-dev: $(VENV)/.dev

index: venv
	$(PY) -m vraagbaak build --if-stale

run: venv index
	$(PY) -m vraagbaak serve

# gunicorn with src/vraagbaak/service/gunicorn_conf.py (workers, threads, limits: docs/operations.md).
serve-prod: venv index
	@echo "Vraagbaak on http://$(HOST):$(PORT)/ with gunicorn (vraagbaak.service.gunicorn_conf)"
	$(VENV)/bin/gunicorn -c python:vraagbaak.service.gunicorn_conf 'vraagbaak.service.wsgi:create()'

test: lint index
	$(PY) -m pytest -q

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

eval: venv-dev index
	$(PY) -m eval

# Builds its own index in a temporary directory, starts gunicorn on a free loopback port. About 11 minutes on 2 quiet cores.
bench: venv
	$(PY) -m eval.bench

# Builds the Dockerfile offline with podman and runs it (needs root and Debian's podman; see README "Container").
container-test: venv
	PYTHON=$(PY) bash .ci/container-test.sh

clean:
	rm -rf .vraagbaak .pytest_cache artifacts
