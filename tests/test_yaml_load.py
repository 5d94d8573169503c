"""Example tables for the loaders; expected values follow what the reference printed."""

from __future__ import annotations

import math
from typing import Any

import pytest

from kustomize_py.emit import dump_document
from kustomize_py.errors import ParseError
from kustomize_py.yaml_load import StyledStr, load_kustomization_data, load_resource_documents


def _load_value(literal: str) -> Any:
    (doc,) = load_resource_documents(f"v: {literal}\n", "r.yaml")
    return doc["v"]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("10", 10),
        ("+12", 12),
        ("0755", 493),
        ("0o755", 493),
        ("0o-17", -15),
        ("-0o17", -15),
        ("0x1F", 31),
        ("0x_1F", 31),
        ("-0x10", -16),
        ("0b101", 5),
        ("1_000", 1000),
        ("09", 9.0),
        ("1.0", 1.0),
        ("1_0.5", 10.5),
        ("5.", 5.0),
        (".5", 0.5),
        ("1e-400", 0.0),
        ("12345678901234567890", 12345678901234567890),
        ("18446744073709551616", 1.8446744073709552e19),
        ("-9223372036854775809", -9.223372036854776e18),
        ("true", True),
        ("FALSE", False),
        ("yes", "yes"),
        ("on", "on"),
        ("y", "y"),
        ("null", None),
        ("~", None),
        ("", None),
        ("1e400", "1e400"),
        ("0x1FFFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFFF"),
        ("._5", "._5"),
        ("<<", "<<"),
        ("2001-12-14", "2001-12-14T00:00:00Z"),
        ("2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"),
        ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43.1Z"),
        ("2001-1-2", "2001-01-02T00:00:00Z"),
        ("2001-12-14T1:2:3Z", "2001-12-14T01:02:03Z"),
        ("2001-12-14T21:59:43.123456789123+00:00", "2001-12-14T21:59:43.123456789Z"),
        ("2001-12-14T21:59:43,5Z", "2001-12-14T21:59:43.5Z"),
        ("2001-02-30", "2001-02-30"),
        ("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5"),
        ("2001-12-14T21:59:43+25:00", "2001-12-14T21:59:43+25:00"),
        ('"123"', "123"),
        ("'yes'", "yes"),
        ("!!str 123", "123"),
        ("!!float 1", 1.0),
        ('!!int "0x10"', 16),
        ("!!binary aGVsbG8=", "hello"),
        ("!!binary /w==", "\ufffd"),
        ("!!timestamp 2001-12-14", "2001-12-14T00:00:00Z"),
        ("!!str", ""),
        ('!!null ""', None),
        ("!foo bar", "bar"),
    ],
)
def test_resource_scalar_typing(literal: str, value: Any) -> None:
    got = _load_value(literal)
    assert got == value
    quoted = literal[:1] in ("'", '"') and isinstance(value, str)
    assert type(got) is (StyledStr if quoted else type(value))


@pytest.mark.parametrize("literal", [".inf", "-.Inf", ".nan"])
def test_inf_nan_load_as_floats(literal: str) -> None:
    value = _load_value(literal)
    assert isinstance(value, float)
    assert math.isinf(value) or math.isnan(value)


def test_documents_json_crlf_and_empty() -> None:
    text = (
        "---\n# only a comment\n---\n"
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"n": 1.0}}\n'
        "---\n\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: y\r\n"
        "data:\r\n  a: |\r\n    l1\r\n    l2\r\n...\n"
    )
    docs = load_resource_documents(text, "r.yaml")
    assert [d["metadata"]["name"] for d in docs] == ["j", "y"]
    assert docs[1]["data"]["a"] == "l1\nl2\n"
    assert dump_document(docs[0]) == (
        'apiVersion: v1\ndata:\n  "n": 1\nkind: ConfigMap\nmetadata:\n  name: j\n'
    )
    assert load_resource_documents("", "r.yaml") == []
    assert load_resource_documents("# nothing\n", "r.yaml") == []
    assert load_resource_documents("just a scalar\n", "r.yaml") == ["just a scalar"]


def test_anchors_aliases_and_merge_keys() -> None:
    text = (
        "base: &b {a: '1', b: '2', c: '3'}\n"
        "other: &o {a: '9', d: '4'}\n"
        "m1:\n  <<: [*o, *b]\n  b: explicit\n"
        "m2:\n  b: explicit\n  <<: *b\n"
        "list: &l [x, y]\nl2: *l\n"
    )
    (doc,) = load_resource_documents(text, "r.yaml")
    assert doc["m1"] == {"a": "9", "b": "explicit", "c": "3", "d": "4"}
    assert doc["m2"] == {"a": "1", "b": "explicit", "c": "3"}
    assert doc["l2"] == ["x", "y"]
    assert doc["l2"] is not doc["list"]  # aliases are independent copies


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "a: 1\nb:\n  c: d: e\n",
            3,
            "yaml: line 3: mapping values are not allowed in this context",
        ),
        ("a:\n\tb: x\n", 2, "yaml: line 2: found character that cannot start any token"),
        ('a: 1\nb: "x\n', 2, "yaml: line 2: found unexpected end of stream"),
        ("a: [1, 2\nb: 3\n", 1, "yaml: line 1: did not find expected ',' or ']'"),
        ("a: b\n- c\n", 1, "yaml: line 1: did not find expected key"),
        (
            "x: 1\na: 1\na: 2\n",
            3,
            'yaml: unmarshal errors:\n  line 3: mapping key "a" already defined at line 2',
        ),
        ("a: &x 1\nb: *y\n", None, "yaml: unknown anchor 'y' referenced"),
    ],
)
def test_parse_errors(text: str, line: int | None, message: str) -> None:
    with pytest.raises(ParseError) as info:
        load_resource_documents(text, "r.yaml")
    assert info.value.line == line
    assert info.value.message == message
    assert info.value.path == "r.yaml"


def test_kustomization_typing() -> None:
    data = load_kustomization_data(
        "images:\n- name: x\n  newTag: 1.10\n  newName: y\n"
        "commonLabels: {a: on, b: 'on', c: 0755, d: 2001-12-14, e: 12:30}\n"
        "namePrefix: first-\nnamePrefix: second-\n1: one\ntrue: t\n",
        "kustomization.yaml",
    )
    assert data["images"] == [{"name": "x", "newTag": 1.1, "newName": True}]
    assert data["commonLabels"] == {"a": True, "b": "on", "c": 493, "d": "2001-12-14", "e": "12:30"}
    assert data["namePrefix"] == "second-"
    assert data["1"] == "one"
    assert data["true"] == "t"
    assert load_kustomization_data("", "kustomization.yaml") is None


def test_kustomization_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        load_kustomization_data("resources:\n- a\nfoo: bar: baz\n", "kustomization.yaml")
    assert info.value.line == 3
    assert "mapping values are not allowed in this context" in info.value.message
