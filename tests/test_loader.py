"""Reading trees from disk: file names, documents, encodings, paths, roots and cycles.

Every tree built successfully here is also compared with the reference kustomize
(``reference`` tests), so the expectations below are kustomize's behaviour.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support import CM, write_tree

import kustomize_py
from kustomize_py import LoadError, ParseError
from kustomize_py.loader import Loader, Root, display, resources_from_text
from kustomize_py.model import decode_kustomization
from kustomize_py.reference import Engine, run_reference


def cm(name: str) -> str:
    return CM.replace("name: cm", f"name: {name}")


def names(root: Path) -> list[str]:
    return [d["metadata"]["name"] for d in kustomize_py.build(root)]


FIFO = "sortOptions:\n  order: fifo\n"

# Trees that build; each is checked against the reference below.
TREES: dict[str, dict[str, str | bytes]] = {
    "list-flattening-order": {
        "kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n" + FIFO,
        "a.yaml": "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: l1}}\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: l2}}\n"
        f"---\n{cm('a1')}---\n"
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: l3}}\n"
        f"---\n{cm('a2')}",
        "b.yaml": cm("b1"),
    },
    "empty-documents": {
        "kustomization.yaml": "resources:\n- a.yaml\n- empty.yaml\n- comments.yaml\n" + FIFO,
        "a.yaml": f"---\n---\n{cm('x')}---\n\n---\n# only a comment\n---\n{cm('y')}...\n",
        "empty.yaml": "",
        "comments.yaml": "# nothing\n---\n",
    },
    "list-without-items": {
        "kustomization.yaml": "resources:\n- a.yaml\n",
        "a.yaml": "apiVersion: v1\nkind: List\nitems: []\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n---\n" + cm("z"),
    },
    "json-files": {
        "kustomization.yaml": "resources:\n- a.json\n- b.json\n" + FIFO,
        "a.json": json.dumps(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"n": "1"}}
        ),
        "b.json": json.dumps(
            {
                "apiVersion": "v1",
                "kind": "List",
                "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "k"}}],
            },
            indent=2,
        ),
    },
    "json-kustomization": {
        "kustomization.yaml": '{"resources": ["a.yaml"], "namespace": "ns"}',
        "a.yaml": CM,
    },
    "crlf": {
        "kustomization.yaml": b"resources:\r\n- a.yaml\r\nnamespace: ns\r\n",
        "a.yaml": (CM + "data:\n  k: |\n    line1\n    line2\n").replace("\n", "\r\n").encode(),
    },
    "bom": {
        "kustomization.yaml": b"\xef\xbb\xbfresources:\n- a.yaml\n",
        "a.yaml": b"\xef\xbb\xbf" + CM.encode(),
    },
    "kustomization-yml": {"kustomization.yml": "resources:\n- a.yaml\n", "a.yaml": CM},
    "kustomization-capitalised": {"Kustomization": "resources:\n- a.yaml\n", "a.yaml": CM},
    "siblings-share-a-base": {
        "top/kustomization.yaml": "resources:\n- ../a\n- ../b\n",
        "a/kustomization.yaml": "resources:\n- ../base\nnamespace: a\n",
        "b/kustomization.yaml": "resources:\n- ../base\nnamespace: b\n",
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": CM,
    },
    "base-outside-the-root": {
        "app/kustomization.yaml": "resources:\n- ../base\n",
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": CM,
    },
    "nested-directories-and-trailing-slash": {
        "kustomization.yaml": "resources:\n- sub/\n- sub2/deeper\n",
        "sub/kustomization.yaml": "resources:\n- cm.yaml\n",
        "sub/cm.yaml": cm("s1"),
        "sub2/deeper/kustomization.yaml": "resources:\n- ./cm.yaml\n",
        "sub2/deeper/cm.yaml": cm("s2"),
    },
    "quoted-and-flow-entries": {
        "kustomization.yaml": "resources: ['a.yaml', \"b.yaml\"]\n",
        "a.yaml": cm("a"),
        "b.yaml": cm("b"),
    },
}

BUILD_DIR = {"siblings-share-a-base": "top", "base-outside-the-root": "app"}


@pytest.mark.parametrize("tree", TREES)
def test_tree_builds(tmp_path: Path, tree: str) -> None:
    root = write_tree(tmp_path, TREES[tree]) / BUILD_DIR.get(tree, ".")
    assert kustomize_py.build(root)


@pytest.mark.reference
@pytest.mark.parametrize("tree", TREES)
def test_tree_matches_reference(engine: Engine, tmp_path: Path, tree: str) -> None:
    root = write_tree(tmp_path, TREES[tree]) / BUILD_DIR.get(tree, ".")
    result = run_reference(root, engine=engine)
    assert result.ok, result.stderr
    assert kustomize_py.render(root) == result.stdout


def test_list_items_follow_the_other_documents_of_their_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREES["list-flattening-order"])
    assert names(root) == ["a1", "a2", "l1", "l2", "l3", "b1"]


def test_empty_documents_are_skipped(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREES["empty-documents"])
    assert names(root) == ["x", "y"]


def test_json_files(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREES["json-files"])
    assert names(root) == ["j", "k"]


def test_crlf_line_endings(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREES["crlf"])
    [res] = kustomize_py.build(root)
    assert res["metadata"]["namespace"] == "ns"
    assert "\r" not in kustomize_py.render(root)


def test_byte_order_mark(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREES["bom"])
    assert kustomize_py.render(root) == CM


@pytest.mark.parametrize("file_name", ["kustomization.yml", "Kustomization"])
def test_other_kustomization_file_names(tmp_path: Path, file_name: str) -> None:
    write_tree(tmp_path, {file_name: "resources:\n- a.yaml\n", "a.yaml": CM})
    assert kustomize_py.render(tmp_path) == CM
    root = Loader().load_root(tmp_path)
    assert root.file.endswith(file_name)


@pytest.mark.parametrize("file_name", ["kustomization", "Kustomization.yaml", "KUSTOMIZATION.YAML"])
def test_names_kustomize_does_not_read(tmp_path: Path, file_name: str) -> None:
    write_tree(tmp_path, {file_name: "resources:\n- a.yaml\n", "a.yaml": CM})
    if (tmp_path / "kustomization.yaml").exists():  # a case-insensitive file system
        pytest.skip("file system is case-insensitive")
    with pytest.raises(LoadError, match="no kustomization file"):
        kustomize_py.render(tmp_path)


def test_several_kustomization_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"kustomization.yaml": "resources: [a.yaml]\n", "Kustomization": "x: 1\n"})
    with pytest.raises(LoadError, match="multiple kustomization files") as info:
        kustomize_py.render(tmp_path)
    assert "kustomization.yaml" in info.value.message
    assert "Kustomization" in info.value.message


# -- paths and roots -------------------------------------------------------------


def test_absolute_file_path_inside_the_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"kustomization.yaml": f"resources:\n- {tmp_path}/a.yaml\n", "a.yaml": CM})
    assert kustomize_py.render(tmp_path) == CM


def test_absolute_file_path_outside_the_root(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app/kustomization.yaml": f"resources:\n- {tmp_path}/a.yaml\n", "a.yaml": CM}
    )
    with pytest.raises(LoadError, match="not in or below") as info:
        kustomize_py.render(tmp_path / "app")
    assert info.value.line == 2
    assert kustomize_py.render(tmp_path / "app", load_restrictor="LoadRestrictionsNone") == CM


def test_absolute_directory_is_refused(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "kustomization.yaml": f"resources:\n- {tmp_path}/base\n",
            "base/kustomization.yaml": "resources:\n- a.yaml\n",
            "base/a.yaml": CM,
        },
    )
    with pytest.raises(LoadError, match="relative path") as info:
        kustomize_py.render(tmp_path)
    assert info.value.line == 2


def test_symlink_inside_the_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"kustomization.yaml": "resources:\n- link.yaml\n", "sub/a.yaml": CM})
    os.symlink("sub/a.yaml", tmp_path / "link.yaml")
    assert kustomize_py.render(tmp_path) == CM


def test_symlink_escaping_the_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/kustomization.yaml": "resources:\n- a.yaml\n", "shared/a.yaml": CM})
    os.symlink("../shared/a.yaml", tmp_path / "app" / "a.yaml")
    with pytest.raises(LoadError, match="security") as info:
        kustomize_py.render(tmp_path / "app")
    assert info.value.line == 2
    assert kustomize_py.render(tmp_path / "app", load_restrictor="LoadRestrictionsNone") == CM


def test_symlinked_base_directory(tmp_path: Path) -> None:
    """A kustomization directory is a new root: reaching it through a symlink is fine."""
    write_tree(
        tmp_path,
        {
            "app/kustomization.yaml": "resources:\n- link\n",
            "base/kustomization.yaml": "resources:\n- a.yaml\n",
            "base/a.yaml": CM,
        },
    )
    os.symlink("../base", tmp_path / "app" / "link")
    assert kustomize_py.render(tmp_path / "app") == CM


def test_siblings_sharing_a_base_are_not_a_cycle(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREES["siblings-share-a-base"]) / "top"
    assert [(d["metadata"]["namespace"]) for d in kustomize_py.build(root)] == ["a", "b"]


def test_same_base_twice_without_renaming_is_a_duplicate_not_a_cycle(tmp_path: Path) -> None:
    tree = dict(TREES["siblings-share-a-base"])
    tree["a/kustomization.yaml"] = "resources:\n- ../base\n"
    tree["b/kustomization.yaml"] = "resources:\n- ../base\n"
    root = write_tree(tmp_path, tree) / "top"
    with pytest.raises(kustomize_py.ConflictError) as info:
        kustomize_py.render(root)
    assert info.value.line == 3


@pytest.mark.parametrize(
    "case",
    [
        ({"kustomization.yaml": "resources:\n- .\n"}, ".", "kustomization.yaml", 2),
        (
            {
                "kustomization.yaml": "resources:\n- a\n",
                "a/kustomization.yaml": "resources:\n- ..\n",
            },
            "a",
            "a/kustomization.yaml",
            2,
        ),
        (
            {
                "a/kustomization.yaml": "resources:\n- ../b\n",
                "b/kustomization.yaml": "resources:\n- ../c\n",
                "c/kustomization.yaml": "namespace: x\nresources:\n- ../a\n",
            },
            "a",
            "c/kustomization.yaml",
            3,
        ),
    ],
    ids=["self", "parent", "three-step"],
)
def test_cycles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[dict[str, str], str, str, int]
) -> None:
    files, build_dir, at_fault, line = case
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LoadError, match="cycle detected") as info:
        kustomize_py.render(build_dir)
    assert (info.value.path, info.value.line) == (at_fault, line)


def test_build_directory_problems(tmp_path: Path) -> None:
    (tmp_path / "file.yaml").write_text(CM)
    with pytest.raises(LoadError, match="no such directory"):
        kustomize_py.render(tmp_path / "nope")
    with pytest.raises(LoadError, match="not a directory"):
        kustomize_py.render(tmp_path / "file.yaml")
    with pytest.raises(LoadError, match="no kustomization file"):
        kustomize_py.render(tmp_path)


@pytest.mark.parametrize(
    "entry",
    [
        "https://github.com/org/repo//base?ref=v1",
        "git@github.com:org/repo.git",
        "github.com/org/repo/base",
        "ssh://git@example.com/repo.git",
        "git::https://example.com/repo.git",
    ],
)
def test_remote_resources_are_refused(tmp_path: Path, entry: str) -> None:
    write_tree(tmp_path, {"kustomization.yaml": f"resources:\n- a.yaml\n- {entry}\n", "a.yaml": CM})
    with pytest.raises(LoadError, match="remote resource") as info:
        kustomize_py.render(tmp_path)
    assert info.value.line == 3


def test_entry_line_is_the_list_item(tmp_path: Path) -> None:
    """An entry is located on its ``- entry`` line, not where its text appears first."""
    write_tree(
        tmp_path,
        {"kustomization.yaml": "namespace: base\nresources:\n- 'base'\n", "other.yaml": CM},
    )
    with pytest.raises(LoadError) as info:
        kustomize_py.render(tmp_path)
    assert info.value.line == 3


def test_configurations_entry_that_is_a_directory(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "kustomization.yaml": "resources:\n- a.yaml\nconfigurations:\n- c\n",
            "a.yaml": CM,
            "c/x": "",
        },
    )
    with pytest.raises(LoadError, match="configurations file 'c' is a directory") as info:
        kustomize_py.render(tmp_path)
    assert info.value.line == 4


def test_not_utf8_kustomization(tmp_path: Path) -> None:
    write_tree(tmp_path, {"kustomization.yaml": b"resources:\n- a.yaml\nnamespace: \xff\n"})
    with pytest.raises(ParseError, match="not UTF-8") as info:
        kustomize_py.render(tmp_path)
    assert info.value.path is not None
    assert info.value.path.endswith("kustomization.yaml")


# -- units -------------------------------------------------------------------------


def test_resources_from_text_order_and_errors() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: l}}\n"
        f"---\n{cm('p')}"
    )
    assert [r.data["metadata"]["name"] for r in resources_from_text(text, "f.yaml")] == ["p", "l"]
    with pytest.raises(ParseError, match="missing kind") as info:
        resources_from_text("apiVersion: v1\nmetadata: {name: x}\n", "f.yaml")
    assert info.value.path == "f.yaml"
    with pytest.raises(ParseError, match=r"missing metadata\.name"):
        resources_from_text("apiVersion: v1\nkind: ConfigMap\n", "f.yaml")
    with pytest.raises(ParseError, match="not a Kubernetes object"):
        resources_from_text("- a\n", "f.yaml")


def test_root_line_of() -> None:
    text = "resources:\n- c\n- 'quoted.yaml'  # comment\n- \"dq\"\nimages: [{name: x}]\n- ''\n"
    root = Root(Path("/x"), decode_kustomization({"resources": ["c"]}, "k.yaml", text), text)
    assert root.line_of("c") == 2
    assert root.line_of("quoted.yaml") == 3
    assert root.line_of("dq") == 4
    assert root.line_of("") == 6
    assert root.line_of("nowhere") is None


def test_display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    assert display(tmp_path / "sub" / "k.yaml") == os.path.join("sub", "k.yaml")
    assert display(tmp_path) == "."
    monkeypatch.chdir(tmp_path / "sub")
    assert display(tmp_path / "other.yaml") == str(tmp_path / "other.yaml")
