"""The ``namespace:`` field (kustomize's NamespaceTransformer).

* ``metadata.namespace`` is set on every resource not known to be cluster-scoped;
  "known" means an exact apiVersion + kind in kustomize's built-in table below, so
  every custom resource gets a namespace.
* ``Namespace`` objects are renamed to the namespace, but only those of apiVersion ``v1``:
  kustomize drops every ``metadata/name`` field spec for any other apiVersion, so a
  custom-group (or ``v1beta1``) ``Namespace`` keeps its name and, being namespaced by
  kyaml's table, gets a ``metadata.namespace`` instead.
* In RoleBindings and ClusterRoleBindings, subjects named ``default`` get the
  namespace (an existing one is overwritten).
* Further namespace fields come from field specs: APIService's service, a CRD's
  conversion webhook service, and any ``namespace:`` specs from ``configurations:``.
* Two resources left with the same id (``default`` and no namespace being the same) are
  an error, e.g. two ``v1`` Namespaces both renamed to the namespace, or a ServiceAccount
  already in the namespace next to one moved into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kustomize_py.errors import TransformError
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.model import FieldSpec
from kustomize_py.resource import Resource

__all__ = ["DEFAULT_FIELD_SPECS", "transform"]

DEFAULT_FIELD_SPECS = (
    FieldSpec("metadata/name", kind="Namespace", create=True),
    FieldSpec(
        "spec/service/namespace", group="apiregistration.k8s.io", kind="APIService", create=True
    ),
    FieldSpec(
        "spec/conversion/webhook/clientConfig/service/namespace",
        group="apiextensions.k8s.io",
        kind="CustomResourceDefinition",
    ),
)

_ROLE_BINDINGS = frozenset(("RoleBinding", "ClusterRoleBinding"))
_NAME_PATH = "metadata/name"
_SUBJECTS_NAMESPACE_PATH = "subjects/namespace"
# kustomize applies metadata/name specs only to this apiVersion (the core Namespace).
_NAMESPACE_API_VERSION = "v1"


def transform(
    resources: Iterable[Resource],
    namespace: str,
    field_specs: Sequence[FieldSpec],
    *,
    unset_only: bool = False,
    subjects: str = "defaultOnly",
) -> None:
    """Set ``namespace`` on ``resources`` in place.

    The NamespaceTransformer plugin form adds two options: ``unset_only`` sets only
    namespace fields that are missing or empty, and ``subjects`` chooses which
    (Cluster)RoleBinding subjects get the namespace: ``defaultOnly`` (those named
    ``default``), ``allServiceAccounts`` (every ServiceAccount subject) or ``none``.
    """
    if not namespace:
        return
    specs = [
        s
        for s in field_specs
        if s.path != "metadata/namespace"
        # kustomize drops only the (Cluster)RoleBinding ``subjects/namespace`` specs (its
        # subjects hack covers them); a ``subjects`` spec stays and fails as non-scalar.
        and not (s.kind in _ROLE_BINDINGS and s.path == _SUBJECTS_NAMESPACE_PATH)
    ]
    other_specs = [s for s in specs if s.path != _NAME_PATH]
    resources = list(resources)
    for res in resources:
        res.store_previous_id()
        if not res.id.is_cluster_scoped:
            _set(res.metadata, "namespace", namespace, unset_only)
        if res.kind in _ROLE_BINDINGS:
            _subjects(res, namespace, subjects, unset_only)
        try:
            for spec in specs if res.id.api_version == _NAMESPACE_API_VERSION else other_specs:
                for holder, key in find(res.data, spec):
                    _check_scalar(res, spec, holder.get(key))
                    _set(holder, key, namespace, unset_only)
        except FieldSpecError as err:
            raise TransformError(f"{err} (in {res.id})", res.origin) from None
    _check_conflicts(resources)


def _check_conflicts(resources: Sequence[Resource]) -> None:
    """kustomize's "namespace transformation produces ID conflict" (ResId.Equals: same
    group/version/kind/name and effective namespace)."""
    seen: dict[tuple[str, str, str, str, str | None], Resource] = {}
    for res in resources:
        rid = res.id
        if (first := seen.setdefault(rid.key, res)) is not res:
            raise TransformError(
                f"namespace transformation produces ID conflict: {first.id} and {rid}",
                res.origin,
            )


def _check_scalar(res: Resource, spec: FieldSpec, value: Any) -> None:
    """kustomize only sets a namespace on scalar (or missing/null) fields."""
    if isinstance(value, (dict, list)):
        kind = "MappingNode" if isinstance(value, dict) else "SequenceNode"
        raise TransformError(
            "namespace field specs must target scalar nodes: considering field "
            f"'{spec.path}' of object {res.id}: wrong node kind: expected ScalarNode "
            f"but got {kind}",
            res.origin,
        )


def _set(holder: dict[str, Any], key: str, namespace: str, unset_only: bool) -> None:
    if not unset_only or holder.get(key) in (None, ""):
        holder[key] = namespace


def _subjects(res: Resource, namespace: str, mode: str, unset_only: bool) -> None:
    subjects = res.data.get("subjects")
    if not isinstance(subjects, list) or mode == "none":
        return
    for subject in subjects:
        if not isinstance(subject, dict):
            continue
        if mode == "allServiceAccounts":
            selected = subject.get("kind") == "ServiceAccount"
        else:
            selected = subject.get("name") == "default"
        if selected:
            _set(subject, "namespace", namespace, unset_only)
