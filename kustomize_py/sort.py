"""kustomize's legacy resource order (its default when ``sortOptions`` is absent).

Kinds in ``orderFirst`` come first in that order, kinds in ``orderLast`` last, all
others in between; ties are broken by ``group_version_kind`` (``~G`` for the core
group, so core kinds of equal rank come after grouped ones; with the default lists
the core ``Namespace`` is the exception and comes first), then by the string
``Kind.version.group|namespace|name`` compared byte-wise. Ids are the final ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cmp_to_key

from kustomize_py.model import SortOptions
from kustomize_py.resource import Resource

__all__ = ["DEFAULT_ORDER_FIRST", "DEFAULT_ORDER_LAST", "legacy_sorted"]

DEFAULT_ORDER_FIRST = (
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
)
DEFAULT_ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")


def legacy_sorted(resources: Iterable[Resource], options: SortOptions | None) -> list[Resource]:
    defaults = options is None or options.order_first is None
    first = (
        DEFAULT_ORDER_FIRST
        if options is None or options.order_first is None
        else (options.order_first)
    )
    last = (
        DEFAULT_ORDER_LAST
        if options is None or options.order_last is None
        else (options.order_last)
    )
    rank: dict[str, int] = {}
    for i, kind in enumerate(first):
        rank[kind] = i - len(first)
    for i, kind in enumerate(last):
        rank[kind] = i + 1

    Key = tuple[int, str, bytes, bytes, Resource]

    def key(res: Resource) -> Key:
        rid = res.id
        gvk = f"{rid.group or '~G'}_{rid.version or '~V'}_{rid.kind or '~K'}"
        ident = f"{rid.gvk}|{rid.namespace or '~X'}|{rid.name or '~N'}"
        return rank.get(rid.kind, 0), rid.group, gvk.encode(), ident.encode(), res

    def compare(a: Key, b: Key) -> int:
        if a[0] != b[0]:
            return -1 if a[0] < b[0] else 1
        if a[2] != b[2]:
            less = a[2] < b[2]
            # With its default lists, kustomize puts the core-group Namespace before any
            # other Namespace kind; explicit legacySortOptions use the plain comparison.
            if defaults and a[4].kind == b[4].kind == "Namespace" and "" in (a[1], b[1]):
                less = not less
            return -1 if less else 1
        return (a[3] > b[3]) - (a[3] < b[3])

    keyed = sorted((key(r) for r in resources), key=cmp_to_key(compare))
    return [k[4] for k in keyed]
