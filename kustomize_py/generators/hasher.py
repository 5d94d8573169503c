"""kustomize's content hash of a generated ConfigMap or Secret (``api/hasher``).

The hashed document is a small JSON object, encoded like Go's ``encoding/json``
(sorted keys, no spaces, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped):

* ConfigMap: ``kind``, ``name``, ``data`` and, when it is a map, ``binaryData``;
* Secret: ``kind``, ``name``, ``type``, ``data`` and, when it is a map, ``stringData``.

A missing field counts as ``""``. ``name`` is always ``""``: kustomize looks it up under
the literal key ``metadata/name``, which no object has, so renaming never changes the
hash. The sha256 hex digest's first ten characters, with ``0 1 3 a e`` mapped to
``g h k m t`` (no vowels, no look-alikes), are the hash.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

__all__ = ["HashError", "content_hash", "go_json"]

_ENCODE = str.maketrans("013ae", "ghkmt")
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


class HashError(ValueError):
    """A resource kustomize-py cannot hash as kustomize would."""


def content_hash(data: dict[str, Any]) -> str:
    """The 10-character hash kustomize appends to a generated resource's name."""
    kind = data.get("kind")
    if kind == "ConfigMap":
        doc: dict[str, Any] = {"kind": "ConfigMap", "name": "", "data": _field(data, "data")}
        if isinstance(data.get("binaryData"), dict):
            doc["binaryData"] = data["binaryData"]
    elif kind == "Secret":
        doc = {
            "kind": "Secret",
            "name": "",
            "type": _field(data, "type"),
            "data": _field(data, "data"),
        }
        if isinstance(data.get("stringData"), dict):
            doc["stringData"] = data["stringData"]
    else:
        # kustomize hashes other kinds by JSON-encoding its YAML node structure (styles,
        # line and column numbers included), which has no equivalent here.
        raise HashError(f"kustomize-py cannot compute kustomize's name hash of a {kind}")
    digest = hashlib.sha256(go_json(doc).encode("utf-8", "surrogateescape")).hexdigest()
    return digest[:10].translate(_ENCODE)


def _field(data: dict[str, Any], key: str) -> Any:
    """A field as kustomize's hasher reads it: a map, a scalar's text, or ``""``."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return None  # a sequence does not decode into the map it expects: null
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_json(value)
    return str(value)


def go_json(value: Any) -> str:
    """``value`` encoded as Go's ``json.Marshal`` encodes the same decoded JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{go_json(k)}:{go_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    return go_json(str(value))


def _go_float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise HashError(f"json: unsupported value: {value}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    from decimal import Decimal  # rare: only floats put into generated data by patches

    shortest = Decimal(repr(value)).normalize()
    if 1e-6 <= abs(value) < 1e21:
        return format(shortest, "f")
    text = format(shortest, "e").replace("E", "e")  # e.g. 1.5e-7, 1e+21
    mantissa, _, exponent = text.partition("e")
    sign, digits = exponent[0], exponent[1:].lstrip("0") or "0"
    return f"{mantissa}e{sign}{digits.zfill(2) if sign == '+' else digits}"
