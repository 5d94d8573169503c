"""``replicas`` (kustomize's ReplicaCountTransformer), one run per entry.

An entry applies to every resource that has, among its current and previous ids, one
named ``name`` whose group/version/kind a replicas field spec selects (by default
Deployment, StatefulSet, ReplicaSet, ReplicationController of any group). The count is
written at the spec's path as an integer (created when missing); kyaml keeps the old
scalar's style, so only a quoted string stays a (quoted) string. A map or list there is
an error, and so is an entry matching nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kustomize_py.errors import TransformError
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.model import FieldSpec, Replica
from kustomize_py.resource import ResId, Resource
from kustomize_py.yaml_load import StyledStr

__all__ = ["DEFAULT_FIELD_SPECS", "transform"]

DEFAULT_FIELD_SPECS = tuple(
    FieldSpec("spec/replicas", kind=kind, create=True)
    for kind in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")
)


def transform(
    resources: Iterable[Resource],
    replicas: Sequence[Replica],
    field_specs: Sequence[FieldSpec] = DEFAULT_FIELD_SPECS,
    *,
    where: str,
) -> None:
    """Apply each entry of ``replicas`` in place; ``where`` names the kustomization."""
    if not replicas:
        return
    # Every id a resource has had, by name: each entry looks up its name once, so the
    # cost is linear in the resources, whatever the number of entries.
    by_name: dict[str, list[tuple[Resource, tuple[ResId, ...]]]] = {}
    for res in resources:
        ids = (res.id, *res.previous_ids)
        for name in dict.fromkeys(i.name for i in ids):
            by_name.setdefault(name, []).append((res, ids))
    for entry in replicas:
        found = False
        for spec in field_specs:
            for res, ids in by_name.get(entry.name, ()):
                if not any(_matches(i, entry, spec) for i in ids):
                    continue
                found = True
                try:
                    for holder, key in find(res.data, spec):
                        old = holder[key]
                        if isinstance(old, (dict, list)):
                            raise FieldSpecError(
                                f"considering field '{spec.path}': wrong node kind: "
                                "expected ScalarNode but got "
                                + ("MappingNode" if isinstance(old, dict) else "SequenceNode")
                            )
                        quoted = isinstance(old, StyledStr)
                        holder[key] = str(entry.count) if quoted else entry.count
                except FieldSpecError as err:
                    raise TransformError(f"{err} (in {res.id})", res.origin) from None
        if not found:
            kinds = " ".join(ResId(s.group, s.version, s.kind, "", "").gvk for s in field_specs)
            raise TransformError(
                f"replicas: no resource named {entry.name!r} of the kinds [{kinds}]", where
            )


def _matches(rid: ResId, entry: Replica, spec: FieldSpec) -> bool:
    return rid.name == entry.name and rid.is_selected_by(spec.group, spec.version, spec.kind)
