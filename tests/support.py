"""Helpers shared by the test modules: small manifests, writing trees, the reference.

Test modules import this as ``support`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest

from kustomize_py.reference import Engine, ReferenceUnavailable, find_engine

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
