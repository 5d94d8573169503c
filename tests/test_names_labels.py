"""Unit tests for the name, label, annotation and replica transformers and their tables.

Their behaviour against the reference is pinned by the golden cases (``prefix-*``,
``labels-*``, ``annotations-*``, ``replicas-*``, ``krusty-*``) and by
``test_names_differential``; these tests pin the pieces those rely on.
"""

from __future__ import annotations

from typing import Any

import pytest

from kustomize_py.errors import TransformError
from kustomize_py.fieldspec import FieldSpecError, merge_specs, sort_specs
from kustomize_py.model import FieldSpec, Label, Replica
from kustomize_py.resource import Resource
from kustomize_py.transformers import annotations, labels, prefixsuffix, replicas
from kustomize_py.transformers.namereference import _same_ending
from kustomize_py.yaml_load import StyledStr


def _res(kind: str, name: str, api_version: str = "v1", **rest: Any) -> Resource:
    data = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}, **rest}
    return Resource(data, "r.yaml")


# -- field-spec tables ----------------------------------------------------------------


def test_kind_specific_spec_absorbs_later_generic_one() -> None:
    specific = FieldSpec("metadata/name", kind="ConfigMap")
    generic = FieldSpec("metadata/name")
    assert merge_specs([specific], [generic]) == (specific,)
    assert merge_specs([generic], [specific]) == (generic, specific)


def test_same_path_different_create_conflicts() -> None:
    with pytest.raises(FieldSpecError):
        merge_specs([FieldSpec("a", kind="X", create=True)], [FieldSpec("a")])


def test_sort_specs_uses_kustomize_kind_order() -> None:
    specs = [FieldSpec("p", kind=k) for k in ("ReplicationController", "", "Deployment", "Foo")]
    kinds = [s.kind for s in sort_specs(specs)]
    # Deployment ranks among the first kinds; "Foo" sorts before "[noKind]" bytewise.
    assert kinds == ["Deployment", "Foo", "ReplicationController", ""]


def test_label_tables_are_data() -> None:
    paths = {s.path for s in labels.COMMON_LABEL_SPECS}
    assert "spec/selector/matchLabels" in paths
    assert "spec/volumeClaimTemplates[]/metadata/labels" in paths
    assert {s.path for s in labels.LABEL_SPECS} == {"metadata/labels"}
    assert labels.entry_specs(Label()) == labels.LABEL_SPECS
    with_templates = labels.entry_specs(Label(include_templates=True))
    assert set(with_templates) == set(labels.TEMPLATE_LABEL_SPECS)


# -- prefix / suffix ------------------------------------------------------------------


def test_affixes_skip_crds_namespaces_and_core_apiservices() -> None:
    kept = [
        _res("CustomResourceDefinition", "c", "apiextensions.k8s.io/v1"),
        _res("Namespace", "n"),
        _res("Namespace", "n2", "example.com/v1"),
        _res("APIService", "a", "apiregistration.k8s.io/v1"),
    ]
    renamed = [_res("APIService", "b", "other.io/v1"), _res("ConfigMap", "cm")]
    prefixsuffix.transform([*kept, *renamed], "p-", "-s")
    assert [r.id.name for r in kept] == ["c", "n", "n2", "a"]
    assert [r.id.name for r in renamed] == ["p-b-s", "p-cm-s"]
    assert renamed[1].prefixes == ["p-"]
    assert renamed[1].suffixes == ["-s"]
    assert [i.name for i in renamed[1].previous_ids] == ["cm", "p-cm"]


def test_empty_affixes_record_nothing() -> None:
    res = _res("ConfigMap", "cm")
    prefixsuffix.transform([res], "", "")
    assert (res.id.name, res.prefixes, res.previous_ids) == ("cm", [], [])


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ([], [], True),
        ([], ["p-"], False),
        (["a-"], ["pfx-", "a-"], True),
        (["b-"], ["pfx-", "a-"], False),
        (["x-", "a-"], ["y-", "a-"], False),
    ],
)
def test_same_ending(a: list[str], b: list[str], same: bool) -> None:
    assert _same_ending(a, b) is same
    assert _same_ending(b, a) is same


# -- labels / annotations ---------------------------------------------------------------


def test_labels_created_together_stay_linked() -> None:
    dep = _res("Deployment", "d", "apps/v1", spec={"template": {"metadata": {}}})
    labels.transform([dep], [Label(pairs=(("a", "x"),), include_selectors=True)], (), where="k")
    labels.transform([dep], [Label(pairs=(("a", "y"),))], (), where="k")
    assert dep.data["spec"]["selector"]["matchLabels"] == {"a": "y"}
    assert dep.data["spec"]["template"]["metadata"]["labels"] == {"a": "y"}


def test_existing_label_is_overwritten_in_place_only() -> None:
    dep = _res(
        "Deployment",
        "d",
        "apps/v1",
        spec={"selector": {"matchLabels": {"a": "old"}}, "template": {"metadata": {}}},
    )
    dep.data["metadata"]["labels"] = {"a": "old"}
    labels.transform([dep], [Label(pairs=(("a", "new"),))], (), where="k")
    assert dep.data["spec"]["selector"]["matchLabels"] == {"a": "old"}


def test_unwritable_key_fails_only_when_written() -> None:
    annotations.transform([], (("true", "x"),), where="k")
    with pytest.raises(TransformError):
        annotations.transform([_res("ConfigMap", "c")], (("true", "x"),), where="k")
    res = _res("ConfigMap", "c")
    annotations.transform([res], (("0x1F", "x"),), where="k")
    assert res.data["metadata"]["annotations"] == {"31": "x"}


# -- replicas ---------------------------------------------------------------------------


def test_replicas_match_any_name_and_keep_string_type() -> None:
    dep = _res("Deployment", "web", "apps/v1", spec={"replicas": StyledStr("1")})
    prefixsuffix.transform([dep], "p-", "")
    replicas.transform([dep], [Replica("web", 3)], where="k")
    assert dep.data["spec"]["replicas"] == "3"  # a quoted value keeps its quotes
    plain = _res("Deployment", "api", "apps/v1", spec={"replicas": "one"})
    replicas.transform([plain], [Replica("api", 3)], where="k")
    assert plain.data["spec"]["replicas"] == 3  # a plain string becomes the int
    sts = _res("StatefulSet", "db", "apps/v1")
    replicas.transform([sts], [Replica("db", 2)], where="k")
    assert sts.data["spec"]["replicas"] == 2


def test_replicas_without_match_fail() -> None:
    with pytest.raises(TransformError):
        replicas.transform([_res("ConfigMap", "web")], [Replica("web", 1)], where="k")
