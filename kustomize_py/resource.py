"""Resources, their ids, and the resource map (ordered, unique by id).

A resource is plain Python data (what the YAML loader produced) plus the file it
came from. Its id is kustomize's ResId: group, version, kind, name, namespace.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kustomize_py.errors import ConflictError

__all__ = ["ResId", "ResMap", "Resource"]


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
            _str(meta.get("name")),
            _str(meta.get("namespace")),
        )

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Identity for duplicate detection: namespace "" and "default" are the same."""
        ns = "" if self.namespace == "default" else self.namespace
        return (self.group, self.version, self.kind, self.name, ns)

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


@dataclass(slots=True)
class Resource:
    """One Kubernetes object: its data and the file it was read from."""

    data: dict[str, Any]
    origin: str

    @property
    def id(self) -> ResId:
        return ResId.of(self.data)

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
    _index: dict[tuple[str, str, str, str, str], Resource] = field(default_factory=dict)

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
