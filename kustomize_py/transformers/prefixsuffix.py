"""``namePrefix`` / ``nameSuffix`` (kustomize's PrefixTransformer and SuffixTransformer).

* The prefix pass runs first, then the suffix pass, each over every resource.
* Resources whose *original* kind is ``CustomResourceDefinition``, ``Namespace`` (any
  group) or ``APIService`` of group ``apiregistration.k8s.io`` are skipped entirely.
* Every field spec selected by the resource's original group/version/kind is applied:
  the affix is added to the string found there (a field a spec creates starts empty).
  For the ``metadata/name`` spec the resource also records the affix (name references
  later compare these records, see :mod:`namereference`) and, when the affix is not
  empty, its previous id.
* Layers compose outside-in: a base's ``b-`` then an overlay's ``o-`` give ``o-b-web``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kustomize_py.errors import TransformError
from kustomize_py.fieldpath import go_text
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.model import FieldSpec
from kustomize_py.resource import Resource

__all__ = ["DEFAULT_PREFIX_SPECS", "DEFAULT_SUFFIX_SPECS", "SKIPPED", "transform"]

DEFAULT_PREFIX_SPECS = (FieldSpec("metadata/name"),)
DEFAULT_SUFFIX_SPECS = (FieldSpec("metadata/name"),)

# (group, kind) of the kinds kustomize never renames; "" matches any group.
SKIPPED = (
    ("", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("", "Namespace"),
)
_NAME_PATH = "metadata/name"


def transform(
    resources: Iterable[Resource],
    prefix: str,
    suffix: str,
    prefix_specs: Sequence[FieldSpec] = DEFAULT_PREFIX_SPECS,
    suffix_specs: Sequence[FieldSpec] = DEFAULT_SUFFIX_SPECS,
) -> None:
    """Add ``prefix`` and ``suffix`` to the names of ``resources`` in place."""
    resources = list(resources)
    if prefix:
        add_affix(resources, prefix, prefix_specs, is_prefix=True)
    if suffix:
        add_affix(resources, suffix, suffix_specs, is_prefix=False)


def add_affix(
    resources: Iterable[Resource], affix: str, specs: Sequence[FieldSpec], *, is_prefix: bool
) -> None:
    """One PrefixTransformer (``is_prefix``) or SuffixTransformer run."""
    for res in resources:
        org = res.original_id
        if any(org.is_selected_by(group, "", kind) for group, kind in SKIPPED):
            continue
        for spec in specs:
            if not org.is_selected_by(spec.group, spec.version, spec.kind):
                continue
            if spec.path == _NAME_PATH and affix:
                (res.prefixes if is_prefix else res.suffixes).append(affix)
                res.store_previous_id()
            try:
                for holder, key in find(res.data, spec):
                    value = holder[key]
                    text = "" if value is None else value
                    if isinstance(text, int | float):  # kustomize affixes the node's text
                        text = go_text(text)
                    if not isinstance(text, str):
                        raise FieldSpecError(
                            f"expected a string at '{spec.path}', got {type(value).__name__}"
                        )
                    holder[key] = affix + text if is_prefix else text + affix
            except FieldSpecError as err:
                raise TransformError(f"{err} (in {res.id})", res.origin) from None
