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
    from kustomize_py.batch import RootResult, find_roots, output_names, render_all, render_many
    from kustomize_py.edit import ImageEdit, UnmatchedImageWarning, set_image
    from kustomize_py.inventory import ImageRecord, ImageRewrite, images

__version__ = "0.1.0"

# Imported on first use, so that ``import kustomize_py`` (and the CLI) stays lean.
_LAZY = {
    "ImageRecord": "inventory",
    "ImageRewrite": "inventory",
    "images": "inventory",
    "RootResult": "batch",
    "find_roots": "batch",
    "output_names": "batch",
    "render_all": "batch",
    "render_many": "batch",
    "ImageEdit": "edit",
    "UnmatchedImageWarning": "edit",
    "set_image": "edit",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kustomize_py' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"kustomize_py.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ConflictError",
    "ImageEdit",
    "ImageRecord",
    "ImageRewrite",
    "KustomizationError",
    "KustomizeDeprecationWarning",
    "KustomizeError",
    "LoadError",
    "LoadRestrictor",
    "ParseError",
    "RenderError",
    "RootResult",
    "TransformError",
    "UnmatchedImageWarning",
    "__version__",
    "build",
    "find_roots",
    "images",
    "output_names",
    "render",
    "render_all",
    "render_many",
    "set_image",
]
