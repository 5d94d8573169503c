"""load → transform → finish: one kustomization build, in kustomize's order.

``accumulate`` builds a kustomization directory completely: its resources (files,
and sub-kustomizations built recursively the same way), its field-spec
configurations, then its transformers in kustomize's fixed order (namespace before
images). ``run`` does that for the top-level directory and then the steps kustomize
runs once at the end: updating name references, dropping local-config resources,
rewriting each resource's metadata without build annotations, and sorting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kustomize_py.errors import KustomizationError, KustomizeError, TransformError
from kustomize_py.fieldspec import FieldSpecError, merge_specs, sort_specs
from kustomize_py.loader import Loader, Root, display, resources_from_text
from kustomize_py.model import DEPRECATED, FieldSpec, decode_struct, field_specs
from kustomize_py.resource import ResMap, Resource
from kustomize_py.sort import legacy_sorted
from kustomize_py.transformers import annotations as common_annotations
from kustomize_py.transformers import (
    images,
    labels,
    namereference,
    namespace,
    prefixsuffix,
    replicas,
)
from kustomize_py.yaml_load import load_kustomization_data

__all__ = ["run"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Accumulated:
    """A built kustomization: its resources and the field specs it passes upward.

    The field-spec tables merge as kustomize's TransformerConfig does: a build starts
    with empty tables, merges its sub-builds' tables, then its own (the defaults merged
    with its ``configurations:`` files); each merge keeps the tables sorted in
    kustomize's order, which decides which spec absorbs which.
    """

    resources: ResMap = field(default_factory=ResMap)
    image_specs: tuple[FieldSpec, ...] = sort_specs(images.DEFAULT_FIELD_SPECS)
    namespace_specs: tuple[FieldSpec, ...] = sort_specs(namespace.DEFAULT_FIELD_SPECS)
    references: tuple[namereference.Reference, ...] = namereference.DEFAULT_REFERENCES
    # The other field-spec tables of kustomize's TransformerConfig, by its field names.
    specs: dict[str, tuple[FieldSpec, ...]] = field(default_factory=lambda: dict(DEFAULT_SPECS))

    @classmethod
    def empty(cls) -> Accumulated:
        """No resources and empty field-spec tables (kustomize's empty accumulator)."""
        return cls(
            image_specs=(),
            namespace_specs=(),
            references=(),
            specs=dict.fromkeys(DEFAULT_SPECS, ()),
        )

    def merge_config(
        self,
        where: str,
        image_specs: tuple[FieldSpec, ...] = (),
        namespace_specs: tuple[FieldSpec, ...] = (),
        references: tuple[namereference.Reference, ...] = (),
        specs: dict[str, tuple[FieldSpec, ...]] | None = None,
    ) -> None:
        """Add field specs and name references (a sub-build's, or a configurations file's)."""
        # Most builds only ever carry the defaults: skip merging a table with itself.
        try:
            self.image_specs = _merged(self.image_specs, image_specs, _merge_table)
            self.namespace_specs = _merged(self.namespace_specs, namespace_specs, _merge_table)
            for name, table in (specs or {}).items():
                self.specs[name] = _merged(self.specs[name], table, _merge_table)
        except FieldSpecError as err:
            raise KustomizationError(str(err), where) from None
        self.references = _merged(self.references, references, _merge_references)

    def merge_from(self, where: str, other: Accumulated) -> None:
        """Merge every table of ``other`` into this one."""
        self.merge_config(
            where, other.image_specs, other.namespace_specs, other.references, other.specs
        )


T = TypeVar("T")

# Merges already done, by the identity of their operands (which the entry keeps alive):
# every layer of a build merges the same default tables, so most merges repeat.
_MERGES: dict[tuple[int, int], tuple[object, object, object]] = {}


def _merged(
    old: tuple[T, ...], new: tuple[T, ...], merge: Callable[..., tuple[T, ...]]
) -> tuple[T, ...]:
    """``merge(old, new)``, reusing an earlier result and returning an operand itself when
    the result equals it (so identical tables stay identical objects up the layers)."""
    if new is old or not new:
        return old
    key = (id(old), id(new))
    hit = _MERGES.get(key)
    if hit is not None and hit[0] is old and hit[1] is new:
        return hit[2]  # type: ignore[return-value]
    result = merge(old, new)
    result = old if result == old else new if result == new else result
    if len(_MERGES) > 4096:
        _MERGES.clear()
    _MERGES[key] = (old, new, result)
    return result


def _merge_table(old: tuple[FieldSpec, ...], new: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
    return sort_specs(merge_specs(old, new))


def _merge_references(
    old: tuple[namereference.Reference, ...], new: tuple[namereference.Reference, ...]
) -> tuple[namereference.Reference, ...]:
    return tuple(dict.fromkeys((*old, *new)))


# Field-spec tables by their name in a ``configurations:`` file, with kustomize's defaults.
DEFAULT_SPECS: dict[str, tuple[FieldSpec, ...]] = {
    name: sort_specs(table)
    for name, table in (
        ("namePrefix", prefixsuffix.DEFAULT_PREFIX_SPECS),
        ("nameSuffix", prefixsuffix.DEFAULT_SUFFIX_SPECS),
        ("commonLabels", labels.COMMON_LABEL_SPECS),
        ("labels", labels.LABEL_SPECS),
        ("templateLabels", labels.TEMPLATE_LABEL_SPECS),
        ("volumeClaimTemplateLabels", labels.VOLUME_CLAIM_TEMPLATE_LABEL_SPECS),
        ("commonAnnotations", common_annotations.DEFAULT_FIELD_SPECS),
        ("replicas", replicas.DEFAULT_FIELD_SPECS),
    )
}


def run(path: Path, loader: Loader, deprecations: list[str]) -> list[Resource]:
    """Build the kustomization at ``path``; return its final resources, sorted.

    kustomize's warning for each deprecated field met is appended to ``deprecations``
    as the build goes (the caller reports them, also when the build then fails).
    """
    root = loader.load_root(path)
    acc = accumulate(root, loader, (root.directory,), deprecations)
    namereference.transform(list(acc.resources), acc.references)
    resources = [r for r in acc.resources if not _is_local_config(r)]
    for res in resources:
        _finish_metadata(res)
    order = root.kustomization.sort_options
    if order is None or order.order == "legacy":
        resources = legacy_sorted(resources, order)
    return resources


def accumulate(
    root: Root, loader: Loader, stack: tuple[Path, ...], deprecations: list[str]
) -> Accumulated:
    kust = root.kustomization
    deprecations.extend(DEPRECATED[name] for name in kust.used_deprecated)
    log.debug("building %s", root.file)
    acc = Accumulated.empty()
    for entry in kust.resources:
        path = loader.resolve_file(root, entry)
        if path is not None:
            origin = display(path)
            text = loader.read_text(path)
            for res in resources_from_text(text, origin):
                _append(acc.resources, res, root, entry)
            continue
        sub_dir = loader.resolve_directory(root, entry, stack)
        sub = accumulate(loader.load_root(sub_dir), loader, (*stack, sub_dir), deprecations)
        for res in sub.resources:
            _append(acc.resources, res, root, entry)
        acc.merge_from(root.file, sub)

    own = Accumulated()  # kustomize's defaults, merged with the configurations files
    user = Accumulated.empty()
    for entry in kust.configurations:
        path, text = loader.read_file(root, entry, "configurations file")
        origin = display(path)
        config = decode_struct(
            load_kustomization_data(text, origin) or {}, "TransformerConfig", origin, text
        )
        user.merge_config(
            origin,
            field_specs(config.get("images")),
            field_specs(config.get("namespace")),
            namereference.references_from_config(config.get("nameReference")),
            {name: field_specs(config.get(name)) for name in DEFAULT_SPECS},
        )
    if kust.configurations:
        own.merge_from(root.file, user)
    acc.merge_from(root.file, own)
    for entry in kust.crds:
        path, text = loader.read_file(root, entry, "crds file")
        _check_openapi_definitions(load_kustomization_data(text, display(path)), display(path))

    namespace.transform(acc.resources, kust.namespace, acc.namespace_specs)
    specs = acc.specs
    prefixsuffix.transform(
        acc.resources,
        kust.name_prefix,
        kust.name_suffix,
        specs["namePrefix"],
        specs["nameSuffix"],
    )
    labels.transform(
        acc.resources,
        kust.labels,
        kust.common_labels,
        where=root.file,
        common=specs["commonLabels"],
        label_specs=specs["labels"],
        templates=specs["templateLabels"],
        volume_claim_templates=specs["volumeClaimTemplateLabels"],
    )
    common_annotations.transform(
        acc.resources, kust.common_annotations, specs["commonAnnotations"], where=root.file
    )
    replicas.transform(acc.resources, kust.replicas, specs["replicas"], where=root.file)
    images.transform(acc.resources, kust.images, acc.image_specs)
    acc.resources.reindex()
    log.debug(
        "built %s: %d resources, namespace %r, %d image entries over %d field specs",
        root.file,
        len(acc.resources),
        kust.namespace,
        len(kust.images),
        len(acc.image_specs),
    )
    return acc


def _check_openapi_definitions(data: Any, origin: str) -> None:
    """A ``crds:`` file is a map of OpenAPI definitions (name -> definition), not a CRD.

    kustomize reads it only for name-reference hints, which matter once name-changing
    transformers exist; here it is validated like kustomize validates it.
    """
    if data is None:
        return
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise KustomizationError(
            "not a map of OpenAPI definitions (definition name -> definition); the crds "
            "field takes OpenAPI definitions, not CustomResourceDefinition manifests",
            origin,
        )


def _append(resmap: ResMap, res: Resource, root: Root, entry: str) -> None:
    try:
        resmap.append(res)
    except KustomizeError as err:
        raise type(err)(
            f"{err.message} (from '{entry}', also defined in an earlier resource)",
            root.file,
            root.line_of(entry),
        ) from None


def _is_local_config(res: Resource) -> bool:
    meta = res.data.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(annotations, dict):
        return False
    value = annotations.get("config.kubernetes.io/local-config")
    return value is not None and value != "false"


# kustomize's build annotations and kyaml's bookkeeping annotations, removed from every
# resource at the end of a build (whether kustomize or the user put them there).
_BUILD_ANNOTATIONS = frozenset(
    (
        "config.kubernetes.io/index",
        "config.kubernetes.io/path",
        "config.k8s.io/id",
        "config.kubernetes.io/origin",
        "alpha.config.kubernetes.io/transformations",
        *(
            "internal.config.kubernetes.io/" + name
            for name in (
                "path",
                "index",
                "id",
                "seqindent",
                "annotations-migration-resource-id",
                "previousKinds",
                "previousNames",
                "prefixes",
                "suffixes",
                "previousNamespaces",
                "refBy",
                "generatorBehavior",
                "needsHashSuffix",
                "allowNameChange",
                "allowKindChange",
            )
        ),
    )
)


def _finish_metadata(res: Resource) -> None:
    """kustomize's last pass over every resource's metadata.

    It strips the build annotations; an annotations field left empty (or that was never
    a map: ``null``, ``[]``) disappears. A resource without metadata gets an empty
    ``metadata: {}``, one with ``metadata: null`` keeps it, and metadata that is not a
    map is an error, as in kustomize.
    """
    data = res.data
    if "metadata" not in data:
        data["metadata"] = {}
        return
    meta = data["metadata"]
    if meta is None:
        return
    if not isinstance(meta, dict):
        raise TransformError(f"metadata is not a mapping (in {res.id})", res.origin)
    if "annotations" not in meta:
        return
    annotations = meta["annotations"]
    if isinstance(annotations, dict):
        for key in [k for k in annotations if k in _BUILD_ANNOTATIONS]:
            del annotations[key]
    if not annotations or not isinstance(annotations, dict):
        del meta["annotations"]
