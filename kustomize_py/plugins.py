"""``transformers:``, ``generators:`` and ``validators:``: plugin configs and their runners.

An entry is an inline YAML string holding one or more configs, a file of configs, or
a kustomization directory whose output is the configs. kustomize takes every inline
entry first, in order, then the files and directories in order; two configs with the
same id are an error.

A config with ``apiVersion: builtin`` runs one of kustomize's builtin plugins, chosen
by ``kind``. Its fields are decoded like kustomize decodes them (Go's non-strict
``yaml.Unmarshal``: unknown fields are ignored, a wrong type is an error) into the
schema of that plugin (``CONFIG_STRUCTS``), and the runner registered for the kind
(``TRANSFORMERS`` / ``GENERATORS``) applies it. Adding a builtin is one schema entry
and one registry line. Everything else (plugins of another apiVersion, exec and
container KRM functions, Helm) runs programs kustomize-py does not run: an error
naming the file.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kustomize_py.buildmetadata import ORIGIN_ANNOTATION, Origin, go_path_join
from kustomize_py.errors import KustomizationError, KustomizeError, ParseError, TransformError
from kustomize_py.loader import Loader, Root, display, resources_from_text
from kustomize_py.model import (
    FieldSpec,
    Image,
    Patch,
    Replica,
    Type,
    decode_struct,
    field_specs,
    replacement_entry,
    selector,
)
from kustomize_py.resource import ResId, ResMap, Resource
from kustomize_py.strategicmerge import BUILTIN, SchemaTable
from kustomize_py.transformers import (
    images,
    labels,
    namespace,
    patches,
    prefixsuffix,
    replacements,
    replicas,
)
from kustomize_py.yaml_load import load_kustomization_data

__all__ = [
    "BUILTIN_API_VERSION",
    "CONFIG_STRUCTS",
    "GENERATORS",
    "TRANSFORMERS",
    "PluginConfig",
    "PluginContext",
    "inline_configs",
    "load_configs",
    "refuse_unsupported",
]

BUILTIN_API_VERSION = "builtin"
FUNCTION_ANNOTATION = "config.kubernetes.io/function"

# kustomize's builtin plugin kinds (api/internal/plugins/builtinhelpers) that an
# ``apiVersion: builtin`` config can name; any other kind is "unable to load builtin".
BUILTIN_TRANSFORMER_KINDS = frozenset(
    (
        "AnnotationsTransformer",
        "HashTransformer",
        "ImageTagTransformer",
        "LabelTransformer",
        "NamespaceTransformer",
        "PatchJson6902Transformer",
        "PatchStrategicMergeTransformer",
        "PatchTransformer",
        "PrefixSuffixTransformer",
        "PrefixTransformer",
        "SuffixTransformer",
        "ReplicaCountTransformer",
        "ReplacementTransformer",
        "ValueAddTransformer",
    )
)
BUILTIN_GENERATOR_KINDS = frozenset(
    ("ConfigMapGenerator", "SecretGenerator", "IAMPolicyGenerator", "HelmChartInflationGenerator")
)
# Builtins that run programs or reach the network: refused whatever their config.
_UNSUPPORTED_BUILTINS = {
    "HelmChartInflationGenerator": "it runs helm",
    "IAMPolicyGenerator": "it needs cloud provider access",
}


@dataclass(frozen=True, slots=True)
class PluginConfig:
    """One plugin config: its data, the file it came from, and its origin."""

    data: dict[str, Any]
    file: str  # display path of the file that holds it (the kustomization, if inline)
    origin: Origin | None = None  # where the config was written (buildMetadata only)

    @property
    def id(self) -> ResId:
        return ResId.of(self.data)

    @property
    def kind(self) -> str:
        return self.id.kind

    @property
    def is_builtin(self) -> bool:
        rid = self.id
        return not rid.group and rid.version == BUILTIN_API_VERSION

    @property
    def provenance(self) -> Origin | None:
        """kustomize's OriginFromCustomPlugin: the origin a plugin's work is recorded with."""
        if self.origin is None:
            return None
        rid = self.id
        return Origin(
            repo=self.origin.repo,
            ref=self.origin.ref,
            configured_in=self.origin.path,
            configured_by=(rid.api_version, rid.kind, rid.name, rid.namespace),
        )

    def decode(self) -> dict[str, Any]:
        """The config decoded into its plugin's schema (``CONFIG_STRUCTS[kind]``)."""
        try:
            return decode_struct(
                self.data, self.kind, self.file, structs=CONFIG_STRUCTS, lenient=True
            )
        except KustomizeError as err:
            raise KustomizationError(
                f"plugin {self.id} fails configuration: {err.message}", self.file
            ) from None

    def fail(self, message: str) -> KustomizationError:
        return KustomizationError(f"plugin {self.id}: {message}", self.file)


@dataclass(frozen=True, slots=True)
class PluginContext:
    """What a plugin may use besides its config: the kustomization that lists it (files
    named in a config are relative to that directory) and the loader."""

    root: Root
    loader: Loader
    # The build's OpenAPI schema (merge keys for strategic-merge patches); None: built in.
    schema: SchemaTable | None = None

    def read_patch(self, entry: str) -> tuple[str, str]:
        """A patch file a config names, relative to the kustomization listing the config."""
        path, text = self.loader.read_file(self.root, entry, "patch file")
        return text, display(path)


TransformerRunner = Callable[[PluginConfig, ResMap, PluginContext], None]
# A generator returns its resources, each with its behavior (create, merge, replace).
GeneratorRunner = Callable[[PluginConfig, PluginContext], list[tuple[Resource, str]]]

# -- the builtin plugins: schema + runner per kind ----------------------------------
# Schemas use model.py's type notation; nested struct names (ObjectMeta, Image,
# FieldSpec, ...) are model.py's. To wire a builtin once its transformer exists: give
# its schema here (kustomize's plugin struct, plugin/builtin/<kind>/*.go), write a
# runner that decodes the config (``config.decode()``) and calls the transformer with
# the config's field specs only (plugin configs get no default field specs), and add
# one line to TRANSFORMERS or GENERATORS. Schemas below without a runner are ready for
# the transformers still to come; a config of such a kind fails with "not supported
# yet" before it is decoded.
CONFIG_STRUCTS: dict[str, dict[str, Type]] = {
    "NamespaceTransformer": {
        "metadata": "ObjectMeta",
        "fieldSpecs": ("list", "FieldSpec"),
        "unsetOnly": "bool",
        "setRoleBindingSubjects": "str",
    },
    "ImageTagTransformer": {"imageTag": "Image", "fieldSpecs": ("list", "FieldSpec")},
    # kustomize fails "fieldSpecs is not expected to be nil" for these three when
    # fieldSpecs is absent (verified on the reference).
    "PrefixSuffixTransformer": {
        "prefix": "str",
        "suffix": "str",
        "fieldSpecs": ("list", "FieldSpec"),
    },
    "PrefixTransformer": {"prefix": "str", "fieldSpecs": ("list", "FieldSpec")},
    "SuffixTransformer": {"suffix": "str", "fieldSpecs": ("list", "FieldSpec")},
    "LabelTransformer": {"labels": ("map", "str"), "fieldSpecs": ("list", "FieldSpec")},
    "AnnotationsTransformer": {
        "annotations": ("map", "str"),
        "fieldSpecs": ("list", "FieldSpec"),
    },
    "HashTransformer": {},
    "ReplicaCountTransformer": {
        "metadata": "ObjectMeta",
        "replica": "Replica",
        "fieldSpecs": ("list", "FieldSpec"),
    },
    "PatchTransformer": {
        "metadata": "ObjectMeta",
        "path": "str",
        "patch": "str",
        "target": "Selector",
        "options": ("map", "bool"),
    },
    "PatchStrategicMergeTransformer": {
        "metadata": "ObjectMeta",
        "paths": ("list", "str"),
        "patches": "str",
    },
    "ReplacementTransformer": {
        "metadata": "ObjectMeta",
        "replacements": ("list", "ReplacementField"),
    },
    "PatchJson6902Transformer": {
        "metadata": "ObjectMeta",
        "target": "Selector",
        "path": "str",
        "jsonOp": "str",
    },
    # Still to add with their transformers (their nested structs come with them in
    # model.py): ReplicaCountTransformer, PatchTransformer, PatchStrategicMergeTransformer,
    # PatchJson6902Transformer, ReplacementTransformer, ValueAddTransformer, and the
    # generators ConfigMapGenerator / SecretGenerator.
}

_SUBJECT_MODES = ("defaultOnly", "none", "allServiceAccounts")


def _namespace(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    raw = config.decode()
    mode = raw.get("setRoleBindingSubjects") or "defaultOnly"
    if mode not in _SUBJECT_MODES:
        raise KustomizationError(
            f'plugin {config.id} fails configuration: invalid value "{mode}" for '
            'setRoleBindingSubjects: must be one of "defaultOnly", "none" or '
            '"allServiceAccounts"',
            config.file,
        )
    namespace.transform(
        resources,
        (raw.get("metadata") or {}).get("namespace") or "",
        field_specs(raw.get("fieldSpecs")),
        unset_only=bool(raw.get("unsetOnly")),
        subjects=mode,
    )


def _image_tag(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    raw = config.decode()
    tag = raw.get("imageTag") or {}
    image = Image(
        name=tag.get("name") or "",
        new_name=tag.get("newName") or "",
        new_tag=tag.get("newTag") or "",
        digest=tag.get("digest") or "",
        tag_suffix=tag.get("tagSuffix") or "",
    )
    # No default field specs here: only the config's (the legacy containers pass runs).
    images.transform(resources, (image,), field_specs(raw.get("fieldSpecs")))


def _patch_entry(raw: dict[str, Any], text_field: str) -> Patch:
    target = raw.get("target")
    options = raw.get("options") or {}
    return Patch(
        path=raw.get("path") or "",
        patch=raw.get(text_field) or "",
        target=None if target is None else selector(target),
        allow_name_change=bool(options.get("allowNameChange")),
        allow_kind_change=bool(options.get("allowKindChange")),
    )


def _patch(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    entry = _patch_entry(config.decode(), "patch")
    table = ctx.schema or BUILTIN
    patches.apply_patches(resources, (entry,), ctx.read_patch, config.file, table)


def _patch_strategic_merge(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    raw = config.decode()
    # kustomize's plugin: the files in ``paths``, else the inline ``patches`` documents.
    entries = tuple(raw.get("paths") or ()) or ((raw["patches"],) if raw.get("patches") else ())
    if not entries:
        raise config.fail("empty file path and empty patch content")
    table = ctx.schema or BUILTIN
    patches.apply_patches_strategic_merge(resources, entries, ctx.read_patch, config.file, table)


def _patch_json6902(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    entry = _patch_entry(config.decode(), "jsonOp")
    patches.apply_patches_json6902(resources, (entry,), ctx.read_patch, config.file)


def _replacement(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    raw = config.decode()
    entries = [replacement_entry(r) for r in raw.get("replacements") or ()]
    replacements.transform(resources, replacements.load(entries, ctx.root, ctx.loader), config.file)
    resources.reindex()


def _required_specs(config: PluginConfig, raw: dict[str, Any]) -> tuple[FieldSpec, ...]:
    if raw.get("fieldSpecs") is None:
        raise config.fail("fieldSpecs is not expected to be nil")
    return field_specs(raw["fieldSpecs"])


def _affix(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    """PrefixSuffixTransformer, PrefixTransformer and SuffixTransformer."""
    raw = config.decode()
    specs = _required_specs(config, raw)
    for field, is_prefix in (("prefix", True), ("suffix", False)):
        if raw.get(field):
            prefixsuffix.add_affix(resources, raw[field], specs, is_prefix=is_prefix)
    resources.reindex()


def _pairs(what: str) -> TransformerRunner:
    """LabelTransformer (``what`` = "labels") and AnnotationsTransformer ("annotations")."""

    def run(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
        raw = config.decode()
        pairs = tuple((k, v or "") for k, v in (raw.get(what) or {}).items())
        specs = field_specs(raw.get("fieldSpecs"))
        labels.apply_pairs(resources, pairs, specs, what, where=config.file)

    return run


def _replica_count(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    raw = config.decode()
    entry = raw.get("replica") or {}
    replica = Replica(name=entry.get("name") or "", count=entry.get("count") or 0)
    specs = field_specs(raw.get("fieldSpecs"))
    replicas.transform(resources, (replica,), specs, where=config.file)


TRANSFORMERS: dict[str, TransformerRunner] = {
    "NamespaceTransformer": _namespace,
    "ImageTagTransformer": _image_tag,
    "PatchTransformer": _patch,
    "PatchStrategicMergeTransformer": _patch_strategic_merge,
    "PatchJson6902Transformer": _patch_json6902,
    "ReplacementTransformer": _replacement,
    "PrefixSuffixTransformer": _affix,
    "PrefixTransformer": _affix,
    "SuffixTransformer": _affix,
    "LabelTransformer": _pairs("labels"),
    "AnnotationsTransformer": _pairs("annotations"),
    "ReplicaCountTransformer": _replica_count,
}


def _configmap_or_secret(config: PluginConfig, ctx: PluginContext) -> list[tuple[Resource, str]]:
    from kustomize_py import generators
    from kustomize_py.generators.kv import KvError

    args = generators.args_from_plugin_config(config.data, config.file)
    try:
        res = generators.generate(
            args,
            args.options,
            lambda entry, what: ctx.loader.read_bytes(ctx.root, entry, what),
            config.file,
        )
    except KvError as err:
        raise config.fail(err.message) from None
    return [(res, args.behavior)]


GENERATORS: dict[str, GeneratorRunner] = {
    "ConfigMapGenerator": _configmap_or_secret,
    "SecretGenerator": _configmap_or_secret,
}


# -- loading configs ------------------------------------------------------------------


def inline_configs(entry: str, root: Root, origin: Origin | None) -> list[PluginConfig] | None:
    """The configs of an inline entry, or None when the entry is not inline YAML
    (kustomize tries to read every entry as resources first; a path is not)."""
    if "\n" not in entry and ":" not in entry:
        return None  # a plain path: no need to parse it
    try:
        resources = resources_from_text(entry, root.file)
    except ParseError:
        return None
    return [PluginConfig(r.data, root.file, origin) for r in resources]


def load_configs(
    entries: tuple[str, ...],
    root: Root,
    loader: Loader,
    origin: str | None,
    build_directory: Callable[[str, str | None], list[Resource]],
) -> list[PluginConfig]:
    """The plugin configs of a transformers/generators/validators list, as kustomize
    reads them: every inline entry first, then files and kustomization directories
    (``build_directory(entry, origin)`` builds one), in order. Two configs with the same
    id are an error. ``origin``: the kustomization's directory relative to the top one
    when buildMetadata tracks provenance, else None."""
    if not entries:
        return []
    found = ResMap()
    configs: list[PluginConfig] = []

    def add(config: PluginConfig, entry: str) -> None:
        try:
            found.append(Resource(config.data, config.file))
        except KustomizeError as err:
            where = "an inline plugin config" if "\n" in entry else f"plugin config '{entry}'"
            raise KustomizationError(
                f"{where}: {err.message}", root.file, root.line_of(entry)
            ) from None
        configs.append(config)

    paths = []
    inline_origin = None if origin is None else Origin(go_path_join(origin, root.name))
    for entry in entries:
        inline = inline_configs(entry, root, inline_origin)
        if inline is None:
            paths.append(entry)
            continue
        for config in inline:
            add(config, entry)
    for entry in paths:
        entry_origin = None if origin is None else go_path_join(origin, entry)
        path = loader.resolve_file(root, entry)
        if path is not None:
            config_file = display(path)
            file_origin = None if entry_origin is None else Origin(entry_origin)
            for res in resources_from_text(loader.read_text(path), config_file):
                add(PluginConfig(res.data, config_file, file_origin), entry)
            continue
        for res in build_directory(entry, entry_origin):
            add(PluginConfig(res.data, res.origin, _origin_of(res)), entry)
    return configs


def _origin_of(res: Resource) -> Origin | None:
    """The origin a config built from a directory carries (its origin annotation)."""
    meta = res.data.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    value = annotations.get(ORIGIN_ANNOTATION) if isinstance(annotations, dict) else None
    fields = load_kustomization_data(value, res.origin) if isinstance(value, str) else None
    if not isinstance(fields, dict):
        return None
    return Origin(
        path=str(fields.get("path") or ""),
        repo=str(fields.get("repo") or ""),
        ref=str(fields.get("ref") or ""),
    )


def check_supported(config: PluginConfig, role: str) -> None:
    """Refuse what kustomize-py cannot run, as early as kustomize would fail."""
    meta = config.data.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(annotations, dict) and FUNCTION_ANNOTATION in annotations:
        raise KustomizationError(
            f"{role} {config.id} is a KRM function (annotation {FUNCTION_ANNOTATION}): "
            "exec and container functions are not supported by kustomize-py "
            "(kustomize too refuses them unless run with --enable-alpha-plugins)",
            config.file,
        )
    if not config.is_builtin:
        raise KustomizationError(
            f"{role} {config.id}: external plugins (apiVersion {config.id.api_version!r}) are "
            "not supported by kustomize-py (kustomize too refuses them unless run with "
            "--enable-alpha-plugins); only apiVersion: builtin configs run",
            config.file,
        )
    kind = config.kind
    if kind not in BUILTIN_TRANSFORMER_KINDS and kind not in BUILTIN_GENERATOR_KINDS:
        raise KustomizationError(
            f"unable to load builtin {config.id.gvk}: no builtin plugin of kind {kind!r}",
            config.file,
        )
    wanted = BUILTIN_GENERATOR_KINDS if role == "generator" else BUILTIN_TRANSFORMER_KINDS
    if kind not in wanted:
        raise KustomizationError(f"plugin {config.id} not a {role}", config.file)
    if kind in _UNSUPPORTED_BUILTINS:
        raise KustomizationError(
            f"builtin {kind} is not supported by kustomize-py ({_UNSUPPORTED_BUILTINS[kind]})",
            config.file,
        )
    registry: dict[str, Any] = GENERATORS if role == "generator" else TRANSFORMERS
    if kind not in registry:
        raise KustomizationError(
            f"builtin {kind} is not supported by kustomize-py yet", config.file
        )


def run_transformer(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    check_supported(config, "transformer")
    TRANSFORMERS[config.kind](config, resources, ctx)
    resources.reindex()


def run_generator(config: PluginConfig, ctx: PluginContext) -> list[tuple[Resource, str]]:
    check_supported(config, "generator")
    return GENERATORS[config.kind](config, ctx)


def run_validator(config: PluginConfig, resources: ResMap, ctx: PluginContext) -> None:
    """A validator runs like a transformer but must leave every resource as it was."""
    check_supported(config, "transformer")
    # kustomize keeps a resource's previous ids as annotations, so recording one (the
    # namespace and name transformers always do) counts as a change, as it does there.
    before = [(r.id, copy.deepcopy(r.data), len(r.previous_ids)) for r in resources]
    TRANSFORMERS[config.kind](config, resources, ctx)
    after = [(r.id, r.data, len(r.previous_ids)) for r in resources]
    if before != after:
        changed = next((b[0] for b, a in zip(before, after, strict=True) if b != a), None)
        raise TransformError(
            f"validator {config.id} shouldn't modify the resource map (it changed {changed})",
            config.file,
        )


def refuse_unsupported(root: Root) -> None:
    """Fields whose work needs a program kustomize-py does not run (helm): refused,
    never silently ignored."""
    kust = root.kustomization
    if kust.helm_charts:
        raise KustomizationError(
            "helmCharts (and helmChartInflationGenerator) are not supported by kustomize-py: "
            "inflating a chart runs helm (kustomize too needs --enable-helm); render the "
            "chart to a file and list it under resources",
            root.file,
            root.line_of("helmCharts") or root.line_of("helmChartInflationGenerator"),
        )
