"""The kustomization file, parsed once into typed, frozen dataclasses.

Decoding follows kustomize's: the YAML is read with YAML 1.1 typing, then decoded
strictly like Go's ``encoding/json`` with ``DisallowUnknownFields``: field names match
case-insensitively, the last duplicate wins, ``null`` means absent, an unknown field
is an error, and a number or boolean where a string is expected is an error (an
unquoted ``newTag: 1.10`` is the number 1.1, not the tag "1.10").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kustomize_py.errors import KustomizationError

__all__ = [
    "COMPONENT",
    "KUSTOMIZATION",
    "FieldSpec",
    "Image",
    "Kustomization",
    "Label",
    "Replica",
    "SortOptions",
    "decode_kustomization",
    "decode_struct",
]

KUSTOMIZATION = "Kustomization"
COMPONENT = "Component"
API_VERSIONS = {
    KUSTOMIZATION: "kustomize.config.k8s.io/v1beta1",
    COMPONENT: "kustomize.config.k8s.io/v1alpha1",
}


@dataclass(frozen=True, slots=True)
class Image:
    """One ``images:`` entry. ``name`` is a regular expression in kustomize."""

    name: str = ""
    new_name: str = ""
    new_tag: str = ""
    digest: str = ""
    tag_suffix: str = ""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Where a transformer acts: ``path`` (``a/b[]/c``) in resources of a group/version/kind."""

    path: str
    group: str = ""
    version: str = ""
    kind: str = ""
    create: bool = False


@dataclass(frozen=True, slots=True)
class Label:
    """One ``labels:`` entry: ``pairs`` and where they go besides ``metadata/labels``."""

    pairs: tuple[tuple[str, str], ...] = ()
    include_selectors: bool = False
    include_templates: bool = False
    include_volume_claim_templates: bool = False
    fields: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class Replica:
    """One ``replicas:`` entry: resources named ``name`` (any of their names) get ``count``."""

    name: str = ""
    count: int = 0


@dataclass(frozen=True, slots=True)
class SortOptions:
    order: str
    order_first: tuple[str, ...] | None = None
    order_last: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Kustomization:
    path: str
    kind: str
    api_version: str
    resources: tuple[str, ...] = ()
    crds: tuple[str, ...] = ()
    configurations: tuple[str, ...] = ()
    namespace: str = ""
    images: tuple[Image, ...] = ()
    name_prefix: str = ""
    name_suffix: str = ""
    labels: tuple[Label, ...] = ()
    common_labels: tuple[tuple[str, str], ...] = ()
    common_annotations: tuple[tuple[str, str], ...] = ()
    replicas: tuple[Replica, ...] = ()
    sort_options: SortOptions | None = None
    used_deprecated: tuple[str, ...] = ()


# -- the schema: JSON field name -> type --------------------------------------------
# A type is "str", "bool", "int", "any", a struct name, or ("list"|"map", type).
Type = str | tuple[str, "Type"]

STRUCTS: dict[str, dict[str, Type]] = {
    "Kustomization": {
        "apiVersion": "str",
        "kind": "str",
        "metadata": "ObjectMeta",
        "resources": ("list", "str"),
        "bases": ("list", "str"),
        "crds": ("list", "str"),
        "configurations": ("list", "str"),
        "namespace": "str",
        "images": ("list", "Image"),
        "imageTags": ("list", "Image"),
        "sortOptions": "SortOptions",
        "namePrefix": "str",
        "nameSuffix": "str",
        "commonLabels": ("map", "str"),
        "labels": ("list", "Label"),
        "commonAnnotations": ("map", "str"),
        "replicas": ("list", "Replica"),
        # Fields kustomize has and kustomize-py does not implement yet: typed "any",
        # then refused with a clear message when they hold anything.
        "patchesStrategicMerge": "any",
        "patchesJson6902": "any",
        "patches": "any",
        "replacements": "any",
        "vars": "any",
        "components": "any",
        "configMapGenerator": "any",
        "secretGenerator": "any",
        "generatorOptions": "any",
        "helmGlobals": "any",
        "helmCharts": "any",
        "helmChartInflationGenerator": "any",
        "generators": "any",
        "transformers": "any",
        "validators": "any",
        "buildMetadata": "any",
        "openapi": "any",
    },
    "ObjectMeta": {
        "name": "str",
        "namespace": "str",
        "labels": ("map", "str"),
        "annotations": ("map", "str"),
    },
    "Image": {
        "name": "str",
        "newName": "str",
        "newTag": "str",
        "digest": "str",
        "tagSuffix": "str",
    },
    "Label": {
        "pairs": ("map", "str"),
        "includeSelectors": "bool",
        "includeTemplates": "bool",
        "includeVolumeClaimTemplates": "bool",
        "fields": ("list", "FieldSpec"),
    },
    "Replica": {"name": "str", "count": "int"},
    "SortOptions": {"order": "str", "legacySortOptions": "LegacySortOptions"},
    "LegacySortOptions": {"orderFirst": ("list", "str"), "orderLast": ("list", "str")},
    "FieldSpec": {
        "group": "str",
        "version": "str",
        "kind": "str",
        "path": "str",
        "create": "bool",
    },
    "NameBackReferences": {
        "group": "str",
        "version": "str",
        "kind": "str",
        "fieldSpecs": ("list", "FieldSpec"),
    },
    # A ``configurations:`` file: field specs for kustomize's builtin transformers.
    "TransformerConfig": {
        "namePrefix": ("list", "FieldSpec"),
        "nameSuffix": ("list", "FieldSpec"),
        "namespace": ("list", "FieldSpec"),
        "commonLabels": ("list", "FieldSpec"),
        "labels": ("list", "FieldSpec"),
        "templateLabels": ("list", "FieldSpec"),
        "volumeClaimTemplateLabels": ("list", "FieldSpec"),
        "commonAnnotations": ("list", "FieldSpec"),
        "nameReference": ("list", "NameBackReferences"),
        "varReference": ("list", "FieldSpec"),
        "images": ("list", "FieldSpec"),
        "replicas": ("list", "FieldSpec"),
    },
}

# Deprecated fields and kustomize's warning for each, in the order kustomize prints them;
# a field that is present (even empty) warns, one set to null does not.
_EDIT_FIX = "Run 'kustomize edit fix' to update your Kustomization automatically."
DEPRECATED = {
    "bases": f"'bases' is deprecated. Please use 'resources' instead. {_EDIT_FIX}",
    "commonLabels": f"'commonLabels' is deprecated. Please use 'labels' instead. {_EDIT_FIX}",
    "imageTags": f"'imageTags' is deprecated. Please use 'images' instead. {_EDIT_FIX}",
    "patchesJson6902": (
        f"'patchesJson6902' is deprecated. Please use 'patches' instead. {_EDIT_FIX}"
    ),
    "patchesStrategicMerge": (
        f"'patchesStrategicMerge' is deprecated. Please use 'patches' instead. {_EDIT_FIX}"
    ),
    "vars": f"'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] {_EDIT_FIX}",
}


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Decoder:
    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text

    def fail(
        self, where: list[str | int], message: str, *, at: str | None = None
    ) -> KustomizationError:
        """An error about the value at ``where``; ``at``: a key inside it, for the line."""
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".")
        prefix = f"{dotted}: " if dotted else ""
        line = _line_of(self.text, where if at is None else [*where, at])
        return KustomizationError(prefix + message, self.path, line)

    def decode(self, value: Any, typ: Type, where: list[str | int]) -> Any:
        if value is None or typ == "any":
            return value
        if isinstance(typ, tuple):
            container, item = typ
            if container == "list":
                if not isinstance(value, list):
                    raise self.fail(where, self._mismatch(value, "a list"))
                return [self.decode(v, item, [*where, i]) for i, v in enumerate(value)]
            if not isinstance(value, dict):
                raise self.fail(where, self._mismatch(value, "a map"))
            return {str(k): self.decode(v, item, [*where, str(k)]) for k, v in value.items()}
        if typ == "str":
            if not isinstance(value, str):
                raise self.fail(where, self._mismatch(value, "a string"))
            return value
        if typ == "bool":
            if not isinstance(value, bool):
                raise self.fail(where, self._mismatch(value, "a boolean"))
            return value
        if typ == "int":
            return self._int64(value, where)
        return self.struct(value, typ, where)

    def struct(self, value: Any, name: str, where: list[str | int]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, self._mismatch(value, f"a {name} mapping"))
        fields = STRUCTS[name]
        folded = {k.casefold(): k for k in fields}
        out: dict[str, Any] = {}
        # kustomize converts the YAML to JSON through a Go map, which writes the keys in
        # byte order; of keys differing only in case (``newTag``/``NewTag``) the one that
        # sorts last wins, whatever the file's order, and the first error is reported
        # in that order too.
        for key, item in sorted(value.items(), key=lambda kv: str(kv[0])):
            canonical = folded.get(str(key).casefold())
            if canonical is None:
                raise self.fail(where, f'unknown field "{key}" in {name}', at=str(key))
            if item is None and fields[canonical] in ("str", "bool", "int"):
                continue  # Go: null leaves a string or bool as it was (lists become nil)
            out[canonical] = self.decode(item, fields[canonical], [*where, canonical])
        return out

    def _int64(self, value: Any, where: list[str | int]) -> int:
        """Go's int64 from JSON: an integral number in range (``3.0`` is 3), nothing else."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, self._mismatch(value, "an integer"))
        if isinstance(value, float) and not value.is_integer():
            raise self.fail(where, f"expected an integer, got the number {value!r}")
        number = int(value)
        if not -(2**63) <= number < 2**63:
            raise self.fail(where, f"expected a 64-bit integer, got {number} (out of range)")
        return number

    @staticmethod
    def _mismatch(value: Any, expected: str) -> str:
        got = _json_kind(value)
        message = f"expected {expected}, got {'an' if got[0] in 'ao' else 'a'} {got} ({value!r})"
        if expected == "a string" and got in ("number", "bool"):
            message += "; quote the value, YAML 1.1 reads it unquoted as a " + got
        return message


def _line_of(text: str, where: list[str | int]) -> int | None:
    """Best-effort 1-based line of a field path (keys and block-list indices) in the text."""
    line, pos = None, 0
    lines = text.splitlines()
    for step in where:
        if isinstance(step, int):
            found = _list_item(lines, pos, step)
            if found is None:
                return line
            line, pos = found + 1, found  # the item's first key may share its line
            continue
        pattern = re.compile(rf"^[\s-]*[\"']?{re.escape(step)}[\"']?\s*:", re.IGNORECASE)
        for i in range(pos, len(lines)):
            if pattern.match(lines[i]):
                line, pos = i + 1, i + 1
                break
        else:
            return line
    return line


def _list_item(lines: list[str], start: int, index: int) -> int | None:
    """The 0-based line of item ``index`` of the block sequence starting at ``start``."""
    item_indent, count = None, -1
    for i in range(start, len(lines)):
        stripped = lines[i].lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(lines[i]) - len(stripped)
        is_item = stripped == "-" or stripped.startswith(("- ", "-\t"))
        if item_indent is None:
            if not is_item:
                return None  # a flow list or a scalar: no item lines to point at
            item_indent = indent
        if indent < item_indent or (indent == item_indent and not is_item):
            return None
        if indent == item_indent:
            count += 1
            if count == index:
                return i
    return None


def decode_struct(data: Any, name: str, path: str, text: str = "") -> dict[str, Any]:
    """Strictly decode ``data`` as the struct ``name``; used for configuration files too."""
    return _Decoder(path, text).struct(data, name, [])


def decode_kustomization(data: Any, path: str, text: str) -> Kustomization:
    """Turn the parsed YAML of a kustomization file into a :class:`Kustomization`."""
    decoder = _Decoder(path, text)
    raw = decoder.struct({} if data is None else data, "Kustomization", [])
    kind = raw.get("kind") or KUSTOMIZATION
    if kind not in API_VERSIONS:
        raise decoder.fail(["kind"], "kind should be Kustomization or Component")
    api_version = raw.get("apiVersion") or API_VERSIONS[kind]
    if api_version != API_VERSIONS[kind]:
        raise decoder.fail(["apiVersion"], f"apiVersion for {kind} should be {API_VERSIONS[kind]}")
    # kustomize compares the decoded struct with its zero value: "" and false count as
    # unset, while an empty list or map (non-nil in Go) makes the kustomization non-empty.
    if all(_is_zero(raw.get(f)) for f in raw if f not in ("apiVersion", "kind")):
        raise KustomizationError("kustomization is empty", path)
    for field, value in raw.items():
        if STRUCTS["Kustomization"][field] == "any" and value not in (None, "", [], {}):
            raise decoder.fail([field], f"the '{field}' field is not supported by kustomize-py yet")

    images = [*(raw.get("images") or []), *(raw.get("imageTags") or [])]
    sort = raw.get("sortOptions")
    return Kustomization(
        path=path,
        kind=kind,
        api_version=api_version,
        resources=(*(raw.get("resources") or ()), *(raw.get("bases") or ())),
        crds=tuple(raw.get("crds") or ()),
        configurations=tuple(raw.get("configurations") or ()),
        namespace=raw.get("namespace") or "",
        images=tuple(_image(i) for i in images if i is not None),
        name_prefix=raw.get("namePrefix") or "",
        name_suffix=raw.get("nameSuffix") or "",
        labels=tuple(_label(entry) for entry in raw.get("labels") or () if entry is not None),
        common_labels=_pairs(raw.get("commonLabels")),
        common_annotations=_pairs(raw.get("commonAnnotations")),
        # A null entry is Go's zero Replica (no name), which then matches nothing.
        replicas=tuple(
            Replica(name=(r or {}).get("name") or "", count=(r or {}).get("count") or 0)
            for r in raw.get("replicas") or ()
        ),
        sort_options=_sort_options(sort, decoder) if sort is not None else None,
        used_deprecated=tuple(f for f in DEPRECATED if raw.get(f) is not None),
    )


def _is_zero(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value)


def _image(raw: dict[str, str | None]) -> Image:
    return Image(
        name=raw.get("name") or "",
        new_name=raw.get("newName") or "",
        new_tag=raw.get("newTag") or "",
        digest=raw.get("digest") or "",
        tag_suffix=raw.get("tagSuffix") or "",
    )


def _pairs(raw: dict[str, str | None] | None) -> tuple[tuple[str, str], ...]:
    """A string map as pairs; a ``null`` value is Go's zero value, the empty string."""
    return tuple((k, v or "") for k, v in (raw or {}).items())


def _label(raw: dict[str, Any]) -> Label:
    return Label(
        pairs=_pairs(raw.get("pairs")),
        include_selectors=bool(raw.get("includeSelectors")),
        include_templates=bool(raw.get("includeTemplates")),
        include_volume_claim_templates=bool(raw.get("includeVolumeClaimTemplates")),
        fields=field_specs(raw.get("fields")),
    )


def _sort_options(raw: dict[str, Any], decoder: _Decoder) -> SortOptions:
    order = raw.get("order") or ""
    legacy = raw.get("legacySortOptions")
    if order not in ("fifo", "legacy"):
        raise decoder.fail(
            ["sortOptions", "order"], "the field 'sortOptions.order' must be one of [fifo, legacy]"
        )
    if order == "fifo" and legacy is not None:
        raise decoder.fail(
            ["sortOptions", "legacySortOptions"],
            "the field 'sortOptions.legacySortOptions' is set but the selected sort order "
            "is 'fifo', not 'legacy'",
        )
    if legacy is None:
        return SortOptions(order)
    return SortOptions(
        order, tuple(legacy.get("orderFirst") or ()), tuple(legacy.get("orderLast") or ())
    )


def field_specs(raw: list[dict[str, Any]] | None) -> tuple[FieldSpec, ...]:
    """Field specs decoded by ``decode_struct(..., "FieldSpec")`` as dataclasses."""
    return tuple(
        FieldSpec(
            path=r.get("path") or "",
            group=r.get("group") or "",
            version=r.get("version") or "",
            kind=r.get("kind") or "",
            create=bool(r.get("create")),
        )
        for r in raw or ()
    )
