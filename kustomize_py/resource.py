"""Resources, their ids, and the resource map (ordered, unique by id).

A resource is plain Python data (what the YAML loader produced) plus the file it
came from. Its id is kustomize's ResId: group, version, kind, name, namespace.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kustomize_py.errors import ConflictError

__all__ = ["CLUSTER_SCOPED", "ResId", "ResMap", "Resource"]

# kyaml's precomputed scope table (Kubernetes built-in schema): the cluster-scoped entries.
CLUSTER_SCOPED = frozenset(
    (api_version, kind)
    for api_versions, kind in (
        (
            "admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1",
            "MutatingWebhookConfiguration",
        ),
        (
            "admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1",
            "ValidatingWebhookConfiguration",
        ),
        # Not in kyaml's precomputed table; its built-in schema makes them cluster-scoped.
        ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"),
        ("apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
        ("apiregistration.k8s.io/v1 apiregistration.k8s.io/v1beta1", "APIService"),
        ("certificates.k8s.io/v1 certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
        ("networking.k8s.io/v1 networking.k8s.io/v1beta1", "IngressClass"),
        ("node.k8s.io/v1 node.k8s.io/v1beta1", "RuntimeClass"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("scheduling.k8s.io/v1 scheduling.k8s.io/v1beta1", "PriorityClass"),
        ("storage.k8s.io/v1 storage.k8s.io/v1beta1", "CSIDriver"),
        ("storage.k8s.io/v1 storage.k8s.io/v1beta1", "CSINode"),
        ("storage.k8s.io/v1 storage.k8s.io/v1beta1", "StorageClass"),
        ("storage.k8s.io/v1 storage.k8s.io/v1beta1", "VolumeAttachment"),
        ("v1", "ComponentStatus"),
        ("v1", "Namespace"),
        ("v1", "Node"),
        ("v1", "NodeProxyOptions"),
        ("v1", "PersistentVolume"),
    )
    for api_version in api_versions.split()
)


@dataclass(frozen=True, slots=True)
class ResId:
    group: str
    version: str
    kind: str
    name: str
    namespace: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> ResId:
        api_version = _str(data.get("apiVersion"))
        group, _, version = api_version.rpartition("/")
        meta = data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        return cls(
            group,
            version,
            _str(data.get("kind")),
            _name(meta.get("name")),
            _str(meta.get("namespace")),
        )

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def is_cluster_scoped(self) -> bool:
        """Known to be cluster-scoped: an exact apiVersion + kind in kyaml's table."""
        return (self.api_version, self.kind) in CLUSTER_SCOPED

    @property
    def effective_namespace(self) -> str | None:
        """kustomize's EffectiveNamespace: None when cluster-scoped, "default" for none."""
        if self.is_cluster_scoped:
            return None
        return self.namespace or "default"

    def is_selected_by(self, group: str, version: str, kind: str) -> bool:
        """kustomize's Gvk.IsSelected: empty selector fields match anything."""
        return (
            (not group or group == self.group)
            and (not version or version == self.version)
            and (not kind or kind == self.kind)
        )

    @property
    def key(self) -> tuple[str, str, str, str, str | None]:
        """Identity for duplicate detection (kustomize's ResId.Equals): namespace "" and
        "default" are the same, and a cluster-scoped kind's namespace is ignored."""
        return (self.group, self.version, self.kind, self.name, self.effective_namespace)

    @property
    def gvk(self) -> str:
        """kustomize's ``Kind.version.group`` with ``[noGrp]``-style placeholders."""
        return ".".join(
            (self.kind or "[noKind]", self.version or "[noVer]", self.group or "[noGrp]")
        )

    def __str__(self) -> str:
        return f"{self.gvk}/{self.name or '[noName]'}.{self.namespace or '[noNs]'}"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _name(value: Any) -> str:
    """A name's text: kustomize reads the YAML node's text, so ``name: 123`` is "123"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        from kustomize_py.fieldpath import go_text  # lazily: keeps emit out of light imports

        return go_text(value)
    return ""


@dataclass(slots=True)
class Resource:
    """One Kubernetes object: its data and the file it was read from."""

    data: dict[str, Any]
    origin: str
    previous_ids: list[ResId] = field(default_factory=list)
    # Set on generated resources whose name gets kustomize's content hash at the end of
    # the build (kustomize's needsHashSuffix build annotation).
    needs_hash: bool = False
    # Name prefixes and suffixes added so far, innermost first (kustomize's
    # internal.config.kubernetes.io/prefixes and /suffixes build annotations).
    prefixes: list[str] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=list)
    # Label/annotation values kustomize holds as one shared YAML node: (id(map), key) ->
    # every (map, key) sharing it (see transformers/labels.py).
    value_links: dict[tuple[int, str], list[tuple[dict[str, Any], str]]] = field(
        default_factory=dict
    )

    @property
    def id(self) -> ResId:
        return ResId.of(self.data)

    @property
    def original_id(self) -> ResId:
        """The id the resource had when it was loaded, before any transformer."""
        return self.previous_ids[0] if self.previous_ids else self.id

    def store_previous_id(self) -> None:
        """Record the current id before a transformer may change it (kustomize does this
        in the namespace and name transformers; name references follow these ids)."""
        self.previous_ids.append(self.id)

    @property
    def kind(self) -> str:
        return _str(self.data.get("kind"))

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        if not isinstance(meta, dict):
            meta = self.data["metadata"] = {}
        return meta


@dataclass(slots=True)
class ResMap:
    """Resources in accumulation order, unique by id when added; lookups are O(1).

    Transformers may change ids (a namespace, later a prefix); ``reindex`` refreshes
    the index afterwards. Like kustomize, only additions are checked for clashes.
    """

    _items: list[Resource] = field(default_factory=list)
    _index: dict[tuple[str, str, str, str, str | None], Resource] = field(default_factory=dict)

    def append(self, res: Resource) -> None:
        rid = res.id
        if rid.key in self._index:
            raise ConflictError(
                f"may not add resource with an already registered id: {rid}", res.origin
            )
        self._index[rid.key] = res
        self._items.append(res)

    def extend(self, resources: ResMap | list[Resource]) -> None:
        for res in resources:
            self.append(res)

    def reindex(self) -> None:
        """Rebuild the index after transformers changed ids."""
        self._index = {}
        for res in self._items:
            self._index.setdefault(res.id.key, res)

    def get(self, rid: ResId) -> Resource | None:
        return self._index.get(rid.key)

    def replace_all(self, resources: list[Resource]) -> None:
        self._items = list(resources)
        self.reindex()

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
