"""Field specs: where in a resource a transformer acts, as data (``spec/containers[]/image``).

The traversal follows kustomize's ``api/filters/fieldspec``: a path step names a map
key (``name[]`` hints that its value is a sequence); a sequence met on the way is
walked element by element with the same remaining path; a missing key ends the walk
unless the spec creates it; a scalar where a map or sequence is needed is an error.
A ``null`` met at a ``name[]`` step becomes an empty sequence, as in kustomize.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from kustomize_py.model import FieldSpec
from kustomize_py.resource import ResId
from kustomize_py.sort import DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST

__all__ = ["FieldSpecError", "find", "matches_gvk", "merge_specs", "sort_specs", "split_path"]

Location = tuple[dict[str, Any], str]


class FieldSpecError(ValueError):
    """A resource does not have the shape a field spec expects."""


@lru_cache(maxsize=1024)
def split_path(path: str) -> tuple[str, ...]:
    """Split at ``/``; ``\\/`` escapes a slash inside a key."""
    out: list[str] = []
    for part in path.split("/"):
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + "/" + part
        else:
            out.append(part)
    return tuple(out)


def matches_gvk(spec: FieldSpec, data: dict[str, Any]) -> bool:
    return ResId.of(data).is_selected_by(spec.group, spec.version, spec.kind)


def find(data: dict[str, Any], spec: FieldSpec, *, create: bool = True) -> Iterator[Location]:
    """Yield ``(mapping, key)`` for every field ``spec`` designates in ``data``.

    When ``spec.create`` is set (and the caller allows creation), missing maps on the
    way and the final key are created, the final value as ``None`` for the caller to
    set. Some transformers (images) never create, whatever the spec says.
    """
    if not matches_gvk(spec, data):
        return
    yield from _walk(data, split_path(spec.path), spec.create and create)


def _walk(node: Any, steps: tuple[str, ...], create: bool) -> Iterator[Location]:
    if isinstance(node, list):
        for item in node:
            if item is not None:  # kyaml passes over null sequence items
                yield from _walk(item, steps, create)
        return
    if not isinstance(node, dict):
        raise FieldSpecError("expected sequence or mapping node")
    name, is_seq = (steps[0][:-2], True) if steps[0].endswith("[]") else (steps[0], False)
    last = len(steps) == 1
    if name not in node:
        if not create or is_seq:
            return
        node[name] = None if last else {}
    if last:
        yield node, name
        return
    value = node[name]
    if value is None:
        if is_seq:
            node[name] = []
            return
        if not create:
            return
        value = node[name] = {}
    yield from _walk(value, steps[1:], create)


def merge_specs(*groups: Iterable[FieldSpec]) -> tuple[FieldSpec, ...]:
    """kustomize's FsSlice.MergeAll: the first group as it is, then each later spec unless
    one already there has the same path and is selected by the later spec's
    group/version/kind (a kind-specific spec thus absorbs a later generic one).

    Such a match with a different ``create`` flag is a conflict.
    """
    iterator = iter(groups)
    result = list(next(iterator, ()))
    for group in iterator:
        for spec in group:
            for old in result:
                if old.path == spec.path and _gvk_selected(old, spec):
                    if old.create != spec.create:
                        raise FieldSpecError(f"conflicting fieldspecs for path {spec.path!r}")
                    break
            else:
                result.append(spec)
    return tuple(result)


def _gvk_selected(spec: FieldSpec, selector: FieldSpec) -> bool:
    return (
        (not selector.group or selector.group == spec.group)
        and (not selector.version or selector.version == spec.version)
        and (not selector.kind or selector.kind == spec.kind)
    )


# kyaml's kind order for sorting field specs (Gvk.IsLessThan): the legacy sort's first
# kinds first, in order, its last kinds last, every other kind in between.
_KIND_RANK = {
    **{kind: i - len(DEFAULT_ORDER_FIRST) for i, kind in enumerate(DEFAULT_ORDER_FIRST)},
    **{kind: 1 + i for i, kind in enumerate(DEFAULT_ORDER_LAST)},
}


def sort_specs(specs: Iterable[FieldSpec]) -> tuple[FieldSpec, ...]:
    """Field specs in kustomize's TransformerConfig order (by kind rank, then by
    ``Kind.version.group``); the order decides which spec absorbs which on merging."""

    def key(spec: FieldSpec) -> tuple[int, str]:
        gvk = ResId(spec.group, spec.version, spec.kind, "", "").gvk
        return _KIND_RANK.get(spec.kind, 0), gvk

    return tuple(sorted(specs, key=key))
