# The two set-up commands are `make run` and `make test`; each creates .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SEED   := fixtures/namespace-scheduler/manifests/overlays/production
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test goldens bench bench-batch lint clean

# Runtime install: the package and its three dependencies. "compat" editable mode
# puts the checkout on sys.path through a .pth file; the default mode installs an
# import hook that costs ~20 ms at every start of the CLI.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) -e . --config-settings editable_mode=compat
	@touch $@

# Test install: adds the test tools and the reference kustomize (pykustomize's
# wheel declares Python >= 3.14 but its bundled Go library runs on 3.11+).
$(VENV)/.installed-test: $(VENV)/.installed
	@$(PIP) --ignore-requires-python -e '.[test,reference]' --config-settings editable_mode=compat
	@touch $@

## Render the seed's production overlay to stdout.
run: $(VENV)/.installed
	@$(BIN)/kustomize-py build $(SEED)

## Lint, type-check and run the whole test suite.
test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest -q

## Static checks.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check kustomize_py tests bench
	$(BIN)/ruff format --check kustomize_py tests bench
	$(BIN)/mypy

## Regenerate fixtures/**/expected.yaml and expected-error.txt from the real kustomize.
goldens: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q tests/test_goldens.py --update-goldens

## Time us against the real kustomize on generated trees; prints ratios.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

## Batch rendering (build-all) against the real kustomize run once per overlay.
bench-batch: $(VENV)/.installed-test
	$(BIN)/python bench/batch.py
