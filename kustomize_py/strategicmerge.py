"""Strategic merge of a patch into a resource, as kustomize (kyaml ``merge2``) does it.

Both sides are plain data (dicts, lists, scalars; ``None`` is YAML null). The merge
walks the two trees together with the Kubernetes OpenAPI schema kustomize embeds
(``openapi_data``): a list whose schema declares a ``merge`` patch strategy is merged
element by element on its merge keys, every other list is replaced by the patch's.
Rules, each checked against the reference:

* a patch value replaces a scalar; ``null`` deletes the field (and a field that is
  ``null`` in the resource disappears whenever the patch reaches its map);
* the parts of the resource the patch does not mention are walked too: their merged
  lists are rebuilt (duplicate merge keys collapse, empty elements go);
* maps merge recursively; ``$patch: delete`` removes the map (or list element),
  ``$patch: replace`` replaces it with the rest of the patch map, ``$patch: merge``
  is the default; any other ``$patch`` value is an error;
* merged lists put the patch's elements first (in patch order, merged with the
  resource's element of the same keys), then the resource's other elements: kustomize
  merges with kyaml's "prepend" list direction;
* an element that is only ``{$patch: replace}`` (or ``delete``) directs a merged list
  the resource has: replaced by the patch's other elements (or removed); a list the
  resource lacks is added as written, directive element included;
* lists of scalars with a merge strategy (``finalizers``) are unions, patch first;
* a map, list and scalar never merge with each other: that is an error;
* kinds the schema does not know (custom resources) get no merge keys: every list is
  replaced. A nested map carrying its own ``apiVersion`` and ``kind`` of a known type
  is merged with that type's schema, as kyaml does.

kyaml knows no other directive: ``$setElementOrder/…``, ``$retainKeys`` and
``$deleteFromPrimitiveList/…`` are ordinary fields to it, and they are to us.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from kustomize_py.openapi_data import DEFINITIONS, RESOURCES
from kustomize_py.yaml_load import EmptyValuedMap, StyledStr

__all__ = ["BUILTIN", "MergeError", "SchemaTable", "build_table", "merge", "schema_for"]

# field -> (definition of the value or of the list items, merge keys or None)
Fields = Mapping[str, tuple[str | None, tuple[str, ...] | None]]


@dataclass(frozen=True, slots=True)
class SchemaTable:
    """What strategic merge reads from an OpenAPI schema: per definition, the fields that
    lead to merge lists; and the definition of each ``apiVersion|kind``."""

    definitions: Mapping[str, Fields]
    resources: Mapping[str, str]


BUILTIN: Final = SchemaTable(DEFINITIONS, RESOURCES)


def _ref_name(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return ref.split("#/definitions/", 1)[-1] if isinstance(ref, str) else None


def _flatten(definitions: Mapping[str, Any]) -> dict[str, Any]:
    """Name the inline object schemas (a property or list item with its own
    ``properties``) as definitions of their own, referenced like the others."""
    out: dict[str, Any] = {}

    def inline(schema: Any) -> bool:
        return (
            isinstance(schema, dict)
            and "$ref" not in schema
            and (
                isinstance(schema.get("properties"), dict)
                or isinstance(schema.get("additionalProperties"), dict)
            )
        )

    def visit(name: str, schema: dict[str, Any]) -> None:
        schema = dict(schema)
        props = dict(schema.get("properties") or {})
        for field, raw in props.items():
            if not isinstance(raw, dict):
                continue
            prop = dict(raw)
            if inline(prop):
                visit(f"{name}/{field}", prop)
                extensions = {k: v for k, v in prop.items() if k.startswith("x-")}
                prop = {**extensions, "$ref": f"#/definitions/{name}/{field}"}
            elif isinstance(prop.get("items"), dict) and inline(prop["items"]):
                visit(f"{name}/{field}[]", prop["items"])
                prop["items"] = {"$ref": f"#/definitions/{name}/{field}[]"}
            props[field] = prop
        if props:
            schema["properties"] = props
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and inline(extra):
            visit(f"{name}/*", extra)
            schema["additionalProperties"] = {"$ref": f"#/definitions/{name}/*"}
        out[name] = schema

    for name, schema in definitions.items():
        if isinstance(schema, dict):
            visit(name, schema)
    return out


def build_table(definitions: Mapping[str, Any], resources: Mapping[str, str]) -> SchemaTable:
    """Reduce OpenAPI ``definitions`` to a :class:`SchemaTable`: keep the definitions from
    which a list with a ``merge`` patch strategy is reachable (kyaml reads nothing else
    when merging); ``resources`` maps ``apiVersion|kind`` to a definition name."""
    definitions = _flatten(definitions)
    edges: dict[str, dict[str, tuple[str | None, tuple[str, ...] | None]]] = {}
    for name, schema in definitions.items():
        if not isinstance(schema, dict):
            continue
        props = dict(schema.get("properties") or {})
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            props["*"] = extra
        fields: dict[str, tuple[str | None, tuple[str, ...] | None]] = {}
        for field, prop in props.items():
            if not isinstance(prop, dict):
                continue
            keys: tuple[str, ...] | None = None
            child = _ref_name(prop)
            if prop.get("type") == "array":
                child = _ref_name(prop.get("items"))
                strategy = prop.get("x-kubernetes-patch-strategy")
                if isinstance(strategy, str) and "merge" in strategy.split(","):
                    mapkeys = prop.get("x-kubernetes-list-map-keys")
                    key = prop.get("x-kubernetes-patch-merge-key")
                    if isinstance(mapkeys, list) and mapkeys:
                        keys = tuple(str(k) for k in mapkeys)
                    else:
                        keys = (key,) if isinstance(key, str) and key else ()
                else:
                    child = None  # replaced wholesale: its items are never walked
            if child is not None or keys is not None:
                fields[field] = (child, keys)
        edges[name] = fields
    interesting: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, fields in edges.items():
            if name not in interesting and any(
                k is not None or c in interesting for c, k in fields.values()
            ):
                interesting.add(name)
                changed = True
    table = {
        name: {
            f: (c if c in interesting else None, k)
            for f, (c, k) in sorted(fields.items())
            if k is not None or c in interesting
        }
        for name, fields in sorted(edges.items())
        if name in interesting
    }
    kept = {key: d for key, d in sorted(resources.items()) if d in interesting}
    return SchemaTable(table, kept)


def table_from_openapi(document: Any) -> SchemaTable:
    """A custom schema (the ``openapi: path:`` file): its definitions, resources named by
    their ``x-kubernetes-group-version-kind`` extensions."""
    definitions = document.get("definitions") if isinstance(document, dict) else None
    if not isinstance(definitions, dict):
        return build_table({}, {})
    resources: dict[str, str] = {}
    for name, schema in definitions.items():
        gvks = schema.get("x-kubernetes-group-version-kind") if isinstance(schema, dict) else None
        for gvk in gvks if isinstance(gvks, list) else ():
            if not isinstance(gvk, dict):
                continue
            group, version, kind = (str(gvk.get(k) or "") for k in ("group", "version", "kind"))
            resources[f"{group}/{version}|{kind}" if group else f"{version}|{kind}"] = name
    return build_table(definitions, resources)


class MergeError(Exception):
    """The patch cannot be merged into the resource (kustomize fails the build too)."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
DIRECTIVE = "$patch"

# A schema is a definition name (None: unknown). Field lookups go through the table.
Schema = str | None


def schema_for(api_version: Any, kind: Any, t: SchemaTable = BUILTIN) -> Schema:
    """The definition of a built-in type, as kyaml's SchemaForResourceType finds it."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    if not api_version or not kind:
        return None
    return t.resources.get(f"{api_version}|{kind}")


# (id(map), key) -> every (map, key) holding the same YAML node (Resource.value_links)
_Links = Mapping[tuple[int, str], list[tuple[dict[str, Any], str]]]
_LINKS: ContextVar[_Links | None] = ContextVar("_LINKS", default=None)


def merge(dest: Any, patch: Any, table: SchemaTable = BUILTIN, links: _Links | None = None) -> Any:
    """Merge ``patch`` into ``dest`` (both consumed: pass copies); return the result.

    ``MISSING`` is returned when the patch deletes the whole object. ``table``: the
    schema's merge keys (kustomize's built-in schema unless an ``openapi:`` field says).
    ``links``: label values kustomize holds as one node in several maps; kyaml's merge
    overwrites that node in place, so a new value reaches every map sharing it.
    """
    token = _LINKS.set(links)
    try:
        result = _walk(dest, patch, None, table)
    finally:
        _LINKS.reset(token)
    return MISSING if result is MISSING or result is None else result


def _share(dest: dict[str, Any], key: str, value: Any) -> None:
    links = _LINKS.get()
    if not links or isinstance(value, dict | list):
        return
    for shared, shared_key in links.get((id(dest), key), ()):
        if shared is not dest and shared_key in shared:
            shared[shared_key] = value


def _is_null(value: Any) -> bool:
    return value is MISSING or value is None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "MappingNode"
    if isinstance(value, list):
        return "SequenceNode"
    return "ScalarNode"


def _walk(dest: Any, origin: Any, schema: Schema, t: SchemaTable) -> Any:
    if origin is MISSING:
        return _walk_untouched(dest, schema, t)
    schema = _schema(dest, origin, schema, t)
    first = next((v for v in (dest, origin) if not _is_null(v)), MISSING)
    if first is MISSING:
        return _walk_map(dest, origin, schema, t)
    kind = _kind(first)
    for value in (dest, origin):
        if not _is_null(value) and _kind(value) != kind:
            raise MergeError(
                f"wrong node kind: expected {kind} but got {_kind(value)}: "
                f"node contents:\n{_short(value)}"
            )
    if kind == "MappingNode":
        return _walk_map(dest, origin, schema, t)
    if kind == "SequenceNode":
        if schema is not None and _list_keys(schema) is not None:
            return _walk_associative(dest, origin, schema, t)
        return origin if origin is not MISSING else dest
    if origin is not MISSING and origin is not None and not _is_null(dest):
        # kyaml's FieldSetter gives the new value the existing field's style: over a
        # quoted or block string any value is a string; over a plain one it is plain.
        if isinstance(dest, StyledStr):
            return origin if isinstance(origin, StyledStr) else StyledStr(_scalar_text(origin))
        if isinstance(origin, StyledStr):
            return str(origin)
    return origin if origin is not MISSING else dest


def _walk_untouched(dest: Any, schema: Schema, t: SchemaTable) -> Any:
    """A part of the resource the patch does not mention: kyaml walks it all the same.

    Scalars, nulls and plain lists stay as they are, but every merged (associative) list
    in it is rebuilt like one the patch touches: elements sharing merge-key values
    collapse into one (the last of them, at the first one's place), and empty elements
    go. A map's fields written with no value (``key:``, not ``null``) are dropped.
    """
    if isinstance(dest, dict):
        return _walk_rest(dest, {}, _schema(dest, MISSING, schema, t), t)
    if isinstance(dest, list) and schema is not None and _list_keys(schema) is not None:
        return _walk_associative(dest, MISSING, schema, t)
    return dest


def _schema(dest: Any, origin: Any, schema: Schema, t: SchemaTable) -> Schema:
    """kyaml's GetSchema: the given one, else a built-in type named by the node itself."""
    if schema is not None:
        return schema
    for value in (dest, origin):
        if isinstance(value, dict) and "kind" in value and "apiVersion" in value:
            found = schema_for(value.get("apiVersion"), value.get("kind"), t)
            if found is not None:
                return found
    return None


# A list's schema is encoded as "[]" + (keys joined by NUL) + "|" + item definition.
def _field(schema: Schema, key: str, t: SchemaTable) -> Schema:
    if schema is None or schema.startswith("[]"):
        return None
    fields = t.definitions.get(schema)
    if not fields:
        return None
    entry = fields.get(key) or fields.get("*")
    if entry is None:
        return None
    child, keys = entry
    if keys is None:
        return child
    return "[]" + "\0".join(keys) + "|" + (child or "")


def _list_keys(schema: str) -> tuple[str, ...] | None:
    if not schema.startswith("[]"):
        return None
    joined = schema[2:].split("|", 1)[0]
    return tuple(joined.split("\0")) if joined else ()


def _items(schema: str) -> Schema:
    return schema.split("|", 1)[1] or None


def _directive(origin: Any) -> str:
    """Read and remove a map's ``$patch`` directive (kyaml's determineSmpDirective)."""
    if not isinstance(origin, dict) or DIRECTIVE not in origin:
        return "merge"
    value = origin[DIRECTIVE]
    text = _scalar_text(value) if not isinstance(value, dict | list) else ""
    if text in ("delete", "replace", "merge"):
        del origin[DIRECTIVE]
        return text
    raise MergeError(f"unknown patch strategy '{text}'")


def _list_directive(origin: Any) -> str:
    """kyaml's directive of a patch list: its first element holding ``$patch``, when
    that is all the element holds; such elements are then removed from the list."""
    if not isinstance(origin, list):
        return "merge"
    element = next((e for e in origin if isinstance(e, dict) and DIRECTIVE in e), None)
    if element is None or len(element) > 1:
        return "merge"
    value = element[DIRECTIVE]
    text = "" if isinstance(value, dict | list) else _scalar_text(value)
    if text not in ("delete", "replace", "merge"):
        raise MergeError(f"unknown patch strategy '{text}'")
    _set_element(origin, MISSING, [DIRECTIVE], [text])
    return text


def _walk_map(dest: Any, origin: Any, schema: Schema, t: SchemaTable) -> Any:
    if _is_null(dest):
        try:
            directive = _directive(origin)
        except MergeError:
            directive = "merge"
        if directive == "delete":
            return MISSING
        dest = origin
    elif origin is None:
        return MISSING
    else:
        directive = _directive(origin)
        if directive == "delete":
            return MISSING
        if directive == "replace":
            dest = origin
    if _is_null(dest):
        return dest
    if not isinstance(dest, dict):  # pragma: no cover - kinds checked by the caller
        return dest
    source = origin if isinstance(origin, dict) else {}
    for key in sorted(source, key=str):
        value = _walk(dest.get(key, MISSING), source[key], _field(schema, key, t), t)
        if _is_null(value):
            dest.pop(key, None)
        else:
            dest[key] = value
            _share(dest, key, value)
    return _walk_rest(dest, source, schema, t)


def _walk_rest(dest: dict[Any, Any], source: dict[Any, Any], schema: Schema, t: SchemaTable) -> Any:
    """The fields only the resource has: walked as untouched; one written empty goes."""
    if isinstance(dest, EmptyValuedMap):
        for key in dest.empty_keys:
            if key not in source and dest.get(key, MISSING) is None:
                del dest[key]
    for key, value in dest.items():
        if key not in source and isinstance(value, dict | list):
            dest[key] = _walk_untouched(value, _field(schema, key, t), t)
    return dest


# -- associative lists ------------------------------------------------------------


def _scalar_text(value: Any) -> str:
    """A scalar as the YAML node's text (what kyaml compares merge keys by)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        from kustomize_py.emit import format_float

        return format_float(value)
    return str(value)


def _field_matches(elem: dict[str, Any], key: str, value: str, *, any_value: bool) -> bool:
    """kyaml's FieldMatcher: the field exists and has that text; with ``any_value``
    (ElementSetter's matcher), an empty ``value`` matches any value of the field."""
    if key not in elem:
        return False
    if value == "" and any_value:
        return True
    found = elem[key]
    return not isinstance(found, dict | list) and _scalar_text(found) == value


def _find(seq: Any, keys: list[str], values: list[str]) -> Any:
    """kyaml's ElementMatcher: the first mapping element matching every key."""
    if not isinstance(seq, list):
        return MISSING
    if not keys or keys[0] == "":
        for item in seq:
            if not isinstance(item, dict | list) and _scalar_text(item) == values[0]:
                return item
        return MISSING
    for item in seq:
        if isinstance(item, dict) and all(
            _field_matches(item, k, v, any_value=False) for k, v in zip(keys, values, strict=True)
        ):
            return item
    return MISSING


def _set_element(seq: list[Any], element: Any, keys: list[str], values: list[str]) -> None:
    """kyaml's ElementSetter: replace the matching elements with ``element`` (delete them
    when it is MISSING), append it when none matched; null and empty elements go."""
    out: list[Any] = []
    matched = False
    for item in seq:
        if item is None or item == {}:
            continue
        if not isinstance(item, dict) and keys[0] != "":
            out.append(item)
            continue
        found, ok = True, False
        for j, key in enumerate(keys):
            if j < len(values):  # beyond the values, the previous key's result stands
                if key == "":
                    if isinstance(item, dict | list):
                        raise MergeError("wrong node kind: expected ScalarNode but got MappingNode")
                    ok = _scalar_text(item) == values[j]
                else:
                    ok = isinstance(item, dict) and _field_matches(
                        item, key, values[j], any_value=True
                    )
            if not ok:
                found = False
                break
        if not found:
            if values:
                out.append(item)
            continue
        matched = True
        if element is not MISSING:
            out.append(element)
    seq[:] = out
    if element is MISSING or element is None:
        return
    if not matched:
        seq.append(element)


def _valid_keys(
    rows: list[list[str]], row: list[str], keys: list[str]
) -> tuple[list[str], list[str]]:
    """kyaml's validateKeys: the keys some row gives a value for (all keys if none)."""
    used = {keys[i] for r in rows for i, v in enumerate(r) if v != ""}
    if not used:
        return keys, row
    return [k for k in keys if k in used], [
        v for i, v in enumerate(row) if v != "" or keys[i] in used
    ]


def _merge_rows(rows: list[list[str]]) -> list[list[str]]:
    """kyaml's mergeValues: rows that agree where both have a value become one."""
    for i in range(len(rows)):
        for j in range(len(rows)):
            merged = _match_rows(rows[i], rows[j])
            if merged is not None:
                rows[i] = merged
                rows[j] = merged
    return rows


def _match_rows(a: list[str], b: list[str]) -> list[str] | None:
    if len(a) != len(b):
        return None
    common, out = False, []
    for x, y in zip(a, b, strict=True):
        if x == y:
            common = True
            out.append(x)
        elif x and y:
            return None
        else:
            out.append(x or y)
    return out if common else None


def _row(item: Any, keys: tuple[str, ...]) -> list[str]:
    """kyaml's ElementValuesList for one element: each key's text, "" when absent."""
    out = []
    for key in keys:
        value = item.get(key) if isinstance(item, dict) else None
        empty = value is None or value in ({}, [], "")
        out.append("" if empty else _scalar_text(value))
    return out


def _walk_associative(dest: Any, origin: Any, schema: str, t: SchemaTable) -> Any:
    # VisitList for an associative list: a list the resource lacks is added as the
    # patch wrote it; otherwise a ``{$patch: ...}`` element directs the whole list.
    if _is_null(dest):
        dest = origin
    elif origin is None:
        return MISSING
    else:
        directive = _list_directive(origin)
        if directive == "delete":
            return MISSING
        if directive == "replace":
            dest = origin
    if not isinstance(dest, list):
        return dest
    keys = list(_list_keys(schema) or ())
    item_schema = _items(schema)
    sources = [s for s in (origin, dest) if isinstance(s, list)]  # patch first: prepend

    rows: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    if keys:
        for source in sources:
            for item in source:
                row = _row(item, tuple(keys))
                if tuple(row) not in seen:
                    seen.add(tuple(row))
                    rows.append(row)
    if not rows and not keys:  # a list of scalars with a merge strategy (finalizers)
        keys = [""]
        for source in sources:
            for item in source:
                text = "" if isinstance(item, dict | list) else _scalar_text(item)
                if (text,) not in seen:
                    seen.add((text,))
                    rows.append([text])
    if len(keys) > 1:
        rows = _merge_rows(rows)

    added: list[Any] = []
    valid_keys: list[str] = keys
    for row in rows:
        valid_keys, valid_values = _valid_keys(rows, row, keys)
        find_keys, find_values = _valid_keys([valid_values], valid_values, valid_keys)
        val = _walk(
            _find(dest, find_keys, find_values),
            _find(origin, find_keys, find_values),
            item_schema,
            t,
        )
        if _is_null(val) or val == {}:
            _set_element(dest, MISSING, valid_keys, valid_values)
            continue
        if isinstance(val, dict):
            for key, value in zip(valid_keys, valid_values, strict=True):
                if key not in val and value != "":
                    val[key] = value
        _set_element(added, val, valid_keys, valid_values)
    if rows:
        _append_list(added, dest, valid_keys)
        dest = added
    return dest


def _append_list(dst: list[Any], src: list[Any], keys: list[str]) -> None:
    """kyaml's appendListNode: the resource's elements after the patch's."""
    for elem in list(src):
        if keys[0] == "":
            _set_element(dst, elem, [""], [_scalar_text(elem)])
            continue
        found: list[str] = []
        for key in keys:
            value = elem.get(key) if isinstance(elem, dict) else None
            if value is None:
                dst.append(elem)
                continue
            found.append(_scalar_text(value))
        if len(keys) > 1:
            _set_element(dst, MISSING, keys, found)
        _set_element(dst, elem, keys, found)


def _short(value: Any) -> str:
    import json

    return json.dumps(value, default=str)[:200]
