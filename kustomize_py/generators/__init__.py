"""ConfigMap and Secret generators (``configMapGenerator``, ``secretGenerator``).

``generate`` makes one resource from a generator entry (a :class:`GeneratorArgs`, as
decoded from a kustomization or, later, from a builtin plugin's config); ``absorb``
adds it to a build's resources following its ``behavior``; ``run`` does both for every
entry of a kustomization, ConfigMaps first, in kustomize's place (after ``crds``,
before the transformers). ``add_hash_suffixes`` runs once, at the top of the build,
after every transformer: generated names get their content hash, and the name
references of the build follow them.
"""

from __future__ import annotations

import base64
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from kustomize_py.errors import ConflictError, KustomizationError, KustomizeError, TransformError
from kustomize_py.generators.kv import KvError, Reader, load_pairs
from kustomize_py.model import (
    STRUCTS,
    GeneratorArgs,
    GeneratorOptions,
    Kustomization,
    decode_struct,
    generator_args,
)
from kustomize_py.resource import ResId, ResMap, Resource
from kustomize_py.yaml_load import StyledStr, kyaml_set_string

__all__ = [
    "AnyIdIndex",
    "absorb",
    "add_hash_suffixes",
    "args_from_plugin_config",
    "generate",
    "merge_options",
    "options_from_annotations",
    "run",
]

HASH_ANNOTATION = "kustomize.config.k8s.io/needs-hash"
BEHAVIOR_ANNOTATION = "kustomize.config.k8s.io/behavior"
# Go's strconv.ParseBool.
_GO_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}

Locate = Callable[[str], int | None]
_ORIGIN = "config.kubernetes.io/origin"
# kustomize's resource.BuildAnnotations: kept from the old object in a merge or replace.
_BUILD_ANNOTATIONS = frozenset(
    (
        *(
            "internal.config.kubernetes.io/" + name
            for name in (
                "previousKinds",
                "previousNames",
                "prefixes",
                "suffixes",
                "previousNamespaces",
                "allowNameChange",
                "allowKindChange",
                "refBy",
                "generatorBehavior",
                "needsHashSuffix",
                "path",
                "index",
                "seqindent",
            )
        ),
        "config.kubernetes.io/path",
        "config.kubernetes.io/index",
    )
)
_FIELD = {"ConfigMap": "configMapGenerator", "Secret": "secretGenerator"}


_PLUGIN_KINDS = {"ConfigMapGenerator": "ConfigMap", "SecretGenerator": "Secret"}


def args_from_plugin_config(config: dict[str, Any], origin: str, text: str = "") -> GeneratorArgs:
    """The arguments of a builtin ``ConfigMapGenerator``/``SecretGenerator`` plugin config
    (a ``generators:`` entry): its fields, with ``metadata.name``/``namespace`` as the
    fallback name and namespace. Unknown fields are ignored, as the plugin's non-strict
    decoding does; no ``generatorOptions`` apply to it."""
    kind = _PLUGIN_KINDS[str(config.get("kind"))]
    struct = "SecretArgs" if kind == "Secret" else "ConfigMapArgs"
    fields = {f.casefold() for f in STRUCTS[struct]}
    known = {k: v for k, v in config.items() if str(k).casefold() in fields}
    args = generator_args(kind, decode_struct(known, struct, origin, text))
    meta = config.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name = args.name or _text(meta.get("name") or "")
    namespace = args.namespace or _text(meta.get("namespace") or "")
    return dataclasses.replace(args, name=name, namespace=namespace)


def merge_options(
    local: GeneratorOptions | None, global_: GeneratorOptions | None
) -> GeneratorOptions | None:
    """kustomize's MergeGlobalOptionsIntoLocal: an entry's own labels and annotations
    win over ``generatorOptions``'; a ``true`` in either place wins."""
    if global_ is None:
        return local
    local = local or GeneratorOptions()
    return GeneratorOptions(
        labels=tuple({**dict(global_.labels), **dict(local.labels)}.items()),
        annotations=tuple({**dict(global_.annotations), **dict(local.annotations)}.items()),
        disable_name_suffix_hash=local.disable_name_suffix_hash or global_.disable_name_suffix_hash,
        immutable=local.immutable or global_.immutable,
    )


def generate(
    args: GeneratorArgs, options: GeneratorOptions | None, read: Reader, origin: str
) -> Resource:
    """The ConfigMap or Secret of one generator entry (``options`` already merged).

    Raises ``KvError`` (with the entry to point at) for sources kustomize refuses.
    """
    if not args.name:
        raise KvError("a configmap must have a name", "")
    pairs: dict[str, bytes] = {}
    for key, value in load_pairs(args, read):
        if key in pairs:
            raise KvError(f"configmap {args.name} illegally repeats the key `{key}`", key)
        pairs[key] = value
    if "<<" in pairs:
        # kustomize writes the key untagged, and its next YAML decode takes it for a merge key.
        raise KvError("yaml: map merge requires map or sequence of maps as the value", "<<")
    metadata: dict[str, Any] = {"name": args.name}
    if args.namespace:
        metadata["namespace"] = args.namespace
    data: dict[str, Any] = {"apiVersion": "v1", "kind": args.kind, "metadata": metadata}
    if args.kind == "Secret":
        data["type"] = args.type or "Opaque"
        data["data"] = {k: kyaml_set_string(_base64(pairs[k])) for k in sorted(pairs)}
    else:
        for key in sorted(pairs):
            try:
                text = kyaml_set_string(pairs[key].decode("utf-8"), block=True)
                data.setdefault("data", {})[key] = text
            except UnicodeDecodeError:
                data.setdefault("binaryData", {})[key] = kyaml_set_string(_base64(pairs[key]))
    if options is not None:
        if options.labels:
            # kustomize sets these with a style of their own: a patch never retypes them
            metadata["labels"] = {k: StyledStr(v) for k, v in sorted(options.labels)}
        if options.annotations:
            metadata["annotations"] = dict(sorted(options.annotations))
        if options.immutable:
            data["immutable"] = True
    res = Resource(data, origin)
    res.needs_hash = options is None or not options.disable_name_suffix_hash
    return res


def _base64(value: bytes) -> str:
    """Base64 as kustomize writes it: past 70 characters, 70-character lines, each
    ending with a newline (so long values print as literal blocks)."""
    text = base64.b64encode(value).decode("ascii")
    if len(text) < 70:
        return text
    return "".join(text[i : i + 70] + "\n" for i in range(0, len(text), 70))


class AnyIdIndex:
    """Resources by every id they have had (kustomize's GetMatchingResourcesByAnyId)."""

    def __init__(self, resources: Iterable[Resource]):
        self._by_key: dict[tuple[str, str, str, str, str | None], list[Resource]] = defaultdict(
            list
        )
        for res in resources:
            self.add(res)

    def add(self, res: Resource) -> None:
        for key in dict.fromkeys(i.key for i in (*res.previous_ids, res.id)):
            self._by_key[key].append(res)

    def matches(self, rid: ResId) -> list[Resource]:
        return self._by_key.get(rid.key, [])


def absorb(resources: ResMap, res: Resource, behavior: str, index: AnyIdIndex) -> None:
    """Add a generated resource, or merge it into / let it replace the one it names.

    ``behavior`` is the entry's (``create``, ``merge``, ``replace``; anything else counts
    as unspecified, i.e. create). Raises ``ConflictError``.
    """
    rid = res.id
    behavior = behavior if behavior in ("create", "merge", "replace") else "unspecified"
    matches = index.matches(rid)
    if not matches:
        if behavior in ("merge", "replace"):
            raise ConflictError(f"id {rid} does not exist; cannot merge or replace", res.origin)
        resources.append(res)
        index.add(res)
        return
    if len(matches) > 1:
        found = ", ".join(str(r.id) for r in matches)
        raise ConflictError(
            f"found multiple objects [{found}] that could accept merge of {rid}", res.origin
        )
    if behavior not in ("merge", "replace"):
        raise ConflictError(
            f"id {rid} exists; can not use behavior: '{behavior}', behavior must be merge "
            "or replace",
            res.origin,
        )
    old = matches[0]
    _merge_into(old, res, merge_data=behavior == "merge")


def _merge_into(old: Resource, new: Resource, *, merge_data: bool) -> None:
    """kustomize's merge/replace: ``new``'s content, ``old``'s place, name, namespace
    and history; labels and annotations merged (``new`` wins); for ``merge``, the
    ``data`` and ``binaryData`` maps merged too. The name gets a hash only if both
    wanted one."""
    data = new.data
    meta = data["metadata"]
    old_meta = old.metadata
    for key in ("labels", "annotations"):
        old_map = _text_map(old_meta.get(key))
        merged = {**old_map, **_text_map(meta.get(key))}
        if key == "annotations":
            # kustomize's bookkeeping annotations come from the old object only.
            for name in _BUILD_ANNOTATIONS.intersection(merged):
                if name in old_map:
                    merged[name] = old_map[name]
                else:
                    del merged[name]
            # buildMetadata's origin: a merge keeps where the object was first made.
            if merge_data and _ORIGIN in old_map:
                merged[_ORIGIN] = old_map[_ORIGIN]
        meta.pop(key, None)
        if merged:
            meta[key] = merged
    meta["name"] = old_meta.get("name")
    meta.pop("namespace", None)
    if old_meta.get("namespace"):
        meta["namespace"] = old_meta["namespace"]
    if merge_data:
        for key in ("data", "binaryData"):
            merged = {**_old_data_map(old, key), **_text_map(data.get(key))}
            merged = {k: kyaml_set_string(v, block=True) for k, v in merged.items()}
            data.pop(key, None)
            if merged:
                data[key] = merged
    old.data = data
    old.needs_hash = old.needs_hash and new.needs_hash


def _old_data_map(old: Resource, key: str) -> dict[str, str]:
    """The merged-into object's ``key`` map; a Secret's ``stringData`` entries join its
    ``data`` base64-encoded (winning over ``data``), as kustomize reads a Secret's data
    map for a merge (the ``stringData`` field itself is then gone)."""
    found = _text_map(old.data.get(key))
    if key == "data" and old.kind == "Secret":
        for k, v in _text_map(old.data.get("stringData")).items():
            found[k] = base64.b64encode(v.encode()).decode()
    return found


def _text_map(value: Any) -> dict[str, str]:
    """A string map as kustomize reads one (scalars as their text)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): _text(v) for k, v in value.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run(
    resources: ResMap,
    kust: Kustomization,
    read: Reader,
    origin: str,
    locate: Locate,
    *,
    on_generated: Callable[[Resource, str], None] | None = None,
) -> None:
    """Run a kustomization's ConfigMap then Secret generators into ``resources``.

    ``read`` reads a file the entries name (under the load restrictor), ``origin`` is the
    kustomization file, ``locate`` finds the line of an entry's text in it;
    ``on_generated(resource, kind)`` sees each new resource before it is added.
    """
    entries = (*kust.config_map_generator, *kust.secret_generator)
    if not entries:
        return
    index = AnyIdIndex(resources)
    for args in entries:
        options = merge_options(args.options, kust.generator_options)
        try:
            res = generate(args, options, read, origin)
        except KvError as err:
            raise KustomizationError(
                f"{_FIELD[args.kind]} '{args.name}': {err.message}",
                origin,
                locate(err.entry) if err.entry else locate(args.name),
            ) from None
        if on_generated is not None:
            on_generated(res, args.kind)
        try:
            absorb(resources, res, args.behavior, index)
        except KustomizeError as err:
            raise type(err)(
                f"{_FIELD[args.kind]} '{args.name}': {err.message}",
                origin,
                locate(args.name),
            ) from None


def options_from_annotations(res: Resource) -> str:
    """For resources a generator plugin produced (kustomize's UpdateResourceOptions):
    the ``needs-hash`` annotation (off by default) sets ``needs_hash``; the ``behavior``
    annotation is returned, for :func:`absorb`. Both annotations are removed."""
    meta = res.metadata
    annotations = meta.get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    behavior = _text(annotations.pop(BEHAVIOR_ANNOTATION, ""))
    value = annotations.pop(HASH_ANNOTATION, None)
    needs_hash = False
    if value is not None:
        text = _text(value)
        if text not in _GO_BOOLS:
            raise TransformError(
                f'the annotation "{HASH_ANNOTATION}" contains an invalid value ("{text}")',
                res.origin,
            )
        needs_hash = _GO_BOOLS[text]
    if "annotations" in meta and not annotations:
        del meta["annotations"]
    res.needs_hash = needs_hash
    return behavior


def add_hash_suffixes(resources: Iterable[Resource]) -> None:
    """Append the content hash to every generated name that wants one (kustomize's
    HashTransformer, run once at the top): the old id is recorded first, so name
    references follow. The caller reindexes its ResMap."""
    hashed = [res for res in resources if res.needs_hash]
    if not hashed:
        return
    # Imported here: hashlib and json cost start-up time in builds without generators.
    from kustomize_py.generators.hasher import HashError, content_hash

    for res in hashed:
        try:
            suffix = content_hash(res.data)
        except HashError as err:
            raise TransformError(str(err), res.origin) from None
        res.store_previous_id()
        res.metadata["name"] = f"{res.id.name}-{suffix}"
