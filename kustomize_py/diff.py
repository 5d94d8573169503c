"""Compare two renderings of the same tree, resource by resource and field by field.

Used by ``kustomize-py diff`` to show where our output and the real kustomize's
differ. Resources are matched by kind, namespace and name; field differences come
from deepdiff (imported only here, and only when the texts differ). Two outputs
that parse to the same data but differ in bytes (quoting, folding, order) are
reported as a text difference, since byte-for-byte identity is the contract.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Change", "DiffReport", "compare"]

ResourceKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Change:
    """One field that differs: ``kind`` is deepdiff's (values_changed, …_added, …)."""

    path: str
    kind: str
    theirs: Any = None
    ours: Any = None

    def describe(self, ours: str, theirs: str) -> str:
        if self.kind in ("values_changed", "type_changes"):
            return f"{self.path}: {theirs} {self.theirs!r}, {ours} {self.ours!r}"
        if "added" in self.kind:
            return f"{self.path}: only in {ours}" + (
                f" ({self.ours!r})" if self.ours is not None else ""
            )
        if "removed" in self.kind:
            return f"{self.path}: only in {theirs}" + (
                f" ({self.theirs!r})" if self.theirs is not None else ""
            )
        return f"{self.path}: {self.kind}"


@dataclass(frozen=True, slots=True)
class DiffReport:
    identical: bool
    only_ours: tuple[str, ...] = ()
    only_theirs: tuple[str, ...] = ()
    changed: dict[str, tuple[Change, ...]] = field(default_factory=dict)
    text_diff: tuple[str, ...] = ()

    def lines(self, ours: str = "kustomize-py", theirs: str = "kustomize") -> list[str]:
        if self.identical:
            return ["identical"]
        out = [f"only in {ours}: {name}" for name in self.only_ours]
        out += [f"only in {theirs}: {name}" for name in self.only_theirs]
        for name, changes in self.changed.items():
            out.append(f"{name}:")
            out += [f"  {change.describe(ours, theirs)}" for change in changes]
        if not out and self.text_diff:
            out.append("same resources and values, different bytes:")
            out += list(self.text_diff)
        return out


def _index(text: str) -> dict[ResourceKey, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[ResourceKey, Any] = {}
    for doc in yaml.load_all(text, Loader=loader):
        if not isinstance(doc, dict):
            continue
        meta = doc.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        key = (
            str(doc.get("kind", "")),
            str(meta.get("namespace") or ""),
            str(meta.get("name", "")),
        )
        out[key] = doc
    return out


def _name(key: ResourceKey) -> str:
    kind, namespace, name = key
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def _path(deepdiff_path: str) -> str:
    """``root['spec']['replicas']`` -> ``spec.replicas``; list indices stay ``[0]``."""
    out = deepdiff_path.removeprefix("root")
    out = out.replace("']['", ".").replace("['", ".").replace("']", "")
    return out.lstrip(".") or "(whole resource)"


def compare(ours: str, theirs: str) -> DiffReport:
    if ours == theirs:
        return DiffReport(identical=True)
    from deepdiff import DeepDiff

    mine, other = _index(ours), _index(theirs)
    changed: dict[str, tuple[Change, ...]] = {}
    for key in mine.keys() & other.keys():
        delta = DeepDiff(other[key], mine[key], verbose_level=2)
        changes = [
            _change(kind, _path(str(where)), detail)
            for kind, entries in delta.items()
            for where, detail in (
                entries.items() if isinstance(entries, dict) else ((e, None) for e in entries)
            )
        ]
        if changes:
            changed[_name(key)] = tuple(sorted(changes, key=lambda c: (c.path, c.kind)))
    text_diff = tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            theirs.splitlines(True), ours.splitlines(True), "theirs", "ours", n=1
        )
    )
    return DiffReport(
        identical=False,
        only_ours=tuple(sorted(_name(k) for k in mine.keys() - other.keys())),
        only_theirs=tuple(sorted(_name(k) for k in other.keys() - mine.keys())),
        changed=dict(sorted(changed.items())),
        text_diff=text_diff,
    )


def _change(kind: str, path: str, detail: Any) -> Change:
    if kind in ("values_changed", "type_changes") and isinstance(detail, dict):
        return Change(path, kind, detail.get("old_value"), detail.get("new_value"))
    if "added" in kind:
        return Change(path, kind, ours=detail)
    if "removed" in kind:
        return Change(path, kind, theirs=detail)
    return Change(path, kind)
