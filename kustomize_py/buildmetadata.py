"""``buildMetadata``: where each resource came from and what transformed it.

kustomize tracks provenance only when the top-level kustomization sets
``buildMetadata`` (any value; sub-kustomizations and components inherit the top's
list and their own is ignored). It then keeps, as annotations on each resource:

* ``config.kubernetes.io/origin``: ``path:`` of the file the resource was read from,
  relative to the top-level directory (``../base/cm.yaml`` is cleaned like Go's
  ``path.Join``); for a generated resource, ``configuredIn:`` (the kustomization or
  plugin-config file) and ``configuredBy:`` (the generator's apiVersion/kind/name);
* ``alpha.config.kubernetes.io/transformations``: every transformer that ran over the
  resource after it was accumulated, in order, as ``configuredIn``/``configuredBy``
  records (builtin transformers: ``apiVersion: builtin`` and the kind, no name).

At the end of the build each annotation is kept only if its option is listed
(``originAnnotations``, ``transformerAnnotations``), and ``managedByLabel`` sets the
label ``app.kubernetes.io/managed-by`` on every resource.

The annotation values are rendered exactly as kustomize's kyaml marshals an
``Origin`` (struct field order, block style), and kept in the resource's data like
kustomize keeps them, so patches and transformers see what they see in kustomize.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kustomize_py.emit import dump_document
from kustomize_py.resource import Resource

__all__ = [
    "MANAGED_BY_LABEL",
    "MANAGED_BY_VALUE",
    "OPTIONS",
    "ORIGIN_ANNOTATION",
    "TRANSFORMATIONS_ANNOTATION",
    "Origin",
    "add_managed_by_label",
    "go_path_join",
    "record_transformation",
    "set_origin",
]

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
# kustomize writes "kustomize-" + its build's semver; the reference (the kustomize Go
# library built without version stamping, as kubectl embeds it) prints "(devel)".
MANAGED_BY_VALUE = "kustomize-(devel)"
ORIGIN_ANNOTATIONS = "originAnnotations"
TRANSFORMER_ANNOTATIONS = "transformerAnnotations"
MANAGED_BY_OPTION = "managedByLabel"
OPTIONS = (ORIGIN_ANNOTATIONS, TRANSFORMER_ANNOTATIONS, MANAGED_BY_OPTION)


def go_path_join(*parts: str) -> str:
    """Go's ``path.Join``: join the non-empty parts and clean; "" when all are empty."""
    kept = [p for p in parts if p]
    if not kept:
        return ""
    return posixpath.normpath("/".join(kept)).replace("//", "/")


@dataclass(frozen=True, slots=True)
class Origin:
    """kustomize's ``resource.Origin``: a file (``path``) or a configuring plugin."""

    path: str = ""
    repo: str = ""
    ref: str = ""
    configured_in: str = ""
    # apiVersion, kind, name, namespace of the generator or transformer config
    configured_by: tuple[str, str, str, str] | None = None

    @classmethod
    def builtin(cls, kustomization_file: str, kind: str) -> Origin:
        """A builtin generator/transformer configured by a kustomization file's fields."""
        return cls(configured_in=kustomization_file, configured_by=("builtin", kind, "", ""))

    def render(self, indent: str = "") -> str:
        """The YAML kustomize writes for this origin (kyaml.Marshal, field order)."""
        lines: list[str] = []
        for key, value in (("path", self.path), ("repo", self.repo), ("ref", self.ref)):
            if value:
                lines.append(_field(key, value))
        if self.configured_in:
            lines.append(_field("configuredIn", self.configured_in))
        if self.configured_by is not None and any(self.configured_by):
            lines.append("configuredBy:\n")
            for key, value in zip(
                ("apiVersion", "kind", "name", "namespace"), self.configured_by, strict=True
            ):
                if value:
                    lines.append("  " + _field(key, value))
        text = "".join(lines) or "{}\n"
        return text if not indent else "".join(indent + ln for ln in text.splitlines(True))


def _field(key: str, value: str) -> str:
    """``key: value`` with the value quoted as the YAML emitter quotes it."""
    return dump_document({key: value})


def _annotations(res: Resource) -> dict[str, Any]:
    meta = res.metadata
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict):
        annotations = meta["annotations"] = {}
    return annotations


def set_origin(resources: Iterable[Resource], origin: Origin) -> None:
    """Annotate ``resources`` with where they came from (replacing any origin)."""
    value = origin.render()
    for res in resources:
        _annotations(res)[ORIGIN_ANNOTATION] = value


def record_transformation(resources: Iterable[Resource], origin: Origin) -> None:
    """kustomize's AddTransformerAnnotation: the transformer configured at ``origin``
    ran over every resource; one without an origin takes it as its origin instead."""
    item = "- " + origin.render(indent="  ")[2:]
    for res in resources:
        annotations = _annotations(res)
        if ORIGIN_ANNOTATION not in annotations:
            annotations[ORIGIN_ANNOTATION] = origin.render()
            continue
        previous = annotations.get(TRANSFORMATIONS_ANNOTATION)
        annotations[TRANSFORMATIONS_ANNOTATION] = (
            previous if isinstance(previous, str) else ""
        ) + item


def add_managed_by_label(resources: Iterable[Resource]) -> None:
    """``buildMetadata: [managedByLabel]``: label every resource as built by kustomize."""
    for res in resources:
        meta = res.metadata
        labels = meta.get("labels")
        if not isinstance(labels, dict):
            labels = meta["labels"] = {}
        labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE
