"""Differential tests of the YAML layer against the reference kustomize.

With no transformers, kustomize's output for a resource file is exactly
``dump_documents(load_resource_documents(file))``; each example writes one ConfigMap holding
many generated values, builds it with the reference and compares byte for byte.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import require_reference

from kustomize_py.emit import dump_documents
from kustomize_py.errors import KustomizeError
from kustomize_py.reference import run_reference
from kustomize_py.yaml_load import load_resource_documents

pytestmark = pytest.mark.reference


ENGINE = require_reference()

_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)

# -- writing YAML input ------------------------------------------------------------------

_SAFE = set(string.ascii_letters + string.digits + " !#$%&'()*+,-./:;<=>?@[]^_`{|}~")


def yaml_dq(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that any YAML parser reads back exactly."""
    out = []
    for c in text:
        if c in _SAFE or (160 <= ord(c) <= 55295 and c not in {"\u2028", "\u2029"}):
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(f"\\U{ord(c):08X}")
    return '"' + "".join(out) + '"'


def configmap(data_lines: list[str], annotations: list[str] | None = None) -> str:
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
    if annotations:
        head += "  annotations:\n" + "".join(f"    {a}\n" for a in annotations)
    return head + "data:\n" + "".join(f"  {line}\n" for line in data_lines)


def build_both(tmp: Path, resource: str) -> tuple[str, str]:
    """(reference output or error, our output or error) for one resource file."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "kustomization.yaml").write_text("resources:\n- r.yaml\n")
    (tmp / "r.yaml").write_text(resource, encoding="utf-8")
    ref = run_reference(tmp, engine=ENGINE)
    theirs = ref.stdout if ref.ok else "ERROR"
    try:
        ours = dump_documents(load_resource_documents(resource, "r.yaml"))
    except KustomizeError:
        ours = "ERROR"
    return theirs, ours


_counter = iter(range(10**9))


def _fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("diff") / str(next(_counter))


# -- strategies --------------------------------------------------------------------------

_TOKENS = [
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "#",
    ":",
    ": ",
    " #",
    "-",
    "- ",
    "?",
    "'",
    '"',
    "\\",
    "---",
    "...",
    "y",
    "n",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "null",
    "~",
    "<<",
    "=",
    "1",
    "0",
    "-1",
    "+1",
    "0755",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1.0",
    ".5",
    "1e3",
    "1.",
    "12:30",
    "1:20",
    "10:60",
    "2001-12-14",
    "2001-12-14 21:59:43",
    "2001-12-14T21:59:43Z",
    ".inf",
    ".nan",
    "Infinity",
    "é",
    "日本",
    "\u00a0",
    "\U0001f600",
    "\x07",
    "\x7f",
    "\u2028",
    "\ufeff",
    "%",
    "@",
    "`",
    "&a",
    "*a",
    "!",
    "|",
    ">",
    "[",
    "]",
    "{",
    "}",
    ",",
    "http://x:80/y",
]

_word = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=12)
_sentence = st.lists(_word, min_size=10, max_size=30).map(" ".join)
_odd_sentence = st.lists(st.one_of(_word, st.sampled_from(_TOKENS)), min_size=5, max_size=40).map(
    " ".join
)
_token_mix = st.lists(st.sampled_from([*_TOKENS, "a", "b", "x y"]), min_size=1, max_size=6).map(
    "".join
)
_unicode = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs"], blacklist_characters="\x85", max_codepoint=0x1F64F
    ),
    max_size=20,
)
_multiline = (
    st.lists(
        st.one_of(_word, st.just(""), st.just(" x"), st.just("a\tb"), _odd_sentence),
        min_size=1,
        max_size=5,
    )
    .map("\n".join)
    .flatmap(lambda s: st.sampled_from([s, s + "\n", s + "\n\n", "\n" + s]))
)

string_values = st.one_of(
    st.sampled_from(_TOKENS), _token_mix, _sentence, _odd_sentence, _unicode, _multiline
)


def _check_values(values: list[str], tmp: Path) -> None:
    lines = [f"k{i:03d}: {yaml_dq(v)}" for i, v in enumerate(values)]
    theirs, ours = build_both(tmp, configmap(lines))
    assert ours == theirs


# -- tests -------------------------------------------------------------------------------

REGRESSIONS: list[str] = [
    "\ufeffx y",  # is_bom looks at the start of the whole value: everything is escaped
    "\u2028x",  # a line separator inside single quotes, then re-indentation
    "a\u2028b long enough " * 6,
    "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn ooo   pppp qq\trr",
    '#!/bin/sh\nif true; then\n\techo "hello world this is a fairly long line of text"\nfi\n',
    "x " * 50,
    " " + "word " * 30,
    "'" * 90 + " " + "'b " * 20,
]


@pytest.mark.parametrize("value", REGRESSIONS)
def test_regressions(value: str, tmp_path: Path) -> None:
    _check_values([value], tmp_path)


@_SETTINGS
@given(values=st.lists(string_values, min_size=20, max_size=60))
@example(values=list(_TOKENS))
def test_string_values(values: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    _check_values(values, _fresh(tmp_path_factory))


_key_alphabet = string.ascii_letters + "-._/"
_keys = st.lists(
    st.tuples(
        st.text(alphabet=_key_alphabet, min_size=1, max_size=8),
        st.one_of(st.just(""), st.integers(0, 200).map(str)),
    ).map("".join),
    min_size=2,
    max_size=40,
    unique=True,
)


@_SETTINGS
@given(keys=_keys, values=st.lists(string_values, min_size=40, max_size=40))
def test_keys_and_annotations(
    keys: list[str], values: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = [f"{yaml_dq(k)}: {yaml_dq(values[i])}" for i, k in enumerate(keys)]
    notes = [f"{yaml_dq('note/' + k)}: {yaml_dq(values[-i - 1])}" for i, k in enumerate(keys)]
    theirs, ours = build_both(_fresh(tmp_path_factory), configmap(data, notes))
    assert ours == theirs


_digits = st.text(alphabet="0123456789", min_size=1, max_size=25)
_number_literal = st.one_of(
    st.tuples(st.sampled_from(["", "-", "+"]), _digits).map("".join),
    st.tuples(st.sampled_from(["", "-"]), st.sampled_from(["0x", "0o", "0b", "0"]), _digits).map(
        "".join
    ),
    st.tuples(_digits, st.sampled_from([".", "_"]), _digits).map("".join),
    st.tuples(
        st.sampled_from(["", "-", "+", "."]),
        _digits,
        st.sampled_from(["", ".", ".5"]),
        st.sampled_from(["e", "E", "e-", "e+"]),
        st.integers(0, 330).map(str),
    ).map("".join),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(2**70), 2**70).map(str),
    st.tuples(
        st.integers(1, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.sampled_from(["", "T1:2:3Z", "t10:20:30.5+01:00", " 23:59:59.123456789", "T5:6:7"]),
    ).map(lambda t: f"{t[0]:04d}-{t[1]}-{t[2]:02d}{t[3]}"),
    st.sampled_from(["true", "True", "FALSE", "yes", "on", "y", "null", "~", "12:30", "1:2:3"]),
)


@_SETTINGS
@given(literals=st.lists(_number_literal, min_size=20, max_size=60))
@example(literals=["0755", "1e400", "1e-400", "12345678901234567890", "-0.0", "1234567.5"])
def test_unquoted_literals(literals: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    lines = [f"k{i:03d}: {lit}" for i, lit in enumerate(literals)]
    theirs, ours = build_both(_fresh(tmp_path_factory), configmap(lines))
    assert ours == theirs


def flow(value: Any) -> str:
    """``value`` in YAML flow style (strings always double-quoted)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_dq(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, str):
        return yaml_dq(value)
    return "null" if value is None else str(value)


_tree = st.recursive(
    string_values | st.integers(-5, 5) | st.none(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(string.ascii_lowercase, min_size=1, max_size=5), inner, max_size=3
        )
    ),
    max_leaves=8,
)


@_SETTINGS
@given(values=st.lists(_tree, min_size=5, max_size=15))
def test_nested_structures(values: list[Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    spec = {f"k{i}": v for i, v in enumerate(values)}
    resource = f"apiVersion: v1\nkind: Thing\nmetadata:\n  name: t\nspec: {flow(spec)}\n"
    theirs, ours = build_both(_fresh(tmp_path_factory), resource)
    assert ours == theirs


# -- folded block scalars ------------------------------------------------------------------
# kustomize re-emits a folded scalar with goyaml.v3, whose writer doubles some line breaks
# (see yaml_load.goyaml_folded_roundtrip); the value read back is what kustomize prints.

_fold_line = st.one_of(
    st.just(""),
    st.from_regex(r"[a-z][a-z ]{0,12}[a-z]", fullmatch=True),
    st.from_regex(r" {1,3}[a-z][a-z ]{0,8}[a-z]", fullmatch=True),
    st.from_regex(r"\t[a-z]{1,5}", fullmatch=True),
)


def _folded_block(key: str, lines: list[str], header: str) -> str:
    body = "".join(f"    {line}\n" if line else "\n" for line in lines)
    return f"  {key}: {header}\n{body}"


_first_line = st.from_regex(r"[a-z][a-z ]{0,12}[a-z]", fullmatch=True)


@_SETTINGS
@given(
    blocks=st.lists(
        st.tuples(
            # The first line sits at the block's own indentation (a more indented first
            # line would fix a deeper one and make later lines invalid).
            st.builds(
                lambda first, rest: [first, *rest], _first_line, st.lists(_fold_line, max_size=6)
            ),
            st.sampled_from([">", ">-", ">+"]),
        ),
        min_size=5,
        max_size=15,
    )
)
@example(blocks=[(["a", " c"], ">-"), (["a", "b", "", "c"], ">"), (["a", "", ""], ">+")])
def test_folded_block_scalars(
    blocks: list[tuple[list[str], str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    resource = configmap([]) + "".join(
        _folded_block(f"k{i}", block, header) for i, (block, header) in enumerate(blocks)
    )
    theirs, ours = build_both(_fresh(tmp_path_factory), resource)
    assert theirs != "ERROR", resource  # every generated block is valid YAML
    assert ours == theirs
