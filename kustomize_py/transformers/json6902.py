"""RFC 6902 JSON patches as kustomize applies them (evanphx/json-patch v4 semantics).

Kept apart from ``patches.py`` so that ``jsonpatch`` is imported only by builds that
apply a JSON patch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import jsonpatch
import jsonpointer

from kustomize_py.errors import TransformError
from kustomize_py.resource import Resource

__all__ = ["apply_operations"]


def apply_operations(
    doc: dict[str, Any], operations: Sequence[dict[str, Any]], res: Resource, origin: str
) -> dict[str, Any]:
    """RFC 6902 with evanphx/json-patch v4's quirks: ``replace`` of a missing object key
    adds it, ``copy`` from a missing object key copies null, ``test`` of a missing object
    key against null passes."""
    result: Any = doc
    for op in operations:
        step = dict(op)
        kind = step.get("op")
        if kind == "replace" and isinstance(step.get("path"), str):
            step = _replace_missing_as_add(result, step)
        if kind == "copy" and _missing_key(result, step.get("from")):
            step = {"op": "add", "path": step.get("path"), "value": None}
        if kind == "test" and step.get("value") is None and _missing_key(result, step.get("path")):
            continue
        try:
            result = jsonpatch.JsonPatch([step]).apply(result, in_place=True)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
            raise TransformError(
                f"applying JSON patch operation {json.dumps(op)} to {res.id}: {err}", origin
            ) from None
        except (TypeError, KeyError, ValueError, AttributeError) as err:
            raise TransformError(
                f"invalid JSON patch operation {json.dumps(op)}: {err}", origin
            ) from None
    if not isinstance(result, dict):
        raise TransformError(f"the JSON patch made {res.id} something else than an object", origin)
    _as_float64_numbers(result)
    if _blank(result.get("kind")):
        raise TransformError(f"the JSON patch left {res.id} without a kind", origin)
    meta = result.get("metadata")
    if not isinstance(meta, dict) or _blank(meta.get("name")):
        raise TransformError(f"the JSON patch left {res.id} without metadata.name", origin)
    return result


_EXACT = 2**53


def _as_float64_numbers(node: Any) -> None:
    """kustomize applies a JSON patch to the object's JSON and decodes the result with
    ``json.Unmarshal`` into ``interface{}``: every number becomes a float64 and comes back
    as encoding/json prints it. Integers beyond 2**53 lose digits (``12345678901234567890``
    becomes ``12345678901234567000``); from 1e21 on they print in exponent form."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, dict | list):
            _as_float64_numbers(value)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _EXACT:
            node[key] = _float64(value)


def _float64(value: int) -> int | float:
    number = float(value)
    if abs(number) >= 1e21:
        return number
    return int(Decimal(repr(number)))


def _blank(value: Any) -> bool:
    """No usable scalar (kustomize reads kind and name as strings)."""
    return value is None or value == "" or isinstance(value, dict | list)


def _missing_key(doc: Any, path: Any) -> bool:
    """``path`` names an absent key of an existing object."""
    if not isinstance(path, str):
        return False
    try:
        parent, last = jsonpointer.JsonPointer(path).to_last(doc)
    except jsonpointer.JsonPointerException:
        return False
    return isinstance(parent, dict) and last not in parent


def _replace_missing_as_add(doc: Any, op: dict[str, Any]) -> dict[str, Any]:
    try:
        pointer = jsonpointer.JsonPointer(op["path"])
        parent, last = pointer.to_last(doc)
    except jsonpointer.JsonPointerException:
        return op
    if isinstance(parent, dict) and last not in parent:
        return {**op, "op": "add"}
    return op
