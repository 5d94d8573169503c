"""``labels`` and the deprecated ``commonLabels`` (kustomize's LabelTransformer).

Each ``labels:`` entry is one transformer run, then ``commonLabels`` one more (so it
wins a key clash). Where the pairs go is field specs, merged per entry:

* the entry's own ``fields`` first;
* with ``includeSelectors``: the commonLabels specs (metadata, pod templates, volume
  claim templates and selectors), plus the ``labels`` specs;
* otherwise the ``labels`` specs (``metadata/labels``), plus the template specs with
  ``includeTemplates`` and the volume-claim-template specs with
  ``includeVolumeClaimTemplates``.

``commonLabels`` uses the commonLabels specs alone. Each table can be extended by a
``configurations:`` file (``commonLabels``, ``labels``, ``templateLabels``,
``volumeClaimTemplateLabels``). A spec with ``create`` makes the map (and the maps on
the way) when missing; values always overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kustomize_py.errors import TransformError
from kustomize_py.fieldspec import FieldSpecError, find, merge_specs
from kustomize_py.model import FieldSpec, Label
from kustomize_py.resource import Resource
from kustomize_py.yaml_load import kyaml_set_string, resolve_plain

_STR, _INT, _TIMESTAMP = "!!str", "!!int", "!!timestamp"

__all__ = [
    "COMMON_LABEL_SPECS",
    "LABEL_SPECS",
    "TEMPLATE_LABEL_SPECS",
    "VOLUME_CLAIM_TEMPLATE_LABEL_SPECS",
    "apply_pairs",
    "entry_specs",
    "transform",
]


def _specs(path: str, *kinds: str, create: bool = True) -> tuple[FieldSpec, ...]:
    """``path`` in each ``group/version/Kind`` (``"/Kind"`` for any group, ``"v1/Kind"``
    for the core ``v1``, ``"apps//Kind"`` for any version of a group)."""
    out = []
    for entry in kinds:
        group_version, _, kind = entry.rpartition("/")
        group, _, version = group_version.rpartition("/")
        if group_version == "v1":
            group, version = "", "v1"
        elif "/" not in group_version:
            group, version = group_version, ""
        out.append(FieldSpec(path, group=group, version=version, kind=kind, create=create))
    return tuple(out)


_TEMPLATE = "spec/template/metadata/labels"
LABEL_SPECS = (FieldSpec("metadata/labels", create=True),)
TEMPLATE_LABEL_SPECS = (
    FieldSpec("metadata/labels", create=True),
    *_specs(_TEMPLATE, "v1/ReplicationController", "/Deployment", "/ReplicaSet", "/DaemonSet"),
    *_specs(_TEMPLATE, "apps/StatefulSet", "batch/Job"),
    *_specs("spec/jobTemplate/metadata/labels", "batch/CronJob"),
    *_specs("spec/jobTemplate/spec/template/metadata/labels", "batch/CronJob"),
)
VOLUME_CLAIM_TEMPLATE_LABEL_SPECS = _specs(
    "spec/volumeClaimTemplates[]/metadata/labels", "apps/StatefulSet"
)

_AFFINITY = "spec/template/spec/affinity"
_POD_SELECTORS = (
    f"{_AFFINITY}/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/"
    "podAffinityTerm/labelSelector/matchLabels",
    f"{_AFFINITY}/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/"
    "labelSelector/matchLabels",
    f"{_AFFINITY}/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/"
    "podAffinityTerm/labelSelector/matchLabels",
    f"{_AFFINITY}/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/"
    "labelSelector/matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
)
_MATCH = "spec/selector/matchLabels"
_NET = "networking.k8s.io/NetworkPolicy"
# kustomize's commonLabels table, in its order: selectors, then the template labels,
# then the volume claim template labels.
COMMON_LABEL_SPECS = (
    *_specs("spec/selector", "v1/Service", "v1/ReplicationController"),
    *_specs(_MATCH, "/Deployment"),
    *(s for p in _POD_SELECTORS for s in _specs(p, "apps/Deployment", create=False)),
    *_specs(_MATCH, "/ReplicaSet", "/DaemonSet", "apps/StatefulSet"),
    *(s for p in _POD_SELECTORS for s in _specs(p, "apps/StatefulSet", create=False)),
    *_specs(_MATCH, "batch/Job", create=False),
    *_specs("spec/jobTemplate/spec/selector/matchLabels", "batch/CronJob", create=False),
    *_specs(_MATCH, "policy/PodDisruptionBudget", create=False),
    *_specs("spec/podSelector/matchLabels", _NET, create=False),
    *_specs("spec/ingress/from/podSelector/matchLabels", _NET, create=False),
    *_specs("spec/egress/to/podSelector/matchLabels", _NET, create=False),
    *TEMPLATE_LABEL_SPECS,
    *VOLUME_CLAIM_TEMPLATE_LABEL_SPECS,
)


def entry_specs(
    label: Label,
    *,
    common: Sequence[FieldSpec] = COMMON_LABEL_SPECS,
    labels: Sequence[FieldSpec] = LABEL_SPECS,
    templates: Sequence[FieldSpec] = TEMPLATE_LABEL_SPECS,
    volume_claim_templates: Sequence[FieldSpec] = VOLUME_CLAIM_TEMPLATE_LABEL_SPECS,
) -> tuple[FieldSpec, ...]:
    """The field specs one ``labels:`` entry applies to (raises ``FieldSpecError`` on a
    spec conflicting with a default one)."""
    if label.include_selectors:
        return merge_specs(label.fields, common, labels)
    return merge_specs(
        label.fields,
        labels,
        templates if label.include_templates else (),
        volume_claim_templates if label.include_volume_claim_templates else (),
    )


def transform(
    resources: Iterable[Resource],
    labels: Sequence[Label],
    common_labels: Sequence[tuple[str, str]],
    *,
    where: str,
    common: Sequence[FieldSpec] = COMMON_LABEL_SPECS,
    label_specs: Sequence[FieldSpec] = LABEL_SPECS,
    templates: Sequence[FieldSpec] = TEMPLATE_LABEL_SPECS,
    volume_claim_templates: Sequence[FieldSpec] = VOLUME_CLAIM_TEMPLATE_LABEL_SPECS,
) -> None:
    """Apply the ``labels`` entries, then ``common_labels``, in place. ``where`` names
    the kustomization file for configuration errors."""
    resources = list(resources)
    runs = []
    for label in labels:
        try:
            specs = entry_specs(
                label,
                common=common,
                labels=label_specs,
                templates=templates,
                volume_claim_templates=volume_claim_templates,
            )
        except FieldSpecError as err:
            raise TransformError(f"failed to merge labels: {err}", where) from None
        runs.append((label.pairs, specs))
    runs.append((tuple(common_labels), tuple(common)))
    for pairs, specs in runs:
        apply_pairs(resources, pairs, specs, "labels", where=where)


def apply_pairs(
    resources: Iterable[Resource],
    pairs: Sequence[tuple[str, str]],
    specs: Sequence[FieldSpec],
    what: str,
    *,
    where: str,
) -> None:
    """Set every pair in every map the specs designate (LabelTransformer and
    AnnotationsTransformer alike); nothing happens without pairs. ``where`` names the
    kustomization the pairs come from."""
    if not pairs:
        return
    written = [(_written_key(name), name, kyaml_set_string(value)) for name, value in pairs]
    for res in resources:
        try:
            for key, name, value in written:
                if _set_everywhere(res, specs, key or name, value, what) and key is None:
                    # Only a key that reaches the output is an error, as in kustomize.
                    raise TransformError(
                        f"{what} key {name!r} is written unquoted and reads back as a "
                        f"{resolve_plain(name, v2=False)[0]} (in {res.id}), which cannot be "
                        "a JSON object key",
                        where,
                    )
        except FieldSpecError as err:
            raise TransformError(f"{err} (in {res.id})", res.origin) from None


def _set_everywhere(
    res: Resource, specs: Sequence[FieldSpec], name: str, value: str, what: str
) -> bool:
    """Set ``name: value`` in every map the specs designate in one resource.

    kustomize creates one YAML node for the value and puts that very node into every map
    where the key is new; where the key exists, it overwrites the existing node's
    content instead. So maps that got a key from one run share its value from then on,
    and a later run writing the key in one of them changes it in all of them (even in
    maps that later run does not designate, such as a selector). Returns whether any
    map got the key.
    """
    links = res.value_links
    created: list[tuple[dict[str, Any], str]] = []
    done = False
    for spec in specs:
        for holder, key in find(res.data, spec):
            target = holder[key]
            if target is None:
                if not spec.create:
                    continue  # an existing null stays null unless the spec creates
                target = holder[key] = {}
            if not isinstance(target, dict):
                raise FieldSpecError(
                    f"expected a map of {what} at '{spec.path}', got {_kind(target)}"
                )
            if name not in target:
                target[name] = value
                created.append((target, name))
                links[(id(target), name)] = created
                continue
            for shared, shared_key in links.get((id(target), name), ((target, name),)):
                shared[shared_key] = value
            done = True
    return done or bool(created)


def _written_key(name: str) -> str | None:
    """The key as kustomize's output will hold it: kyaml writes it as a plain scalar, which
    the next read types by YAML 1.2 rules (``0x1F`` becomes 31, a date a timestamp).
    ``None`` for a key read back as a boolean, null, float or merge key."""
    tag, value = resolve_plain(name, v2=False)
    return str(value) if tag in (_STR, _INT, _TIMESTAMP) else None


def _kind(value: Any) -> str:
    return "a sequence" if isinstance(value, list) else f"the scalar {value!r}"
