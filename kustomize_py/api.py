"""The public entry points: ``render`` (text) and ``build`` (data)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

__all__ = ["LoadRestrictor", "build", "render"]


class LoadRestrictor(enum.StrEnum):
    """kustomize's ``--load-restrictor``: which files a kustomization may read."""

    ROOT_ONLY = "LoadRestrictionsRootOnly"
    NONE = "LoadRestrictionsNone"


def render(path: str | Path, *, load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY) -> str:
    """Build the kustomization at ``path`` and return exactly what ``kustomize build`` prints."""
    raise NotImplementedError


def build(
    path: str | Path, *, load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY
) -> list[dict[str, Any]]:
    """Build the kustomization at ``path`` and return its resources as plain Python data."""
    raise NotImplementedError
