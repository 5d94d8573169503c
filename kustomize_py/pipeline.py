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
from typing import TypeVar

from kustomize_py import buildmetadata, crds, generators, plugins
from kustomize_py.buildmetadata import Origin, go_path_join
from kustomize_py.errors import KustomizationError, KustomizeError, LoadError, TransformError
from kustomize_py.fieldpath import go_text
from kustomize_py.fieldspec import FieldSpecError, merge_specs, sort_specs
from kustomize_py.loader import Loader, Root, display
from kustomize_py.model import COMPONENT, DEPRECATED, FieldSpec, decode_struct, field_specs
from kustomize_py.resource import ResMap, Resource
from kustomize_py.sort import legacy_sorted
from kustomize_py.transformers import annotations as common_annotations
from kustomize_py.transformers import (
    images,
    labels,
    namereference,
    namespace,
    patches,
    prefixsuffix,
    replacements,
    replicas,
    vars,
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
    var_bindings: dict[str, vars.Bound] = field(default_factory=dict)
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
        ("varReference", vars.DEFAULT_FIELD_SPECS),
    )
}


def run(path: Path, loader: Loader, deprecations: list[str]) -> list[Resource]:
    """Build the kustomization at ``path``; return its final resources, sorted.

    kustomize's warning for each deprecated field met is appended to ``deprecations``
    as the build goes (the caller reports them, also when the build then fails).
    """
    root = loader.load_root(path)
    # buildMetadata: the top-level list applies to the whole build; any value turns on
    # provenance tracking (origin "" = paths relative to the top directory).
    build_metadata = root.kustomization.build_metadata
    schema = patches.OpenAPISchema()
    schema.configure(root.kustomization.openapi, _patch_reader(loader, root), root.file, top=True)
    acc = accumulate(
        root,
        loader,
        (root.directory,),
        deprecations,
        origin="" if build_metadata else None,
        schema=schema,
    )
    generators.add_hash_suffixes(acc.resources)
    acc.resources.reindex()
    namereference.transform(list(acc.resources), acc.references)
    vars.resolve(list(acc.resources), acc.var_bindings, acc.specs["varReference"], root.file)
    resources = [r for r in acc.resources if not _is_local_config(r)]
    # kustomize rebuilds a resource map from what is left (IgnoreLocal): transformers
    # that gave two resources one id (a patch renaming both) fail the build there.
    ResMap().extend(resources)
    order = root.kustomization.sort_options
    if order is None or order.order == "legacy":
        resources = legacy_sorted(resources, order)
    if buildmetadata.MANAGED_BY_OPTION in build_metadata:
        buildmetadata.add_managed_by_label(resources)
    keep = frozenset(
        annotation
        for option, annotation in (
            (buildmetadata.ORIGIN_ANNOTATIONS, buildmetadata.ORIGIN_ANNOTATION),
            (buildmetadata.TRANSFORMER_ANNOTATIONS, buildmetadata.TRANSFORMATIONS_ANNOTATION),
        )
        if option in build_metadata
    )
    for res in resources:
        _finish_metadata(res, keep)
    return resources


def accumulate(
    root: Root,
    loader: Loader,
    stack: tuple[Path, ...],
    deprecations: list[str],
    *,
    into: Accumulated | None = None,
    origin: str | None = None,
    schema: patches.OpenAPISchema | None = None,
) -> Accumulated:
    """Apply one kustomization (or component) directory: kustomize's accumulateTarget.

    A kustomization starts from an empty accumulator; a component (``into``) works on
    its parent's, so its resources join the parent's and its generators and
    transformers act on everything the parent accumulated so far. ``origin`` is the
    directory's path relative to the top-level one when buildMetadata tracks
    provenance, else None.
    """
    kust = root.kustomization
    schema = schema or patches.OpenAPISchema()
    read_patch = _patch_reader(loader, root)
    schema.configure(kust.openapi, read_patch, root.file, top=False)
    deprecations.extend(DEPRECATED[name] for name in kust.used_deprecated)
    log.debug("building %s", root.file)
    acc = Accumulated.empty() if into is None else into
    kust_origin = None if origin is None else go_path_join(origin, root.name)
    for entry in kust.resources:
        path = loader.resolve_file(root, entry)
        if path is not None:
            added = loader.load_resources(path)
            if origin is not None:
                file_origin = go_path_join(origin, entry)
                buildmetadata.set_origin(added, Origin(path=file_origin))
            for res in added:
                _append(acc.resources, res, root, entry)
            continue
        sub_root = _load_sub_root(root, loader, entry, stack, "resource")
        sub = accumulate(
            sub_root,
            loader,
            (*stack, sub_root.directory),
            deprecations,
            schema=schema,
            origin=None if origin is None else go_path_join(origin, entry),
        )
        for res in sub.resources:
            _append(acc.resources, res, root, entry)
        acc.merge_from(root.file, sub)
        vars.merge(acc.var_bindings, sub.var_bindings, root.file)

    own = Accumulated()  # kustomize's defaults, merged with the configurations files
    user = Accumulated.empty()
    for entry in kust.configurations:
        path, text = loader.read_file(root, entry, "configurations file")
        config_file = display(path)
        config = decode_struct(
            load_kustomization_data(text, config_file) or {}, "TransformerConfig", config_file, text
        )
        user.merge_config(
            config_file,
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
        crd = crds.load(text, display(path))
        acc.merge_config(
            display(path),
            references=tuple(crd.references),
            specs={
                "commonAnnotations": tuple(crd.annotations),
                "commonLabels": tuple(crd.labels),
                "namePrefix": tuple(crd.prefixes),
            },
        )
    plugins.refuse_unsupported(root)

    generators.run(
        acc.resources,
        kust,
        lambda entry, what: loader.read_bytes(root, entry, what),
        root.file,
        root.line_of,
        on_generated=None if kust_origin is None else _origin_marker(kust_origin),
    )

    # Generators: configMapGenerator, secretGenerator, then the `generators:` plugins.
    ctx = plugins.PluginContext(root, loader, schema.table)
    here = _Here(root, loader, stack, deprecations, origin, schema)
    index = None
    for plugin in _plugin_configs(here, kust.generators):
        generated = plugins.run_generator(plugin, ctx)
        if plugin.provenance is not None:
            buildmetadata.set_origin([res for res, _ in generated], plugin.provenance)
        index = index or generators.AnyIdIndex(acc.resources)
        for res, behavior in generated:
            try:
                generators.absorb(acc.resources, res, behavior, index)
            except KustomizeError as err:
                raise type(err)(err.message, plugin.file) from None

    for entry in kust.components:
        comp_root = _load_sub_root(root, loader, entry, stack, "component")
        accumulate(
            comp_root,
            loader,
            (*stack, comp_root.directory),
            deprecations,
            into=acc,
            schema=schema,
            origin=None if origin is None else go_path_join(origin, entry),
        )

    # Builtin transformers in kustomize's fixed order; each one that is configured is
    # recorded (buildMetadata transformerAnnotations) once per instance, as kustomize
    # counts them (verified on the reference): PatchStrategicMergeTransformer 1 if any,
    # PatchTransformer 1 per patch, Namespace 1 if set, Prefix / Suffix 1 each if set,
    # LabelTransformer 1 per labels entry + 1 for commonLabels (even empty) when either
    # is set, Annotations 1 if set, PatchJson6902 / ReplicaCount / ImageTag 1 per entry,
    # ReplacementTransformer 1 if any.
    patches.apply_patches_strategic_merge(
        acc.resources, kust.patches_strategic_merge, read_patch, root.file, schema.table
    )
    _ran(
        acc,
        kust_origin,
        "PatchStrategicMergeTransformer",
        min(1, len(kust.patches_strategic_merge)),
    )
    patches.apply_patches(acc.resources, kust.patches, read_patch, root.file, schema.table)
    _ran(acc, kust_origin, "PatchTransformer", len(kust.patches))
    namespace.transform(acc.resources, kust.namespace, acc.namespace_specs)
    _ran(acc, kust_origin, "NamespaceTransformer", 1 if kust.namespace else 0)
    specs = acc.specs
    prefixsuffix.transform(
        acc.resources,
        kust.name_prefix,
        kust.name_suffix,
        specs["namePrefix"],
        specs["nameSuffix"],
    )
    _ran(acc, kust_origin, "PrefixTransformer", 1 if kust.name_prefix else 0)
    _ran(acc, kust_origin, "SuffixTransformer", 1 if kust.name_suffix else 0)
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
    has_labels = bool(kust.labels or kust.common_labels)
    _ran(acc, kust_origin, "LabelTransformer", len(kust.labels) + 1 if has_labels else 0)
    common_annotations.transform(
        acc.resources, kust.common_annotations, specs["commonAnnotations"], where=root.file
    )
    _ran(acc, kust_origin, "AnnotationsTransformer", 1 if kust.common_annotations else 0)
    patches.apply_patches_json6902(acc.resources, kust.patches_json6902, read_patch, root.file)
    _ran(acc, kust_origin, "PatchJson6902Transformer", len(kust.patches_json6902))
    replicas.transform(acc.resources, kust.replicas, specs["replicas"], where=root.file)
    _ran(acc, kust_origin, "ReplicaCountTransformer", len(kust.replicas))
    images.transform(acc.resources, kust.images, acc.image_specs)
    _ran(acc, kust_origin, "ImageTagTransformer", len(kust.images))
    if kust.replacements:
        entries = replacements.load(kust.replacements, root, loader)
        replacements.transform(acc.resources, entries, root.file)
    _ran(acc, kust_origin, "ReplacementTransformer", min(1, len(kust.replacements)))
    acc.resources.reindex()

    # `transformers:` plugins, then `validators:` (which must change nothing).
    for plugin in _plugin_configs(here, kust.transformers):
        plugins.run_transformer(plugin, acc.resources, ctx)
        if plugin.provenance is not None:
            buildmetadata.record_transformation(acc.resources, plugin.provenance)
    for plugin in _plugin_configs(here, kust.validators):
        plugins.run_validator(plugin, acc.resources, ctx)
    vars.bind(acc.var_bindings, acc.resources, kust.vars, root.file)
    log.debug(
        "built %s: %d resources, namespace %r, %d image entries over %d field specs",
        root.file,
        len(acc.resources),
        kust.namespace,
        len(kust.images),
        len(acc.image_specs),
    )
    return acc


def _origin_marker(kust_origin: str) -> Callable[[Resource, str], None]:
    """Annotates a resource a ConfigMap/Secret generator field made with its origin."""

    def mark(res: Resource, kind: str) -> None:
        buildmetadata.set_origin([res], Origin.builtin(kust_origin, f"{kind}Generator"))

    return mark


def _ran(acc: Accumulated, kust_origin: str | None, kind: str, instances: int) -> None:
    """Record that ``instances`` builtin ``kind`` transformers of this kustomization ran."""
    if kust_origin is None:
        return
    origin = buildmetadata.Origin.builtin(kust_origin, kind)
    for _ in range(instances):
        buildmetadata.record_transformation(acc.resources, origin)


def _load_sub_root(
    root: Root, loader: Loader, entry: str, stack: tuple[Path, ...], what: str
) -> Root:
    """The kustomization directory a resources/components entry names, of the right kind:
    a component (``kind: Component``) only under components, never under resources."""
    if what == "component" and (root.directory / entry).is_file():
        raise LoadError(
            f"component '{entry}' is a file; a component must be a directory holding a "
            "kustomization file of kind Component",
            root.file,
            root.line_of(entry),
        )
    sub_root = loader.load_root(loader.resolve_directory(root, entry, stack, what))
    is_component = sub_root.kustomization.kind == COMPONENT
    if what == "component" and not is_component:
        raise KustomizationError(
            f"component '{entry}' is a {sub_root.kustomization.kind}, expected kind "
            f"'{COMPONENT}' ({sub_root.file}); list kustomizations under resources",
            root.file,
            root.line_of(entry),
        )
    if what != "component" and is_component:
        raise KustomizationError(
            f"{what} '{entry}' is a {COMPONENT} ({sub_root.file}); list components under "
            "components, not resources",
            root.file,
            root.line_of(entry),
        )
    return sub_root


@dataclass(frozen=True, slots=True)
class _Here:
    """The kustomization being accumulated, with what reading more files from it needs."""

    root: Root
    loader: Loader
    stack: tuple[Path, ...]
    deprecations: list[str]
    origin: str | None
    schema: patches.OpenAPISchema


def _plugin_configs(here: _Here, entries: tuple[str, ...]) -> list[plugins.PluginConfig]:
    """The plugin configs a transformers/generators/validators list names."""

    def build_directory(entry: str, origin: str | None) -> list[Resource]:
        """A kustomization directory whose output are plugin configs, built fully."""
        sub_root = _load_sub_root(here.root, here.loader, entry, here.stack, "plugin config")
        stack = (*here.stack, sub_root.directory)
        return list(
            accumulate(
                sub_root, here.loader, stack, here.deprecations, origin=origin, schema=here.schema
            ).resources
        )

    return plugins.load_configs(entries, here.root, here.loader, here.origin, build_directory)


def _patch_reader(loader: Loader, root: Root) -> patches.Reader:
    def read(entry: str) -> tuple[str, str]:
        path, text = loader.read_file(root, entry, "patch file")
        return text, display(path)

    return read


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


def _finish_metadata(res: Resource, keep: frozenset[str] = frozenset()) -> None:
    """kustomize's last pass over every resource's metadata.

    It strips the build annotations (but those in ``keep``: the origin and
    transformations annotations buildMetadata asks for); an annotations field left
    empty (or that was never a map: ``null``, ``[]``) disappears. A resource without
    metadata gets an empty ``metadata: {}``, one with ``metadata: null`` keeps it, and
    metadata that is not a map is an error, as in kustomize.
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
        for key in [k for k in annotations if k in _BUILD_ANNOTATIONS and k not in keep]:
            del annotations[key]
        for key, value in annotations.items():  # kustomize rewrites them as strings
            if not isinstance(value, str):
                annotations[key] = go_text(value)
    if not annotations or not isinstance(annotations, dict):
        del meta["annotations"]
