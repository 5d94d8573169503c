"""Which images a build ships, where each one sits, and what set it (``kustomize-py images``).

:func:`images` builds a kustomization exactly as :func:`kustomize_py.build` does, with a
recorder set in the images transformer (``transformers.images.RECORDER``) that notes
every ``images:`` entry matching an image field, and then lists every image field of
the output. The fields are found the way the images transformer finds them, as data:

* every element of a ``containers`` or ``initContainers`` sequence at any depth (the
  transformer's legacy pass), plus ``ephemeralContainers`` (which kustomize does not
  rewrite but which a Pod can carry);
* the image field specs in force for the top-level build: kustomize's defaults (image
  volumes included) plus any added by ``configurations:`` files.

CustomResourceDefinitions are skipped, as the transformer skips them. A field that is
not a string (missing, a number) is not an image and is not listed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kustomize_py.api import LoadRestrictor, _documents, _loader, _resources
from kustomize_py.fieldspec import FieldSpecError, find
from kustomize_py.image import split
from kustomize_py.loader import Root
from kustomize_py.model import FieldSpec, Image, _line_of
from kustomize_py.resource import ResId, Resource
from kustomize_py.transformers import images as images_transformer
from kustomize_py.yaml_load import load_kustomization_data

__all__ = ["ImageRecord", "ImageRewrite", "images"]

# Container sequences found at any depth: the transformer's legacy pass, plus the one
# kind of container kustomize leaves alone but that still ships an image.
CONTAINER_KEYS = ("containers", "initContainers", "ephemeralContainers")
# What an image field belongs to, by the sequence holding its element.
ROLES = {
    "containers": "container",
    "initContainers": "initContainer",
    "ephemeralContainers": "ephemeralContainer",
    "volumes": "volume",
}

Path_ = tuple[str | int, ...]
_Element = tuple[dict[str, Any] | None, str | None]  # nearest list element, and its list's key
_Place = tuple[int, Path_, dict[str, Any] | None, str | None]  # order, path, *_Element


@dataclass(frozen=True, slots=True)
class ImageRewrite:
    """One ``images:`` entry that matched an image field, and what it made of it."""

    file: str  # the kustomization file holding the entry
    line: int | None  # the line of the entry's ``- name:`` item, when found
    entry: Image
    before: str
    after: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_json(self) -> dict[str, Any]:
        fields = {
            "name": self.entry.name,
            "newName": self.entry.new_name,
            "newTag": self.entry.new_tag,
            "digest": self.entry.digest,
            "tagSuffix": self.entry.tag_suffix,
        }
        return {
            "file": self.file,
            "line": self.line,
            "entry": {k: v for k, v in fields.items() if v},
            "from": self.before,
            "to": self.after,
        }


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """One image field of the rendered output."""

    resource: ResId  # the resource's final id
    container: str | None  # the container's (or image volume's) name
    role: str  # container, initContainer, ephemeralContainer, volume or other
    path: str  # the field, e.g. ``spec.template.spec.containers[0].image``
    image: str  # the final reference, as rendered
    source: str  # the file the resource was read from
    rewrites: tuple[ImageRewrite, ...]  # in the order applied (bases first)

    @property
    def set_by(self) -> ImageRewrite | None:
        """The last ``images:`` entry that matched this field, if any."""
        return self.rewrites[-1] if self.rewrites else None

    def to_json(self) -> dict[str, Any]:
        name, tag, digest = split(self.image)
        rid = self.resource
        return {
            "resource": {
                "apiVersion": rid.api_version,
                "kind": rid.kind,
                "namespace": rid.namespace or None,
                "name": rid.name,
            },
            "container": self.container,
            "role": self.role,
            "path": self.path,
            "image": self.image,
            "name": name,
            "tag": tag or None,
            "digest": digest or None,
            "source": self.source,
            "setBy": self.set_by.to_json() if self.set_by else None,
            "rewrites": [r.to_json() for r in self.rewrites],
        }


def images(
    path: str | Path, *, load_restrictor: LoadRestrictor | str = LoadRestrictor.ROOT_ONLY
) -> list[ImageRecord]:
    """Every image in the output of ``kustomize build path``, in output order.

    Each record names the resource, the container, the field, the final reference, the
    file the resource came from and the ``images:`` entries (file, line, entry) that
    rewrote it. Fails exactly when :func:`kustomize_py.build` fails.
    """
    loader = _loader(load_restrictor, cache=True)
    recorder = _Recorder()
    token = images_transformer.RECORDER.set(recorder)
    try:
        resources = _resources(path, load_restrictor, loader)
    finally:
        images_transformer.RECORDER.reset(token)
    _documents(resources)  # what kustomize cannot write fails here too, as in build()
    locate = _EntryLocator(loader.loaded_roots())
    specs = recorder.specs
    out: list[ImageRecord] = []
    for res in resources:
        if res.kind != "CustomResourceDefinition":
            out.extend(_records(res, specs, recorder, locate))
    return out


class _Recorder:
    """Collects the transformer's matches per image field (keyed by the holding map)."""

    def __init__(self) -> None:
        self.specs: tuple[FieldSpec, ...] = images_transformer.DEFAULT_FIELD_SPECS
        # (id(holder), key) -> (holder, matches); holding the map keeps its id unique
        self.events: dict[tuple[int, str], tuple[dict[str, Any], list[tuple[Image, str, str]]]] = {}

    def field_specs(self, specs: Sequence[FieldSpec]) -> None:
        self.specs = tuple(specs)  # the last call is the top-level build's, a superset

    def rewritten(
        self, holder: dict[str, Any], key: str, entry: Image, before: str, after: str
    ) -> None:
        slot = self.events.setdefault((id(holder), key), (holder, []))
        slot[1].append((entry, before, after))

    def matches(self, holder: dict[str, Any], key: str) -> list[tuple[Image, str, str]]:
        slot = self.events.get((id(holder), key))
        return slot[1] if slot is not None and slot[0] is holder else []


class _EntryLocator:
    """``images:`` entries (by identity) -> the kustomization file and line defining them."""

    def __init__(self, roots: list[Root]) -> None:
        self.owner = {
            id(entry): (root, i)
            for root in roots
            for i, entry in enumerate(root.kustomization.images)
        }
        self.lines: dict[tuple[int, int], int | None] = {}
        self.counts: dict[int, int] = {}

    def __call__(self, entry: Image) -> tuple[str, int | None]:
        found = self.owner.get(id(entry))
        if found is None:  # pragma: no cover - every entry comes from a loaded root
            return "", None
        root, index = found
        key = (id(root), index)
        if key not in self.lines:
            self.lines[key] = self._line(root, index)
        return root.file, self.lines[key]

    def _line(self, root: Root, index: int) -> int | None:
        # Entries are ``images`` then the deprecated ``imageTags``, concatenated.
        if id(root) not in self.counts:
            data = load_kustomization_data(root.text, root.file)
            items = next(
                (v for k, v in (data or {}).items() if str(k).casefold() == "images"), None
            )
            self.counts[id(root)] = len(items) if isinstance(items, list) else 0
        count = self.counts[id(root)]
        where: list[str | int] = (
            ["images", index] if index < count else ["imageTags", index - count]
        )
        return _line_of(root.text, where)


def _records(
    res: Resource,
    specs: Sequence[FieldSpec],
    recorder: _Recorder,
    locate: _EntryLocator,
) -> Iterator[ImageRecord]:
    walker = _Walker()
    walker.map(res.data, (), (None, None))
    maps, found = walker.maps, walker.found
    for spec in specs:
        try:
            found.extend(find(res.data, spec, create=False))
        except FieldSpecError:
            continue  # a resource of another shape: the transformer would have failed on it
    fields: dict[tuple[int, str], tuple[dict[str, Any], str]] = {}
    for holder, key in found:
        if isinstance(holder.get(key), str) and id(holder) in maps:
            fields.setdefault((id(holder), key), (holder, key))
    ordered = sorted(fields.values(), key=lambda f: (maps[id(f[0])][0], list(f[0]).index(f[1])))
    rid = res.id
    for holder, key in ordered:
        _, where, element, list_key = maps[id(holder)]
        name = element.get("name") if element is not None else None
        rewrites = []
        for entry, before, after in recorder.matches(holder, key):
            file, line = locate(entry)
            rewrites.append(ImageRewrite(file, line, entry, before, after))
        yield ImageRecord(
            resource=rid,
            container=name if isinstance(name, str) else None,
            role=ROLES.get(list_key or "", "other"),
            path=_dotted((*where, key)),
            image=holder[key],
            source=res.origin,
            rewrites=tuple(rewrites),
        )


class _Walker:
    """One pass over a resource: every map's position (document order), path and
    enclosing list element; and the container maps with an ``image`` (the legacy pass,
    at any depth)."""

    def __init__(self) -> None:
        self.maps: dict[int, _Place] = {}
        self.found: list[tuple[dict[str, Any], str]] = []

    def map(self, node: dict[str, Any], where: Path_, element: _Element) -> None:
        self.maps[id(node)] = (len(self.maps), where, *element)
        for key, value in node.items():
            if isinstance(value, dict):
                self.map(value, (*where, key), element)
            elif isinstance(value, list):
                self.seq(value, (*where, key), key, element)

    def seq(self, items: list[Any], where: Path_, key: str, element: _Element) -> None:
        containers = key in CONTAINER_KEYS
        for i, item in enumerate(items):
            if isinstance(item, dict):
                self.map(item, (*where, i), (item, key))
                if containers and "image" in item:
                    self.found.append((item, "image"))
            elif isinstance(item, list):
                self.seq(item, (*where, i), "", element)


def _dotted(where: Path_) -> str:
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else f".{step}" if out else str(step)
    return out
