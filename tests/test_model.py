"""Decoding a kustomization file into the typed model, as kustomize decodes it.

kustomize reads the YAML with YAML 1.1 typing, converts it to JSON through a Go map
(keys in byte order) and decodes that strictly with Go's ``encoding/json``. Each rule
below was checked against the reference kustomize (api v0.21.3); the ``reference``
tests at the end re-check the subtle ones.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support import POD

import kustomize_py
from kustomize_py.errors import KustomizationError, ParseError
from kustomize_py.model import (
    Image,
    Kustomization,
    SortOptions,
    decode_kustomization,
    decode_struct,
    field_specs,
)
from kustomize_py.reference import Engine, run_reference
from kustomize_py.yaml_load import load_kustomization_data

PATH = "kustomization.yaml"


def decode(text: str) -> Kustomization:
    text = textwrap.dedent(text)
    return decode_kustomization(load_kustomization_data(text, PATH), PATH, text)


def decode_error(text: str) -> KustomizationError:
    with pytest.raises(KustomizationError) as info:
        decode(text)
    assert info.value.path == PATH
    return info.value


# -- field names -------------------------------------------------------------------


def test_defaults() -> None:
    k = decode("resources:\n- a.yaml\n")
    assert k.kind == "Kustomization"
    assert k.api_version == "kustomize.config.k8s.io/v1beta1"
    assert k.resources == ("a.yaml",)
    assert (k.namespace, k.images, k.sort_options, k.used_deprecated) == ("", (), None, ())


def test_component_defaults_to_its_own_api_version() -> None:
    k = decode("kind: Component\nresources:\n- a.yaml\n")
    assert (k.kind, k.api_version) == ("Component", "kustomize.config.k8s.io/v1alpha1")


def test_keys_match_case_insensitively() -> None:
    k = decode(
        """\
        RESOURCES:
        - a.yaml
        NameSpace: team
        Images:
        - NAME: nginx
          newtag: v2
          NEWNAME: reg/nginx
        """
    )
    assert k.resources == ("a.yaml",)
    assert k.namespace == "team"
    assert k.images == (Image(name="nginx", new_name="reg/nginx", new_tag="v2"),)


def test_last_duplicate_key_wins() -> None:
    assert decode("resources: [a]\nnamespace: one\nnamespace: two\n").namespace == "two"


@pytest.mark.parametrize(
    ("text", "namespace"),
    [
        # Keys differing in case: the one sorting last in byte order wins, file order aside.
        ("resources: [a]\nnamespace: a\nNamespace: b\n", "a"),
        ("resources: [a]\nNamespace: b\nnamespace: a\n", "a"),
        ("resources: [a]\nnameSpace: c\nnamespace: a\nNamespace: b\n", "a"),
        ("resources: [a]\nNAMESPACE: x\nNamespace: z\n", "z"),
    ],
)
def test_case_variants_resolve_in_byte_order(text: str, namespace: str) -> None:
    assert decode(text).namespace == namespace


def test_case_variants_inside_an_image_entry() -> None:
    k = decode("images:\n- name: nginx\n  newTag: a\n  NewTag: b\n")
    assert k.images[0].new_tag == "a"


# -- null, empty, deprecated fields ----------------------------------------------


def test_null_is_absent() -> None:
    k = decode(
        """\
        resources: null
        namespace: ~
        images:
        - name: nginx
          newTag: null
          newName: reg/nginx
        - null
        sortOptions: null
        crds:
        """
    )
    assert k.resources == ()
    assert k.namespace == ""
    assert k.images == (Image(name="nginx", new_name="reg/nginx"),)
    assert k.sort_options is None


def test_null_after_a_value_keeps_a_string_but_clears_a_list() -> None:
    """Go: null into a string is a no-op, into a slice it sets nil (here via key order)."""
    assert decode("resources: [a]\nnamespace: null\nNamespace: x\n").namespace == "x"
    assert decode("namespace: x\nresources: null\nResources: [a]\n").resources == ()


def test_image_tags_come_after_images() -> None:
    k = decode(
        """\
        imageTags:
        - name: old
          newTag: v1
        images:
        - name: new
          newTag: v2
        """
    )
    assert [i.name for i in k.images] == ["new", "old"]
    assert k.used_deprecated == ("imageTags",)


def test_bases_come_after_resources() -> None:
    k = decode("bases:\n- ../base\nresources:\n- cm.yaml\n")
    assert k.resources == ("cm.yaml", "../base")
    assert k.used_deprecated == ("bases",)


def test_both_deprecated_fields_in_kustomize_order() -> None:
    k = decode("imageTags: [{name: a, newTag: b}]\nbases: [x]\n")
    assert k.used_deprecated == ("bases", "imageTags")


@pytest.mark.parametrize(
    "text", ["", "# only a comment\n", "---\n", "null\n", "namespace: ''\n", "namePrefix: ''\n"]
)
def test_empty_kustomization(text: str) -> None:
    err = decode_error(text)
    assert err.message == "kustomization is empty"
    assert err.line is None


@pytest.mark.parametrize("text", ["resources: []\n", "metadata: {}\n", "images: []\n"])
def test_empty_list_or_map_is_not_empty(text: str) -> None:
    """Go's empty slices and maps are non-nil: not the zero Kustomization."""
    assert decode(text).resources == ()


def test_only_kind_and_api_version_is_empty() -> None:
    err = decode_error("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
    assert "empty" in err.message


def test_empty_values_are_accepted() -> None:
    assert decode("resources: [a]\nnamePrefix: ''\ncommonLabels: {}\npatches: []\n").resources == (
        "a",
    )


# -- errors carry the line ---------------------------------------------------------


def test_unknown_field() -> None:
    err = decode_error("resources:\n- a.yaml\n\nfoo: bar\n")
    assert err.message == 'unknown field "foo" in Kustomization'
    assert err.line == 4


def test_unknown_field_in_an_image_entry() -> None:
    err = decode_error(
        """\
        images:
        - name: a
          newTag: "1"
        - name: b
          newtagg: v2
        """
    )
    assert err.message == 'images[1]: unknown field "newtagg" in Image'
    assert err.line == 5


@pytest.mark.parametrize(
    ("value", "got"),
    [("1.10", "a number (1.1)"), ("1", "a number (1)"), ("yes", "a bool (True)")],
)
def test_unquoted_new_tag(value: str, got: str) -> None:
    err = decode_error(f"resources: [a]\nimages:\n- name: nginx\n  newTag: {value}\n")
    assert err.message.startswith(f"images[0].newTag: expected a string, got {got}")
    assert "quote the value" in err.message
    assert err.line == 4


def test_unquoted_new_name_bool() -> None:
    err = decode_error("images:\n- name: nginx\n  newName: yes\n")
    assert err.message.startswith("images[0].newName: expected a string, got a bool")
    assert err.line == 3


@pytest.mark.parametrize("value", ['"1.10"', "'yes'", "v1.0.0", "2024-01-01", "1.0.0"])
def test_string_tags(value: str) -> None:
    assert decode(f"images:\n- name: nginx\n  newTag: {value}\n").images[0].new_tag == value.strip(
        "'\""
    )


def test_error_line_counts_list_items() -> None:
    err = decode_error(
        """\
        resources: [a]
        images:
        - name: a
          newTag: "1"
        - name: b
          newTag: "2"
        -   name: c
            newTag: 3
        """
    )
    assert err.message.startswith("images[2].newTag:")
    assert err.line == 8


def test_first_error_in_key_order() -> None:
    """Go decodes the keys in byte order: ``images`` is reported before ``zzz``."""
    err = decode_error("zzz: 1\nresources: [a]\nimages:\n- name: nginx\n  newTag: 1\n")
    assert err.message.startswith("images[0].newTag:")
    assert err.line == 5


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("resources: a.yaml\n", "resources: expected a list, got a string ('a.yaml')", 1),
        ("resources:\n- 1\n", "resources[0]: expected a string, got a number (1)", 2),
        ("resources: [a]\nnamespace: [x]\n", "namespace: expected a string, got an array", 2),
        ("resources: [a]\nimages: {name: x}\n", "images: expected a list, got an object", 2),
        (
            "resources: [a]\nimages:\n- nginx\n",
            "images[0]: expected a Image mapping, got a string",
            3,
        ),
        ("- a\n- b\n", "expected a Kustomization mapping, got an array", None),
    ],
)
def test_wrong_types(text: str, message: str, line: int | None) -> None:
    err = decode_error(text)
    assert err.message.startswith(message)
    assert err.line == line


def test_wrong_kind() -> None:
    err = decode_error("resources: [a]\nkind: Deployment\n")
    assert err.message == "kind: kind should be Kustomization or Component"
    assert err.line == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apiVersion: v1\nresources: [a]\n", "kustomize.config.k8s.io/v1beta1"),
        (
            "kind: Component\napiVersion: kustomize.config.k8s.io/v1beta1\nresources: [a]\n",
            "kustomize.config.k8s.io/v1alpha1",
        ),
    ],
)
def test_wrong_api_version(text: str, expected: str) -> None:
    err = decode_error(text)
    assert err.message.endswith(f"should be {expected}")
    assert err.line == 2 - text.startswith("apiVersion")


def test_malformed_yaml_is_a_parse_error_with_line() -> None:
    with pytest.raises(ParseError) as info:
        decode("resources:\n- a\nnamespace: a: b\n")
    assert info.value.line == 3


# -- sortOptions ---------------------------------------------------------------


def test_sort_options_legacy_with_lists() -> None:
    k = decode(
        """\
        resources: [a]
        sortOptions:
          order: legacy
          legacySortOptions:
            orderFirst: [Namespace]
            orderLast: [Job]
        """
    )
    assert k.sort_options == SortOptions("legacy", ("Namespace",), ("Job",))


def test_sort_options_fifo() -> None:
    assert decode("resources: [a]\nsortOptions: {order: fifo}\n").sort_options == SortOptions(
        "fifo"
    )


def test_sort_options_legacy_without_lists() -> None:
    k = decode("resources: [a]\nsortOptions:\n  order: legacy\n  legacySortOptions: null\n")
    assert k.sort_options == SortOptions("legacy")


@pytest.mark.parametrize(
    ("options", "message", "line"),
    [
        ("  order: bogus\n", "must be one of [fifo, legacy]", 3),
        ("  order: Legacy\n", "must be one of [fifo, legacy]", 3),
        ("  orderFirst: [a]\n", 'unknown field "orderFirst" in SortOptions', 3),
        ("  order: fifo\n  legacySortOptions:\n    orderFirst: [Pod]\n", "is set but", 4),
    ],
)
def test_sort_options_errors(options: str, message: str, line: int) -> None:
    err = decode_error(f"resources: [a]\nsortOptions:\n{options}")
    assert message in err.message
    assert err.line == line


def test_sort_options_empty_mapping_is_an_invalid_order() -> None:
    err = decode_error("resources: [a]\nsortOptions: {}\n")
    assert "must be one of [fifo, legacy]" in err.message


# -- configurations files ----------------------------------------------------------


def test_transformer_config_decodes_field_specs() -> None:
    raw = decode_struct(
        {"images": [{"path": "spec/image", "kind": "Foo", "create": True}], "nameReference": []},
        "TransformerConfig",
        "config.yaml",
    )
    specs = field_specs(raw.get("images"))
    assert [(s.path, s.kind, s.create) for s in specs] == [("spec/image", "Foo", True)]


def test_transformer_config_unknown_field() -> None:
    with pytest.raises(KustomizationError, match='unknown field "imagez"') as info:
        decode_struct({"imagez": []}, "TransformerConfig", "config.yaml", "imagez: []\n")
    assert (info.value.path, info.value.line) == ("config.yaml", 1)


# -- the reference agrees ------------------------------------------------------


@pytest.mark.reference
@pytest.mark.filterwarnings("ignore::kustomize_py.KustomizeDeprecationWarning")
@pytest.mark.parametrize(
    "kustomization",
    [
        "resources: [p.yaml]\nnamespace: a\nNamespace: b\n",
        "resources: [p.yaml]\nimages:\n- name: nginx\n  newTag: a\n  NewTag: b\n",
        "resources: [p.yaml]\nnamespace: null\nNamespace: a\n",
        "namespace: x\nresources: null\nResources: [p.yaml]\n",
        "resources: [p.yaml]\nimageTags:\n- name: foo\n  newTag: v2\n"
        "images:\n- name: nginx\n  newName: foo\n",
        "RESOURCES: [p.yaml]\nIMAGES:\n- NAME: nginx\n  NewTag: v9\n",
    ],
)
def test_decoding_matches_reference(engine: Engine, tmp_path: Path, kustomization: str) -> None:
    (tmp_path / "kustomization.yaml").write_text(kustomization)
    (tmp_path / "p.yaml").write_text(POD)
    result = run_reference(tmp_path, engine=engine)
    assert result.ok, result.stderr
    assert kustomize_py.render(tmp_path) == result.stdout
