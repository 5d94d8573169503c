"""Name references (kustomize's nameReference step), run once at the end of a build.

A referrer field (a Deployment's ``serviceAccountName``, a RoleBinding's ``subjects``, a
webhook's ``clientConfig.service``…) names another object of the build. When that object's
name or namespace has changed, kustomize rewrites the reference: a scalar field gets the
new name; a map field (``{name, namespace}``) gets the new name and, when the object has
one, its namespace. A reference is matched against every *previous* name of a candidate,
so an object is only a candidate once a transformer has recorded its previous ids.

The candidate rules follow kustomize's ``api/filters/nameref``: a referrer sees
cluster-scoped objects, objects in its own namespace, ServiceAccounts anywhere, and (for a
RoleBinding) objects in the namespaces its ServiceAccount subjects name; a map reference
with a ``namespace`` narrows the candidates to that original (else current) namespace; two
different remaining candidates are an error. Map references do not check the ``kind`` of
the entry: a ``User`` subject named like a ServiceAccount is updated too, as in kustomize.

Which fields refer to which kinds is data (:data:`DEFAULT_REFERENCES`), transcribed from
kustomize's builtin nameReference configuration. Lookups go through indexes built once, so
the step stays linear in the number of resources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kustomize_py.errors import TransformError
from kustomize_py.fieldpath import go_text
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.model import FieldSpec, field_specs
from kustomize_py.resource import Resource

__all__ = ["DEFAULT_REFERENCES", "Reference", "references_from_config", "transform"]


@dataclass(frozen=True, slots=True)
class Reference:
    """Objects of ``kind`` (group/version) are named by the fields ``referrers`` designate."""

    kind: str
    referrers: tuple[FieldSpec, ...]
    group: str = ""
    version: str = ""


def _specs(kinds: str, *paths: str, group: str = "", version: str = "") -> list[FieldSpec]:
    return [
        FieldSpec(p, group=group, version=version, kind=k) for k in kinds.split() for p in paths
    ]


# Where each workload kind keeps its pod spec.
_POD = {
    "Pod": "spec",
    "PodTemplate": "template/spec",
    "Deployment": "spec/template/spec",
    "ReplicaSet": "spec/template/spec",
    "DaemonSet": "spec/template/spec",
    "StatefulSet": "spec/template/spec",
    "Job": "spec/template/spec",
    "ReplicationController": "spec/template/spec",
    "CronJob": "spec/jobTemplate/spec/template/spec",
}


def _in_pods(kinds: str, *paths: str, pod_version: str = "v1") -> list[FieldSpec]:
    """``paths`` inside the pod spec of each kind (Pod's own specs carry ``pod_version``)."""
    return [
        FieldSpec(f"{_POD[k]}/{p}", version=pod_version if k == "Pod" else "", kind=k)
        for k in kinds.split()
        for p in paths
    ]


_CONFIGMAP_IN_POD = (
    "volumes/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
    "volumes/projected/sources/configMap/name",
)
_SECRET_IN_POD = (
    "volumes/secret/secretName",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
    "volumes/projected/sources/secret/name",
)
_WORKLOADS = "Pod PodTemplate Deployment ReplicaSet DaemonSet StatefulSet Job CronJob"
_WITH_RC = "Pod StatefulSet Deployment ReplicationController CronJob Job DaemonSet"
_HPA = _specs("HorizontalPodAutoscaler", "spec/scaleTargetRef/name")
_RBAC = "rbac.authorization.k8s.io"
_ADMISSION = "admissionregistration.k8s.io"

DEFAULT_REFERENCES: tuple[Reference, ...] = (
    Reference("Deployment", tuple(_HPA)),
    Reference("ReplicationController", tuple(_HPA)),
    Reference("ReplicaSet", tuple(_HPA)),
    Reference("StatefulSet", tuple(_HPA)),
    Reference(
        "ConfigMap",
        (
            *_in_pods(_WORKLOADS, *_CONFIGMAP_IN_POD),
            *_specs("Node", "spec/configSource/configMap"),
            *_specs("Role ClusterRole", "rules/resourceNames"),
            *_specs(
                "Ingress",
                "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
            ),
        ),
        version="v1",
    ),
    Reference(
        "Secret",
        (
            *_in_pods(_WORKLOADS, *_SECRET_IN_POD),
            *_specs("Ingress", "spec/tls/secretName"),
            *_specs(
                "Ingress",
                "metadata/annotations/ingress.kubernetes.io\\/auth-secret",
                "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
                "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
            ),
            *_specs("ServiceAccount", "imagePullSecrets/name"),
            *_specs(
                "StorageClass",
                "parameters/secretName",
                "parameters/adminSecretName",
                "parameters/userSecretName",
                "parameters/secretRef",
            ),
            *_specs("Role ClusterRole", "rules/resourceNames"),
            *_specs(
                "Service",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                group="serving.knative.dev",
                version="v1",
            ),
            *_specs("PersistentVolume", "spec/azureFile/secretName"),
        ),
        version="v1",
    ),
    Reference(
        "Service",
        (
            *_specs("StatefulSet", "spec/serviceName", group="apps"),
            *_specs(
                "Ingress",
                "spec/rules/http/paths/backend/serviceName",
                "spec/backend/serviceName",
                "spec/rules/http/paths/backend/service/name",
                "spec/defaultBackend/service/name",
            ),
            *_specs("APIService", "spec/service/name", group="apiregistration.k8s.io"),
            *_specs(
                "ValidatingWebhookConfiguration MutatingWebhookConfiguration",
                "webhooks/clientConfig/service",
                group=_ADMISSION,
            ),
        ),
        version="v1",
    ),
    Reference("Role", tuple(_specs("RoleBinding", "roleRef/name", group=_RBAC)), group=_RBAC),
    Reference(
        "ClusterRole",
        tuple(_specs("RoleBinding ClusterRoleBinding", "roleRef/name", group=_RBAC)),
        group=_RBAC,
    ),
    Reference(
        "ServiceAccount",
        (
            *_specs("RoleBinding ClusterRoleBinding", "subjects", group=_RBAC),
            *_in_pods(_WITH_RC, "serviceAccountName", pod_version=""),
        ),
        version="v1",
    ),
    Reference(
        "PersistentVolumeClaim",
        tuple(_in_pods(_WITH_RC, "volumes/persistentVolumeClaim/claimName", pod_version="")),
        version="v1",
    ),
    Reference(
        "PersistentVolume",
        (
            *_specs("PersistentVolumeClaim", "spec/volumeName"),
            *_specs("ClusterRole", "rules/resourceNames"),
        ),
        version="v1",
    ),
    Reference(
        "StorageClass",
        (
            *_specs("PersistentVolume PersistentVolumeClaim", "spec/storageClassName"),
            *_specs("StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName"),
        ),
        group="storage.k8s.io",
        version="v1",
    ),
    Reference(
        "PriorityClass",
        tuple(_in_pods(_WITH_RC, "priorityClassName", pod_version="")),
        group="scheduling.k8s.io",
        version="v1",
    ),
    Reference(
        "ValidatingAdmissionPolicy",
        tuple(_specs("ValidatingAdmissionPolicyBinding", "spec/policyName", group=_ADMISSION)),
        group=_ADMISSION,
    ),
    Reference(
        "IngressClass",
        tuple(_specs("Ingress", "spec/ingressClassName")),
        group="networking.k8s.io/v1",  # sic: kustomize's table spells the group this way
        version="v1",
    ),
)


@dataclass(slots=True)
class _Index:
    """The build's resources, indexed for the candidate rules."""

    by_previous_name: dict[str, list[Resource]]
    by_original_namespace: dict[str, list[Resource]]
    by_current_namespace: dict[str, list[Resource]]

    @classmethod
    def of(cls, resources: Sequence[Resource]) -> _Index:
        names: dict[str, list[Resource]] = defaultdict(list)
        original: dict[str, list[Resource]] = defaultdict(list)
        current: dict[str, list[Resource]] = defaultdict(list)
        for res in resources:
            for name in dict.fromkeys(i.name for i in res.previous_ids):
                names[name].append(res)
            if (ns := res.original_id.effective_namespace) is not None:
                original[ns].append(res)
            if (ns := res.id.effective_namespace) is not None:
                current[ns].append(res)
        return cls(names, original, current)


class _Referrer:
    """One referrer and the candidates it may refer to (SubsetThatCouldBeReferencedByResource)."""

    def __init__(self, res: Resource):
        self.res = res
        self.id = res.id
        self.binding_namespaces = _role_binding_namespaces(res)

    def can_see(self, target: Resource) -> bool:
        if self.id.is_cluster_scoped:
            return True
        tid = target.id
        return (
            tid.is_cluster_scoped
            or tid.effective_namespace == self.id.effective_namespace
            or tid.namespace in self.binding_namespaces
        )

    def same_namespace_rule(self, target: Resource) -> bool:
        """kustomize's sameCurrentNamespaceAsReferrer sieve."""
        if self.id.is_cluster_scoped:
            return True
        tid = target.id
        return (
            tid.is_cluster_scoped
            or target.kind == "ServiceAccount"
            or tid.effective_namespace == self.id.effective_namespace
        )


def _role_binding_namespaces(res: Resource) -> frozenset[str]:
    """Namespaces named by a RoleBinding's ServiceAccount subjects (a blank one is an error)."""
    if res.kind != "RoleBinding" or not isinstance(res.data.get("subjects"), list):
        return frozenset()
    found = set()
    for subject in res.data["subjects"]:
        if isinstance(subject, dict) and "namespace" in subject and "kind" in subject:
            if subject["kind"] != "ServiceAccount":
                continue
            if not isinstance(subject["namespace"], str):
                raise TransformError(
                    f"namespace is blank in a ServiceAccount subject of {res.id}; give it a "
                    "value or remove the key",
                    res.origin,
                )
            found.add(subject["namespace"])
    return frozenset(found)


def transform(resources: Sequence[Resource], references: Iterable[Reference]) -> None:
    """Rewrite references in ``resources`` (in place) to their targets' current names."""
    by_kind: dict[str, list[tuple[FieldSpec, Reference]]] = defaultdict(list)
    for ref in references:
        for spec in ref.referrers:
            by_kind[spec.kind].append((spec, ref))
    index: _Index | None = None
    for res in resources:
        org = res.original_id
        located = [
            (spec, ref, holder, key)
            for spec, ref in (*by_kind.get(org.kind, ()), *by_kind.get("", ()))
            if org.is_selected_by(spec.group, spec.version, spec.kind)
            for holder, key in _locations(res, spec)
        ]
        if not located:
            continue
        referrer = _Referrer(res)
        index = index or _Index.of(resources)
        for spec, ref, holder, key in located:
            if holder[key] is None:
                continue
            try:
                _update(holder, key, _Lookup(referrer, spec, ref, index))
            except _Ambiguous as err:
                raise TransformError(
                    f"updating name reference in '{spec.path}' field of '{res.id}': {err}",
                    res.origin,
                ) from None


def _locations(res: Resource, spec: FieldSpec) -> list[tuple[dict[str, Any], str]]:
    # The referrer was selected by its original id; kustomize then walks the path with
    # the referrer's current group/version/kind, so a kind changed by a patch still
    # has its references updated.
    try:
        return list(find(res.data, FieldSpec(spec.path), create=False))
    except FieldSpecError as err:
        raise TransformError(
            f"updating name reference in '{spec.path}' field of '{res.id}': {err}", res.origin
        ) from None


class _Ambiguous(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class _Lookup:
    """What one referrer field needs to find its referral."""

    referrer: _Referrer
    spec: FieldSpec
    ref: Reference
    index: _Index

    def candidates(self, old_name: str) -> list[Resource]:
        return [
            r for r in self.index.by_previous_name.get(old_name, ()) if self.referrer.can_see(r)
        ]


def _update(holder: dict[str, Any], key: str, look: _Lookup) -> None:
    value = holder[key]
    if isinstance(value, str):
        holder[key] = _new_name(value, look)
    elif isinstance(value, dict):
        _update_mapping(value, look)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                value[i] = _new_name(item, look)
            elif isinstance(item, dict):
                _update_mapping(item, look)
            elif isinstance(item, int | float):
                value[i] = _new_scalar_name(item, look)
    elif isinstance(value, int | float):
        holder[key] = _new_scalar_name(value, look)


def _new_scalar_name(old: float, look: _Lookup) -> Any:
    """``name: 123`` refers by its text, as in kustomize; it stays a number unless renamed."""
    text = go_text(old)
    new = _new_name(text, look)
    return old if new == text else new


def _new_name(old: str, look: _Lookup) -> str:
    referral = _select(look.candidates(old), look, lambda r: r.id.name)
    return referral.id.name if referral is not None else old


def _update_mapping(entry: dict[str, Any], look: _Lookup) -> None:
    if "name" not in entry:
        raise _Ambiguous("path config error; no 'name' field in node")
    old = entry["name"]
    if isinstance(old, int | float):  # a number or boolean refers by its text
        old = go_text(old)
    elif not isinstance(old, str):
        return
    candidates = look.candidates(old)
    if "namespace" in entry:
        namespace = entry["namespace"]
        by_original = look.index.by_original_namespace.get(namespace, ())
        if any(look.referrer.can_see(r) for r in by_original):
            candidates = [r for r in candidates if r.original_id.effective_namespace == namespace]
        else:
            candidates = [r for r in candidates if r.id.effective_namespace == namespace]
    referral = _select(candidates, look, lambda r: (r.id.name, r.id.namespace))
    if referral is None:
        return
    rid = referral.id
    if rid.name == old and not rid.namespace:
        return
    if rid.name != old:
        entry["name"] = rid.name
    if rid.namespace:
        entry["namespace"] = rid.namespace


def _select(
    candidates: list[Resource], look: _Lookup, identity: Callable[[Resource], object]
) -> Resource | None:
    """kustomize's selectReferral: sieve the candidates down to at most one."""
    ref, referrer = look.ref, look.referrer
    role_ref = _role_ref_selector(referrer.res) if look.spec.path.endswith("roleRef/name") else None
    found = [
        r
        for r in candidates
        if _any_previous(r, ref.group, ref.version, ref.kind)
        and (role_ref is None or _any_previous(r, *role_ref))
        and referrer.same_namespace_rule(r)
    ]
    if len(found) == 1:
        return found[0]
    # kustomize then keeps the candidates with the referrer's name prefixes and suffixes
    # (the shorter list of each equal to the end of the longer one). When none has
    # them, a single candidate whose lists are compatible (an empty list fits any) is
    # taken, else nothing; these rules are the reference's observed behaviour.
    strict = [r for r in found if _same_affixes(r, referrer.res)]
    if not strict:
        loose = [r for r in found if _same_affixes(r, referrer.res, empty_fits=True)]
        return loose[0] if len(loose) == 1 else None
    found = strict
    if len({identity(r) for r in found}) == 1:
        return found[0]
    ids = ", ".join(str(r.id) for r in found)
    raise _Ambiguous(f"found multiple possible referrals: {ids}")


def _same_affixes(candidate: Resource, referrer: Resource, *, empty_fits: bool = False) -> bool:
    return _same_ending(candidate.prefixes, referrer.prefixes, empty_fits) and _same_ending(
        candidate.suffixes, referrer.suffixes, empty_fits
    )


def _same_ending(a: list[str], b: list[str], empty_fits: bool = False) -> bool:
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if not shorter:
        return empty_fits or not longer
    return longer[len(longer) - len(shorter) :] == shorter


def _any_previous(res: Resource, group: str, version: str, kind: str) -> bool:
    return any(i.is_selected_by(group, version, kind) for i in res.previous_ids)


def _role_ref_selector(res: Resource) -> tuple[str, str, str] | None:
    role_ref = res.data.get("roleRef")
    if not isinstance(role_ref, dict):
        return None
    group, kind = role_ref.get("apiGroup"), role_ref.get("kind")
    if group is None or kind is None:
        return None
    return str(group), "", str(kind)


def references_from_config(raw: list[dict[str, Any]] | None) -> tuple[Reference, ...]:
    """``nameReference`` entries of a ``configurations:`` file."""
    return tuple(
        Reference(
            kind=r.get("kind") or "",
            group=r.get("group") or "",
            version=r.get("version") or "",
            referrers=field_specs(r.get("fieldSpecs")),
        )
        for r in raw or ()
    )
