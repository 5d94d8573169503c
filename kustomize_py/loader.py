"""Reading kustomizations and resource files from disk: the only module that does.

It finds the kustomization file in a directory, enforces the load restrictor
(by default every file read must resolve, symlinks included, inside the
kustomization's root), detects cycles between kustomization directories, and
turns resource files into :class:`Resource` objects.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kustomize_py.errors import LoadError, ParseError
from kustomize_py.model import Kustomization, decode_kustomization
from kustomize_py.resource import Resource
from kustomize_py.yaml_load import (
    EmptyValuedMap,
    load_kustomization_data,
    load_resource_documents,
)

__all__ = ["KUSTOMIZATION_FILE_NAMES", "Loader", "Root"]

KUSTOMIZATION_FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# What kustomize would fetch: URLs (http, https, ssh, file, git, "git::" forcing),
# scp-like git addresses, and the bare hosting-site forms its repo specs accept.
_REMOTE = re.compile(
    r"^(?:git::|[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:|github\.com/|gitlab\.com/|bitbucket\.org/)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Root:
    """A kustomization directory being built, and the file that defines it."""

    directory: Path  # absolute, symlinks resolved
    kustomization: Kustomization
    text: str  # the kustomization file's text, for locating errors

    @property
    def file(self) -> str:
        return self.kustomization.path

    @property
    def name(self) -> str:
        """The kustomization file's name (``kustomization.yaml``, ``Kustomization``...)."""
        return os.path.basename(self.kustomization.path)

    def line_of(self, entry: str) -> int | None:
        """The line on which a list entry (a resource path…) is written, if found.

        A block-list item ``- entry`` (quoted or not) is preferred; otherwise the first
        line holding the text (a flow list), so that ``c`` is not found in ``resources:``.
        """
        lines = [line.split(" #", 1)[0].rstrip() for line in self.text.splitlines()]
        for number, line in enumerate(lines, 1):
            item = line.lstrip()
            if item.startswith("-") and item[1:].strip().strip("'\"") == entry:
                return number
        if entry:
            for number, line in enumerate(lines, 1):
                if entry in line:
                    return number
        return None


def display(path: Path | str) -> str:
    """A path as users typed it: relative to the working directory when below it,
    else absolute (never a climb of ``../..`` from wherever the command ran)."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


class Loader:
    """Reads files under a load restrictor; ``restrict_to_root`` is kustomize's default."""

    def __init__(
        self,
        *,
        restrict_to_root: bool = True,
        overrides: Mapping[Path, Any] | None = None,
        cache: bool = False,
    ):
        self.restrict_to_root = restrict_to_root
        # In-memory kustomization data (the parsed YAML) that replaces what a directory's
        # kustomization file holds, keyed by resolved directory: how `argocd render` and
        # `edit set image`'s check apply overrides without touching any file.
        self.overrides = {Path(d).resolve(): data for d, data in (overrides or {}).items()}
        # With ``cache`` (batch rendering): kustomization files and resource files are
        # parsed once per path; every build gets fresh copies of the resource data.
        self._roots: dict[Path, Root] | None = {} if cache else None
        self._documents: dict[Path, list[Resource]] | None = {} if cache else None

    # -- kustomization files --------------------------------------------------------

    def load_root(self, directory: Path) -> Root:
        if self._roots is None:
            return self._load_root(directory)
        # A Root is frozen, and the same for every path to one real directory.
        key = directory.resolve()
        root = self._roots.get(key)
        if root is None:
            root = self._roots[key] = self._load_root(directory)
        return root

    def loaded_roots(self) -> list[Root]:
        """Every kustomization loaded so far (only with ``cache``; else empty)."""
        return list((self._roots or {}).values())

    def _load_root(self, directory: Path) -> Root:
        path = kustomization_file(directory)
        directory = path.parent
        text = self.read_text(path)
        if directory in self.overrides:
            data = self.overrides[directory]
        else:
            data = load_kustomization_data(text, display(path))
        return Root(directory, decode_kustomization(data, display(path), text), text)

    # -- files named by a kustomization ---------------------------------------------

    def resolve_file(self, root: Root, entry: str) -> Path | None:
        """The file ``entry`` names, checked against the restrictor; None if no file."""
        candidate = root.directory / entry
        if not candidate.is_file():
            return None
        if self.restrict_to_root:
            real = candidate.resolve()
            if not real.parent.is_relative_to(root.directory):
                raise LoadError(
                    f"security: file '{display(real)}' is not in or below "
                    f"'{display(root.directory)}' (the default load restrictor allows only "
                    "files under the kustomization's root; --load-restrictor "
                    "LoadRestrictionsNone lifts it)",
                    root.file,
                    root.line_of(entry),
                )
        return candidate

    def read_file(self, root: Root, entry: str, what: str) -> tuple[Path, str]:
        path = self.resolve_file(root, entry)
        if path is None:
            problem = "is a directory" if (root.directory / entry).is_dir() else "not found"
            raise LoadError(
                f"{what} '{entry}' {problem}: no such file '{display(root.directory / entry)}'",
                root.file,
                root.line_of(entry),
            )
        return path, self.read_text(path)

    def read_bytes(self, root: Root, entry: str, what: str) -> bytes:
        """The bytes of a file a kustomization names (a generator's ``files``/``envs``)."""
        if _REMOTE.match(entry):
            raise LoadError(
                f"{what} '{entry}' is remote: kustomize-py builds offline, from local files only",
                root.file,
                root.line_of(entry),
            )
        path = self.resolve_file(root, entry) if entry else None
        if path is None:
            candidate = root.directory / entry
            problem = "must resolve to a file" if candidate.is_dir() else "not found"
            raise LoadError(
                f"{what} '{entry}' {problem}: '{display(candidate)}'",
                root.file,
                root.line_of(entry),
            )
        try:
            return path.read_bytes()
        except OSError as err:
            raise LoadError(err.strerror or str(err), display(path)) from None

    def resolve_directory(
        self, root: Root, entry: str, stack: tuple[Path, ...], what: str = "resource"
    ) -> Path:
        """The kustomization directory ``entry`` names; refuses remote URLs and cycles.

        ``what`` names the field in messages ("resource", "component", ...)."""

        def fail(message: str) -> LoadError:
            return LoadError(message, root.file, root.line_of(entry))

        if _REMOTE.match(entry):
            raise fail(
                f"remote {what} '{entry}' is not supported: kustomize-py builds "
                "offline, from local files only"
            )
        if not entry.strip():
            raise fail("empty resource entry")
        if os.path.isabs(entry):
            raise fail(
                f"{what} '{entry}': a kustomization directory must be given as a relative path"
            )
        candidate = root.directory / entry
        if not candidate.exists():
            raise fail(
                f"{what} '{entry}' not found: no such file or directory '{display(candidate)}'"
            )
        if not candidate.is_dir():
            raise fail(f"{what} '{entry}' is neither a resource file nor a kustomization directory")
        real = candidate.resolve()
        inside = str(real).rstrip(os.sep) + os.sep  # string tests: pathlib's are slow here
        for visited in stack:
            if visited == real or str(visited).startswith(inside):
                raise fail(
                    f"cycle detected: '{entry}' ({display(real)}) contains "
                    f"'{display(visited)}', which is already being built"
                )
        if not any((real / n).is_file() for n in KUSTOMIZATION_FILE_NAMES):
            raise fail(
                f"{what} '{entry}' is a directory without a kustomization "
                "file (kustomization.yaml, kustomization.yml or Kustomization)"
            )
        return real

    def load_resources(self, path: Path) -> list[Resource]:
        """The resources in the file at ``path`` (a path ``resolve_file`` returned)."""
        if self._documents is None:
            return resources_from_text(self.read_text(path), display(path))
        cached = self._documents.get(path)
        if cached is None:
            cached = self._documents[path] = resources_from_text(
                self.read_text(path), display(path)
            )
        # Transformers mutate resources in place: hand out copies, keep the parse pristine.
        return [Resource(_copy_tree(res.data), res.origin) for res in cached]

    @staticmethod
    def read_text(path: Path) -> str:
        try:
            return path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            raise ParseError(
                f"not UTF-8 text ({err.reason} at byte {err.start})", display(path)
            ) from None
        except OSError as err:
            raise LoadError(err.strerror or str(err), display(path)) from None


def _copy_tree(node: Any) -> Any:
    """A copy of loaded YAML data: a tree of dicts and lists (the loader expands aliases,
    so nothing is shared) over immutable scalars. Much faster than ``copy.deepcopy``."""
    if type(node) is dict:
        return {key: _copy_tree(value) for key, value in node.items()}
    if isinstance(node, EmptyValuedMap):
        copied = EmptyValuedMap((key, _copy_tree(value)) for key, value in node.items())
        copied.empty_keys = node.empty_keys
        return copied
    if type(node) is list:
        return [_copy_tree(item) for item in node]
    return node


def kustomization_file(directory: Path) -> Path:
    """The kustomization file of ``directory`` (resolved), under one of kustomize's names."""
    if not directory.exists():
        raise LoadError("no such directory", display(directory))
    if not directory.is_dir():
        raise LoadError("not a directory; kustomize builds a directory", display(directory))
    directory = directory.resolve()
    found = [directory / n for n in KUSTOMIZATION_FILE_NAMES if (directory / n).is_file()]
    if not found:
        raise LoadError(
            "no kustomization file: expected one of 'kustomization.yaml', "
            "'kustomization.yml' or 'Kustomization'",
            display(directory),
        )
    if len(found) > 1:
        names = ", ".join(f.name for f in found)
        raise LoadError(
            f"found multiple kustomization files ({names}); keep one", display(directory)
        )
    return found[0]


def resources_from_text(text: str, origin: str, *, patch: bool = False) -> list[Resource]:
    """Parse a resource file; the items of a ``...List`` follow the file's other documents
    (kustomize queues them, so a List inside a List is expanded in its turn) and empty
    items (null, ``{}``, ``[]``) are dropped."""
    documents = load_resource_documents(text, origin, patch=patch)
    for number, doc in enumerate(documents, 1):
        if not isinstance(doc, dict):
            raise ParseError(
                f"document {number} is not a Kubernetes object (missing Resource metadata)", origin
            )
    queue = deque((doc, f"document {number}") for number, doc in enumerate(documents, 1))
    if len(documents) == 1 and _wrapped(documents[0]):
        # kyaml's ByteReader unwraps a file holding only a List (or ResourceList).
        doc = documents[0]
        items = doc.get("items")
        if isinstance(items, dict) and items:
            raise ParseError("document 1: an item of the List is not a Kubernetes object", origin)
        listed = items if isinstance(items, list) else []
        queue = deque((item, f"an item of the {doc['kind']}") for item in listed)
    out: list[Resource] = []
    while queue:
        doc, what = queue.popleft()
        if doc is None or (isinstance(doc, dict | list) and not doc):
            continue  # an empty item (RNode.IsNilOrEmpty)
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if isinstance(kind, str) and kind.endswith("List") and "items" in doc:
            items = doc["items"]
            if items is not None and not isinstance(items, list):
                raise ParseError(
                    f"expected array in {kind}/items, but found {_go_type(items)}", origin
                )
            queue.extend((item, f"an item of the {kind} in {what}") for item in items or ())
            continue
        _check(doc, origin, what)
        out.append(Resource(doc, origin))
    return out


def _wrapped(doc: dict[str, Any]) -> bool:
    return doc.get("kind") in ("List", "ResourceList") and (
        "items" in doc or "functionConfig" in doc
    )


def _go_type(value: Any) -> str:
    """The Go type ``json.Unmarshal`` gives ``value`` (in kustomize's error text)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    return "string" if isinstance(value, str) else "map[string]interface {}"


def _check(doc: Any, origin: str, what: str) -> None:
    if not isinstance(doc, dict):
        raise ParseError(f"{what} is not a Kubernetes object", origin)
    kind = doc.get("kind")
    if not kind or not isinstance(kind, str):
        raise ParseError(f"{what} is missing kind", origin)
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    # A number or boolean is a name too (kustomize reads the node's text).
    if not kind.endswith("List") and (
        not name if isinstance(name, str) else not isinstance(name, int | float)
    ):
        raise ParseError(f"{what} ({kind}) is missing metadata.name", origin)
