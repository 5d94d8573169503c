"""Helpers shared by the test modules: small manifests, writing trees, the reference.

Test modules import this as ``support`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import kustomize_py
from kustomize_py.errors import KustomizeError
from kustomize_py.reference import (
    Engine,
    ReferenceResult,
    ReferenceUnavailable,
    find_engine,
    run_reference,
)

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1
"""


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root`` (text is dedented)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@cache
def reference_engine() -> Engine | None:
    """The project's reference kustomize (the pykustomize wheel), if installed."""
    try:
        return find_engine("pykustomize")
    except ReferenceUnavailable:
        return None


def require_reference() -> Engine:
    """The reference engine, or skip the calling test (or module, at import time)."""
    engine = reference_engine()
    if engine is None:  # pragma: no cover - depends on the machine
        pytest.skip("reference kustomize (pykustomize) not installed", allow_module_level=True)
    return engine


def assert_matches_reference(root: Path, context: str = "") -> ReferenceResult:
    """Build ``root`` with kustomize-py and the reference: both fail, or same bytes.

    Returns the reference's result (for hypothesis ``event`` statistics). ``context``
    (e.g. the generated inputs) is added to a failure message.
    """
    ref = run_reference(root, engine=require_reference())
    try:
        ours: str | None = kustomize_py.render(root)
        error = ""
    except KustomizeError as err:
        ours, error = None, str(err)
    if not ref.ok:
        assert ours is None, f"reference failed ({ref.error}) but we succeeded\n{context}"
        return ref
    assert ours is not None, f"we failed ({error}) but the reference succeeded\n{context}"
    if ours != ref.stdout:
        diff = "".join(
            difflib.unified_diff(
                ref.stdout.splitlines(True), ours.splitlines(True), "reference", "ours"
            )
        )
        pytest.fail(f"{context}\n{diff}")
    return ref


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kustomize_py ARGS`` in ``cwd`` (as the installed command runs)."""
    return subprocess.run(
        [sys.executable, "-m", "kustomize_py", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )


def fuzz_settings(name: str, default: int) -> settings:
    """Hypothesis settings of a differential fuzzer: ``default`` seeded examples in CI;
    ``{NAME}_FUZZ_EXAMPLES=N`` runs more, ``{NAME}_FUZZ_RANDOM=1`` a random hunt."""
    return settings(
        max_examples=int(os.environ.get(f"{name}_FUZZ_EXAMPLES", str(default))),
        deadline=None,
        derandomize=os.environ.get(f"{name}_FUZZ_RANDOM") != "1",
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
