"""Render many kustomization roots in one process (``kustomize-py build-all``).

Roots share one :class:`~kustomize_py.loader.Loader` with its cache on: every
kustomization file and resource file is read and parsed once per batch, and each build
gets fresh copies of the parsed data, so a root renders exactly what it renders alone.
A root that fails does not stop the batch: its result carries the error.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kustomize_py.api import LoadRestrictor, _documents, _loader, _resources
from kustomize_py.errors import KustomizeError, LoadError
from kustomize_py.loader import KUSTOMIZATION_FILE_NAMES, Loader
from kustomize_py.model import COMPONENT
from kustomize_py.yaml_load import load_kustomization_data

__all__ = ["RootResult", "find_roots", "output_names", "render_all", "render_many"]


@dataclass(frozen=True, slots=True)
class RootResult:
    """One root of a batch: its rendering, or the error that stopped it."""

    root: Path  # as given (or as found under the batch's directory)
    output: str | None  # what ``kustomize build root`` prints; None when it failed
    error: KustomizeError | None
    warnings: tuple[str, ...] = ()  # deprecations and other warnings, in order

    @property
    def ok(self) -> bool:
        return self.error is None


def find_roots(directory: str | Path, *, include_components: bool = False) -> list[Path]:
    """Every directory under ``directory`` (itself included) that holds a kustomization
    file, sorted by path; directories whose name starts with ``.`` are not entered and
    symlinked directories are not followed.

    A root whose kustomization is ``kind: Component`` is skipped (a component only means
    something inside another kustomization) unless ``include_components``. Bases are
    not skipped: kustomize builds them, and a base that fails alone is worth knowing
    about. A kustomization file that cannot be read or parsed still counts as a root, so
    that rendering reports its error.
    """
    return _find_roots(Path(directory), Loader(cache=True), include_components)


def _find_roots(top: Path, loader: Loader, include_components: bool) -> list[Path]:
    if not top.is_dir():
        raise LoadError("not a directory", str(top))
    found: list[Path] = []
    for current, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if any(name in files for name in KUSTOMIZATION_FILE_NAMES):
            path = Path(current)
            if include_components or not _is_component(loader, path):
                found.append(path)
    return sorted(found, key=lambda p: p.parts)


def _is_component(loader: Loader, directory: Path) -> bool:
    try:
        return loader.load_root(directory).kustomization.kind == COMPONENT
    except KustomizeError:
        pass
    # Not a valid kustomization (empty, unknown field, ...): still a component if it says so.
    for name in KUSTOMIZATION_FILE_NAMES:
        try:
            data = load_kustomization_data(loader.read_text(directory / name), name)
        except (KustomizeError, OSError):
            continue
        return isinstance(data, dict) and data.get("kind") == COMPONENT
    return False


def render_many(
    roots: Iterable[str | Path],
    *,
    load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY,
) -> Iterator[RootResult]:
    """Render each root in turn, lazily, sharing parsed files between them.

    Yields one :class:`RootResult` per root, in order, whether it built or not.
    Warnings raised during a root's build are collected into its result rather than
    emitted. An unknown ``load_restrictor`` raises before anything is rendered.
    """
    return _render(roots, load_restrictor, _loader(load_restrictor, cache=True))


def _render(
    roots: Iterable[str | Path], load_restrictor: LoadRestrictor | str, loader: Loader
) -> Iterator[RootResult]:
    for root in roots:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                text: str | None = "---\n".join(
                    _documents(_resources(root, load_restrictor, loader))
                )
                error = None
            except KustomizeError as err:
                text, error = None, err
        messages = tuple(dict.fromkeys(str(w.message) for w in caught))
        yield RootResult(Path(root), text, error, messages)


def render_all(
    directory: str | Path,
    *,
    load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY,
    include_components: bool = False,
) -> Iterator[RootResult]:
    """:func:`render_many` over :func:`find_roots` ``(directory)``; the kustomization
    files read to find the roots are parsed once for both."""
    loader = _loader(load_restrictor, cache=True)
    roots = _find_roots(Path(directory), loader, include_components)
    return _render(roots, load_restrictor, loader)


def output_names(roots: Iterable[str | Path], base: str | Path | None = None) -> dict[Path, str]:
    """The file name each root's rendering is written to in an output directory.

    The name is the root's path relative to ``base`` (default: the roots' deepest
    common directory) with each ``/`` turned into ``_``, plus ``.yaml``; the base
    itself is named after its own directory (``.yaml`` alone never). When names
    collide (``a_b/c`` and ``a/b_c``; or names differing only in letter case, which
    collide on case-insensitive file systems) every colliding root gets
    ``-`` + the first 8 hex digits of the SHA-256 of its relative path appended.
    Paths are made absolute (not resolved) first; the same path twice is one root.
    """
    paths = [Path(os.path.abspath(r)) for r in roots]
    if not paths:
        return {}
    top = Path(os.path.abspath(base)) if base is not None else _common(paths)
    stems: dict[Path, str] = {}
    for path in paths:
        rel = os.path.relpath(path, top)
        if rel == os.curdir:
            stem = path.name or "root"
        else:
            stem = rel.replace(os.sep, "_").replace("..", "__")
        stems[path] = stem
    clash: dict[str, int] = {}
    for stem in stems.values():
        clash[stem.casefold()] = clash.get(stem.casefold(), 0) + 1
    out: dict[Path, str] = {}
    for path, stem in stems.items():
        suffix = ""
        if clash[stem.casefold()] > 1:
            suffix = "-" + hashlib.sha256(os.path.relpath(path, top).encode()).hexdigest()[:8]
        out[path] = f"{stem}{suffix}.yaml"
    return out


def _common(paths: list[Path]) -> Path:
    if len(paths) == 1:
        return paths[0].parent
    return Path(os.path.commonpath(paths))
