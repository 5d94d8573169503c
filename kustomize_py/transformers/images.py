"""The ``images:`` field (kustomize's ImageTagTransformer).

Each entry runs two passes over every resource except CustomResourceDefinitions:

* the legacy pass rewrites ``image`` in every element of any ``containers`` or
  ``initContainers`` sequence, at any depth, in any kind;
* the field-spec pass rewrites the fields the image field specs designate (the
  defaults below plus ``images:`` specs from ``configurations:`` files).

A container inside a pod template is visited by both passes, so a non-idempotent
entry (``tagSuffix``) applies twice there, exactly as in kustomize. Entries run in
list order, each over the result of the previous one.

The passes commute per location, so each resource is walked once and every entry is
applied to each image string as many times as kustomize would visit it.

Provenance: while a :class:`Recorder` is set in ``RECORDER`` (``kustomize_py.inventory``
does), each entry that matches an image field is reported to it. Without one the
cost is a single context-variable lookup per call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from typing import Any, Protocol

from kustomize_py.errors import TransformError
from kustomize_py.fieldpath import go_text
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.image import is_match, rewrite
from kustomize_py.model import FieldSpec, Image
from kustomize_py.resource import Resource

__all__ = ["DEFAULT_FIELD_SPECS", "RECORDER", "Recorder", "transform"]

DEFAULT_FIELD_SPECS = tuple(
    FieldSpec(path, create=True)
    for path in (
        "spec/containers[]/image",
        "spec/initContainers[]/image",
        "spec/volumes[]/image/reference",
        "spec/template/spec/containers[]/image",
        "spec/template/spec/initContainers[]/image",
        "spec/template/spec/volumes[]/image/reference",
        "spec/jobTemplate/spec/template/spec/volumes[]/image/reference",
    )
)
_CONTAINER_KEYS = frozenset(("containers", "initContainers"))


class Recorder(Protocol):
    """Receives what the transformer does (see ``kustomize_py.inventory``)."""

    def field_specs(self, specs: Sequence[FieldSpec]) -> None:
        """The image field specs in force for this call (a parent's include its bases')."""

    def rewritten(
        self, holder: dict[str, Any], key: str, entry: Image, before: str, after: str
    ) -> None:
        """``entry`` matched ``holder[key]`` (``before``) and left it ``after``."""


RECORDER: ContextVar[Recorder | None] = ContextVar("kustomize_py_images_recorder", default=None)


def transform(
    resources: Iterable[Resource], images: Sequence[Image], field_specs: Sequence[FieldSpec]
) -> None:
    """Apply ``images`` to ``resources`` in place."""
    recorder = RECORDER.get()
    if recorder is not None:
        recorder.field_specs(field_specs)
    if not images:
        return
    for res in resources:
        if res.kind == "CustomResourceDefinition":
            continue
        visits: dict[tuple[int, str], list[Any]] = {}
        try:
            for holder in _legacy_holders(res.data):
                _visit(visits, holder, "image")
            for spec in field_specs:
                for holder, key in find(res.data, spec, create=False):
                    _visit(visits, holder, key)
        except (FieldSpecError, _WrongKind) as err:
            raise TransformError(f"{err} (in {res.id})", res.origin) from None
        if recorder is not None:
            _apply_recorded(visits, images, recorder)
            continue
        for holder, key, count in visits.values():
            value = text = _image_text(holder[key])
            for entry in images:
                for _ in range(count):
                    value = rewrite(value, entry)
            if value != text:
                holder[key] = value


def _apply_recorded(
    visits: dict[tuple[int, str], list[Any]], images: Sequence[Image], recorder: Recorder
) -> None:
    """The same rewrites as ``transform``, reporting every entry that matched."""
    for holder, key, count in visits.values():
        value = text = _image_text(holder[key])
        for entry in images:
            before = value
            for _ in range(count):
                value = rewrite(value, entry)
            if is_match(before, entry.name):
                recorder.rewritten(holder, key, entry, before, value)
        if value != text:
            holder[key] = value


class _WrongKind(ValueError):
    pass


def _visit(visits: dict[tuple[int, str], list[Any]], holder: dict[str, Any], key: str) -> None:
    """Count one visit of ``holder[key]``, any scalar (kyaml reads a number, bool or null
    by its text: an ``image: 5`` matches the name ``5``)."""
    value = holder.get(key)
    if isinstance(value, dict | list):
        raise _WrongKind(
            f"wrong node kind: expected ScalarNode but got "
            f"{'MappingNode' if isinstance(value, dict) else 'SequenceNode'}"
            f" at {key!r}"
        )
    if key not in holder:
        return
    slot = visits.setdefault((id(holder), key), [holder, key, 0])
    slot[2] += 1


def _image_text(value: Any) -> str:
    """A scalar image value as its YAML text (kustomize matches ``image: 5`` as "5")."""
    return "null" if value is None else go_text(value)


def _legacy_holders(node: Any) -> Iterable[dict[str, Any]]:
    """Every container mapping with an ``image`` under ``containers``/``initContainers``."""
    if isinstance(node, list):
        for item in node:
            yield from _legacy_holders(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict | list):
                yield from _legacy_holders(value)
            if key in _CONTAINER_KEYS and isinstance(value, list):
                for container in value:
                    if not isinstance(container, dict):
                        raise _WrongKind(
                            f"wrong node kind: expected MappingNode but got a scalar "
                            f"({container!r}) in {key!r}"
                        )
                    if "image" in container:
                        yield container
