"""kustomize's legacy resource order (its default when ``sortOptions`` is absent).

Kinds in ``orderFirst`` come first in that order, kinds in ``orderLast`` last, all
others in between; ties are broken by ``group_version_kind`` (``~G`` for the core
group, so core kinds of equal rank come after grouped ones; the core ``Namespace`` is
the exception and comes before other ``Namespace`` kinds), then by the string
``Kind.version.group|namespace|name`` compared byte-wise. Ids are the final ones.
The sort is Go's ``sort.Sort``, reproduced step by step: that exception makes the order
intransitive where ``Namespace`` shares its rank with other kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from kustomize_py.model import SortOptions
from kustomize_py.resource import Resource

__all__ = ["DEFAULT_ORDER_FIRST", "DEFAULT_ORDER_LAST", "go_sort", "legacy_sorted"]

T = TypeVar("T")

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

    def less(a: Key, b: Key) -> bool:
        if a[0] != b[0]:
            return a[0] < b[0]
        if a[2] != b[2]:
            # kustomize puts a core-group Namespace before any other Namespace kind by
            # reversing the comparison. Where Namespace shares its rank with other kinds
            # this order is not transitive, so the result is what Go's sort.Sort makes
            # of it: ``go_sort`` reproduces that algorithm.
            if a[4].kind == b[4].kind == "Namespace" and "" in (a[1], b[1]):
                return a[2] > b[2]
            return a[2] < b[2]
        return a[3] < b[3]

    keyed = [key(r) for r in resources]
    go_sort(keyed, less)
    return [k[4] for k in keyed]


def go_sort(data: list[T], less: Callable[[T, T], bool]) -> None:
    """Go's ``sort.Sort`` (pattern-defeating quicksort, Go 1.19+) in place: the same
    comparisons and swaps, so an inconsistent ``less`` gives Go's order too."""
    n = len(data)
    if n > 1:
        _GoSorter(data, less).pdqsort(0, n, n.bit_length())


class _GoSorter(Generic[T]):
    def __init__(self, data: list[T], less: Callable[[T, T], bool]) -> None:
        self.data = data
        self.lt = less

    def less(self, i: int, j: int) -> bool:
        return self.lt(self.data[i], self.data[j])

    def swap(self, i: int, j: int) -> None:
        d = self.data
        d[i], d[j] = d[j], d[i]

    def insertion_sort(self, a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and self.less(j, j - 1):
                self.swap(j, j - 1)
                j -= 1

    def sift_down(self, lo: int, hi: int, first: int) -> None:
        root = lo
        while True:
            child = 2 * root + 1
            if child >= hi:
                return
            if child + 1 < hi and self.less(first + child, first + child + 1):
                child += 1
            if not self.less(first + root, first + child):
                return
            self.swap(first + root, first + child)
            root = child

    def heap_sort(self, a: int, b: int) -> None:
        first, lo, hi = a, 0, b - a
        for i in range((hi - 1) // 2, -1, -1):
            self.sift_down(i, hi, first)
        for i in range(hi - 1, -1, -1):
            self.swap(first, first + i)
            self.sift_down(lo, i, first)

    def pdqsort(self, a: int, b: int, limit: int) -> None:
        was_balanced = was_partitioned = True
        while True:
            length = b - a
            if length <= 12:
                self.insertion_sort(a, b)
                return
            if limit == 0:
                self.heap_sort(a, b)
                return
            if not was_balanced:
                self.break_patterns(a, b)
                limit -= 1
            pivot, hint = self.choose_pivot(a, b)
            if hint == _DECREASING:
                self.reverse_range(a, b)
                pivot = (b - 1) - (pivot - a)
                hint = _INCREASING
            if (
                was_balanced
                and was_partitioned
                and hint == _INCREASING
                and self.partial_insertion_sort(a, b)
            ):
                return
            if a > 0 and not self.less(a - 1, pivot):
                a = self.partition_equal(a, b, pivot)
                continue
            mid, was_partitioned = self.partition(a, b, pivot)
            left, right = mid - a, b - mid
            threshold = length // 8
            if left < right:
                was_balanced = left >= threshold
                self.pdqsort(a, mid, limit)
                a = mid + 1
            else:
                was_balanced = right >= threshold
                self.pdqsort(mid + 1, b, limit)
                b = mid

    def partition(self, a: int, b: int, pivot: int) -> tuple[int, bool]:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and self.less(i, a):
            i += 1
        while i <= j and not self.less(j, a):
            j -= 1
        if i > j:
            self.swap(j, a)
            return j, True
        self.swap(i, j)
        i += 1
        j -= 1
        while True:
            while i <= j and self.less(i, a):
                i += 1
            while i <= j and not self.less(j, a):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i += 1
            j -= 1
        self.swap(j, a)
        return j, False

    def partition_equal(self, a: int, b: int, pivot: int) -> int:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not self.less(a, i):
                i += 1
            while i <= j and self.less(a, j):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i += 1
            j -= 1
        return i

    def partial_insertion_sort(self, a: int, b: int) -> bool:
        i = a + 1
        for _ in range(5):
            while i < b and not self.less(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < 50:
                return False
            self.swap(i, i - 1)
            if i - a >= 2:
                for j in range(i - 1, 0, -1):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
            if b - i >= 2:
                for j in range(i + 1, b):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
        return False

    def break_patterns(self, a: int, b: int) -> None:
        length = b - a
        if length >= 8:
            state = length
            modulus = 1 << length.bit_length()
            idx = a + (length // 4) * 2 - 1
            for i in range(3):
                state ^= (state << 13) & _MASK64
                state ^= state >> 7
                state ^= (state << 17) & _MASK64
                other = state & (modulus - 1)
                if other >= length:
                    other -= length
                self.swap(idx - 1 + i, a + other)

    def choose_pivot(self, a: int, b: int) -> tuple[int, int]:
        length = b - a
        swaps = [0]
        i = a + length // 4 * 1
        j = a + length // 4 * 2
        k = a + length // 4 * 3
        if length >= 8:
            if length >= 50:
                i = self.median(i - 1, i, i + 1, swaps)
                j = self.median(j - 1, j, j + 1, swaps)
                k = self.median(k - 1, k, k + 1, swaps)
            j = self.median(i, j, k, swaps)
        if swaps[0] == 0:
            return j, _INCREASING
        if swaps[0] == 12:
            return j, _DECREASING
        return j, _UNKNOWN

    def median(self, a: int, b: int, c: int, swaps: list[int]) -> int:
        a, b = self.order2(a, b, swaps)
        b, c = self.order2(b, c, swaps)
        a, b = self.order2(a, b, swaps)
        return b

    def order2(self, a: int, b: int, swaps: list[int]) -> tuple[int, int]:
        if self.less(b, a):
            swaps[0] += 1
            return b, a
        return a, b

    def reverse_range(self, a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            self.swap(i, j)
            i += 1
            j -= 1


_UNKNOWN, _INCREASING, _DECREASING = 0, 1, 2
_MASK64 = (1 << 64) - 1
