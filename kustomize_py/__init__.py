"""kustomize-py: a pure-Python ``kustomize build``, byte-for-byte.

>>> import kustomize_py
>>> text = kustomize_py.render("manifests/overlays/production")      # doctest: +SKIP
>>> docs = kustomize_py.build("manifests/overlays/production")       # doctest: +SKIP
"""

from __future__ import annotations

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

__version__ = "0.1.0"

__all__ = [
    "ConflictError",
    "KustomizationError",
    "KustomizeDeprecationWarning",
    "KustomizeError",
    "LoadError",
    "LoadRestrictor",
    "ParseError",
    "RenderError",
    "TransformError",
    "__version__",
    "build",
    "render",
]
