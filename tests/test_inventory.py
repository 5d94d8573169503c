"""The image inventory: ``kustomize_py.images`` and ``kustomize-py images [--json]``.

Each record names the resource, container, field path and final reference of one
image field of the output, the file the resource came from, and the ``images:``
entries (file, line, entry) that rewrote it. The JSON schema is documented in
docs/images.md and pinned here.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from support import cli, write_tree

import kustomize_py
from kustomize_py.errors import KustomizeError
from kustomize_py.transformers import images as images_transformer

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SEED = FIXTURES / "namespace-scheduler" / "manifests" / "overlays" / "production"

WORKLOADS = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  initContainers:
  - name: init
    image: busybox:1
  containers:
  - name: app
    image: nginx:1
  ephemeralContainers:
  - name: shell
    image: busybox:1
  volumes:
  - name: data
    image:
      reference: registry.example/data:v1
  - name: empty
    emptyDir: {}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: job
            image: nginx:1
---
apiVersion: example.com/v1
kind: Runner
metadata:
  name: custom
deep:
  nested:
    containers:
    - name: side
      image: redis@sha256:abc
    - name: noimage
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: runners.example.com
spec:
  containers:
  - name: not-an-image
    image: nginx:1
"""


def chain(root: Path) -> Path:
    """base -> mid (newTag) -> top (newName): two entries rewrite the same field."""
    return write_tree(
        root,
        {
            "base/kustomization.yaml": "resources:\n- workloads.yaml\n",
            "base/workloads.yaml": WORKLOADS,
            "mid/kustomization.yaml": """\
                resources:
                - ../base
                images:
                - name: busybox
                  newTag: "1.36"
                - name: nginx
                  newTag: "1.27"
                """,
            "top/kustomization.yaml": """\
                namespace: prod
                resources:
                - ../mid
                images:
                - name: nginx
                  newName: mirror.example/nginx
                """,
        },
    )


def test_seed_names_the_overlay_entry_and_the_base_file() -> None:
    records = kustomize_py.images(SEED)
    assert [r.container for r in records] == ["backend", "frontend"]
    backend = records[0]
    assert backend.resource.kind == "Deployment"
    assert backend.resource.namespace == "namespace-scheduler"
    assert backend.path == "spec.template.spec.containers[0].image"
    assert backend.image == (
        "226633502530.dkr.ecr.us-east-1.amazonaws.com/task-scheduler-backend:latest"
    )
    assert backend.source.endswith("manifests/base/task-scheduler-deployment.yaml")
    assert backend.set_by is not None
    assert backend.set_by.file.endswith("overlays/production/kustomization.yaml")
    assert backend.set_by.line == 13
    assert backend.set_by.entry.name == "task-scheduler-backend"
    assert backend.set_by.before == "task-scheduler-backend:latest"
    assert records[1].set_by is not None
    assert records[1].set_by.line == 10


def test_every_kind_of_image_field(tmp_path: Path) -> None:
    root = chain(tmp_path)
    records = kustomize_py.images(root / "top")
    got = [(r.resource.kind, r.container, r.role, r.path, r.image) for r in records]
    assert got == [  # in output order (kustomize's legacy sort), then document order
        (
            "CronJob",
            "job",
            "container",
            "spec.jobTemplate.spec.template.spec.containers[0].image",
            "mirror.example/nginx:1.27",
        ),
        ("Runner", "side", "container", "deep.nested.containers[0].image", "redis@sha256:abc"),
        ("Pod", "init", "initContainer", "spec.initContainers[0].image", "busybox:1.36"),
        ("Pod", "app", "container", "spec.containers[0].image", "mirror.example/nginx:1.27"),
        ("Pod", "shell", "ephemeralContainer", "spec.ephemeralContainers[0].image", "busybox:1"),
        ("Pod", "data", "volume", "spec.volumes[0].image.reference", "registry.example/data:v1"),
    ]
    assert {r.source for r in records} == {str(root / "base" / "workloads.yaml")}
    # the rendered output holds these very values
    text = kustomize_py.render(root / "top")
    for record in records:
        assert record.image in text


def test_rewrites_are_listed_in_order_with_file_and_line(tmp_path: Path) -> None:
    root = chain(tmp_path)
    app = kustomize_py.images(root / "top")[3]
    assert [(r.file, r.line, r.before, r.after) for r in app.rewrites] == [
        (str(root / "mid" / "kustomization.yaml"), 6, "nginx:1", "nginx:1.27"),
        (str(root / "top" / "kustomization.yaml"), 5, "nginx:1.27", "mirror.example/nginx:1.27"),
    ]
    assert app.set_by is app.rewrites[-1]
    assert app.set_by.entry.new_name == "mirror.example/nginx"
    ephemeral = kustomize_py.images(root / "top")[4]
    assert ephemeral.rewrites == ()  # kustomize does not rewrite ephemeral containers
    assert ephemeral.set_by is None


def test_an_entry_that_matches_without_changing_is_still_recorded(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "kustomization.yaml": "resources:\n- w.yaml\nimages:\n- name: nginx\n  newTag: '1'\n",
            "w.yaml": WORKLOADS,
        },
    )
    app = kustomize_py.images(root)[3]
    assert app.container == "app"
    assert app.image == "nginx:1"
    assert [(r.line, r.before, r.after) for r in app.rewrites] == [(4, "nginx:1", "nginx:1")]


def test_tag_suffix_applied_twice_on_a_template_is_one_record(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "kustomization.yaml": "resources:\n- w.yaml\nimages:\n- name: nginx\n  tagSuffix: -x\n",
            "w.yaml": WORKLOADS,
        },
    )
    records = {r.container: r for r in kustomize_py.images(root)}
    assert records["app"].image == "nginx:1-x-x"  # kustomize's double visit, reproduced
    assert [(r.before, r.after) for r in records["app"].rewrites] == [("nginx:1", "nginx:1-x-x")]
    assert records["app"].image in kustomize_py.render(root)


def test_image_tags_entries_get_their_own_lines(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "kustomization.yaml": (
                "resources:\n- w.yaml\n"
                "images:\n- name: busybox\n  newTag: '2'\n"
                "imageTags:\n- name: nginx\n  newTag: '3'\n"
            ),
            "w.yaml": WORKLOADS,
        },
    )
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        records = {r.container: r for r in kustomize_py.images(root)}
    assert records["init"].set_by is not None
    assert records["init"].set_by.line == 4
    assert records["app"].set_by is not None
    assert records["app"].set_by.line == 7


def test_configured_image_fields_are_listed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "kustomization.yaml": (
                "resources:\n- r.yaml\nconfigurations:\n- conf.yaml\n"
                "images:\n- name: nginx\n  newTag: '9'\n"
            ),
            "conf.yaml": "images:\n- path: spec/runtime/image\n  kind: Runner\n",
            "r.yaml": (
                "apiVersion: example.com/v1\nkind: Runner\nmetadata:\n  name: r\n"
                "spec:\n  runtime:\n    image: nginx:1\n"
            ),
        },
    )
    (record,) = kustomize_py.images(root)
    assert (record.role, record.container, record.path, record.image) == (
        "other",
        None,
        "spec.runtime.image",
        "nginx:9",
    )


def test_errors_are_the_builds_errors(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"kustomization.yaml": "resources:\n- missing.yaml\n"})
    with pytest.raises(KustomizeError) as ours:
        kustomize_py.images(root)
    with pytest.raises(KustomizeError) as build:
        kustomize_py.render(root)
    assert str(ours.value) == str(build.value)


def _at(data: Any, path: str) -> Any:
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        data = data[int(index)] if index else data[key]
    return data


def test_every_golden_tree_agrees_with_build() -> None:
    """Over every fixture root: images() fails when build() fails, every record's value
    is at its path in the built resource, and the recorder does not change the output."""
    roots = kustomize_py.find_roots(FIXTURES)
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for root in roots:
            try:
                docs = kustomize_py.build(root)
            except KustomizeError:
                with pytest.raises(KustomizeError):
                    kustomize_py.images(root)
                continue
            by_id = {
                (
                    d.get("kind"),
                    (d.get("metadata") or {}).get("namespace") or "",
                    d["metadata"]["name"],
                ): d
                for d in docs
                if isinstance(d.get("metadata"), dict) and "name" in d["metadata"]
            }
            for record in kustomize_py.images(root):
                rid = record.resource
                doc = by_id[(rid.kind, rid.namespace, rid.name)]
                assert _at(doc, record.path) == record.image, (root, record.path)
                checked += 1
            token = images_transformer.RECORDER.set(_NullRecorder())
            try:
                assert kustomize_py.render(root) == _plain_render(root), root
            finally:
                images_transformer.RECORDER.reset(token)
    assert checked > 200


class _NullRecorder:
    def field_specs(self, specs: Any) -> None:
        pass

    def rewritten(self, *args: Any) -> None:
        pass


def _plain_render(root: Path) -> str:
    token = images_transformer.RECORDER.set(None)
    try:
        return kustomize_py.render(root)
    finally:
        images_transformer.RECORDER.reset(token)


# -- the command line --------------------------------------------------------------


RESOURCE_KEYS = {"apiVersion", "kind", "namespace", "name"}
RECORD_KEYS = {
    "resource",
    "container",
    "role",
    "path",
    "image",
    "name",
    "tag",
    "digest",
    "source",
    "setBy",
    "rewrites",
}
REWRITE_KEYS = {"file", "line", "entry", "from", "to"}
ENTRY_KEYS = {"name", "newName", "newTag", "digest", "tagSuffix"}


def test_json_schema(tmp_path: Path) -> None:
    chain(tmp_path)
    proc = cli("images", "top", "--json", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")
    document = json.loads(proc.stdout)
    assert set(document) == {"schemaVersion", "root", "images"}
    assert document["schemaVersion"] == 1
    assert document["root"] == "top"
    assert len(document["images"]) == 6
    for record in document["images"]:
        assert set(record) == RECORD_KEYS
        assert set(record["resource"]) == RESOURCE_KEYS
        assert all(isinstance(record[k], str) for k in ("role", "path", "image", "name", "source"))
        assert record["tag"] is None or isinstance(record["tag"], str)
        assert record["digest"] is None or isinstance(record["digest"], str)
        assert record["container"] is None or isinstance(record["container"], str)
        for rewrite in record["rewrites"]:
            assert set(rewrite) == REWRITE_KEYS
            assert set(rewrite["entry"]) <= ENTRY_KEYS
            assert isinstance(rewrite["line"], int)
        assert record["setBy"] == (record["rewrites"][-1] if record["rewrites"] else None)
    app = document["images"][3]
    assert app["resource"] == {
        "apiVersion": "v1",
        "kind": "Pod",
        "namespace": "prod",
        "name": "debug",
    }
    assert (app["name"], app["tag"], app["digest"]) == ("mirror.example/nginx", "1.27", None)
    assert app["source"] == "base/workloads.yaml"  # relative to the working directory
    assert app["setBy"] == {
        "file": "top/kustomization.yaml",
        "line": 5,
        "entry": {"name": "nginx", "newName": "mirror.example/nginx"},
        "from": "nginx:1.27",
        "to": "mirror.example/nginx:1.27",
    }
    side = document["images"][1]
    assert (side["name"], side["tag"], side["digest"]) == ("redis", None, "sha256:abc")
    assert (side["setBy"], side["rewrites"]) == (None, [])


def test_table(tmp_path: Path) -> None:
    chain(tmp_path)
    proc = cli("images", "top", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["RESOURCE", "CONTAINER", "IMAGE", "SET", "BY", "FROM"]
    assert lines[4].split() == [
        "Pod/prod/debug",
        "app",
        "mirror.example/nginx:1.27",
        "top/kustomization.yaml:5",
        "base/workloads.yaml",
    ]
    assert lines[5].split()[1:3] == ["shell", "(ephemeralContainer)"]
    assert lines[5].split()[4] == "-"
    assert len(lines) == 7


def test_cli_error_is_one_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"kustomization.yaml": "resources:\n- missing.yaml\n"})
    proc = cli("images", ".", "--json", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: kustomization.yaml:2: ")
    assert len(proc.stderr.splitlines()) == 1
