"""``commonAnnotations`` (kustomize's AnnotationsTransformer).

The pairs go to ``metadata/annotations`` of every resource and to the pod-template
and job-template annotations of the workload kinds (created when missing); a
``configurations:`` file can add ``commonAnnotations`` specs. Values overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kustomize_py.model import FieldSpec
from kustomize_py.resource import Resource
from kustomize_py.transformers.labels import apply_pairs

__all__ = ["DEFAULT_FIELD_SPECS", "transform"]

_TEMPLATE = "spec/template/metadata/annotations"
DEFAULT_FIELD_SPECS = (
    FieldSpec("metadata/annotations", create=True),
    FieldSpec(_TEMPLATE, version="v1", kind="ReplicationController", create=True),
    FieldSpec(_TEMPLATE, kind="Deployment", create=True),
    FieldSpec(_TEMPLATE, kind="ReplicaSet", create=True),
    FieldSpec(_TEMPLATE, kind="DaemonSet", create=True),
    FieldSpec(_TEMPLATE, kind="StatefulSet", create=True),
    FieldSpec(_TEMPLATE, group="batch", kind="Job", create=True),
    FieldSpec("spec/jobTemplate/metadata/annotations", group="batch", kind="CronJob", create=True),
    FieldSpec(
        "spec/jobTemplate/spec/template/metadata/annotations",
        group="batch",
        kind="CronJob",
        create=True,
    ),
)


def transform(
    resources: Iterable[Resource],
    annotations: Sequence[tuple[str, str]],
    field_specs: Sequence[FieldSpec] = DEFAULT_FIELD_SPECS,
    *,
    where: str,
) -> None:
    """Set ``annotations`` on ``resources`` in place; ``where`` names the kustomization."""
    apply_pairs(resources, annotations, field_specs, "annotations", where=where)
