"""Unit tests of the generator building blocks (behaviour against kustomize is pinned by
the ``generator-*`` golden cases and tests/test_generators_differential.py)."""

from __future__ import annotations

import pytest

from kustomize_py.errors import ConflictError, TransformError
from kustomize_py.generators import (
    AnyIdIndex,
    absorb,
    add_hash_suffixes,
    args_from_plugin_config,
    generate,
    merge_options,
    options_from_annotations,
)
from kustomize_py.generators.hasher import content_hash, go_json
from kustomize_py.generators.kv import (
    KvError,
    env_file_pairs,
    literal_pair,
    parse_file_source,
)
from kustomize_py.model import GeneratorArgs, GeneratorOptions
from kustomize_py.resource import ResMap, Resource


def _no_files(path: str, what: str) -> bytes:
    raise AssertionError(f"unexpected read of {what} {path}")


@pytest.mark.parametrize(
    ("source", "pair"),
    [
        ("a=b", ("a", b"b")),
        ("a=b=c", ("a", b"b=c")),
        ('a="q v"', ("a", b"q v")),
        ("a='q'", ("a", b"q")),
        ('a="', ("a", b'"')),
        ("a=\"x'", ("a", b"\"x'")),
        ("a=", ("a", b"")),
        ("k y=1", ("k y", b"1")),
    ],
)
def test_literal_pair(source: str, pair: tuple[str, bytes]) -> None:
    assert literal_pair(source) == pair


@pytest.mark.parametrize("source", ["novalue", "=value", ""])
def test_literal_pair_errors(source: str) -> None:
    with pytest.raises(KvError, match="invalid literal source"):
        literal_pair(source)


@pytest.mark.parametrize(
    ("source", "parsed"),
    [
        ("a.txt", ("a.txt", "a.txt")),
        ("dir/sub/a.txt", ("a.txt", "dir/sub/a.txt")),
        ("dir/", ("dir", "dir/")),
        ("key=dir/a.txt", ("key", "dir/a.txt")),
    ],
)
def test_parse_file_source(source: str, parsed: tuple[str, str]) -> None:
    assert parse_file_source(source) == parsed


@pytest.mark.parametrize("source", ["=a.txt", "k=a=b", "k="])
def test_parse_file_source_errors(source: str) -> None:
    with pytest.raises(KvError):
        parse_file_source(source)


def test_env_file_rules() -> None:
    content = (
        b"\xef\xbb\xbfA=1\n# c\n\n  B = 2 \nexport C=3\r\nD\n=skipped\nE='q'\n\xef\xbb\xbfF=1\nG=x"
    )
    assert env_file_pairs(content, "f.env") == [
        ("A", b"1"),
        ("B ", b" 2 "),
        ("export C", b"3"),
        ("D", b""),
        ("E", b"'q'"),
        ("\ufeffF", b"1"),
        ("G", b"x"),
    ]


def test_env_file_invalid_utf8_and_long_line() -> None:
    with pytest.raises(KvError, match="invalid utf8"):
        env_file_pairs(b"A=\xff\n", "f.env")
    long_line = b"B=" + b"x" * 70000 + b"\nC=1\n"
    assert env_file_pairs(b"A=1\n" + long_line, "f.env") == [("A", b"1")]


def test_known_hashes() -> None:
    assert content_hash({"kind": "ConfigMap", "data": {"A": "1", "B": "two"}}) == "6b56fdfggc"
    assert content_hash({"kind": "ConfigMap"}) == "6ct58987ht"
    assert content_hash({"kind": "Secret", "type": "Opaque", "data": {}}) == "46f8b28mk5"
    with pytest.raises(ValueError, match="Deployment"):
        content_hash({"kind": "Deployment"})


def test_go_json() -> None:
    assert go_json({"b": [1, 1.0, 1e21, None, True], "a": "<&>\u2028é"}) == (
        '{"a":"\\u003c\\u0026\\u003e\\u2028é","b":[1,1,1e+21,null,true]}'
    )


def test_merge_options() -> None:
    local = GeneratorOptions(labels=(("a", "local"),), disable_name_suffix_hash=False)
    global_ = GeneratorOptions(
        labels=(("a", "global"), ("b", "global")), disable_name_suffix_hash=True
    )
    merged = merge_options(local, global_)
    assert merged is not None
    assert dict(merged.labels) == {"a": "local", "b": "global"}
    assert merged.disable_name_suffix_hash
    assert merge_options(local, None) is local
    assert merge_options(None, global_) == GeneratorOptions(
        labels=global_.labels, disable_name_suffix_hash=True
    )


def _configmap(name: str, *literals: str, behavior: str = "", **options: bool) -> Resource:
    args = GeneratorArgs("ConfigMap", name=name, literals=literals, behavior=behavior)
    return generate(args, GeneratorOptions(**options) if options else None, _no_files, "k.yaml")


def test_generate_and_hash() -> None:
    res = _configmap("cm", "B=two", "A=1")
    assert res.data == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cm"},
        "data": {"A": "1", "B": "two"},
    }
    assert res.needs_hash
    add_hash_suffixes([res])
    assert res.id.name == "cm-6b56fdfggc"
    assert [i.name for i in res.previous_ids] == ["cm"]


def test_generate_rejects_repeated_keys_and_missing_name() -> None:
    with pytest.raises(KvError, match="illegally repeats the key `A`"):
        _configmap("cm", "A=1", "A=2")
    with pytest.raises(KvError, match="must have a name"):
        _configmap("", "A=1")


def test_absorb_behaviors() -> None:
    resources = ResMap()
    index = AnyIdIndex(resources)
    absorb(resources, _configmap("cm", "A=1", "B=1"), "", index)
    with pytest.raises(ConflictError, match="behavior must be merge or replace"):
        absorb(resources, _configmap("cm", "A=2"), "create", index)
    with pytest.raises(ConflictError, match="does not exist"):
        absorb(resources, _configmap("other", "A=2"), "merge", index)
    absorb(resources, _configmap("cm", "A=2", disable_name_suffix_hash=True), "merge", index)
    (only,) = resources
    assert only.data["data"] == {"A": "2", "B": "1"}
    assert not only.needs_hash  # both the old and the new object must want a hash
    absorb(resources, _configmap("cm", "C=3"), "replace", index)
    assert only.data["data"] == {"C": "3"}


def test_options_from_annotations() -> None:
    res = Resource(
        {
            "kind": "ConfigMap",
            "metadata": {
                "name": "x",
                "annotations": {
                    "kustomize.config.k8s.io/needs-hash": "true",
                    "kustomize.config.k8s.io/behavior": "merge",
                },
            },
        },
        "gen.yaml",
    )
    assert options_from_annotations(res) == "merge"
    assert res.needs_hash
    assert "annotations" not in res.data["metadata"]
    bad = Resource(
        {"metadata": {"annotations": {"kustomize.config.k8s.io/needs-hash": "yes"}}}, "g"
    )
    with pytest.raises(TransformError, match="invalid value"):
        options_from_annotations(bad)


def test_args_from_plugin_config() -> None:
    config = {
        "apiVersion": "builtin",
        "kind": "SecretGenerator",
        "metadata": {"name": "from-meta", "namespace": "ns"},
        "literals": ["a=b"],
        "type": "kubernetes.io/tls",
        "unknownField": 1,
    }
    args = args_from_plugin_config(config, "gen.yaml")
    assert args == GeneratorArgs(
        "Secret", name="from-meta", namespace="ns", literals=("a=b",), type="kubernetes.io/tls"
    )
    config["name"] = "own"
    assert args_from_plugin_config(config, "gen.yaml").name == "own"
