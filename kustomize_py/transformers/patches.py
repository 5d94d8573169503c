"""``patches``, ``patchesStrategicMerge`` and ``patchesJson6902``: selection and application.

A patch's text is a strategic-merge patch (one or more resource documents) or a JSON
6902 patch (a list of operations, JSON or YAML); like kustomize, the text is tried as
both and must be exactly one. A strategic-merge patch without ``target`` applies to
the resource whose id (current or any previous one) is the patch's own; with
``target``, to every selected resource. A JSON patch needs a target.

The functions here take decoded dataclasses and already-read patch texts (the loader
reads files), so that builtin plugin configurations can drive them too.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kustomize_py.errors import KustomizeError, TransformError
from kustomize_py.fieldpath import go_text
from kustomize_py.goregex import translate
from kustomize_py.loader import resources_from_text
from kustomize_py.model import Patch, Selector
from kustomize_py.resource import ResId, ResMap, Resource
from kustomize_py.strategicmerge import (
    BUILTIN,
    MISSING,
    MergeError,
    SchemaTable,
    merge,
    table_from_openapi,
)
from kustomize_py.yaml_load import load_kustomization_data

__all__ = [
    "LoadedPatch",
    "OpenAPISchema",
    "apply_json6902",
    "apply_patches",
    "apply_strategic_merge",
    "load_patch",
    "select",
]

# Reads a patch file named in a kustomization: path -> (text, origin to report).
Reader = Callable[[str], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class LoadedPatch:
    """A patch ready to apply: strategic-merge documents or JSON operations."""

    origin: str
    target: Selector | None
    strategic: tuple[Resource, ...] = ()
    operations: tuple[dict[str, Any], ...] | None = None
    allow_name_change: bool = False
    allow_kind_change: bool = False
    # Applied through kustomize's ResMap.ApplySmPatch (a target, or patchesStrategicMerge),
    # which first rewrites the patch's metadata (see _resmap_copy).
    via_resmap: bool = False


# -- loading -----------------------------------------------------------------------


def load_patch(entry: Patch, read: Reader, where: str) -> LoadedPatch:
    """Decode one ``patches:`` entry (kustomize's PatchTransformer configuration)."""
    text = entry.patch.strip()
    if not text and not entry.path:
        raise TransformError("a patches entry must specify one of patch and path", where)
    if text and entry.path:
        raise TransformError("a patches entry can't set both patch and path", where)
    origin = where
    if entry.path:
        text, origin = read(entry.path)
    strategic, sm_error = _strategic_documents(text, origin)
    operations, json_error = _json_operations(text)
    if sm_error is None and json_error is None:
        raise TransformError(
            f"patch illegally qualifies as both an SM and JSON patch: {text}", origin
        )
    if sm_error is not None and json_error is not None:
        raise TransformError(
            f"unable to parse the patch as a strategic merge patch ({sm_error}) "
            f"or a JSON patch ({json_error})",
            origin,
        )
    if sm_error is None:
        if entry.target is not None and len(strategic) > 1:
            raise TransformError(
                "multiple strategic-merge patches in one patches entry cannot have a target",
                origin,
            )
        return LoadedPatch(
            origin,
            entry.target,
            strategic=tuple(strategic),
            allow_name_change=entry.allow_name_change,
            allow_kind_change=entry.allow_kind_change,
        )
    return LoadedPatch(origin, entry.target, operations=tuple(operations or ()))


def _strategic_documents(text: str, origin: str) -> tuple[list[Resource], str | None]:
    try:
        docs = resources_from_text(text, origin, patch=True)
    except KustomizeError as err:
        return [], err.message
    return docs, None


def _json_operations(text: str) -> tuple[list[dict[str, Any]] | None, str | None]:
    """kustomize's jsonPatchFromBytes: JSON if it starts with '[', else YAML."""
    if not text:
        return None, "empty json patch operations"
    try:
        ops = json.loads(text) if text[0] == "[" else load_kustomization_data(text, "")
    except (ValueError, KustomizeError) as err:
        return None, str(err)
    if not isinstance(ops, list) or not all(isinstance(op, dict) for op in ops):
        return None, "not a list of operations"
    return ops, None


def load_json6902(entry: Patch, read: Reader, where: str) -> LoadedPatch:
    """Decode one ``patchesJson6902:`` entry (kustomize's PatchJson6902Transformer)."""
    if entry.target is None or not entry.target.name:
        raise TransformError("a patchesJson6902 entry must specify the target name", where)
    text, origin = entry.patch, where
    if not entry.path and not text:
        raise TransformError("a patchesJson6902 entry has an empty path and patch", where)
    if entry.path:
        if text:
            raise TransformError(
                "a patchesJson6902 entry must specify a file path or a patch, not both", where
            )
        text, origin = read(entry.path)
        if not text:
            raise TransformError(f"patch file '{entry.path}' is empty", origin)
    operations, error = _json_operations(text)
    if operations is None:
        raise TransformError(f"cannot decode the JSON patch: {error}", origin)
    if not operations:
        raise TransformError("the JSON patch appears to be empty", origin)
    return LoadedPatch(origin, entry.target, operations=tuple(operations))


def load_strategic_merge(entries: Sequence[str], read: Reader, where: str) -> list[LoadedPatch]:
    """``patchesStrategicMerge:``: each entry is inline YAML or else a file path."""
    loaded: list[LoadedPatch] = []
    for entry in entries:
        docs, error = _strategic_documents(entry, where)
        if error is not None or not docs:
            text, origin = read(entry)
            docs = resources_from_text(text, origin, patch=True)
        else:
            origin = where
        loaded.extend(LoadedPatch(origin, None, strategic=(doc,), via_resmap=True) for doc in docs)
    if not loaded:
        raise TransformError("patchesStrategicMerge: the patches appear to be empty", where)
    return loaded


# -- selection ---------------------------------------------------------------------

_NON_NAMESPACEABLE = "_non_namespaceable_"


def _effective_namespace(rid: ResId) -> str:
    return rid.effective_namespace or _NON_NAMESPACEABLE


def _anchored(pattern: str, where: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    source = translate("^(?:" + pattern + ")$")
    if source is None:
        raise TransformError(f"invalid target regular expression {pattern!r}", where)
    return re.compile(source)


def select(resources: ResMap, target: Selector, where: str) -> list[Resource]:
    """kustomize's ResMap.Select: id fields as anchored regular expressions (name and
    namespace match the original or the current value), then the label and
    annotation selectors."""
    group = _anchored(target.group, where)
    version = _anchored(target.version, where)
    kind = _anchored(target.kind, where)
    name = _anchored(target.name, where)
    namespace = _anchored(target.namespace, where)
    labels = _parse_selector(target.label_selector, where)
    annotations = _parse_selector(target.annotation_selector, where)
    selected = []
    for res in resources:
        current, original = res.id, res.original_id
        if namespace is not None and not (
            namespace.match(_effective_namespace(original))
            or namespace.match(_effective_namespace(current))
        ):
            continue
        if name is not None and not (name.match(original.name) or name.match(current.name)):
            continue
        if group is not None and not group.match(current.group):
            continue
        if version is not None and not version.match(current.version):
            continue
        if kind is not None and not kind.match(current.kind):
            continue
        if labels and not _matches(labels, _string_map(res.metadata.get("labels"))):
            continue
        if annotations and not _matches(annotations, _string_map(res.metadata.get("annotations"))):
            continue
        selected.append(res)
    return selected


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


# A requirement: (key, operator, values); operators: = != in notin exists !
Requirement = tuple[str, str, tuple[str, ...]]
_SET_RE = re.compile(r"\s*([^\s,!=()]+)\s+(in|notin)\s*\(([^)]*)\)\s*")
_CMP_RE = re.compile(r"\s*([^\s,!=()]+)\s*(==|!=|=)\s*([^\s,!=()]*)\s*")
_EXISTS_RE = re.compile(r"\s*(!?)\s*([^\s,!=()]+)\s*")


def _parse_selector(text: str, where: str) -> list[Requirement]:
    """Kubernetes label-selector syntax: ``a=b, c!=d, e in (x,y), f notin (z), g, !h``."""
    requirements: list[Requirement] = []
    pos, text = 0, text.strip()
    while pos < len(text):
        for pattern in (_SET_RE, _CMP_RE, _EXISTS_RE):
            found = pattern.match(text, pos)
            if found is None or (found.end() < len(text) and text[found.end()] != ","):
                continue
            if pattern is _SET_RE:
                values = tuple(v.strip() for v in found.group(3).split(",") if v.strip())
                requirements.append((found.group(1), found.group(2), values))
            elif pattern is _CMP_RE:
                op = "!=" if found.group(2) == "!=" else "="
                requirements.append((found.group(1), op, (found.group(3),)))
            else:
                requirements.append((found.group(2), "!" if found.group(1) else "exists", ()))
            pos = found.end() + 1
            break
        else:
            raise TransformError(f"unable to parse requirement in selector {text!r}", where)
    return requirements


def _matches(requirements: list[Requirement], labels: dict[str, str]) -> bool:
    for key, op, values in requirements:
        present = key in labels
        if op == "=" and labels.get(key) != values[0]:
            return False
        if op == "!=" and present and labels[key] == values[0]:
            return False
        if op == "in" and labels.get(key) not in values:
            return False
        if op == "notin" and present and labels[key] in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!" and present:
            return False
    return True


# -- application -------------------------------------------------------------------


def _find_by_id(resources: ResMap, rid: ResId, origin: str) -> Resource:
    """kustomize's GetById: the one resource having ``rid`` as its current or a
    previous id."""
    found = [res for res in resources if any(i.key == rid.key for i in (*res.previous_ids, res.id))]
    if len(found) != 1:
        problem = "no resource matches" if not found else "several resources match"
        raise TransformError(f"{problem} strategic merge patch {rid}", origin)
    return found[0]


def _apply_one(res: Resource, patch: Resource, loaded: LoadedPatch, table: SchemaTable) -> bool:
    """Merge ``patch`` into ``res``; False when the patch deleted the resource."""
    meta = res.metadata
    name, namespace, kind = meta.get("name"), meta.get("namespace"), res.data.get("kind")
    if loaded.allow_name_change or loaded.allow_kind_change:
        res.store_previous_id()
    try:
        result = merge(res.data, copy.deepcopy(patch.data), table, res.value_links)
    except MergeError as err:
        raise TransformError(f"applying the patch to {res.id}: {err}", loaded.origin) from None
    if result is MISSING or not result:
        return False
    res.data = result
    if not loaded.allow_kind_change:
        res.data["kind"] = kind
    meta = res.metadata
    _annotations_as_strings(meta.get("annotations"))
    if not loaded.allow_name_change:
        meta["name"] = name
    if namespace is None or namespace == "":
        meta.pop("namespace", None)
    else:
        meta["namespace"] = namespace
    return True


def _label_text(value: Any) -> str:
    """A label or annotation value as kustomize rewrites it: the scalar's text."""
    return "null" if value is None else go_text(value)


def _resmap_copy(patch: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The patch as kustomize's ResMap.ApplySmPatch passes it on: the target's apiVersion;
    labels and annotations re-set as string maps (``null`` and numbers become strings,
    an empty map disappears); an empty namespace removed."""
    data = copy.deepcopy(patch)
    data["apiVersion"] = target.get("apiVersion")
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        return data
    for field in ("labels", "annotations"):
        value = meta.get(field)
        pairs = (
            {str(k): _label_text(v) for k, v in value.items()} if isinstance(value, dict) else {}
        )
        if pairs:
            meta[field] = pairs
        else:
            meta.pop(field, None)
    if not meta.get("namespace"):
        meta.pop("namespace", None)
    return data


def _annotations_as_strings(annotations: Any) -> None:
    """kustomize keeps annotations as a string map: a patched-in ``5`` is "5"."""
    if isinstance(annotations, dict):
        for key, value in annotations.items():
            if not isinstance(value, str):
                annotations[key] = _label_text(value)


def apply_strategic_merge(
    resources: ResMap, loaded: LoadedPatch, table: SchemaTable = BUILTIN
) -> None:
    """Apply a strategic-merge patch (each of its documents in turn)."""
    for patch in loaded.strategic:
        if loaded.target is None:
            targets = [_find_by_id(resources, patch.id, loaded.origin)]
        else:
            targets = select(resources, loaded.target, loaded.origin)
        chosen = {id(res) for res in targets}
        kept: list[Resource] = []
        for res in resources:
            if id(res) in chosen:
                doc = patch
                if loaded.target is not None or loaded.via_resmap:
                    doc = Resource(_resmap_copy(patch.data, res.data), patch.origin)
                if not _apply_one(res, doc, loaded, table):
                    continue
            kept.append(res)
        fresh = ResMap()
        for res in kept:
            try:
                fresh.append(res)
            except KustomizeError as err:
                raise TransformError(err.message, loaded.origin) from None
        resources.replace_all(list(fresh))


def apply_json6902(
    resources: ResMap, loaded: LoadedPatch, *, required: bool, store_previous: bool
) -> None:
    """Apply a JSON 6902 patch to every selected resource.

    ``required``: no match is an error (``patchesJson6902``), not a no-op (``patches``).
    """
    if loaded.target is None:
        raise TransformError("a JSON patch must specify a target", loaded.origin)
    targets = select(resources, loaded.target, loaded.origin)
    del required  # v0.21.3: a patchesJson6902 target that matches nothing is a no-op
    for res in targets:
        if store_previous:
            res.store_previous_id()
        internal = _internal_annotations(res)
        if internal:
            before = res.metadata
            if not isinstance(before.get("annotations"), dict):
                before["annotations"] = {}
            before["annotations"].update(internal)
        # jsonpatch is imported on first use: most builds have no JSON patch, and the
        # CLI's start-up should not pay for it.
        from kustomize_py.transformers.json6902 import apply_operations

        res.data = apply_operations(res.data, loaded.operations or (), res, loaded.origin)
        after = res.data.get("metadata")
        annotations = after.get("annotations") if isinstance(after, dict) else None
        if isinstance(annotations, dict):
            for key in internal:
                annotations.pop(key, None)
            _annotations_as_strings(annotations)
    resources.reindex()


_INTERNAL = "internal.config.kubernetes.io/"


def _internal_annotations(res: Resource) -> dict[str, str]:
    """The bookkeeping annotations kustomize keeps on a renamed resource, which a JSON
    patch sees (and may copy) because it works on the resource's full JSON."""
    if not res.previous_ids:
        return {}
    return {
        _INTERNAL + "previousKinds": ",".join(i.kind for i in res.previous_ids),
        _INTERNAL + "previousNames": ",".join(i.name for i in res.previous_ids),
        _INTERNAL + "previousNamespaces": ",".join(
            _effective_namespace(i) for i in res.previous_ids
        ),
    }


# -- the openapi field -------------------------------------------------------------

BUILTIN_VERSIONS = frozenset({"v1.21.2"})


@dataclass(slots=True)
class OpenAPISchema:
    """kustomize's schema choice for one build (the ``openapi:`` field).

    kustomize keeps one global schema: the top-level kustomization sets it (or resets it
    to the built-in one); otherwise the first kustomization met with an ``openapi:``
    field does, and later ones are ignored. A custom schema (``path``) replaces the
    built-in Kubernetes schema entirely.
    """

    table: SchemaTable = BUILTIN
    is_set: bool = False

    def configure(
        self, openapi: Sequence[tuple[str, str]], read: Reader, where: str, *, top: bool
    ) -> None:
        fields = dict(openapi)
        text: str | None = None
        origin = where
        if "path" in fields:
            text, origin = read(fields["path"])  # read (and checked) even when unused
        if self.is_set and not top:
            return
        if text is not None:
            if "version" in fields:
                raise TransformError(
                    "openapi: builtin version and custom schema provided, cannot use both",
                    where,
                )
            self.table = _custom_table(text, origin)
            self.is_set = True
            return
        version = fields.get("version", "")
        if not version:
            if top:
                self.table, self.is_set = BUILTIN, False
            return
        if version not in BUILTIN_VERSIONS:
            raise TransformError(
                f"openapi: the specified OpenAPI version {version!r} is not built in "
                f"(built in: {', '.join(sorted(BUILTIN_VERSIONS))})",
                where,
            )
        self.table, self.is_set = BUILTIN, True


def _custom_table(text: str, origin: str) -> SchemaTable:
    try:
        document = json.loads(text) if text[:1] == "{" else load_kustomization_data(text, origin)
    except (ValueError, KustomizeError) as err:
        raise TransformError(f"invalid schema file: {err}", origin) from None
    return table_from_openapi(document)


# -- the kustomization fields ------------------------------------------------------


def apply_patches(
    resources: ResMap,
    patches: Sequence[Patch],
    read: Reader,
    where: str,
    table: SchemaTable = BUILTIN,
) -> None:
    """The ``patches:`` field: each entry in order (kustomize's PatchTransformer)."""
    loaded = [load_patch(entry, read, where) for entry in patches]
    for patch in loaded:
        if patch.operations is not None:
            apply_json6902(resources, patch, required=False, store_previous=True)
        else:
            apply_strategic_merge(resources, patch, table)


def apply_patches_strategic_merge(
    resources: ResMap,
    entries: Sequence[str],
    read: Reader,
    where: str,
    table: SchemaTable = BUILTIN,
) -> None:
    """The deprecated ``patchesStrategicMerge:`` field."""
    if not entries:
        return
    for patch in load_strategic_merge(entries, read, where):
        apply_strategic_merge(resources, patch, table)


def apply_patches_json6902(
    resources: ResMap, patches: Sequence[Patch], read: Reader, where: str
) -> None:
    """The deprecated ``patchesJson6902:`` field."""
    loaded = [load_json6902(entry, read, where) for entry in patches]
    for patch in loaded:
        apply_json6902(resources, patch, required=True, store_previous=False)
