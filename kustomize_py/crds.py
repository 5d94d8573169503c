"""The ``crds:`` field: OpenAPI definitions read for transformer configuration.

Each file maps a definition name (``github.com/x/apis/v1.MyKind``) to an OpenAPI
definition. kustomize (``api/internal/accumulator/loadconfigfromcrds.go``) keeps the
definitions whose properties hold ``kind``, ``apiVersion`` and ``metadata``; for each,
keyed by the kind (the name's last dot-separated part, no group or version), it walks
the properties, following ``$ref`` to other definitions of the same file, and turns
these OpenAPI extensions into field specs:

* ``x-kubernetes-annotation`` -> commonAnnotations,
* ``x-kubernetes-label-selector`` -> commonLabels,
* ``x-kubernetes-identity`` -> namePrefix,
* ``x-kubernetes-object-ref-api-version`` + ``x-kubernetes-object-ref-kind`` -> a name
  reference to that version/kind at ``<path>/<x-kubernetes-object-ref-name-key or name>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.model import FieldSpec
from kustomize_py.transformers.namereference import Reference
from kustomize_py.yaml_load import load_kustomization_data

__all__ = ["CrdConfig", "check_definitions", "config_from_definitions", "load"]

_ANNOTATION = "x-kubernetes-annotation"
_LABEL_SELECTOR = "x-kubernetes-label-selector"
_IDENTITY = "x-kubernetes-identity"
_REF_VERSION = "x-kubernetes-object-ref-api-version"
_REF_KIND = "x-kubernetes-object-ref-kind"
_REF_NAME_KEY = "x-kubernetes-object-ref-name-key"


@dataclass
class CrdConfig:
    """Field specs and name references found in one ``crds:`` file."""

    annotations: list[FieldSpec] = field(default_factory=list)
    labels: list[FieldSpec] = field(default_factory=list)
    prefixes: list[FieldSpec] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)


def check_definitions(data: Any, origin: str) -> None:
    """A ``crds:`` file is a map of OpenAPI definitions (name -> definition), not a CRD."""
    if data is None:
        return
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise KustomizationError(
            "not a map of OpenAPI definitions (definition name -> definition); the crds "
            "field takes OpenAPI definitions, not CustomResourceDefinition manifests",
            origin,
        )
    for name, definition in data.items():
        _check_schema(_field(definition, "schema"), f"{name}.Schema", origin)


def _check_schema(schema: Any, where: str, origin: str) -> None:
    """A schema is an object (or null) whose ``properties`` map names to schemas."""
    if schema is None:
        return
    if not isinstance(schema, dict):
        raise KustomizationError(f"{where}: expected an OpenAPI schema object", origin)
    props = _field(schema, "properties")
    if props is None:
        return
    if not isinstance(props, dict):
        raise KustomizationError(
            f"{where}.properties: expected a map of property name -> schema", origin
        )
    for prop_name, prop in props.items():
        _check_schema(prop, f"{where}.properties.{prop_name}", origin)


def load(text: str, origin: str) -> CrdConfig:
    """The transformer configuration of the ``crds:`` file ``origin`` holding ``text``."""
    if not text:  # kustomize indexes the first byte and panics
        raise KustomizationError("a crds file must not be empty", origin)
    return config_from_definitions(load_kustomization_data(text, origin), origin)


def _field(obj: Any, name: str) -> Any:
    """``obj[name]`` matched as Go's encoding/json matches struct fields: case-insensitively,
    the last matching key winning."""
    found = None
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(key, str) and key.lower() == name:
                found = value
    return found


def _extension(prop: dict[Any, Any], name: str) -> str | None:
    """A string ``x-`` extension: go-openapi stores their keys lowercased, and reads a value
    with ``GetString`` (anything but a string counts as absent)."""
    found = None
    for key, value in prop.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str):
            found = value
    return found


def _properties(definition: Any) -> dict[str, Any]:
    props = _field(_field(definition, "schema"), "properties")
    return props if isinstance(props, dict) else {}


def config_from_definitions(data: Any, origin: str) -> CrdConfig:
    """The transformer configuration the definitions in ``data`` imply."""
    check_definitions(data, origin)
    config = CrdConfig()
    if not data:
        return config
    for name, definition in data.items():
        props = _properties(definition)
        if not all(key in props for key in ("kind", "apiVersion", "metadata")):
            continue
        kind = str(name).split(".")[-1]
        _walk(config, kind, data, str(name), ())
    return config


def _walk(
    config: CrdConfig,
    kind: str,
    definitions: dict[str, Any],
    type_name: str,
    path: tuple[str, ...],
    *,
    seen: frozenset[str] = frozenset(),
) -> None:
    if type_name not in definitions or type_name in seen:
        return
    seen = seen | {type_name}
    for prop_name, prop in _properties(definitions[type_name]).items():
        if not isinstance(prop, dict):
            continue
        here = (*path, str(prop_name))
        spec = FieldSpec(path="/".join(here), kind=kind)
        if _extension(prop, _ANNOTATION) is not None:
            config.annotations.append(spec)
        if _extension(prop, _LABEL_SELECTOR) is not None:
            config.labels.append(spec)
        if _extension(prop, _IDENTITY) is not None:
            config.prefixes.append(spec)
        version, ref_kind = _extension(prop, _REF_VERSION), _extension(prop, _REF_KIND)
        if version is not None and ref_kind is not None:
            key = _extension(prop, _REF_NAME_KEY) or "name"
            config.references.append(
                Reference(
                    kind=ref_kind,
                    version=version,
                    referrers=(FieldSpec(path="/".join((*here, key)), kind=kind),),
                )
            )
        ref = prop.get("$ref")
        if isinstance(ref, str) and ref:
            _walk(config, kind, definitions, ref, here, seen=seen)
