"""The ``namespace:`` field (kustomize's NamespaceTransformer).

* ``metadata.namespace`` is set on every resource not known to be cluster-scoped;
  "known" means an exact apiVersion + kind in kustomize's built-in table below, so
  every custom resource gets a namespace.
* ``Namespace`` objects are renamed to the namespace.
* In RoleBindings and ClusterRoleBindings, subjects named ``default`` get the
  namespace (an existing one is overwritten).
* Further namespace fields come from field specs: APIService's service, a CRD's
  conversion webhook service, and any ``namespace:`` specs from ``configurations:``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def transform(
    resources: Iterable[Resource], namespace: str, field_specs: Sequence[FieldSpec]
) -> None:
    """Set ``namespace`` on ``resources`` in place."""
    if not namespace:
        return
    specs = [
        s
        for s in field_specs
        if s.path != "metadata/namespace"
        and not (s.kind in _ROLE_BINDINGS and s.path == "subjects")
    ]
    for res in resources:
        res.store_previous_id()
        if not res.id.is_cluster_scoped:
            res.metadata["namespace"] = namespace
        if res.kind in _ROLE_BINDINGS:
            _default_subjects(res, namespace)
        try:
            for spec in specs:
                for holder, key in find(res.data, spec):
                    holder[key] = namespace
        except FieldSpecError as err:
            raise TransformError(f"{err} (in {res.id})", res.origin) from None


def _default_subjects(res: Resource, namespace: str) -> None:
    subjects = res.data.get("subjects")
    if not isinstance(subjects, list):
        return
    for subject in subjects:
        if isinstance(subject, dict) and subject.get("name") == "default":
            subject["namespace"] = namespace
