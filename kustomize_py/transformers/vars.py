"""Deprecated ``vars:``: ``$(NAME)`` references replaced by a field of a resource.

kustomize's ResAccumulator (``MergeVars``/``ResolveVars``), ``api/filters/refvar`` and
the ``expansion`` package. Each kustomization binds its vars to resources when its own
build ends (``bind``): the one resource whose id (any of its ids) has the var's
group/version/kind/name (and namespace, if given or cluster-scoped) — more than one is
an error, none leaves the var unbound (an error only when vars are resolved). Var names
must be unique across the whole build. Once, at the top, after name references are
fixed, ``resolve`` reads each var's field (typed: a number stays a number when it is a
whole field) and expands ``$(NAME)`` in the varReference fields; unknown names stay as
written and ``$$`` is an escaped ``$``. Without any var, nothing is expanded at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kustomize_py import fieldpath
from kustomize_py.errors import KustomizationError, TransformError
from kustomize_py.fieldpath import PathError
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.model import FieldSpec, Var
from kustomize_py.resource import ResId, Resource

__all__ = ["DEFAULT_FIELD_SPECS", "Bound", "bind", "expand", "merge", "resolve"]

log = logging.getLogger(__name__)


def _workload_specs(kind: str, pod: str, *, nfs: bool = True) -> list[FieldSpec]:
    paths = [
        f"{pod}/{containers}/{field}"
        for containers in ("containers", "initContainers")
        for field in ("args", "command", "env/value", "volumeMounts/mountPath")
    ]
    if nfs:
        paths.append(f"{pod}/volumes/nfs/server")
    return [FieldSpec(p, kind=kind) for p in paths]


# kustomize's api/konfig/builtinpluginconsts/varreference.go, in its order.
DEFAULT_FIELD_SPECS: tuple[FieldSpec, ...] = (
    *_workload_specs("CronJob", "spec/jobTemplate/spec/template/spec", nfs=False),
    # sic: the reference's CronJob nfs entry lacks the pod template's "spec" step
    FieldSpec("spec/jobTemplate/spec/template/volumes/nfs/server", kind="CronJob"),
    *_workload_specs("DaemonSet", "spec/template/spec"),
    *_workload_specs("Deployment", "spec/template/spec"),
    # the reference also expands vars in a Deployment's pod template annotations (only
    # there: not its labels, nor other workloads' templates)
    FieldSpec("spec/template/metadata/annotations", kind="Deployment"),
    FieldSpec("spec/rules/host", kind="Ingress"),
    FieldSpec("spec/tls/hosts", kind="Ingress"),
    FieldSpec("spec/tls/secretName", kind="Ingress"),
    *_workload_specs("Job", "spec/template/spec"),
    *_workload_specs("Pod", "spec"),
    *_workload_specs("ReplicaSet", "spec/template/spec"),
    FieldSpec("spec/ports/port", kind="Service"),
    FieldSpec("spec/ports/targetPort", kind="Service"),
    *_workload_specs("StatefulSet", "spec/template/spec", nfs=False),
    FieldSpec("spec/volumeClaimTemplates/spec/nfs/server", kind="StatefulSet"),
    FieldSpec("spec/nfs/server", kind="PersistentVolume"),
    FieldSpec("metadata/labels"),
    FieldSpec("metadata/annotations"),
)


@dataclass(frozen=True, slots=True)
class Bound:
    """A var and the resource it was bound to in its kustomization (None: no match),
    with that resource's id then (to find it again should the object be replaced)."""

    var: Var
    resource: Resource | None
    rid: ResId | None = None


def _describe(var: Var) -> str:
    gvk = ResId(var.group, var.version, var.kind, "", "").gvk
    return f"{{{var.name} {gvk} {{{var.field_path}}}}}"


def bind(
    bound: dict[str, Bound], resources: Iterable[Resource], new: Sequence[Var], where: str
) -> None:
    """Bind a kustomization's own ``vars`` to its resources and add them to ``bound``."""
    items = list(resources) if new else []
    for var in new:
        target = ResId(var.group, var.version, var.kind, var.ref_name, var.namespace)
        exact_ns = bool(var.namespace) or target.is_cluster_scoped
        matched = [
            res
            for res in items
            if any(_same(rid, target, exact_ns) for rid in (res.id, *res.previous_ids))
        ]
        if len(matched) > 1:
            raise KustomizationError(
                f"found {len(matched)} resId matches for var {_describe(var)} "
                "(unable to disambiguate)",
                where,
            )
        if var.name in bound:
            raise KustomizationError(f"var '{var.name}' already encountered", where)
        res = matched[0] if matched else None
        bound[var.name] = Bound(var, res, res.id if res is not None else None)


def _same(rid: ResId, target: ResId, exact_ns: bool) -> bool:
    if (rid.group, rid.version, rid.kind, rid.name) != (
        target.group,
        target.version,
        target.kind,
        target.name,
    ):
        return False
    return not exact_ns or rid.effective_namespace == target.effective_namespace


def merge(bound: dict[str, Bound], incoming: dict[str, Bound], where: str) -> None:
    """Add a sub-build's vars; a name already there is an error."""
    for name, entry in incoming.items():
        if name in bound:
            raise KustomizationError(f"var '{name}' already encountered", where)
        bound[name] = entry


_SLICE_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def _var_path(field_path: str) -> tuple[str, ...]:
    """kyaml's GetFieldValue path: ``SmarterPathSplitter`` at dots (``\\.`` escapes a dot,
    ``[a.b]`` is one key), then ``ports[0]`` is ``ports``, ``0``."""
    out: list[str] = []
    for part in fieldpath.split(field_path):
        m = _SLICE_INDEX.match(part) if part.endswith("]") else None
        if m is None:
            out.append(part)
            continue
        if m.group(1):
            out.append(m.group(1))
        out.append(m.group(2))
    return tuple(out)


def resolve(
    resources: Sequence[Resource],
    bound: dict[str, Bound],
    specs: Sequence[FieldSpec],
    where: str,
) -> None:
    """Expand ``$(NAME)`` in the ``specs`` fields of ``resources`` (kustomize's ResolveVars)."""
    if not bound:
        return
    present = {id(r) for r in resources}
    values: dict[str, Any] = {}
    for name in sorted(bound):
        var, res = bound[name].var, bound[name].resource
        if res is not None and id(res) not in present:
            res = _find_again(resources, bound[name].rid)
        if res is None:
            raise TransformError(
                f"var '{_describe(var)}' cannot be mapped to a field in the set of known resources",
                where,
            )
        try:
            slot = fieldpath.lookup(res.data, _var_path(var.field_path))
        except PathError:
            slot = None
        if slot is None:
            raise TransformError(
                f"field specified in var '{_describe(var)}' not found in corresponding resource",
                where,
            )
        values[name] = slot[0][slot[1]]
    counts: dict[str, int] = {}
    for res in resources:
        for spec in specs:
            try:
                for mapping, key in find(res.data, spec, create=False):
                    mapping[key] = _substitute(mapping[key], values, counts)
            except FieldSpecError as err:
                raise TransformError(
                    f"considering field '{spec.path}' of object {res.id}: {err}", res.origin
                ) from None
            except _InvalidValue as err:
                raise TransformError(str(err), res.origin) from None
    unused = [name for name in values if name not in counts]
    if unused:
        log.info("well-defined vars that were never replaced: %s", ",".join(unused))


def _find_again(resources: Sequence[Resource], rid: ResId | None) -> Resource | None:
    """The resource that had id ``rid`` (a transformer replaced the bound object)."""
    if rid is None:
        return None
    found = [r for r in resources if any(i.key == rid.key for i in (r.id, *r.previous_ids))]
    return found[0] if len(found) == 1 else None


class _InvalidValue(Exception):
    pass


def _substitute(value: Any, values: dict[str, Any], counts: dict[str, int]) -> Any:
    if isinstance(value, str):
        return expand(value, values, counts)
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                value[key] = expand(item, values, counts)
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise _InvalidValue("invalid value type expect a string")
            value[i] = expand(item, values, counts)
    return value


def _go_format(value: Any) -> str:
    """Go's ``fmt.Sprintf("%v", value)`` for the scalars a var can hold."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        text = repr(value)
        return re.sub(r"e([+-])?(\d)$", lambda m: f"e{m.group(1) or '+'}0{m.group(2)}", text)
    if value is None:
        return "<nil>"
    return fieldpath.go_text(value)


def expand(text: str, values: dict[str, Any], counts: dict[str, int]) -> Any:
    """The kubernetes ``expansion.Expand``, as kustomize's fork does it: a field that is
    exactly ``$(NAME)`` takes the var's value with its type."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    n = len(text)
    while cursor < n:
        if text[cursor] == "$" and cursor + 1 < n:
            out.append(text[checkpoint:cursor])
            nxt = text[cursor + 1]
            advance = 1
            if nxt == "$":
                out.append("$")
            elif nxt == "(":
                close = text.find(")", cursor + 2)
                if close < 0:
                    out.append("$(")
                else:
                    name = text[cursor + 2 : close]
                    advance = close - cursor
                    if name in values and not isinstance(values[name], dict | list):
                        counts[name] = counts.get(name, 0) + 1
                        mapped = values[name]
                        if text == f"$({name})":
                            return mapped
                        out.append(_go_format(mapped))
                    else:
                        out.append(f"$({name})")
            else:
                out.append("$" + nxt)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    out.append(text[checkpoint:])
    return "".join(out)
