"""Write resources exactly as ``kustomize build`` prints them.

kustomize serialises each resource with ``encoding/json`` and then ``sigs.k8s.io/yaml``'s
``JSONToYAML``, i.e. goyaml.v2's port of the libyaml emitter. This module is a port of the
parts of that emitter the pipeline can reach (block mappings and sequences, empty ``{}`` /
``[]``, scalars in plain, single-quoted, double-quoted and literal style), with goyaml.v2's
rules for choosing a style and its 80-column folding, plus the number canonicalisation that
the JSON round trip causes.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from kustomize_py.errors import RenderError
from kustomize_py.yaml_load import resolve_plain

__all__ = ["dump_document", "dump_documents", "format_float", "key_less"]

_WIDTH = 80  # goyaml.v2's best_width
_INDENT = 2  # goyaml.v2's best_indent

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = "plain", "single", "double", "literal"

# -- numbers -----------------------------------------------------------------------------


def _digits(value: float) -> tuple[str, str, int]:
    """Sign, shortest round-trip digits and decimal-point position of a finite float."""
    text = repr(abs(value))
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + (int(exp) if exp else 0) - (len(whole + frac) - len(digits))
    digits = digits.rstrip("0")
    if not digits:
        return sign, "0", 1
    return sign, digits, point


def _fmt_e(sign: str, digits: str, point: int) -> str:
    exp = point - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fmt_f(sign: str, digits: str, point: int) -> str:
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def format_float(value: float) -> str:
    """A float as kustomize prints it: Go JSON encoding, re-read and re-printed by goyaml.v2.

    ``encoding/json`` writes ``%f``-style digits for 1e-6 <= |x| < 1e21, else ``%e``; goyaml.v2
    reads integral text back as an int (printed as digits) when it fits int64/uint64, and
    prints anything else with ``strconv.FormatFloat(x, 'g', -1, 64)``: exponent form when the
    decimal exponent is < -4 or >= 6, e.g. ``1.2345675e+06``, ``1e-05``, ``1e+21``.
    ``1.0`` prints as ``1``, ``-0.0`` as ``0``.
    """
    if math.isnan(value) or math.isinf(value):
        what = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        raise RenderError(f"json: unsupported value: {what}")
    sign, digits, point = _digits(value)
    if value == 0:
        return "0"
    if 1e-6 <= abs(value) < 1e21 and point >= len(digits):
        as_int = int(_fmt_f(sign, digits, point))
        if -(1 << 63) <= as_int < (1 << 64):
            return str(as_int)
    if point - 1 < -4 or point - 1 >= 6:
        return _fmt_e(sign, digits, point)
    return _fmt_f(sign, digits, point)


def _format_int(value: int) -> str:
    if -(1 << 63) <= value < (1 << 64):
        return str(value)
    return format_float(float(value))


# -- key order (goyaml.v2 sorter.go) -------------------------------------------------------


def _is_digit(c: str) -> bool:
    return c.isdigit() and unicodedata.category(c) == "Nd"


def key_less(a: str, b: str) -> bool:
    """goyaml.v2's ``keyList.Less`` for two string keys ("natural" order).

    At the first differing character: two letters compare by code point; a letter sorts
    after a non-letter; otherwise the digit runs starting there compare as numbers (with a
    quirk for runs after a non-zero digit prefix), then by run length, then by code point.
    A proper prefix sorts first.
    """
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = an * 10 + (ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = bn * 10 + (ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


_HAS_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=65536)
def _simple_sort_key(key: str) -> tuple[int, ...]:
    """Sort key equivalent to :func:`key_less` for keys without digits."""
    return tuple(ord(c) + (0x110000 if c.isalpha() else 0) for c in key)


def _string_keys(mapping: dict[Any, Any]) -> dict[Any, Any]:
    """The mapping with the keys JSON gives it: integers become their decimal text.

    kustomize's JSON step accepts string and integer map keys (and timestamps, which the
    loader already turned into their text); a float, boolean or null key is an error.
    Keys that collide once converted keep the last value, as a Go map would.
    """
    if all(type(k) is str for k in mapping):
        return mapping
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        if isinstance(k, bool) or not isinstance(k, str | int):
            raise RenderError(
                f"json: unsupported value: object member name must be a string (key {k!r})"
            )
        out[str(k)] = v
    return out


def _sorted_keys(mapping: dict[str, Any]) -> list[str]:
    keys = list(mapping)
    if len(keys) < 2:
        return keys
    if not any(_HAS_DIGIT.search(k) for k in keys):
        return sorted(keys, key=_simple_sort_key)
    return sorted(keys, key=functools.cmp_to_key(_cmp))


def _cmp(a: str, b: str) -> int:
    return -1 if key_less(a, b) else (1 if key_less(b, a) else 0)


# -- scalar analysis (goyaml.v2 emitterc.go yaml_emitter_analyze_scalar) ------------------

_BREAKS = "\r\n\x85\u2028\u2029"
# Characters the emitter treats as special. Wide negated classes take ~3 ms each to
# compile, so the full ones are compiled on first use (non-ASCII text, double quotes).
_ASCII_SPECIAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@functools.cache
def _special() -> re.Pattern[str]:
    return re.compile(r"[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]")


_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
_BREAK_SPACE = re.compile("[\r\n\x85\u2028\u2029] ")
_SPACE_BREAK = re.compile(" [\r\n\x85\u2028\u2029]")
_FIRST_INDICATOR = frozenset("#,[]{}&*!|>'\"%@`")
# ': ' / ':' at the end / ':\t', and '#' after whitespace, anywhere after the first char.
_INNER_INDICATOR = re.compile("(?<=.)(?::(?:[ \t]|\\Z)|(?<=[ \t\r\n\x85\u2028\u2029\0])#)", re.S)
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")


def _block_indicators(s: str) -> bool:
    if s.startswith(("---", "...")):
        return True
    c = s[0]
    if c in _FIRST_INDICATOR:
        return True
    if c in "?:-" and (len(s) == 1 or s[1] in " \t"):
        return True
    return _INNER_INDICATOR.search(s) is not None


@functools.lru_cache(maxsize=65536)
def _analyze(s: str) -> tuple[bool, bool, bool, bool]:
    """(multiline, block_plain_allowed, single_quoted_allowed, block_allowed)."""
    if not s:
        return False, True, True, False
    # includes TAB and non-BMP characters
    special = (_ASCII_SPECIAL if s.isascii() else _special()).search(s) is not None
    multiline = _LINE_BREAK.search(s) is not None
    space_break = _SPACE_BREAK.search(s) is not None
    break_space = _BREAK_SPACE.search(s) is not None
    trailing_space = s[-1] == " "
    plain = not (
        s[0] == " "
        or s[0] in _BREAKS
        or trailing_space
        or s[-1] in _BREAKS
        or break_space
        or space_break
        or special
        or multiline
        or _block_indicators(s)
    )
    single = not (break_space or space_break or special)
    block = not (trailing_space or space_break or special)
    return multiline, plain, single, block


@functools.lru_cache(maxsize=65536)
def _needs_quotes(s: str) -> bool:
    """goyaml.v2 ``stringv``: would the text read back as a non-string (YAML 1.1)?"""
    # "<<" is the merge key for goyaml.v3's resolver but a plain string for v2's (its
    # resolve table has no hint for "<"), so kustomize prints it unquoted.
    if resolve_plain(s, v2=True)[0] not in ("!!str", "!!merge"):
        return True
    return s[:1] in "+-0123456789" and ":" in s and _BASE60.match(s) is not None


@functools.lru_cache(maxsize=65536)
def _style(s: str, simple_key: bool) -> str:
    """goyaml.v2's requested style, then libyaml's ``select_scalar_style``."""
    if "\n" in s:
        style = _LITERAL
    elif _needs_quotes(s):
        style = _DOUBLE
    else:
        style = _PLAIN
    multiline, plain_ok, single_ok, block_ok = _analyze(s)
    if simple_key and multiline:
        return _DOUBLE
    if style == _PLAIN and not plain_ok:
        style = _SINGLE
    if style == _SINGLE and not single_ok:
        style = _DOUBLE
    if style == _LITERAL and (not block_ok or simple_key):
        style = _DOUBLE
    return style


@functools.cache
def _dq_escape() -> re.Pattern[str]:
    return re.compile(
        r"[^\x20\x21\x23-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]"
    )


_NAMED_ESCAPES = {
    "\0": "0",
    "\x07": "a",
    "\x08": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group()
    named = _NAMED_ESCAPES.get(c)
    if named is not None:
        return "\\" + named
    v = ord(c)
    if v <= 0xFF:
        return f"\\x{v:02X}"
    if v <= 0xFFFF:
        return f"\\u{v:04X}"
    return f"\\U{v:08X}"


_ANY_CHAR = re.compile(".", re.S)


def _escape_double(s: str, bom: bool = False) -> str:
    """Escape for double quotes. goyaml.v2's ``is_bom`` looks at the start of the *whole*
    value, so when it begins with U+FEFF every character is escaped (``"\\uFEFF\\x78"``)."""
    return (_ANY_CHAR if bom else _dq_escape()).sub(_escape_char, s)


def _escape_single(s: str) -> str:
    return s.replace("'", "''")


# -- the emitter ---------------------------------------------------------------------------


class _Writer:
    """The bits of libyaml emitter state that shape block-style output."""

    __slots__ = ("column", "indent", "indention", "parts", "whitespace")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.column = 0
        self.indent = -1
        self.whitespace = True
        self.indention = True

    def put_break(self) -> None:
        self.parts.append("\n")
        self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if (
            not self.indention
            or self.column > indent
            or (self.column == indent and not self.whitespace)
        ):
            self.put_break()
        if self.column < indent:
            self.parts.append(" " * (indent - self.column))
            self.column = indent
        self.whitespace = True
        self.indention = True

    def write_indicator(
        self, text: str, need_whitespace: bool, is_whitespace: bool, is_indention: bool
    ) -> None:
        if need_whitespace and not self.whitespace:
            self.parts.append(" ")
            self.column += 1
        self.parts.append(text)
        self.column += len(text)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention


def _fold(words: list[str], out_words: list[str], w: _Writer, style: str) -> None:
    """Write words joined by single spaces, breaking lines at spaces past column 80.

    ``words`` is the text split at ' ', ``out_words`` the same pieces as written (quotes
    doubled / escapes applied). The break rules are those of libyaml's write_plain /
    write_single_quoted / write_double_quoted.
    """
    parts = w.parts
    parts.append(out_words[0])
    col = w.column + len(out_words[0])
    n = len(words) - 1
    indent = w.indent
    for k in range(n):
        nxt = words[k + 1]
        ok = col > _WIDTH and not (k > 0 and words[k] == "")
        if ok and style != _PLAIN:
            ok = not (k == 0 and words[0] == "") and not (k == n - 1 and nxt == "")
            if style == _SINGLE:
                ok = ok and nxt != ""
        elif ok:
            ok = nxt != ""
        if ok:
            parts.append("\n" + " " * indent)
            col = indent
            if style == _DOUBLE and nxt == "":
                parts.append("\\")
                col += 1
        else:
            parts.append(" ")
            col += 1
        piece = out_words[k + 1]
        parts.append(piece)
        col += len(piece)
    w.column = col


def _write_literal(w: _Writer, s: str) -> None:
    w.write_indicator("|", True, False, False)
    if s[0] == " " or s[0] in _BREAKS:
        w.write_indicator(str(_INDENT), False, False, False)
    if s[-1] not in _BREAKS:
        w.write_indicator("-", False, False, False)
    elif len(s) == 1 or s[-2] in _BREAKS:
        w.write_indicator("+", False, False, False)
    w.put_break()
    w.indention = True
    w.whitespace = True
    parts = w.parts
    pad = " " * w.indent
    at_break = True
    for piece in _LINE_BREAK_SPLIT.split(s):
        if not piece:
            continue
        if piece == "\n":
            parts.append("\n")
            w.column = 0
            w.indention = True
            at_break = True
        elif piece in _BREAKS:
            parts.append(piece)
            w.column = 0
            w.indention = True
            at_break = True
        else:
            if at_break:
                parts.append(pad)
                w.column = w.indent
            parts.append(piece)
            w.column += len(piece)
            w.indention = False
            at_break = False


_LINE_BREAK_SPLIT = re.compile("([\n\u2028\u2029])")


@functools.lru_cache(maxsize=65536)
def _quoted(s: str, style: str) -> tuple[str, list[str], list[str]]:
    """Unfolded text of a scalar in ``style``, plus its words for folding."""
    words = s.split(" ")
    if style == _PLAIN:
        return s, words, words
    if style == _SINGLE:
        return f"'{_escape_single(s)}'", words, [_escape_single(x) for x in words]
    if s.startswith("\ufeff"):
        return f'"{_escape_double(s, True)}"', [s], [s]
    return f'"{_escape_double(s)}"', words, [_escape_double(x) for x in words]


def _write_single_with_breaks(w: _Writer, s: str, allow_breaks: bool) -> None:
    """libyaml's write_single_quoted, character by character (for U+2028/U+2029)."""
    w.write_indicator("'", True, False, False)
    parts = w.parts
    spaces = breaks = False
    n = len(s)
    for i, c in enumerate(s):
        if c == " ":
            if (
                allow_breaks
                and not spaces
                and w.column > _WIDTH
                and 0 < i < n - 1
                and s[i + 1] != " "
            ):
                w.write_indent()
            else:
                parts.append(c)
                w.column += 1
            spaces = True
        elif c in _BREAKS:
            if not breaks and c == "\n":
                w.put_break()
            if c == "\n":
                w.put_break()
            else:
                parts.append(c)
                w.column = 0
            w.indention = True
            breaks = True
        else:
            if breaks:
                w.write_indent()
            parts.append("''" if c == "'" else c)
            w.column += 2 if c == "'" else 1
            w.indention = False
            spaces = breaks = False
    w.write_indicator("'", False, False, False)


_V3_ODD = re.compile("[\x7f-\x9f\ufffe\uffff]")
_V3_BAD = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
_NEL_RUN = re.compile(" *(\x85(?: *\x85)*) *")


def _v3_round_trip(s: str) -> str:
    """What survives kyaml's goyaml.v3 write-and-reread of a string with odd characters.

    goyaml.v3 writes DEL, C1 controls and U+FFFE/U+FFFF raw and then refuses to read them
    back (kustomize fails with ``yaml: control characters are not allowed``); it also writes
    NEL (U+0085) raw inside double quotes, where reading folds it like a line break: one
    NEL becomes a space, n consecutive NELs n-1 newlines, spaces around them vanish.
    """
    if _V3_BAD.search(s):
        raise RenderError(f"yaml: control characters are not allowed (in {s!r})")
    return _NEL_RUN.sub(
        lambda m: (
            " " if len(m[1].replace(" ", "")) == 1 else "\n" * (len(m[1].replace(" ", "")) - 1)
        ),
        s,
    )


def _write_scalar_text(w: _Writer, s: str, simple_key: bool) -> None:
    if _V3_ODD.search(s):
        s = _v3_round_trip(s)
    style = _style(s, simple_key)
    if style == _LITERAL:
        _write_literal(w, s)
        return
    if style == _SINGLE and ("\u2028" in s or "\u2029" in s):
        _write_single_with_breaks(w, s, not simple_key)
        w.whitespace = False
        w.indention = False
        return
    text, words, out_words = _quoted(s, style)
    if style == _PLAIN:
        if s and not w.whitespace:
            w.parts.append(" ")
            w.column += 1
    elif not w.whitespace:
        w.parts.append(" ")
        w.column += 1
    if simple_key or len(words) == 1 or w.column + len(text) <= _WIDTH + 1:
        w.parts.append(text)
        w.column += len(text)
    elif style == _PLAIN:
        _fold(words, out_words, w, style)
    else:
        quote = text[0]
        w.parts.append(quote)
        w.column += 1
        _fold(words, out_words, w, style)
        w.parts.append(quote)
        w.column += 1
    if s or style != _PLAIN:
        w.whitespace = False
    w.indention = False


def _scalar_text(value: Any) -> str | None:
    """Plain text of a non-string scalar, or None if ``value`` is a string."""
    if isinstance(value, str):
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _format_int(value)
    if isinstance(value, float):
        return format_float(value)
    raise RenderError(f"cannot render a value of type {type(value).__name__}: {value!r}")


def _emit_scalar(w: _Writer, value: Any, simple_key: bool) -> None:
    saved = w.indent
    w.indent = _INDENT if saved < 0 else saved + _INDENT
    text = _scalar_text(value)
    if text is None:
        _write_scalar_text(w, value, simple_key)
    else:
        if not w.whitespace:
            w.parts.append(" ")
            w.column += 1
        w.parts.append(text)
        w.column += len(text)
        w.whitespace = False
        w.indention = False
    w.indent = saved


def _is_simple_key(key: str) -> bool:
    if _LINE_BREAK.search(key):
        return False
    return len(key) <= 128 if key.isascii() else len(key.encode("utf-8", "surrogatepass")) <= 128


def _emit_mapping(w: _Writer, mapping: dict[Any, Any]) -> None:
    saved = w.indent
    w.indent = 0 if saved < 0 else saved + _INDENT
    mapping = _string_keys(mapping)
    for key in _sorted_keys(mapping):
        if "\x85" in key:
            # kustomize's JSON-to-YAML step reads JSON with goyaml, where a raw NEL is a
            # line break, and a map key (a simple key) may not span lines.
            raise RenderError(
                f"failed to convert result to YAML: map key {key!r} holds U+0085 (NEL)"
            )
        w.write_indent()
        if _is_simple_key(key):
            _emit_scalar(w, key, True)
            w.write_indicator(":", False, False, False)
        else:
            w.write_indicator("?", True, False, True)
            _emit_scalar(w, key, False)
            w.write_indent()
            w.write_indicator(":", True, False, True)
        _emit_node(w, mapping[key], True)
    w.indent = saved


def _emit_sequence(w: _Writer, seq: list[Any], mapping_context: bool) -> None:
    saved = w.indent
    if saved < 0:
        w.indent = 0
    elif not (mapping_context and not w.indention):
        w.indent = saved + _INDENT
    for item in seq:
        w.write_indent()
        w.write_indicator("-", True, False, True)
        _emit_node(w, item, False)
    w.indent = saved


def _emit_node(w: _Writer, value: Any, mapping_context: bool) -> None:
    if isinstance(value, dict):
        if value:
            _emit_mapping(w, value)
        else:
            w.write_indicator("{}", True, False, False)
    elif isinstance(value, list):
        if value:
            _emit_sequence(w, value, mapping_context)
        else:
            w.write_indicator("[]", True, False, False)
    else:
        _emit_scalar(w, value, False)


def dump_document(obj: dict[str, Any]) -> str:
    """One resource as kustomize prints it (block style, sorted keys, ends with a newline)."""
    w = _Writer()
    _emit_node(w, obj, False)
    w.write_indent()
    return "".join(w.parts)


def dump_documents(objs: Iterable[dict[str, Any]]) -> str:
    """Several resources joined by ``---`` lines; no documents gives the empty string."""
    return "---\n".join(dump_document(obj) for obj in objs)
