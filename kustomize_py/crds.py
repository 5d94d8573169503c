"""The ``crds:`` field: OpenAPI definitions whose ``x-kubernetes-*`` extensions add field specs.

kustomize (``LoadConfigFromCRDs``) walks every definition that looks like a Kubernetes
type (it has ``kind``, ``apiVersion`` and ``metadata`` properties), following ``$ref``s,
and turns marked properties into transformer config for that kind (the kind is the
definition name after its last dot; group and version stay empty):

* ``x-kubernetes-annotation`` -> a commonAnnotations field spec,
* ``x-kubernetes-label-selector`` -> a commonLabels field spec,
* ``x-kubernetes-identity`` -> a namePrefix field spec,
* ``x-kubernetes-object-ref-api-version`` + ``x-kubernetes-object-ref-kind`` -> a name
  reference to that kind at ``<property>/<x-kubernetes-object-ref-name-key or name>``.

An extension counts only when its value is a string, as with go-openapi's ``GetString``.
"""

from __future__ import annotations

from typing import Any

from kustomize_py.model import FieldSpec
from kustomize_py.transformers.namereference import Reference

__all__ = ["config_from_definitions"]

_ANNOTATION = "x-kubernetes-annotation"
_LABEL_SELECTOR = "x-kubernetes-label-selector"
_IDENTITY = "x-kubernetes-identity"
_REF_VERSION = "x-kubernetes-object-ref-api-version"
_REF_KIND = "x-kubernetes-object-ref-kind"
_REF_NAME_KEY = "x-kubernetes-object-ref-name-key"


def _get(mapping: dict[str, Any], key: str) -> Any:
    """A field of a Go struct decoded by encoding/json: names match case-insensitively."""
    if key in mapping:
        return mapping[key]
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == key.lower():
            return v
    return None


def _string_ext(prop: dict[str, Any], key: str) -> str | None:
    for k, v in prop.items():
        if isinstance(k, str) and k.lower() == key and isinstance(v, str):
            return v
    return None


def _properties(definition: Any) -> dict[str, Any]:
    if not isinstance(definition, dict):
        return {}
    schema = _get(definition, "Schema")
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def config_from_definitions(
    definitions: dict[str, Any],
) -> tuple[dict[str, tuple[FieldSpec, ...]], tuple[Reference, ...]]:
    """Field specs by config table name, and name references, from one ``crds:`` file."""
    specs: dict[str, list[FieldSpec]] = {
        "commonAnnotations": [],
        "commonLabels": [],
        "namePrefix": [],
    }
    refs: list[Reference] = []

    def walk(kind: str, type_name: str, path: tuple[str, ...]) -> None:
        if type_name not in definitions:
            return
        for name, prop in _properties(definitions[type_name]).items():
            if not isinstance(prop, dict):
                continue
            here = (*path, str(name))
            for ext, table in (
                (_ANNOTATION, "commonAnnotations"),
                (_LABEL_SELECTOR, "commonLabels"),
                (_IDENTITY, "namePrefix"),
            ):
                if _string_ext(prop, ext) is not None:
                    specs[table].append(FieldSpec(path="/".join(here), kind=kind))
            version = _string_ext(prop, _REF_VERSION)
            ref_kind = _string_ext(prop, _REF_KIND)
            if version is not None and ref_kind is not None:
                key = _string_ext(prop, _REF_NAME_KEY) or "name"
                refs.append(
                    Reference(
                        kind=ref_kind,
                        group="",
                        version=version,
                        referrers=(FieldSpec(path="/".join((*here, key)), kind=kind),),
                    )
                )
            ref = prop.get("$ref")
            if isinstance(ref, str) and ref:
                walk(kind, ref, here)

    for type_name, definition in definitions.items():
        props = _properties(definition)
        if all(k in props for k in ("kind", "apiVersion", "metadata")):
            walk(str(type_name).split(".")[-1], type_name, ())
    return {name: tuple(table) for name, table in specs.items() if table}, tuple(refs)
