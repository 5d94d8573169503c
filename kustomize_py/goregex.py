"""Go RE2 syntax (``regexp/syntax`` with the Perl flags) translated to Python ``re``.

kustomize builds ``"^" + name + tail`` and calls Go's ``regexp.MatchString``. That whole
string is translated here from Go's syntax to Python's (:func:`translate`) by a port of
the parts of Go's ``regexp/syntax`` parser that decide what a pattern means, rather than
handed to ``re`` as it is, because the two dialects differ where users tread:

* Go rejects what Python accepts: look-arounds, back-references, ``\\Z``, ``a++``
  (possessive in Python 3.11), ``(?x)`` and other flags, ``\\é``, ``\\1``, ``[\\b]``;
* Python rejects what Go accepts: ``[[:alpha:]]`` (Python reads a nested set),
  ``\\Q…\\E``, ``\\x{41}``, ``(?i)`` after the start, a repeated assertion (``^*``, which
  is what a name ``*`` becomes: the anchor turns optional and the name matches anything);
* the same text means different things: ``$`` (Python also matches before a final
  newline), ``\\s`` (Go excludes ``\\v``), ``x{,3}`` (a literal in Go, ``x{0,3}`` in
  Python), ``\\12`` (octal in Go, a back-reference in Python), ``\\d``/``\\w``/``\\b``
  (ASCII in Go), and ``(?i)`` in the middle of a pattern (Go: up to the end of the
  enclosing group, across ``|``).

What remains different, and why it cannot matter for image strings users write:

* ``\\p{…}``/``\\P{…}`` Unicode classes are not translated (Python's ``re`` has none and
  its Unicode database differs from Go's): a name using one matches nothing here;
* case-insensitive matching uses Python's folding, which unlike Go's simple folding
  pairs the Turkish dotted capital I and dotless small i with ``i``: ``(?i)i`` matches
  them and ``(?i)\\W`` does not, here only;
* Go's limits on a pattern's compiled size and nesting depth are not reproduced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["translate"]

_MAX_RUNE = 0x10FFFF
_MAX_REPEAT = 1000
_Ranges = tuple[tuple[int, int], ...]
_WORD: _Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_PERL_CLASSES: dict[str, _Ranges] = {
    "d": ((0x30, 0x39),),
    "s": ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)),  # no \v, unlike Python's \s
    "w": _WORD,
}
_POSIX_CLASSES: dict[str, _Ranges] = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": ((0x30, 0x39),),
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": _WORD,
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
_W = "[0-9A-Za-z_]"
_WORD_BOUNDARY = f"(?:(?<!{_W})(?={_W})|(?<={_W})(?!{_W}))"
_NOT_WORD_BOUNDARY = f"(?:(?<!{_W})(?!{_W})|(?<={_W})(?={_W}))"
_REPEAT = re.compile(r"\{(0|[1-9][0-9]*)(?:(,)(0|[1-9][0-9]*)?)?\}")
_BRACED_HEX = re.compile(r"\{([0-9A-Fa-f]+)\}")
_C_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}


class _Rejected(Exception):
    """Go's parser rejects the pattern (or it uses a feature not translated)."""


# A counted repetition ``x{min,max}`` and the counted repetitions inside ``x``: Go caps
# the product of nested counts at 1000 (``repeatIsValid``).
@dataclass(frozen=True, slots=True)
class _Count:
    min: int
    max: int
    inner: tuple[_Count, ...]


def _counts_valid(counts: tuple[_Count, ...], n: int) -> bool:
    for count in counts:
        m = count.max
        if m == 0:
            continue
        if m < 0:
            m = count.min
        if m > n:
            return False
        if not _counts_valid(count.inner, n // m if m > 0 else n):
            return False
    return True


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    kind: str  # "atom", "assert" (zero width) or "bar" (an alternation's "|")
    counts: tuple[_Count, ...] = ()


def _normalise(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def _negate(ranges: _Ranges | list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, next_lo = [], 0
    for lo, hi in _normalise(list(ranges)):
        if next_lo <= lo - 1:
            out.append((next_lo, lo - 1))
        next_lo = hi + 1
    if next_lo <= _MAX_RUNE:
        out.append((next_lo, _MAX_RUNE))
    return out


def _char(code: int) -> str:
    c = chr(code)
    return c if c.isascii() and c.isalnum() else f"\\U{code:08x}"


def _class_text(ranges: list[tuple[int, int]], negated: bool, fold: bool) -> str:
    body = "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)
    text = f"[{'^' if negated else ''}{body}]"
    return f"(?i:{text})" if fold else text


class _Translator:
    """One pass over a Go pattern, mirroring ``regexp/syntax.parse`` with ``syntax.Perl``."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.fold = self.dot_nl = self.multi_line = False
        self.levels: list[list[_Token]] = [[]]
        self.saved: list[tuple[bool, bool, bool]] = []

    def fail(self) -> _Rejected:
        return _Rejected(self.s)

    # -- the main loop (Go's BigSwitch) --

    def run(self) -> str:
        s, last_repeat = self.s, False
        while self.i < len(s):
            c, repeat = s[self.i], False
            if c == "(":
                if s.startswith("(?", self.i):
                    self.perl_flags()
                else:
                    self.open_group()
                    self.i += 1
            elif c == "|":
                self.levels[-1].append(_Token("|", "bar"))
                self.i += 1
            elif c == ")":
                self.close_group()
                self.i += 1
            elif c == "^":
                self.push("(?m:^)" if self.multi_line else r"\A", "assert")
                self.i += 1
            elif c == "$":
                self.push("(?m:$)" if self.multi_line else r"\Z", "assert")
                self.i += 1
            elif c == ".":
                self.push("(?s:.)" if self.dot_nl else ".")
                self.i += 1
            elif c == "[":
                self.char_class()
            elif c in "*+?":
                self.i += 1
                self.repeat(c, None, last_repeat)
                repeat = True
            elif c == "{":
                parsed = self.parse_count(self.i)
                if parsed is None:
                    self.literal(ord("{"))
                    self.i += 1
                else:
                    lo, hi, end = parsed
                    if lo < 0 or lo > _MAX_REPEAT or hi > _MAX_REPEAT or 0 <= hi < lo:
                        raise self.fail()
                    self.i = end
                    self.repeat("{}", (lo, hi), last_repeat)
                    repeat = True
            elif c == "\\":
                self.escape()
            else:
                self.literal(ord(c))
                self.i += 1
            last_repeat = repeat
        if len(self.levels) != 1:
            raise self.fail()  # missing closing )
        return "".join(t.text for t in self.levels[0])

    def push(self, text: str, kind: str = "atom") -> None:
        self.levels[-1].append(_Token(text, kind))

    def literal(self, code: int) -> None:
        text = re.escape(chr(code))
        self.push(f"(?i:{text})" if self.fold else text)

    def flags(self) -> tuple[bool, bool, bool]:
        return self.fold, self.dot_nl, self.multi_line

    def open_group(self) -> None:
        self.saved.append(self.flags())
        self.levels.append([])

    def close_group(self) -> None:
        if len(self.levels) == 1:
            raise self.fail()  # unexpected )
        tokens = self.levels.pop()
        self.fold, self.dot_nl, self.multi_line = self.saved.pop()
        counts = tuple(c for t in tokens for c in t.counts)
        self.levels[-1].append(
            _Token("(?:" + "".join(t.text for t in tokens) + ")", "atom", counts)
        )

    def repeat(self, op: str, count: tuple[int, int] | None, last_repeat: bool) -> None:
        if self.s.startswith("?", self.i):
            self.i += 1  # non-greedy: irrelevant to whether there is a match
        if last_repeat:
            raise self.fail()  # invalid nested repetition operator (a**, a*+, a{2}{3})
        tokens = self.levels[-1]
        if not tokens or tokens[-1].kind == "bar":
            raise self.fail()  # missing argument to repetition operator
        sub = tokens[-1]
        counts = sub.counts
        if count is None:
            suffix = op
        else:
            lo, hi = count
            suffix = f"{{{lo}}}" if lo == hi else f"{{{lo},{'' if hi < 0 else hi}}}"
            counts = (_Count(lo, hi, sub.counts),)
            if (lo >= 2 or hi >= 2) and not _counts_valid(counts, _MAX_REPEAT):
                raise self.fail()  # invalid repeat count
        # Go may repeat an assertion (``^*``); Python only a group holding one.
        tokens[-1] = _Token(f"(?:{sub.text}){suffix}", "atom", counts)

    def parse_count(self, i: int) -> tuple[int, int, int] | None:
        """Go's ``parseRepeat``: ``{n}``, ``{n,}``, ``{n,m}`` or None (then ``{`` is literal)."""
        found = _REPEAT.match(self.s, i)
        if found is None:
            return None

        def value(text: str) -> int:
            return -1 if len(text) > 8 and int(text) >= 10**8 else int(text)

        lo = value(found[1])
        if found[2] is None:
            hi = lo
        elif found[3] is None:
            hi = -1
        else:
            hi = value(found[3])
            if hi < 0:
                lo = -1
        return lo, hi, found.end()

    def perl_flags(self) -> None:
        s, i = self.s, self.i
        rest = s[i:]
        with_p = len(rest) > 4 and rest[2] == "P" and rest[3] == "<"
        with_name = len(rest) > 3 and rest[2] == "<"
        if with_p or with_name:
            end = rest.find(">")
            name = rest[4 if with_p else 3 : end] if end >= 0 else ""
            valid = all(c == "_" or (c.isascii() and c.isalnum()) for c in name)
            if end < 0 or not name or not valid:
                raise self.fail()  # invalid named capture (and every look-behind)
            self.open_group()
            self.i = i + end + 1
            return
        fold, dot_nl, multi_line = self.flags()
        negative = saw_flag = False
        j = i + 2
        while j < len(s):
            c = s[j]
            j += 1
            if c in "imsU":
                value = not negative
                if c == "i":
                    fold = value
                elif c == "m":
                    multi_line = value
                elif c == "s":
                    dot_nl = value
                saw_flag = True
            elif c == "-" and not negative:
                negative, saw_flag = True, False
            elif c in ":)":
                if negative and not saw_flag:
                    break
                if c == ":":
                    self.open_group()
                self.fold, self.dot_nl, self.multi_line = fold, dot_nl, multi_line
                self.i = j
                return
            else:
                break
        raise self.fail()  # invalid or unsupported Perl syntax: (?=, (?!, (?#, (?x), ...

    def escape(self) -> None:
        s, i = self.s, self.i
        nxt = s[i + 1 : i + 2]
        if nxt in ("A", "z", "b", "B"):
            text = {"A": r"\A", "z": r"\Z", "b": _WORD_BOUNDARY, "B": _NOT_WORD_BOUNDARY}[nxt]
            self.push(text, "assert")
            self.i += 2
            return
        if nxt == "C":
            raise self.fail()
        if nxt == "Q":
            end = s.find(r"\E", i + 2)
            literal = s[i + 2 :] if end < 0 else s[i + 2 : end]
            for c in literal:
                self.literal(ord(c))
            self.i = len(s) if end < 0 else end + 2
            return
        if nxt in ("p", "P"):
            raise self.fail()  # Unicode classes: not translated (see the module docstring)
        if nxt.lower() in _PERL_CLASSES:
            ranges = list(_PERL_CLASSES[nxt.lower()])
            self.push(_class_text(ranges, nxt.isupper(), self.fold))
            self.i += 2
            return
        code, self.i = self.parse_escape(i)
        self.literal(code)

    def parse_escape(self, i: int) -> tuple[int, int]:
        """Go's ``parseEscape`` at ``s[i] == "\\"``: the character and the index after it."""
        s = self.s
        if i + 1 >= len(s):
            raise self.fail()  # trailing backslash
        c = s[i + 1]
        j = i + 2
        if c in "01234567":
            if c != "0" and s[j : j + 1] not in tuple("01234567"):
                raise self.fail()  # \1 .. \7 alone: a back-reference, unsupported
            code = int(c)
            for _ in range(2):
                if s[j : j + 1] and s[j] in "01234567":
                    code = code * 8 + int(s[j])
                    j += 1
                else:
                    break
            return code, j
        if c == "x":
            braced = _BRACED_HEX.match(s, j)
            if braced is not None:
                code = int(braced[1], 16)
                if code > _MAX_RUNE:
                    raise self.fail()
                return code, braced.end()
            two = s[j : j + 2]
            if len(two) == 2 and all(h in "0123456789abcdefABCDEF" for h in two):
                return int(two, 16), j + 2
            raise self.fail()
        if c in _C_ESCAPES:
            return _C_ESCAPES[c], j
        if c.isascii() and not c.isalnum():
            return ord(c), j  # an escaped punctuation character is itself
        raise self.fail()  # invalid escape sequence (\e, \Z, \é, \8, ...)

    def char_class(self) -> None:
        """Go's ``parseClass`` at ``s[i] == "["``."""
        s, j = self.s, self.i + 1
        negated = s[j : j + 1] == "^"
        if negated:
            j += 1
        ranges: list[tuple[int, int]] = []
        first = True
        while j >= len(s) or s[j] != "]" or first:
            first = False
            if len(s) - j > 2 and s.startswith("[:", j):
                end = s.find(":]", j + 2)
                if end >= 0:
                    name = s[j + 2 : end]
                    group = _POSIX_CLASSES.get(name.removeprefix("^"))
                    if group is None:
                        raise self.fail()  # invalid character class range
                    ranges += _negate(group) if name.startswith("^") else group
                    j = end + 2
                    continue
            if s.startswith(("\\p", "\\P"), j):
                raise self.fail()  # Unicode classes: not translated
            perl = s[j + 1 : j + 2] if s.startswith("\\", j) else ""
            if perl and perl.lower() in _PERL_CLASSES:
                group = _PERL_CLASSES[perl.lower()]
                ranges += _negate(group) if perl.isupper() else group
                j += 2
                continue
            lo, j = self.class_char(j)
            hi = lo
            if len(s) - j >= 2 and s[j] == "-" and s[j + 1] != "]":
                hi, j = self.class_char(j + 1)
                if hi < lo:
                    raise self.fail()  # invalid character class range
            ranges.append((lo, hi))
        self.i = j + 1
        self.push(_class_text(_normalise(ranges), negated, self.fold))

    def class_char(self, j: int) -> tuple[int, int]:
        if j >= len(self.s):
            raise self.fail()  # missing closing ]
        if self.s[j] == "\\":
            return self.parse_escape(j)
        return ord(self.s[j]), j + 1


def translate(pattern: str) -> str | None:
    """A Python pattern that matches what the Go pattern matches; None if Go rejects it."""
    try:
        return _Translator(pattern).run()
    except _Rejected:
        return None
