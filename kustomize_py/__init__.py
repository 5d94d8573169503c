"""kustomize-py: a pure-Python ``kustomize build``, byte-for-byte.

>>> import kustomize_py
>>> text = kustomize_py.render("manifests/overlays/production")      # doctest: +SKIP
>>> docs = kustomize_py.build("manifests/overlays/production")       # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kustomize_py.api import LoadRestrictor, build, render
from kustomize_py.errors import (
    ConflictError,
    KustomizationError,
    KustomizeDeprecationWarning,
    KustomizeError,
    LoadError,
    ParseError,
    RenderError,
    TransformError,
)

if TYPE_CHECKING:
    from kustomize_py.edit import ImageEdit, UnmatchedImageWarning, set_image

__version__ = "0.1.0"

__all__ = [
    "ConflictError",
    "ImageEdit",
    "KustomizationError",
    "KustomizeDeprecationWarning",
    "KustomizeError",
    "LoadError",
    "LoadRestrictor",
    "ParseError",
    "RenderError",
    "TransformError",
    "UnmatchedImageWarning",
    "__version__",
    "build",
    "render",
    "set_image",
]


def __getattr__(name: str) -> Any:
    # `edit set image` is imported on first use: `kustomize-py build` never pays for it.
    if name in ("ImageEdit", "UnmatchedImageWarning", "set_image"):
        from kustomize_py import edit

        return getattr(edit, name)
    raise AttributeError(f"module 'kustomize_py' has no attribute {name!r}")
