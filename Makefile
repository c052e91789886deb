# d2l-autograder: `make demo` sets everything up and grades the bundled examples; `make test` runs
# the whole suite. Both install what they need themselves (a venv in .venv, Debian packages when
# apt-get is usable).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
JOBS ?= 2
ARCH := $(shell uname -m)
# torch and torchvision must come as a matching pair; these are the pairs known to import together.
ifeq ($(ARCH),aarch64)
TORCH_PAIR := torch==2.9.1 torchvision==0.24.1
else
TORCH_PAIR := torch==2.14.1 torchvision==0.29.1
endif

.PHONY: install system-deps demo test bench calibrate exercises clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(TORCH_PAIR)
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

# Debian's Fashion-MNIST and bubblewrap, when this machine can install them; otherwise say how.
system-deps:
	@if dpkg -s dataset-fashion-mnist bubblewrap >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist bubblewrap; \
	elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist bubblewrap; \
	else \
	  echo "note: could not install dataset-fashion-mnist and bubblewrap; pass --data-dir to the grader or set D2L_AUTOGRADER_DATA"; \
	fi

demo: install
	$(VENV)/bin/autograder grade solutions --seed 1 --json demo-out/reference.json
	$(VENV)/bin/autograder grade examples/submissions/bob --seed 1 --json demo-out/bob.json -v
	$(VENV)/bin/autograder grade . --seed 1 --json demo-out/stubs.json

test: install
	$(PY) -m pytest -n $(JOBS) --maxschedchunk=1 -q --durations=25 tests

# Speed and memory of grading (issue 3's figures), and the nbgrader path against plain nbgrader
# (issue 10's); calibrate re-measures the convergence pass marks.
bench: install
	$(PY) bench/grading.py
	$(PY) bench/nbgrader_path.py

calibrate: install
	$(PY) bench/calibrate.py

exercises: install
	$(VENV)/bin/autograder build-exercises

clean:
	rm -rf $(VENV) demo-out
