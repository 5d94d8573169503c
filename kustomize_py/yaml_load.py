"""Parse YAML text into plain Python data, typed the way kustomize will print it.

Two readers, because kustomize uses two YAML libraries:

* Resource files go through kyaml (goyaml.v3) and, at output, through goyaml.v3's decoder
  into ``map[string]interface{}``. Plain scalars therefore get goyaml.v3 typing: only
  ``true``/``false`` (three spellings each) are booleans, ``yes``/``on``/``y`` stay strings,
  ``0755`` and ``0o755`` are octal, ``0x1F``/``0b101``/``1_000`` are ints, integers that fit
  neither int64 nor uint64 become floats, timestamps become the RFC 3339 text
  ``encoding/json`` writes for a ``time.Time``. ``.inf``/``.nan`` load as Python floats; the
  emitter refuses them, like kustomize (``json: unsupported value``).
* Kustomization files go through ``sigs.k8s.io/yaml.YAMLToJSON`` (goyaml.v2, YAML 1.1): there
  ``yes``/``no``/``on``/``off``/``y``/``n`` are booleans and dates stay strings.

Parsing itself uses PyYAML (libyaml when available) with every implicit resolver replaced
by a port of goyaml's ``resolve``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kustomize_py.errors import ParseError

__all__ = [
    "StyledStr",
    "go_parse_float",
    "go_parse_int",
    "go_timestamp",
    "kyaml_set_string",
    "load_kustomization_data",
    "load_resource_documents",
    "resolve_plain",
]

# -- goyaml scalar resolution ------------------------------------------------------------

_TAG_STR = "!!str"
_TAG_INT = "!!int"
_TAG_FLOAT = "!!float"
_TAG_BOOL = "!!bool"
_TAG_NULL = "!!null"
_TAG_TIMESTAMP = "!!timestamp"
_TAG_MERGE = "!!merge"

_COMMON_MAP: dict[str, tuple[str, Any]] = {
    **dict.fromkeys(("true", "True", "TRUE"), (_TAG_BOOL, True)),
    **dict.fromkeys(("false", "False", "FALSE"), (_TAG_BOOL, False)),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), (_TAG_NULL, None)),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), (_TAG_FLOAT, math.nan)),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), (_TAG_FLOAT, math.inf)),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), (_TAG_FLOAT, -math.inf)),
    "<<": (_TAG_MERGE, "<<"),
}
# goyaml.v2 (YAML 1.1) also knows the y/yes/on/n/no/off booleans.
_V2_MAP: dict[str, tuple[str, Any]] = {
    **_COMMON_MAP,
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), (_TAG_BOOL, True)),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), (_TAG_BOOL, False)),
}

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")
_INT_SYNTAX = re.compile(
    r"(?P<sign>[-+]?)(?:0[xX](?P<hex>[0-9a-fA-F]+)|0[bB](?P<bin>[01]+)|0[oO](?P<oct>[0-7]+)"
    r"|0(?P<loct>[0-7]*)|(?P<dec>[1-9][0-9]*))\Z"
)
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1


def go_parse_int(text: str, *, signed: bool = True, base: int = 0) -> int | None:
    """``strconv.ParseInt(text, base, 64)`` (or ``ParseUint`` when not ``signed``).

    Base 0 understands ``0x``/``0b``/``0o`` prefixes and a leading ``0`` for octal (the
    prefix needs at least one digit after it: ``0x`` alone is invalid). Returns None on a
    syntax or range error.
    """
    if base == 0:
        m = _INT_SYNTAX.match(text)
        if m is None or (m["sign"] and not signed):
            return None
        if m["hex"] is not None:
            value = int(m["hex"], 16)
        elif m["bin"] is not None:
            value = int(m["bin"], 2)
        elif m["oct"] is not None:
            value = int(m["oct"], 8)
        elif m["loct"] is not None:
            value = int(m["loct"] or "0", 8)
        else:
            value = int(m["dec"])
        sign = m["sign"]
    else:
        sign = text[:1] if text[:1] in ("+", "-") else ""
        if sign and not signed:
            return None
        digits = text[len(sign) :]
        allowed = "01" if base == 2 else "01234567"
        if not digits or any(c not in allowed for c in digits):
            return None
        value = int(digits, base)
    if sign == "-":
        value = -value
    if signed:
        return value if _INT64_MIN <= value <= _INT64_MAX else None
    return value if value <= _UINT64_MAX else None


def go_parse_float(text: str) -> float | None:
    """``strconv.ParseFloat`` for the decimal forms goyaml lets through; None on error.

    Overflow is an error (``1e400`` stays a string); underflow silently gives 0.
    """
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isinf(value) else value


_TS_FULL = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})"
    r"(?:[.,]([0-9]+))?(Z|[-+][0-9]{2}:[0-9]{2})?)?\Z"
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def go_timestamp(text: str) -> str | None:
    """goyaml's ``parseTimestamp`` followed by ``time.Time.MarshalJSON``.

    Accepted layouts (Go ``time.Parse``): ``2006-1-2T15:4:5.999999999Z07:00`` (also with a
    lower-case ``t``), ``2006-1-2 15:4:5.999999999`` (no zone: UTC) and ``2006-1-2``. Returns
    the RFC 3339 (nanosecond, trailing zeros trimmed) text, or None if ``text`` is no
    timestamp. Offsets of more than 24 hours are rejected, as by Go.
    """
    m = _TS_FULL.match(text)
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    sep, zone = m[4], m[9]
    if sep is not None and (sep == " ") == (zone is not None):
        return None  # the space layout has no zone; the T layouts require one
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1] + (month == 2 and leap):
        return None
    hour = minute = second = 0
    frac = ""
    if sep is not None:
        hour, minute, second = int(m[5]), int(m[6]), int(m[7])
        if hour >= 24 or minute >= 60 or second >= 60:
            return None
        frac = (m[8] or "")[:9].rstrip("0")
    suffix = "Z"
    if zone is not None and zone != "Z":
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 24 or zm > 60:
            return None
        if zh or zm:
            suffix = zone
    out = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    return out + (f".{frac}" if frac else "") + suffix


def resolve_plain(text: str, *, v2: bool) -> tuple[str, Any]:
    """goyaml's ``resolve("", text)`` for a plain (unquoted, untagged) scalar.

    Returns ``(tag, value)``. With ``v2`` the YAML 1.1 booleans are recognised; timestamps
    resolve to their RFC 3339 text (the caller decides whether to keep the original).
    """
    table = _V2_MAP if v2 else _COMMON_MAP
    hit = table.get(text)
    if hit is not None:
        return hit
    first = text[:1]
    if first == ".":
        if _DOT_FLOAT.match(text) and (f := go_parse_float(text)) is not None:
            return _TAG_FLOAT, f
        return _TAG_STR, text
    if not first or first not in "+-0123456789":
        return _TAG_STR, text
    if first.isdigit() and len(text) > 4 and text[4] == "-" and (ts := go_timestamp(text)):
        return _TAG_TIMESTAMP, ts
    plain = text.replace("_", "")
    if (i := go_parse_int(plain)) is not None or (
        i := go_parse_int(plain, signed=False)
    ) is not None:
        return _TAG_INT, i
    if _YAML_STYLE_FLOAT.match(plain) and (f := go_parse_float(plain)) is not None:
        return _TAG_FLOAT, f
    prefixes = (("0b", 2),) if v2 else (("0b", 2), ("0o", 8))
    for prefix, base in prefixes:
        if plain.startswith(prefix):
            rest = plain[2:]
            if (i := go_parse_int(rest, base=base)) is not None or (
                i := go_parse_int(rest, signed=False, base=base)
            ) is not None:
                return _TAG_INT, i
        elif plain.startswith("-" + prefix) and (
            (i := go_parse_int("-" + plain[3:], base=base)) is not None
        ):
            return _TAG_INT, i
    return _TAG_STR, text


class StyledStr(str):
    """A resource's string value written quoted or as a block scalar (not plain).

    kyaml keeps a scalar's style when a strategic merge patch replaces its value, so a
    patched-in ``2`` over a quoted ``"3"`` comes out as the string "2" (over a plain
    string such as ``25%`` it stays the int 2). Only the merge looks at this mark.
    """

    __slots__ = ()


def kyaml_set_string(value: str, *, block: bool = False) -> str:
    """A string as kyaml stores one it sets (FieldSetter): quoted when a YAML 1.1 reader
    would not take it for a string (``1``, ``yes``, ``~``, ``a: b``). ``block``: a
    multi-line value gets the literal style (kyaml's generated ConfigMap data)."""
    if "\n" in value:
        return StyledStr(value) if block else value
    if value == "":
        return value
    try:
        parsed = load_kustomization_data(value, "")
    except ParseError:
        return value
    return value if isinstance(parsed, str) else StyledStr(value)


# -- PyYAML plumbing ---------------------------------------------------------------------

_PLAIN = "!<plain>"  # marker tag our resolver gives to untagged plain scalars
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A loader that composes nodes only; typing is done by :func:`_convert`."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                return _PLAIN
            return "tag:yaml.org,2002:str"
        if kind is SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


_GO_PROBLEMS = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
}


def _parse_error(exc: yaml.YAMLError, path: str, text: str) -> ParseError:
    """goyaml's error text: ``yaml: line N: problem``.

    goyaml takes the context mark's line if it is not the first line, else the problem
    mark's; both are 0-based and only scanner errors add one (so parser errors name the
    line before the problem, as kustomize prints them).
    """
    problem = getattr(exc, "problem", None) or str(exc)
    if problem.startswith("found undefined alias"):
        mark = getattr(exc, "problem_mark", None)
        found = re.match(r"\*([^\s,\[\]{}]+)", text[mark.index :]) if mark is not None else None
        name = found[1] if found else ""
        return ParseError(f"yaml: unknown anchor '{name}' referenced", path, None)
    scanner = isinstance(exc, yaml.scanner.ScannerError)
    line = 0
    for mark in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)):
        if mark is not None and mark.line != 0:
            line = mark.line + (1 if scanner else 0)
            break
    problem = _GO_PROBLEMS.get(problem, problem)
    if line:
        return ParseError(f"yaml: line {line}: {problem}", path, line)
    return ParseError(f"yaml: {problem}", path, None)


def _compose_all(text: str, path: str) -> list[Node]:
    loader = _Loader(str(text))  # libyaml refuses str subclasses (a StyledStr patch text)
    try:
        nodes: list[Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
        return nodes
    except yaml.YAMLError as exc:
        raise _parse_error(exc, path, text) from None
    finally:
        loader.dispose()


# kyaml's ByteReader splits a resource file at lines starting with "---" (after turning
# CRLF into LF) and decodes only the first document of each piece.
_SEPARATOR = re.compile(r"\n---.*\n")


def _compose_pieces(text: str, path: str) -> list[Node]:
    """The first node of each ``---``-separated piece of ``text``, as kustomize reads a
    resource file: text after the first document of a piece (past a ``...`` or an inner
    ``--- #`` marker) is not read; a separator line with content other than a comment is
    an error; errors name lines of the piece."""
    text = text.replace("\r\n", "\n")
    pieces: list[str] = []
    start = 0
    for found in _SEPARATOR.finditer(text):
        rest = found.group()[4:].strip()
        if rest and not rest.startswith("#"):
            raise ParseError(f"invalid document separator: {found.group().strip()}", path)
        pieces.append(text[start : found.start()] + "\n")
        start = found.end()
    pieces.append(text[start:])
    nodes: list[Node] = []
    for piece in pieces:
        loader = _Loader(piece)
        try:
            if loader.check_node():
                node = loader.get_node()
                if node is not None:
                    nodes.append(node)
        except yaml.YAMLError as exc:
            raise _parse_error(exc, path, piece) from None
        finally:
            loader.dispose()
    return nodes


_SHORT = "tag:yaml.org,2002:"


def _tagged_scalar(node: ScalarNode, path: str, v2: bool) -> Any:
    """A scalar with an explicit tag (``!!str 123``, ``!!binary …``, ``!foo x``)."""
    tag, value = node.tag, node.value
    short = "!!" + tag[len(_SHORT) :] if tag.startswith(_SHORT) else tag
    if short == _TAG_STR or not short.startswith("!!"):
        return value
    if short == "!!binary":
        try:
            data = base64.b64decode(value.replace("\n", "").replace(" ", ""), validate=True)
        except (binascii.Error, ValueError):
            raise ParseError(
                "yaml: !!binary value contains invalid base64 data", path, node.start_mark.line + 1
            ) from None
        return data.decode("utf-8", errors="replace")
    rtag, out = resolve_plain(value, v2=v2)
    if short == _TAG_FLOAT and rtag == _TAG_INT:
        return float(out)
    if short == _TAG_TIMESTAMP and rtag == _TAG_TIMESTAMP:
        return out
    if rtag == short or short not in (_TAG_INT, _TAG_FLOAT, _TAG_BOOL, _TAG_NULL):
        return value if rtag == _TAG_STR else out
    raise ParseError(
        f"yaml: cannot decode {rtag} `{value}` as a {short}", path, node.start_mark.line + 1
    )


class EmptyValuedMap(dict[Any, Any]):
    """A mapping in which some fields were written with no value at all (``key:``).

    They load as ``None`` like ``key: null`` does, but kyaml keeps the difference: its
    strategic merge drops a field written empty (and keeps one written ``null`` or ``~``)
    when the patch does not mention it. ``empty_keys`` names those fields.
    """

    empty_keys: frozenset[Any]


class _Converter:
    """Turns composed nodes into plain data (aliases are expanded into fresh copies)."""

    def __init__(self, path: str, *, v2: bool) -> None:
        self.path = path
        self.v2 = v2
        self.active: set[int] = set()
        self.scalar: Callable[[str], Any] = self._plain_v2 if v2 else self._plain_v3
        # the metadata.annotations map of the current document (by node id)
        self.raw_text_maps: set[int] = set()

    def convert_resource(self, node: Node) -> Any:
        """Convert a resource document, with kustomize's treatment of its own metadata.

        kustomize reads and rewrites every resource's ``metadata.annotations`` as a
        string map, so each value comes out as the *text* it was written with (``1.0``
        stays "1.0", ``null`` becomes "null", a list or map becomes "").
        """
        annotations = _child(_child(node, "metadata"), "annotations")
        self.raw_text_maps = {id(annotations)} if isinstance(annotations, MappingNode) else set()
        return self.convert(node)

    @staticmethod
    def _plain_v3(text: str) -> Any:
        return resolve_plain(text, v2=False)[1]

    @staticmethod
    def _plain_v2(text: str) -> Any:
        tag, value = resolve_plain(text, v2=True)
        return text if tag == _TAG_TIMESTAMP else value

    def convert(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            value = self._scalar_value(node)
            if node.style and not self.v2 and isinstance(value, str):
                return StyledStr(value)
            return value
        key = id(node)
        if key in self.active:
            raise ParseError("yaml: anchor refers to itself", self.path, node.start_mark.line + 1)
        self.active.add(key)
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item) for item in node.value]
            assert isinstance(node, MappingNode)
            return self._mapping(node)
        finally:
            self.active.discard(key)

    def _scalar_value(self, node: ScalarNode) -> Any:
        if node.tag == _PLAIN:
            return self.scalar(node.value)
        if node.tag == "tag:yaml.org,2002:str":
            if node.style == ">" and not self.v2:
                return goyaml_folded_roundtrip(node.value)
            return node.value
        return _tagged_scalar(node, self.path, self.v2)

    def _key(self, node: Node) -> Any:
        if not isinstance(node, ScalarNode):
            raise ParseError(
                "yaml: invalid map key: a key must be a scalar", self.path, node.start_mark.line + 1
            )
        if not self.v2 and _is_empty_plain(node):
            return ""  # a key with no text (`&anchor :`) is the empty string in kustomize's output
        value = self._scalar_value(node)
        if self.v2 and not isinstance(value, str):
            return _json_key(value)
        return value

    def _mapping(self, node: MappingNode) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        merges: list[Node] = []
        empty: list[Any] = []
        for knode, vnode in node.value:
            if isinstance(knode, ScalarNode) and knode.tag == _PLAIN and knode.value == "<<":
                merges.append(vnode)
                continue
            key = self._key(knode)
            line = knode.start_mark.line + 1
            # goyaml.v3 compares the keys' text, not their values: "0" and "00" are
            # different keys there (and collapse into one key, the last, on output).
            text = knode.value
            if not self.v2 and text in seen:
                raise ParseError(
                    f'yaml: unmarshal errors:\n  line {line}: mapping key "{text}" '
                    f"already defined at line {seen[text]}",
                    self.path,
                    line,
                )
            seen.setdefault(text, line)
            if id(node) in self.raw_text_maps:
                out[key] = vnode.value if isinstance(vnode, ScalarNode) else ""
            elif node.flow_style and _is_empty_plain(vnode):
                out[key] = ""  # goyaml.v3: an empty value in a flow mapping is "", not null
            else:
                out[key] = self.convert(vnode)
                if not self.v2 and _is_empty_plain(vnode):
                    empty.append(key)
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for src in sources:
                data = self.convert(src)
                if not isinstance(data, dict):
                    raise ParseError(
                        "yaml: map merge requires map or sequence of maps as the value",
                        self.path,
                        src.start_mark.line + 1,
                    )
                for k, v in data.items():
                    out.setdefault(k, v)
        if empty:
            marked = EmptyValuedMap(out)
            marked.empty_keys = frozenset(empty)
            return marked
        return out


def goyaml_folded_roundtrip(value: str) -> str:
    """The value of a folded (``>``) block scalar once kustomize has re-emitted it.

    kustomize keeps a scalar's style and writes every resource out with goyaml.v3 before
    reading it back. goyaml.v3's folded-scalar writer decides whether a line break needs
    an extra blank line by looking at the first character of the *whole value* (libyaml
    looks at the next line), so when the value starts with a non-blank character every
    line break after a line that does not start with a blank is doubled, and reading the
    text back keeps the doubled break wherever the next line is more indented or blank:
    ``a`` then `` c`` comes out as ``"a\n\n c"``, where the YAML specification says
    ``"a\n c"``. This replays that write and read; values the writer would not put in a
    block scalar (trailing spaces, special characters) pass through unchanged.
    """
    if "\n" not in value or _FOLD_UNSAFE.search(value) or value.endswith(" "):
        return value
    # Write (yaml_emitter_write_folded_scalar, without its width folding).
    first = value.lstrip("\n")
    doubled = bool(first) and first[0] not in " \t"
    text: list[str] = []
    breaks, leading_spaces = True, True
    for ch in value:
        if ch == "\n":
            if doubled and not breaks and not leading_spaces:
                text.append("\n")
            text.append("\n")
            breaks = True
        else:
            if breaks:
                leading_spaces = ch in " \t"
            text.append(ch)
            breaks = False
    written = "".join(text)
    # Read back (yaml_parser_scan_block_scalar, folded); chomping as the writer chose it.
    keep = value.endswith("\n\n") or value == "\n"
    strip = not value.endswith("\n")
    out: list[str] = []
    pos, end = 0, len(written)

    def empty_lines() -> str:
        nonlocal pos
        start = pos
        while pos < end and written[pos] == "\n":
            pos += 1
        return written[start:pos]

    trailing = empty_lines()
    leading, leading_blank = "", False
    while pos < end:
        trailing_blank = written[pos] in " \t"
        if not leading_blank and not trailing_blank and leading == "\n":
            if not trailing:
                out.append(" ")
        else:
            out.append(leading)
        out.append(trailing)
        leading_blank = trailing_blank
        line_end = written.find("\n", pos)
        line_end = end if line_end < 0 else line_end
        out.append(written[pos:line_end])
        pos = min(line_end + 1, end)
        leading = "\n"
        trailing = empty_lines()
    if not strip:
        out.append(leading)
    if keep:
        out.append(trailing)
    return "".join(out)


# What makes goyaml.v3 refuse a block scalar: a space before a line break, a line break
# other than "\n", and characters outside its printable set.
_FOLD_UNSAFE = re.compile(r" \n|[\r\x85\u2028\u2029]|[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]")


def _child(node: Node | None, key: str) -> Node | None:
    """The value node of ``key`` in a mapping node (the last one if repeated)."""
    if not isinstance(node, MappingNode):
        return None
    found = None
    for knode, vnode in node.value:
        if isinstance(knode, ScalarNode) and knode.value == key:
            found = vnode
    return found


def _is_empty_plain(node: Node) -> bool:
    """A plain scalar with no text (``key:``); its style is None or "" depending on the parser."""
    return (
        isinstance(node, ScalarNode)
        and node.tag == _PLAIN
        and node.value == ""
        and not (node.style)
    )


def _json_key(value: Any) -> str:
    """How ``sigs.k8s.io/yaml.YAMLToJSON`` spells a non-string map key."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        from kustomize_py.emit import format_float  # local: emit imports this module

        return format_float(value)
    return str(value)


_NULL_TEXT = frozenset(("", "~", "null", "Null", "NULL"))


def _nil_or_empty(node: Node) -> bool:
    """kustomize drops such documents before reading objects (``RNode.IsNilOrEmpty``):
    a null (``~``, ``null``, an empty document), an empty map ``{}``, an empty list ``[]``."""
    if isinstance(node, ScalarNode):
        return (node.tag == _PLAIN and node.value in _NULL_TEXT) or (
            node.tag == "tag:yaml.org,2002:null"
        )
    return isinstance(node, MappingNode | SequenceNode) and not node.value


def load_resource_documents(text: str, path: str, *, patch: bool = False) -> list[Any]:
    """Parse a (multi-document) resource file; empty, comment-only, null, ``{}`` and ``[]``
    documents are skipped.

    Every other document is returned, even a bare scalar or a list, so the caller can
    reject it with kustomize's message. Duplicate keys are an error (goyaml.v3), merge keys
    ``<<`` are applied (explicit keys win, then earlier merge sources), aliases are
    expanded into independent copies. ``patch``: a patch's documents, whose annotations
    are plain data (a ``null`` in them deletes an annotation).
    """
    converter = _Converter(path, v2=False)
    docs: list[Any] = []
    for node in _compose_pieces(str(text), path):
        if _nil_or_empty(node):
            continue
        docs.append(converter.convert(node) if patch else converter.convert_resource(node))
    return docs


def load_kustomization_data(text: str, path: str) -> Any:
    """Parse a kustomization file with goyaml.v2 (YAML 1.1) typing, as ``YAMLToJSON`` does.

    ``yes``/``on``/``y`` load as True, ``1.10`` as the float 1.1, ``0755`` as 493, dates
    stay strings; non-string keys are converted to JSON's key text; a duplicate key keeps
    the last value. An empty file gives None; several documents: the first one.
    """
    nodes = _compose_all(text, path)
    if not nodes:
        return None
    return _Converter(path, v2=True).convert(nodes[0])
