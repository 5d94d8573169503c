"""kyaml's dotted field paths (``spec.template.spec.containers.[name=app].image``).

Used by replacements (and vars' ``fieldref``). A path splits at dots, except inside
``[...]`` and where a dot is escaped (``a\\.b``). A part is a map key, a list index
(``0``), a list entry selector (``[name=value]``, ``[=value]`` for scalars) or, in a
target, ``*`` (every element of a list).

Two walks, as in kyaml:

* ``lookup`` (``yaml.Lookup``, for sources): exact entry matches, at most one node.
* ``match`` (``yaml.PathMatcher``, for targets): entry values are unanchored Go regular
  expressions, ``*`` fans out, every matching node is returned; it can create what is
  missing.

A node is addressed by a slot, ``(container, key)``, so that callers can replace it.
Scalars keep the YAML typing that kyaml gives them: ``tagged`` turns a value's text into
the value a node with a given tag decodes to, like goyaml.v3 does at output.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kustomize_py.emit import format_float
from kustomize_py.goregex import translate
from kustomize_py.yaml_load import resolve_plain

__all__ = ["PathError", "Slot", "go_text", "lookup", "match", "split", "tag_of", "tagged"]

Slot = tuple[Any, Any]  # (dict or list, key or index)


class PathError(ValueError):
    """A path cannot be followed through a resource (kyaml's error)."""


@lru_cache(maxsize=1024)
def split(path: str) -> tuple[str, ...]:
    """kyaml's ``SmarterPathSplitter(path, ".")``."""
    parts: list[str] = []
    for piece in path.split("."):
        if parts and parts[-1].endswith("\\"):
            parts[-1] = parts[-1][:-1] + "." + piece
        else:
            parts.append(piece)
    out: list[str] = []
    i = 0
    while i < len(parts):
        elem = parts[i]
        if elem.startswith("[") and not elem.endswith("]"):
            bracketed = [elem]
            while i < len(parts) - 1:
                i += 1
                bracketed.append(parts[i])
                if parts[i].endswith("]"):
                    break
            joined = ".".join(bracketed)
            out.append(joined if "=" in joined else joined.strip("[]"))
        else:
            out.append(elem)
        i += 1
    return tuple(out)


# -- scalars: text and tags ---------------------------------------------------------------


def tag_of(value: Any) -> str:
    if value is None:
        return "!!null"
    if isinstance(value, bool):
        return "!!bool"
    if isinstance(value, int):
        return "!!int"
    if isinstance(value, float):
        return "!!float"
    if isinstance(value, str):
        return "!!str"
    return "!!seq" if isinstance(value, list) else "!!map"


def go_text(value: Any) -> str:
    """A scalar's node text (goyaml's ``Node.Value``); "" for maps and lists."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    return str(value)


def tagged(text: str, tag: str) -> Any:
    """What a scalar node with ``tag`` ("" = none) and ``text`` decodes to (goyaml.v3)."""
    rtag, value = resolve_plain(text, v2=False)
    if tag in ("", rtag):
        return value
    if tag == "!!str":
        return text
    if tag == "!!float" and rtag == "!!int":
        return float(value)
    raise PathError(f"cannot decode {rtag} `{text}` as a {tag}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "MappingNode"
    if isinstance(value, list):
        return "SequenceNode"
    return "ScalarNode"


def _wrong_kind(value: Any, expected: str) -> PathError:
    return PathError(f"wrong node kind: expected {expected} but got {_kind(value)}")


def _entry(part: str) -> tuple[str, str]:
    inner = part.removesuffix("]").removeprefix("[")
    if "=" not in inner:
        raise PathError("list path element must contain fieldName=fieldValue for element to match")
    name, _, value = inner.partition("=")
    return name, value


def _is_list_index(part: str) -> bool:
    return part.startswith("[") and part.endswith("]")


def _atoi(part: str) -> int | None:
    return int(part) if re.fullmatch(r"[+-]?[0-9]+", part) else None


# -- lookup (PathGetter) --------------------------------------------------------------


class Created:
    """A placeholder for a node ``match`` created: a scalar (with ``text``, untagged), map
    or list with no value yet. The caller replaces it."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str = ""):
        self.kind = kind
        self.text = text


def lookup(data: dict[str, Any], path: tuple[str, ...]) -> Slot | None:
    """The slot ``path`` designates (kyaml's ``Lookup``: exact entry matches), or None."""
    parts = [p.strip() for p in path if p.strip()]
    slot: Slot = ([data], 0)
    for part in parts:
        node = slot[0][slot[1]]
        idx = _atoi(part)
        if idx is not None:
            if idx < 0:
                raise PathError(f"array index {idx} cannot be negative")
            items = _elements(node)
            if idx >= len(items):
                return None
            slot = (node, idx)
        elif part == "-":
            items = _elements(node)
            if not items:
                return None
            slot = (node, len(items) - 1)
        elif _is_list_index(part):
            name, value = _entry(part)
            found = _find_entry(_elements(node), name, value)
            if found is None:
                return None
            slot = (node, found)
        else:
            if node is None:
                return None
            if not isinstance(node, dict):
                raise _wrong_kind(node, "MappingNode")
            if part not in node:
                return None
            slot = (node, part)
    return slot


def _elements(node: Any) -> list[Any]:
    if node is None:
        return []
    if not isinstance(node, list):
        raise _wrong_kind(node, "SequenceNode")
    return node


def _find_entry(items: list[Any], name: str, value: str) -> int | None:
    for i, item in enumerate(items):
        if not name:
            if not isinstance(item, dict | list) and item is not None and go_text(item) == value:
                return i
        elif (
            isinstance(item, dict)
            and not isinstance(item.get(name), dict | list)
            and name in item
            and go_text(item[name]) == value
        ):
            return i
    return None


# -- match (PathMatcher) --------------------------------------------------------------


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    translated = translate(pattern)
    if translated is None:
        raise PathError(f"error parsing regexp: {pattern!r}")
    return re.compile(translated)


def match(data: dict[str, Any], path: tuple[str, ...], create: str = "") -> list[Slot]:
    """Every slot ``path`` matches (kyaml's PathMatcher); [] if none.

    With ``create`` ("scalar", "map", "seq": the kind of the last part) missing fields,
    a list entry ``[name=value]`` that no element matches, and an index one past the
    end are created on the way; a created leaf holds a ``Created`` placeholder."""
    return _match(([data], 0), path, create)


def _part_kind(next_part: str | None, create: str) -> Any:
    if next_part is None:
        return Created(create)
    idx = _atoi(next_part)
    if _is_list_index(next_part) or (idx is not None and idx >= 0):
        return []
    return {}


def _match(slot: Slot, path: tuple[str, ...], create: str) -> list[Slot]:
    if not path:
        return [slot]
    node = slot[0][slot[1]]
    part, rest = path[0], path[1:]
    next_part = rest[0] if rest else None
    idx = _atoi(part)
    if idx is not None and idx >= 0:
        items = _elements(node)
        if create and idx == len(items):
            if node is None:
                node = slot[0][slot[1]] = items = []
            items.append(_part_kind(next_part, create))
        if idx >= len(items):
            raise PathError(f"index {idx} specified but only {len(items)} elements found")
        return _match((node, idx), rest, create)
    if _is_list_index(part):
        name, value = _entry(part)
        regex = _regex(value)
        out: list[Slot] = []
        for i, item in enumerate(_elements(node)):
            if not name:
                if regex.search(_scalar_string(item)):
                    out.append((node, i))
                continue
            if not isinstance(item, dict) or name not in item:
                continue
            if not regex.search(_scalar_string(item[name])):
                continue
            out.extend(_match((node, i), rest, create))
        if out or not create:
            return out
        if node is None:
            node = slot[0][slot[1]] = []
        if name:
            node.append({name: resolve_plain(value, v2=False)[1]})
        else:
            node.append(Created("scalar", value))
        return _match(slot, path, create)
    if part == "*":
        found: list[Slot] = []
        for i in range(len(_elements(node))):
            found.extend(_match((node, i), rest, create))
        return found
    if node is None:
        if not create:
            return []
        # kyaml sets the field on the null node, which still prints as null: the
        # value goes nowhere.
        node = {}
    if not isinstance(node, dict):
        raise _wrong_kind(node, "MappingNode")
    if part == "":
        raise _wrong_kind(node, "ScalarNode")  # kyaml's Get("") wants a scalar to compare
    if part not in node:
        if not create:
            return []
        node[part] = _part_kind(next_part, create)
    return _match((node, part), rest, create)


def _scalar_string(value: Any) -> str:
    """``RNode.String()`` trimmed, for the scalars list entries are matched against."""
    if isinstance(value, Created):
        return value.text.strip()
    if isinstance(value, dict | list):
        return ""
    return "null" if value is None else go_text(value).strip()
