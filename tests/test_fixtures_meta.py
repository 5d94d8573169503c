"""Checks on the golden corpus itself (not on the implementation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_goldens import (
    CASES,
    EXPECTED_ERROR,
    EXPECTED_OUTPUT,
    FIXTURES,
    REFERENCE_FILE,
    discover_cases,
    parse_args_file,
)

MIN_OUTPUT_CASES = 70
MIN_ERROR_CASES = 18
SEED_CASE = FIXTURES / "namespace-scheduler"


def _case_dirs() -> list[Path]:
    return sorted({*discover_cases(include_new=False), *(p for p in CASES.iterdir() if p.is_dir())})


def test_reference_file_names_the_reference() -> None:
    assert REFERENCE_FILE.is_file(), "fixtures/REFERENCE is missing: run pytest --update-goldens"
    lines = REFERENCE_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kustomize api v"), lines[0]


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_case_has_exactly_one_expected_file(case: Path) -> None:
    present = [n for n in (EXPECTED_OUTPUT, EXPECTED_ERROR) if (case / n).is_file()]
    assert len(present) == 1, f"{case}: has {present or 'no expected file'}"
    args = parse_args_file(case)
    if present == [EXPECTED_OUTPUT]:
        assert (case / args.build_dir).is_dir(), f"{case}: build directory {args.build_dir} missing"


def test_error_files_do_not_leak_absolute_paths() -> None:
    for path in FIXTURES.rglob(EXPECTED_ERROR):
        text = path.read_text(encoding="utf-8")
        assert str(FIXTURES.parent) not in text, f"{path}: contains an absolute path"


def test_corpus_size() -> None:
    cases = discover_cases(include_new=False)
    outputs = [c for c in cases if (c / EXPECTED_OUTPUT).is_file()]
    errors = [c for c in cases if (c / EXPECTED_ERROR).is_file()]
    assert len(outputs) >= MIN_OUTPUT_CASES, f"only {len(outputs)} output cases"
    assert len(errors) >= MIN_ERROR_CASES, f"only {len(errors)} error cases"
    assert SEED_CASE in outputs, "the namespace-scheduler seed case must be an output case"


def test_seed_layout() -> None:
    for rel in (
        "manifests/base/task-scheduler-deployment.yaml",
        "manifests/base/kustomization.yaml",
        "manifests/overlays/production/kustomization.yaml",
        "argocd/namespace-scheduler-app.yaml",
    ):
        assert (SEED_CASE / rel).is_file(), rel
