"""``replacements``: copy a field of one resource into fields of others.

kustomize's ``api/filters/replacement``. Each replacement, in order: exactly one resource
must match the source (by any of its ids: current or earlier, before prefixes or a
namespace); its field (default ``metadata.name``) must exist and not be empty; the
value (optionally one part of it, split at a delimiter) is written into every target
field of every selected resource. A target field that is a scalar keeps its own YAML
type (``"5"`` into ``replicas: 1`` gives ``replicas: 5``; text that cannot have that
type is kustomize's decode error); a map or list target takes the source node as it
is; a created scalar field is typed as if its text were written plainly.

Target paths follow kyaml's PathMatcher (``fieldpath.match``), source paths its exact
Lookup; selection follows kustomize's (see ``_selected_by``). ``transform`` takes the
decoded ``Replacement`` dataclasses, whoever built them (a kustomization's
``replacements:`` or a ReplacementTransformer plugin config).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from kustomize_py import fieldpath, labelselector
from kustomize_py.errors import KustomizationError, TransformError
from kustomize_py.fieldpath import Created, PathError
from kustomize_py.goregex import translate
from kustomize_py.loader import Loader, Root, display
from kustomize_py.model import (
    FieldOptions,
    Replacement,
    ReplacementEntry,
    ReplacementTarget,
    Selector,
    decode_struct,
    replacement,
)
from kustomize_py.resource import ResId, Resource
from kustomize_py.yaml_load import load_kustomization_data

__all__ = ["DEFAULT_FIELD_PATH", "load", "transform"]

DEFAULT_FIELD_PATH = "metadata.name"


def load(entries: Sequence[ReplacementEntry], root: Root, loader: Loader) -> list[Replacement]:
    """The replacements of ``replacements:`` entries; a ``path:`` file (relative to
    ``root``) holds one replacement or a list, decoded leniently like kustomize's plugin
    config (unknown fields ignored)."""
    out: list[Replacement] = []
    for entry in entries:
        if entry.replacement is not None:
            if entry.path:
                raise KustomizationError(
                    "cannot specify both path and inline replacement", root.file
                )
            out.append(entry.replacement)
            continue
        path, text = loader.read_file(root, entry.path, "replacements file")
        origin = display(path)
        data = load_kustomization_data(text, origin)
        items = data if isinstance(data, list) else [data] if isinstance(data, dict) else None
        if items is None:
            kind = "invalid" if data is None else type(data).__name__
            raise KustomizationError(
                f"unsupported replacement type encountered within replacement path: {kind}",
                origin,
            )
        for item in items:
            raw = decode_struct(item or {}, "Replacement", origin, text, strict=False)
            out.append(replacement(raw))
    return out


def transform(
    resources: Iterable[Resource], replacements: Sequence[Replacement], where: str
) -> None:
    """Apply ``replacements`` in order; errors name ``where`` (the kustomization file)."""
    items = list(resources)
    touched: dict[int, Resource] = {}
    for r in replacements:
        if r.source is None or not r.targets:
            raise TransformError(
                "replacements must specify a source and at least one target", where
            )
        try:
            value = _source_value(items, r)
            for target in r.targets:
                _apply(items, value, target, touched)
        except (PathError, labelselector.SelectorError, _Failure) as err:
            raise TransformError(str(err), where) from None
    for res in touched.values():
        # kustomize rebuilds its resources after the filter: a name replaced by an empty
        # value (a map or list into metadata.name) is an error then.
        meta = res.data.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if not name or not isinstance(name, str):
            raise TransformError(f"missing metadata.name in object {res.id}", where)


class _Failure(Exception):
    """kustomize's error for this replacement; becomes a TransformError naming the file."""


def ids_of(res: Resource) -> list[ResId]:
    """kustomize's MakeResIds: the current id, then the earlier ones as kustomize records
    them (its previousNamespaces annotation holds each one's effective namespace:
    ``default`` for none, ``_non_namespaceable_`` for a cluster-scoped kind)."""
    return [res.id, *(_as_recorded(rid) for rid in res.previous_ids)]


def _as_recorded(rid: ResId) -> ResId:
    namespace = rid.effective_namespace or "_non_namespaceable_"
    return ResId(rid.group, rid.version, rid.kind, rid.name, namespace)


def _selected_by(rid: ResId, sel: Selector) -> bool:
    """kyaml's ResId.IsSelectedBy, for a source: empty selector fields match anything,
    the others exactly; a namespace "default" also selects a resource without one."""
    if sel.name and sel.name != rid.name:
        return False
    if sel.namespace:
        sid = ResId(sel.group, sel.version, sel.kind, sel.name, sel.namespace)
        if sid.effective_namespace != rid.effective_namespace:
            return False
    return rid.is_selected_by(sel.group, sel.version, sel.kind)


@cache
def _anchored(pattern: str) -> re.Pattern[str]:
    source = translate("^(?:" + pattern + ")$")
    if source is None:
        raise _Failure(f"error creating target selector: error parsing regexp: {pattern!r}")
    return re.compile(source)


def _target_selected_by(rid: ResId, sel: Selector) -> bool:
    """A target's (or reject's) id fields are anchored regular expressions matched
    against the id as written (kustomize's SelectorRegex): ``kind: Deployment|.*Set``,
    ``name: c.1``; an empty field matches anything, a namespace is not defaulted."""
    return all(
        not pattern or _anchored(pattern).match(value) is not None
        for pattern, value in (
            (sel.name, rid.name),
            (sel.namespace, rid.namespace),
            (sel.group, rid.group),
            (sel.version, rid.version),
            (sel.kind, rid.kind),
        )
    )


def _check_patterns(sel: Selector) -> None:
    for pattern in (sel.name, sel.namespace, sel.group, sel.version, sel.kind):
        if pattern:
            _anchored(pattern)


def _has_resid(sel: Selector) -> bool:
    return any((sel.group, sel.version, sel.kind, sel.name, sel.namespace))


def _selector_text(sel: Selector) -> str:
    return str(ResId(sel.group, sel.version, sel.kind, sel.name, sel.namespace))


def _source_value(items: list[Resource], r: Replacement) -> Any:
    assert r.source is not None
    sel = r.source.selector
    found: Resource | None = None
    for res in items:
        if any(_selected_by(rid, sel) for rid in ids_of(res)):
            if found is not None:
                raise _Failure(f"multiple matches for selector {_source_text(r)}")
            found = res
    if found is None:
        raise _Failure(f"nothing selected by {_source_text(r)}")
    field_path = r.source.field_path or DEFAULT_FIELD_PATH
    slot = fieldpath.lookup(found.data, fieldpath.split(field_path))
    value = None if slot is None else slot[0][slot[1]]
    if value is None or value in ({}, []):
        raise _Failure(
            f"fieldPath `{field_path}` is missing for replacement source {_selector_text(sel)}"
        )
    options = r.source.options
    if options is None or not options.delimiter:
        return value
    if isinstance(value, dict | list):
        raise _Failure("delimiter option can only be used with scalar nodes")
    text = fieldpath.go_text(value)
    parts = text.split(options.delimiter)
    if not 0 <= options.index < len(parts):
        raise _Failure(f"options.index {options.index} is out of bounds for value {text}")
    try:
        return fieldpath.tagged(parts[options.index], fieldpath.tag_of(value))
    except PathError:
        return parts[options.index]  # only its text is used by scalar targets


def _source_text(r: Replacement) -> str:
    """kustomize's SourceSelector.String()."""
    assert r.source is not None
    out = [_selector_text(r.source.selector)]
    if r.source.field_path:
        out.append(r.source.field_path)
    opts = r.source.options
    if opts is not None and (opts.delimiter or opts.create):
        out.append(f"{opts.delimiter}({opts.index}), create={str(opts.create).lower()}")
    return ":".join(out)


def _labels(res: Resource, field: str) -> dict[str, str]:
    meta = res.data.get("metadata")
    values = meta.get(field) if isinstance(meta, dict) else None
    if not isinstance(values, dict):
        return {}
    return {str(k): fieldpath.go_text(v) for k, v in values.items()}


def _matches_meta(res: Resource, sel: Selector) -> bool:
    return labelselector.matches(
        sel.annotation_selector, _labels(res, "annotations")
    ) and labelselector.matches(sel.label_selector, _labels(res, "labels"))


def _apply(
    items: list[Resource], value: Any, target: ReplacementTarget, touched: dict[int, Resource]
) -> None:
    if target.select is None:
        raise _Failure("target must specify resources to select")
    for sel in (target.select, *target.reject):
        _check_patterns(sel)
    field_paths = target.field_paths or (DEFAULT_FIELD_PATH,)
    for res in items:
        if not _matches_meta(res, target.select):
            continue
        if any(
            (r.annotation_selector or r.label_selector) and _matches_meta(res, r)
            for r in target.reject
        ):
            continue
        ids = ids_of(res)
        if any(_has_resid(r) and _target_selected_by(rid, r) for r in target.reject for rid in ids):
            continue  # a reject matching any of the ids, current or earlier
        if any(_target_selected_by(rid, target.select) for rid in ids):
            _apply_to_resource(res, value, target, field_paths)
            touched[id(res)] = res


def _apply_to_resource(
    res: Resource, value: Any, target: ReplacementTarget, field_paths: tuple[str, ...]
) -> None:
    options = target.options
    create = ""
    if options is not None and options.create:
        create = "scalar"
        if isinstance(value, dict | list):
            create = "map" if isinstance(value, dict) else "seq"
    verb = "find or create" if create else "find"
    for fp in field_paths:
        # kustomize drops one leading dot of a target path (`.metadata.name`, as kubebuilder
        # scaffolds it); any other empty part stays and fails on a map.
        parts = fieldpath.split(fp[1:] if fp.startswith(".") else fp)
        try:
            slots = fieldpath.match(res.data, parts, create)
        except PathError as err:
            raise _Failure(f'unable to {verb} field "{fp}" in replacement target: {err}') from None
        if not slots:
            raise _Failure(f'unable to {verb} field "{fp}" in replacement target')
        for slot in slots:
            _set(slot, value, options)


def _set(slot: fieldpath.Slot, value: Any, options: FieldOptions | None) -> None:
    """setTargetValue: one node takes the value."""
    container, key = slot
    target = container[key]
    created = isinstance(target, Created)
    scalar_target = not created and not isinstance(target, dict | list)
    text = fieldpath.go_text(value)
    if options is not None and options.delimiter:
        if not (scalar_target or (created and target.kind == "scalar")):
            raise _Failure("delimiter option can only be used with scalar nodes")
        current = target.text if created else fieldpath.go_text(target)
        parts = current.split(options.delimiter)
        if options.index < 0:
            parts.insert(0, text)
        elif options.index >= len(parts):
            parts.append(text)
        else:
            parts[options.index] = text
        text = options.delimiter.join(parts)
    if created and not isinstance(value, dict | list):
        # A created node has no tag: its text is typed as if written plainly.
        container[key] = fieldpath.tagged(text, "")
    elif scalar_target:
        container[key] = fieldpath.tagged(text, fieldpath.tag_of(target))
    else:
        container[key] = copy.deepcopy(value)
