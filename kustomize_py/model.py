"""The kustomization file, parsed once into typed, frozen dataclasses.

Decoding follows kustomize's: the YAML is read with YAML 1.1 typing, then decoded
strictly like Go's ``encoding/json`` with ``DisallowUnknownFields``: field names match
case-insensitively, the last duplicate wins, ``null`` means absent, an unknown field
is an error, and a number or boolean where a string is expected is an error (an
unquoted ``newTag: 1.10`` is the number 1.1, not the tag "1.10").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from kustomize_py.errors import KustomizationError

__all__ = [
    "COMPONENT",
    "KUSTOMIZATION",
    "FieldOptions",
    "FieldSpec",
    "GeneratorArgs",
    "GeneratorOptions",
    "Image",
    "Kustomization",
    "Label",
    "Patch",
    "Replacement",
    "ReplacementEntry",
    "ReplacementSource",
    "ReplacementTarget",
    "Replica",
    "Selector",
    "SortOptions",
    "Var",
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
class GeneratorOptions:
    """``generatorOptions``, or one generator's ``options``."""

    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    disable_name_suffix_hash: bool = False
    immutable: bool = False


@dataclass(frozen=True, slots=True)
class GeneratorArgs:
    """One ``configMapGenerator`` (kind ConfigMap) or ``secretGenerator`` (kind Secret) entry.

    ``envs`` has the deprecated ``env`` appended, as kustomize's FixKustomization does;
    ``options`` is the entry's own, not yet merged with ``generatorOptions``.
    """

    kind: str
    name: str = ""
    namespace: str = ""
    behavior: str = ""
    literals: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    envs: tuple[str, ...] = ()
    options: GeneratorOptions | None = None
    type: str = ""


@dataclass(frozen=True, slots=True)
class Selector:
    """kustomize's ``types.Selector``: id fields (regular expressions for patch targets;
    empty matches anything) plus label and annotation selectors. A replacement's source
    is the same without the selectors."""

    group: str = ""
    version: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""
    label_selector: str = ""
    annotation_selector: str = ""


@dataclass(frozen=True, slots=True)
class Patch:
    """One ``patches:`` (or ``patchesJson6902:``) entry: a file ``path`` or inline text."""

    path: str = ""
    patch: str = ""
    target: Selector | None = None
    allow_name_change: bool = False
    allow_kind_change: bool = False


@dataclass(frozen=True, slots=True)
class FieldOptions:
    delimiter: str = ""
    index: int = 0
    encoding: str = ""
    create: bool = False


@dataclass(frozen=True, slots=True)
class ReplacementSource:
    selector: Selector
    field_path: str = ""
    options: FieldOptions | None = None


@dataclass(frozen=True, slots=True)
class ReplacementTarget:
    select: Selector | None
    reject: tuple[Selector, ...] = ()
    field_paths: tuple[str, ...] = ()
    options: FieldOptions | None = None


@dataclass(frozen=True, slots=True)
class Replacement:
    """One replacement; ``targets`` is None when absent (an error), () when empty."""

    source: ReplacementSource | None
    targets: tuple[ReplacementTarget, ...] | None


@dataclass(frozen=True, slots=True)
class ReplacementEntry:
    """A ``replacements:`` entry: inline, or ``path:`` to a file of one or more."""

    path: str = ""
    replacement: Replacement | None = None


@dataclass(frozen=True, slots=True)
class Var:
    """A deprecated ``vars:`` entry; ``objref``'s apiVersion already split into group/version."""

    name: str
    group: str
    version: str
    kind: str
    ref_name: str
    namespace: str
    field_path: str


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
    config_map_generator: tuple[GeneratorArgs, ...] = ()
    secret_generator: tuple[GeneratorArgs, ...] = ()
    generator_options: GeneratorOptions | None = None
    patches_strategic_merge: tuple[str, ...] = ()
    patches: tuple[Patch, ...] = ()
    patches_json6902: tuple[Patch, ...] = ()
    replacements: tuple[ReplacementEntry, ...] = ()
    vars: tuple[Var, ...] = ()
    used_deprecated: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    generators: tuple[str, ...] = ()
    transformers: tuple[str, ...] = ()
    validators: tuple[str, ...] = ()
    build_metadata: tuple[str, ...] = ()
    openapi: tuple[tuple[str, str], ...] = ()
    helm_globals: HelmGlobals | None = None
    helm_charts: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class HelmGlobals:
    chart_home: str = ""
    config_home: str = ""


# -- the schema: JSON field name -> type --------------------------------------------
# A type is "str", "bool", "int", "any", a struct name, or ("list"|"map", type).
Type = str | tuple[str, "Type"]

_GENERATOR_ARGS: dict[str, Type] = {
    "namespace": "str",
    "name": "str",
    "behavior": "str",
    "literals": ("list", "str"),
    "files": ("list", "str"),
    "envs": ("list", "str"),
    "env": "str",
    "options": "GeneratorOptions",
}

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
        "components": ("list", "str"),
        "generators": ("list", "str"),
        "transformers": ("list", "str"),
        "validators": ("list", "str"),
        "buildMetadata": ("list", "str"),
        "openapi": ("map", "str"),
        "helmGlobals": "HelmGlobals",
        "helmCharts": ("list", "HelmChart"),
        "helmChartInflationGenerator": ("list", "HelmChartArgs"),
        "configMapGenerator": ("list", "ConfigMapArgs"),
        "secretGenerator": ("list", "SecretArgs"),
        "generatorOptions": "GeneratorOptions",
        "patchesStrategicMerge": ("list", "str"),
        "patches": ("list", "Patch"),
        "patchesJson6902": ("list", "Patch"),
        "replacements": ("list", "ReplacementField"),
        "vars": ("list", "Var"),
        "namePrefix": "str",
        "nameSuffix": "str",
        "commonLabels": ("map", "str"),
        "labels": ("list", "Label"),
        "commonAnnotations": ("map", "str"),
        "replicas": ("list", "Replica"),
    },
    "HelmGlobals": {"chartHome": "str", "configHome": "str"},
    "HelmChart": {
        "name": "str",
        "version": "str",
        "repo": "str",
        "releaseName": "str",
        "namespace": "str",
        "additionalValuesFiles": ("list", "str"),
        "valuesFile": "str",
        "valuesInline": ("map", "any"),
        "valuesMerge": "str",
        "includeCRDs": "bool",
        "skipHooks": "bool",
        "apiVersions": ("list", "str"),
        "kubeVersion": "str",
        "nameTemplate": "str",
        "skipTests": "bool",
        "debug": "bool",
        "devel": "bool",
    },
    # Deprecated form of helmCharts (+ helmGlobals), converted by kustomize.
    "HelmChartArgs": {
        "chartName": "str",
        "chartVersion": "str",
        "chartRepoUrl": "str",
        "chartHome": "str",
        "chartRepoName": "str",
        "helmBin": "str",
        "helmHome": "str",
        "values": "str",
        "valuesLocal": ("map", "any"),
        "valuesMerge": "str",
        "releaseName": "str",
        "releaseNamespace": "str",
        "extraArgs": ("list", "str"),
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
    "ConfigMapArgs": _GENERATOR_ARGS,
    "SecretArgs": {**_GENERATOR_ARGS, "type": "str"},
    "GeneratorOptions": {
        "labels": ("map", "str"),
        "annotations": ("map", "str"),
        "disableNameSuffixHash": "bool",
        "immutable": "bool",
    },
    "Patch": {
        "path": "str",
        "patch": "str",
        "target": "Selector",
        "options": ("map", "bool"),
    },
    "ReplacementField": {
        "path": "str",
        "source": "SourceSelector",
        "targets": ("list", "TargetSelector"),
    },
    "Replacement": {"source": "SourceSelector", "targets": ("list", "TargetSelector")},
    "SourceSelector": {
        "group": "str",
        "version": "str",
        "kind": "str",
        "name": "str",
        "namespace": "str",
        "fieldPath": "str",
        "options": "FieldOptions",
    },
    "TargetSelector": {
        "select": "Selector",
        "reject": ("list", "Selector"),
        "fieldPaths": ("list", "str"),
        "options": "FieldOptions",
    },
    "Selector": {
        "group": "str",
        "version": "str",
        "kind": "str",
        "name": "str",
        "namespace": "str",
        "labelSelector": "str",
        "annotationSelector": "str",
    },
    "FieldOptions": {"delimiter": "str", "index": "int", "encoding": "str", "create": "bool"},
    "Var": {"name": "str", "objref": "VarTarget", "fieldref": "FieldSelector"},
    "VarTarget": {
        "group": "str",
        "version": "str",
        "kind": "str",
        "apiVersion": "str",
        "name": "str",
        "namespace": "str",
    },
    "FieldSelector": {"fieldPath": "str"},
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
    def __init__(
        self,
        path: str,
        text: str,
        structs: dict[str, dict[str, Type]] | None = None,
        lenient: bool = False,
        *,
        strict: bool = True,
    ):
        self.path = path
        self.text = text
        self.strict = strict  # False: unknown fields are dropped (sigs.k8s.io/yaml.Unmarshal)
        self.structs = STRUCTS if structs is None else {**STRUCTS, **structs}
        # sigs.k8s.io/yaml's Unmarshal (plugin configs): unknown fields are dropped and a
        # number or boolean where a string is expected becomes its text.
        self.lenient = lenient

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
            if self.lenient and isinstance(value, int | float):
                return _go_scalar_text(value)
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
        fields = self.structs[name]
        folded = {k.casefold(): k for k in fields}
        out: dict[str, Any] = {}
        # kustomize converts the YAML to JSON through a Go map, which writes the keys in
        # byte order; of keys differing only in case (``newTag``/``NewTag``) the one that
        # sorts last wins, whatever the file's order, and the first error is reported
        # in that order too.
        for key, item in sorted(value.items(), key=lambda kv: str(kv[0])):
            canonical = folded.get(str(key).casefold())
            if canonical is None:
                if self.lenient or not self.strict:
                    continue  # Go's non-strict decoding drops them
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


def decode_struct(
    data: Any,
    name: str,
    path: str,
    text: str = "",
    *,
    structs: dict[str, dict[str, Type]] | None = None,
    lenient: bool = False,
    strict: bool = True,
) -> dict[str, Any]:
    """Strictly decode ``data`` as the struct ``name``; used for configuration files too.

    ``structs`` adds struct schemas (plugin configs). ``strict=False`` skips unknown
    fields (``sigs.k8s.io/yaml.Unmarshal``, replacement files). ``lenient`` decodes like
    kyaml's ``Unmarshal`` (plugin configs): unknown fields are skipped, and a number or
    boolean given for a string is taken as its text.
    """
    return _Decoder(path, text, structs, lenient, strict=strict).struct(data, name, [])


def _go_scalar_text(value: int | float) -> str:
    """A YAML number or boolean as sigs.k8s.io/yaml turns it into a string field:
    ``true``, ``10``, and floats in Go's shortest ``%g`` form (``1.10`` -> ``1.1``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[repr(value)]
    sign = "-" if value < 0 or (value == 0 and str(value).startswith("-")) else ""
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + int(exp_text or 0) - (len(whole + frac) - len(digits))
    digits = digits.rstrip("0") or "0"
    if digits == "0":
        return sign + "0"
    exp = point - 1
    if exp < -4 or exp >= 6:  # Go: %e form below 1e-4 and from 1e+06 (shortest %g)
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


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
        config_map_generator=tuple(
            generator_args("ConfigMap", g) for g in raw.get("configMapGenerator") or ()
        ),
        secret_generator=tuple(
            generator_args("Secret", g) for g in raw.get("secretGenerator") or ()
        ),
        generator_options=generator_options(raw.get("generatorOptions")),
        patches_strategic_merge=tuple(
            p for p in raw.get("patchesStrategicMerge") or () if p is not None
        ),
        patches=tuple(_patch(p) for p in raw.get("patches") or () if p is not None),
        patches_json6902=tuple(
            _patch(p) for p in raw.get("patchesJson6902") or () if p is not None
        ),
        replacements=tuple(replacement_entry(r) for r in raw.get("replacements") or ()),
        vars=tuple(var(v) for v in raw.get("vars") or () if v is not None),
        used_deprecated=tuple(f for f in DEPRECATED if raw.get(f) is not None),
        components=tuple(raw.get("components") or ()),
        generators=tuple(raw.get("generators") or ()),
        transformers=tuple(raw.get("transformers") or ()),
        validators=tuple(raw.get("validators") or ()),
        build_metadata=tuple(raw.get("buildMetadata") or ()),
        openapi=tuple((raw.get("openapi") or {}).items()),
        helm_globals=_helm_globals(raw),
        helm_charts=_helm_charts(raw),
    )


def _helm_globals(raw: dict[str, Any]) -> HelmGlobals | None:
    """helmGlobals, or (kustomize's FixKustomization) the last chartHome/helmHome of the
    deprecated helmChartInflationGenerator entries when helmGlobals is absent."""
    globals_ = raw.get("helmGlobals")
    if globals_ is not None:
        return HelmGlobals(globals_.get("chartHome") or "", globals_.get("configHome") or "")
    chart_home = config_home = ""
    for old in raw.get("helmChartInflationGenerator") or ():
        chart_home = (old or {}).get("chartHome") or chart_home
        config_home = (old or {}).get("helmHome") or config_home
    return HelmGlobals(chart_home, config_home) if chart_home or config_home else None


# helmChartInflationGenerator fields and the helmCharts fields they become.
_HELM_ARGS_TO_CHART = {
    "chartName": "name",
    "chartVersion": "version",
    "chartRepoUrl": "repo",
    "values": "valuesFile",
    "valuesLocal": "valuesInline",
    "valuesMerge": "valuesMerge",
    "releaseName": "releaseName",
}


def _helm_charts(raw: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """helmCharts entries (decoded HelmChart maps), then the converted deprecated ones."""
    charts = [c or {} for c in raw.get("helmCharts") or ()]
    for entry in raw.get("helmChartInflationGenerator") or ():
        old = entry or {}
        charts.append({new: old[k] for k, new in _HELM_ARGS_TO_CHART.items() if k in old})
    return tuple(charts)


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


def generator_options(raw: dict[str, Any] | None) -> GeneratorOptions | None:
    """Options decoded by ``decode_struct(..., "GeneratorOptions")`` as a dataclass."""
    if raw is None:
        return None
    return GeneratorOptions(
        labels=tuple((raw.get("labels") or {}).items()),
        annotations=tuple((raw.get("annotations") or {}).items()),
        disable_name_suffix_hash=bool(raw.get("disableNameSuffixHash")),
        immutable=bool(raw.get("immutable")),
    )


def generator_args(kind: str, raw: dict[str, Any] | None) -> GeneratorArgs:
    """A decoded ``ConfigMapArgs``/``SecretArgs`` mapping (or a null entry) as a dataclass."""
    raw = raw or {}
    envs = _strings(raw.get("envs"))
    if raw.get("env"):
        envs = (*envs, raw["env"])
    return GeneratorArgs(
        kind=kind,
        name=raw.get("name") or "",
        namespace=raw.get("namespace") or "",
        behavior=raw.get("behavior") or "",
        literals=_strings(raw.get("literals")),
        files=_strings(raw.get("files")),
        envs=envs,
        options=generator_options(raw.get("options")),
        type=raw.get("type") or "",
    )


def _strings(raw: list[str | None] | None) -> tuple[str, ...]:
    return tuple(s or "" for s in raw or ())  # Go decodes a null list item as ""


def _patch(raw: dict[str, Any]) -> Patch:
    target = raw.get("target")
    options = raw.get("options") or {}
    return Patch(
        path=raw.get("path") or "",
        patch=raw.get("patch") or "",
        target=None if target is None else selector(target),
        allow_name_change=bool(options.get("allowNameChange")),
        allow_kind_change=bool(options.get("allowKindChange")),
    )


def selector(raw: dict[str, Any] | None) -> Selector:
    """A ``Selector`` from its decoded mapping (``decode_struct(..., "Selector")``)."""
    raw = raw or {}
    return Selector(
        group=raw.get("group") or "",
        version=raw.get("version") or "",
        kind=raw.get("kind") or "",
        name=raw.get("name") or "",
        namespace=raw.get("namespace") or "",
        label_selector=raw.get("labelSelector") or "",
        annotation_selector=raw.get("annotationSelector") or "",
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


def _field_options(raw: dict[str, Any] | None) -> FieldOptions | None:
    if raw is None:
        return None
    return FieldOptions(
        delimiter=raw.get("delimiter") or "",
        index=raw.get("index") or 0,
        encoding=raw.get("encoding") or "",
        create=bool(raw.get("create")),
    )


def replacement(raw: dict[str, Any] | None) -> Replacement:
    """A replacement decoded by ``decode_struct(..., "Replacement")`` as a dataclass."""
    raw = raw or {}
    src = raw.get("source")
    source = None
    if src is not None:
        source = ReplacementSource(
            selector(src), src.get("fieldPath") or "", _field_options(src.get("options"))
        )
    targets = raw.get("targets")
    return Replacement(
        source,
        None
        if targets is None
        else tuple(
            ReplacementTarget(
                select=None if t is None or t.get("select") is None else selector(t["select"]),
                reject=tuple(selector(r) for r in (t or {}).get("reject") or ()),
                field_paths=tuple((t or {}).get("fieldPaths") or ()),
                options=_field_options((t or {}).get("options")),
            )
            for t in targets
        ),
    )


def replacement_entry(raw: dict[str, Any] | None) -> ReplacementEntry:
    raw = raw or {}
    path = raw.get("path") or ""
    inline = raw.get("source") is not None or bool(raw.get("targets"))
    if path and not inline:
        return ReplacementEntry(path=path)
    return ReplacementEntry(path=path, replacement=replacement(raw))


def var(raw: dict[str, Any]) -> Var:
    ref = raw.get("objref") or {}
    group, version = ref.get("group") or "", ref.get("version") or ""
    api_version = ref.get("apiVersion") or ""
    if api_version:
        group, _, version = api_version.rpartition("/")
    return Var(
        name=raw.get("name") or "",
        group=group,
        version=version,
        kind=ref.get("kind") or "",
        ref_name=ref.get("name") or "",
        namespace=ref.get("namespace") or "",
        field_path=(raw.get("fieldref") or {}).get("fieldPath") or "metadata.name",
    )
