"""The public entry points: ``render`` (text) and ``build`` (data)."""

from __future__ import annotations

import enum
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KustomizeDeprecationWarning, KustomizeError, RenderError
from kustomize_py.resource import Resource

if TYPE_CHECKING:
    from kustomize_py.loader import Loader

__all__ = ["LoadRestrictor", "build", "render"]


class LoadRestrictor(enum.StrEnum):
    """kustomize's ``--load-restrictor``: which files a kustomization may read."""

    ROOT_ONLY = "LoadRestrictionsRootOnly"
    NONE = "LoadRestrictionsNone"


def _loader(
    load_restrictor: LoadRestrictor | str,
    *,
    cache: bool = False,
    overrides: Mapping[Path, Any] | None = None,
) -> Loader:
    """A loader for one build (``overrides``: in-memory kustomization data by directory)."""
    from kustomize_py.loader import Loader

    try:
        restrictor = LoadRestrictor(load_restrictor)
    except ValueError:
        choices = ", ".join(r.value for r in LoadRestrictor)
        raise KustomizeError(
            f"unknown load restrictor {load_restrictor!r}; choose {choices}"
        ) from None
    return Loader(
        restrict_to_root=restrictor is LoadRestrictor.ROOT_ONLY, cache=cache, overrides=overrides
    )


def _resources(
    path: str | Path, load_restrictor: LoadRestrictor | str, loader: Loader | None = None
) -> list[Resource]:
    from kustomize_py.pipeline import run

    loader = loader or _loader(load_restrictor)
    deprecations: list[str] = []
    try:
        return run(Path(path), loader, deprecations)
    finally:  # reported like kustomize does: before any error, and for every build
        for message in deprecations:
            # stacklevel 3: the caller of render() or build()
            warnings.warn(message, KustomizeDeprecationWarning, stacklevel=3)


def _documents(resources: list[Resource]) -> list[str]:
    """Each resource as kustomize writes it; a value it cannot write is an error."""
    from kustomize_py.emit import dump_document

    parts = []
    for res in resources:
        try:
            parts.append(dump_document(res.data))
        except RenderError as err:
            raise RenderError(f"{err.message} (in {res.id})", res.origin) from None
    return parts


def render(
    path: str | Path, *, load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY
) -> str:
    """Build the kustomization at ``path`` and return exactly what ``kustomize build`` prints.

    Raises a :class:`~kustomize_py.KustomizeError` subclass naming the file at fault.
    Deprecated fields are reported with ``warnings`` (``KustomizeDeprecationWarning``).
    """
    return "---\n".join(_documents(_resources(path, load_restrictor)))


def build(
    path: str | Path, *, load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY
) -> list[dict[str, Any]]:
    """Build the kustomization at ``path`` and return its resources as plain Python data.

    The list is in output order; each item is the dict ``yaml.safe_load`` would give
    for that document of ``render``'s output, except that mapping keys keep the order
    of the input files. It fails exactly when ``render`` does: a value kustomize cannot
    write (``.inf``, a control character) is a :class:`~kustomize_py.RenderError` here too.
    """
    resources = _resources(path, load_restrictor)
    _documents(resources)
    return [res.data for res in resources]
