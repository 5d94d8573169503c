"""Shared pytest configuration: the ``--update-goldens`` option."""

from __future__ import annotations

import os

import pytest
from support import require_reference

from kustomize_py.reference import Engine

# pytester drives inner pytest runs for tests/test_pytest_plugin.py (our pytest11 plugin).
pytest_plugins = ["pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help=(
            "regenerate fixtures/**/expected.yaml and expected-error.txt from the reference "
            "kustomize before comparing (refused when CI=true)"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-goldens") and os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            "--update-goldens is refused when CI=true: golden files must be regenerated "
            "locally from the reference kustomize and committed, never rewritten in CI"
        )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to regenerate the golden files first."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def engine() -> Engine:
    """The reference kustomize; tests using it skip when it is not installed."""
    return require_reference()
