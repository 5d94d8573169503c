"""Example tables for the emitter; every expected string was printed by the reference."""

from __future__ import annotations

import math
from typing import Any

import pytest

from kustomize_py.emit import dump_document, dump_documents, format_float, key_less
from kustomize_py.errors import RenderError


def _value(v: Any) -> str:
    """The line kustomize prints for ``data: {k: v}`` (without the 2-space indent)."""
    out = dump_document({"data": {"k": v}})
    assert out.startswith("data:\n  ")
    return out[len("data:\n  ") : -1]


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("1", 'k: "1"'),
        ("1.0", 'k: "1.0"'),
        (".5", 'k: ".5"'),
        ("0755", 'k: "0755"'),
        ("0x1F", 'k: "0x1F"'),
        ("1_000", 'k: "1_000"'),
        ("08", 'k: "08"'),
        ("true", 'k: "true"'),
        ("NO", 'k: "NO"'),
        ("y", 'k: "y"'),
        ("~", 'k: "~"'),
        (".inf", 'k: ".inf"'),
        ("", 'k: ""'),
        ("2001-12-14", 'k: "2001-12-14"'),
        ("2001-12-14 21:59:43", 'k: "2001-12-14 21:59:43"'),
        ("12:30", 'k: "12:30"'),
        ("10:60", "k: 10:60"),
        ("2001-13-45", "k: 2001-13-45"),
        ("1e400", "k: 1e400"),
        ("1e-400", 'k: "1e-400"'),
        ("0b-1", 'k: "0b-1"'),
        ("0x1FFFFFFFFFFFFFFFFF", "k: 0x1FFFFFFFFFFFFFFFFF"),
        ("-0xFFFFFFFFFFFFFFFFFFFF", "k: -0xFFFFFFFFFFFFFFFFFFFF"),
        ("2001-12-14T21:59:43+25:00", "k: 2001-12-14T21:59:43+25:00"),
        ("._5", "k: ._5"),
        ("Infinity", "k: Infinity"),
        ("Yes please", "k: Yes please"),
        ("-x", "k: -x"),
        ("-", "k: '-'"),
        ("- x", "k: '- x'"),
        ("*foo", "k: '*foo'"),
        ("a: b", "k: 'a: b'"),
        ("x: ", "k: 'x: '"),
        ("a #b", "k: 'a #b'"),
        ("---", "k: '---'"),
        (" lead", "k: ' lead'"),
        ("trail ", "k: 'trail '"),
        ("a:b", "k: a:b"),
        ("it's", "k: it's"),
        ('say "hi"', 'k: say "hi"'),
        ("a\\b", "k: a\\b"),
        ("a\tb", 'k: "a\\tb"'),
        ("a\r\nb", 'k: "a\\r\\nb"'),
        ("\U0001f600", 'k: "\\U0001F600"'),
        ("héllo ✓ 日本", "k: héllo ✓ 日本"),
        ("a\ab", 'k: "a\\ab"'),
        ("a\0b", 'k: "a\\0b"'),
        ("a\xa0b", "k: a\xa0b"),
        ("a\ufeffb", 'k: "a\\uFEFFb"'),
        ("\ufeffx", 'k: "\\uFEFF\\x78"'),
        ("a \u2029 b", 'k: "a \\P b"'),
        ("a\x85b", "k: a b"),
        ("\x85", "k: ' '"),
        ("a\x85\x85b", "k: |-\n    a\n    b"),
        ("a\u2028b", "k: 'a\u2028    b'"),
        (None, "k: null"),
        (True, "k: true"),
        (False, "k: false"),
        (493, "k: 493"),
        (12345678901234567890, "k: 12345678901234567890"),
        ({}, "k: {}"),
        ([], "k: []"),
    ],
)
def test_scalar_quoting(value: Any, line: str) -> None:
    assert _value(value) == line


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (1000.0, "1000"),
        (-0.0, "0"),
        (1e-6, "1e-06"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (1e20, "1e+20"),
        (1e19, "10000000000000000000"),
        (1e21, "1e+21"),
        (6.02e23, "6.02e+23"),
        (1234567.5, "1.2345675e+06"),
        (1.5e300, "1.5e+300"),
        (1.2345678901234568e29, "1.2345678901234568e+29"),
        (-9.223372036854776e18, "-9.223372036854776e+18"),
        (1.8446744073709552e19, "1.8446744073709552e+19"),
    ],
)
def test_float_format(value: float, text: str) -> None:
    assert format_float(value) == text


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_unsupported_floats(bad: float) -> None:
    with pytest.raises(RenderError):
        dump_document({"a": bad})


def test_integer_keys_print_as_decimal_text() -> None:
    # Observed on the reference: `data: {a: x, 0x10: w}` prints `"16": w`.
    assert dump_document({"data": {"a": "x", 16: "w"}}) == 'data:\n  "16": w\n  a: x\n'


@pytest.mark.parametrize("key", [1.5, True, None])
def test_float_bool_null_keys_are_an_error(key: object) -> None:
    # The reference: "json: unsupported value: jsontext: object member name must be a string".
    with pytest.raises(RenderError):
        dump_document({"data": {key: "x"}})


@pytest.mark.parametrize("bad", ["a\x7fb", "\x80", "\ufffe"])
def test_control_characters_are_an_error(bad: str) -> None:
    with pytest.raises(RenderError):
        dump_document({"a": bad})


def test_multiline_strings() -> None:
    data = {
        "multi": "line1\nline2\n",
        "multistrip": "line1\nline2",
        "multikeep": "line1\n\n",
        "leadsp_multi": "  indented\nline2\n",
        "leadnl_multi": "\nline2\n",
        "only_nl": "\n",
        "two_nl": "a\n\n",
        "tab_multi": "line1\tx\nline2\n",
        "trailsp_multi": "line1 \nline2\n",
    }
    assert dump_document({"data": data}) == (
        "data:\n"
        "  leadnl_multi: |2\n\n    line2\n"
        "  leadsp_multi: |2\n      indented\n    line2\n"
        "  multi: |\n    line1\n    line2\n"
        "  multikeep: |+\n    line1\n\n"
        "  multistrip: |-\n    line1\n    line2\n"
        "  only_nl: |2+\n\n"
        '  tab_multi: "line1\\tx\\nline2\\n"\n'
        '  trailsp_multi: "line1 \\nline2\\n"\n'
        "  two_nl: |+\n    a\n\n"
    )


def test_folding() -> None:
    words = " ".join(c * 4 for c in "abcdefghijklmnopqrst")
    out = dump_document(
        {
            "a": {
                "long": words,
                "exactly80": "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff"
                " ggggggggg h",
                "sq_long": "*aaa" + words[4:],
                "script.sh": '#!/bin/sh\nif true; then\n\techo "hello world this is a fairly'
                ' long line of shell script text"\nfi\n',
            }
        }
    )
    assert out == (
        "a:\n"
        "  exactly80: aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg\n"
        "    h\n"
        "  long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n"
        "    pppp qqqq rrrr ssss tttt\n"
        '  script.sh: "#!/bin/sh\\nif true; then\\n\\techo \\"hello world this is a fairly long\n'
        '    line of shell script text\\"\\nfi\\n"\n'
        "  sq_long: '*aaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\n"
        "    oooo pppp qqqq rrrr ssss tttt'\n"
    )


def test_structure_and_framing() -> None:
    doc: dict[str, Any] = {
        "spec": {
            "maps": [{"name": "x", "items": [{"k": 1, "v": 2}]}],
            "nested": [["a", "b"], ["c"]],
        },
        "kind": "K",
        "apiVersion": "v1",
        "list": ["a", None, {}, []],
    }
    expected = (
        "apiVersion: v1\nkind: K\nlist:\n- a\n- null\n- {}\n- []\n"
        "spec:\n  maps:\n  - items:\n    - k: 1\n      v: 2\n    name: x\n"
        "  nested:\n  - - a\n    - b\n  - - c\n"
    )
    assert dump_document(doc) == expected
    assert dump_documents([]) == ""
    assert dump_documents([{"a": 1}, {}]) == "a: 1\n---\n{}\n"


def test_keys() -> None:
    long_key = "k" * 129
    out = dump_document({"y": "n", "yes": 1, long_key: "v", "k" * 128: "w"})
    assert out == f'{"k" * 128}: w\n? {long_key}\n: v\n"y": "n"\n"yes": 1\n'


@pytest.mark.parametrize(
    "ordered",
    [
        ["_under", "1key", "Alpha", "a9", "a09", "a10", "alpha", "amp"],
        ["apiVersion", "data", "kind", "metadata"],
        ["a1_", "a1B", "a1b"],
        ["image", "name"],
    ],
)
def test_key_order(ordered: list[str]) -> None:
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            assert key_less(a, b)
            assert not key_less(b, a)
    shuffled = dict.fromkeys(reversed(ordered), 0)
    assert dump_document(shuffled) == "".join(f"{k}: 0\n" for k in ordered)
