"""Differential fuzzing of strategic-merge and JSON 6902 patches against the reference.

hypothesis generates a Deployment (containers with env, ports, args, volume mounts;
volumes; labels; finalizers) or a custom resource with lists of named items, and a
strategic-merge patch over it: elements that exist or not, ``$patch: delete`` /
``replace`` / ``merge`` on maps and list elements, ``null`` values, replaced scalar
lists, added fields, an occasional wrong node kind. The patch is applied through
``patches:`` (by id or with a ``target``) or ``patchesStrategicMerge:``; both
implementations must print the same bytes, or both fail.

A second test applies 1-3 random JSON 6902 operations (add, remove, replace, test,
move, copy over present, missing and out-of-range paths) through ``patches:`` or
``patchesJson6902:``. ``PATCH_FUZZ_EXAMPLES`` sets the number of examples (60).

Files are written as JSON (valid YAML), so YAML typing rules stay out of the way.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import assert_matches_reference, require_reference

pytestmark = [
    pytest.mark.reference,
    pytest.mark.filterwarnings("ignore::kustomize_py.KustomizeDeprecationWarning"),
]

require_reference()

NAMES = ("a", "b", "c")
WORDS = st.sampled_from(("x", "y", "z", "1", ""))
DIRECTIVES = st.sampled_from((None, None, None, "delete", "replace", "merge"))


def _with_directive(item: dict[str, Any], directive: str | None) -> dict[str, Any]:
    if directive is not None:
        item["$patch"] = directive
    return item


@st.composite
def env_list(draw: st.DrawFn, patch: bool) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(("A", "B", "C")), max_size=3, unique=True))
    out = []
    for name in names:
        item: dict[str, Any] = {"name": name}
        if draw(st.booleans()):
            item["value"] = draw(st.one_of(WORDS, st.none()) if patch else WORDS)
        out.append(_with_directive(item, draw(DIRECTIVES) if patch else None))
    return out


@st.composite
def ports(draw: st.DrawFn, patch: bool) -> list[dict[str, Any]]:
    out = []
    for port in draw(st.lists(st.sampled_from((80, 443, 8080)), max_size=3, unique=True)):
        item: dict[str, Any] = {"containerPort": port}
        if draw(st.booleans()):
            item["protocol"] = draw(st.sampled_from(("TCP", "UDP")))
        if draw(st.booleans()):
            item["name"] = draw(st.sampled_from(("http", "https")))
        out.append(item)
    return out


@st.composite
def container(draw: st.DrawFn, name: str, patch: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        item["image"] = draw(st.sampled_from(("app:1", "app:2", "side:1")))
    if draw(st.booleans()):
        item["env"] = draw(env_list(patch))
    if draw(st.booleans()):
        item["ports"] = draw(ports(patch))
    if draw(st.booleans()):
        item["args"] = draw(st.lists(WORDS, max_size=3))
    if draw(st.booleans()):
        item["resources"] = (
            None
            if patch and draw(st.booleans())
            else {"limits": {"cpu": draw(st.sampled_from(("1", "2")))}}
        )
    if draw(st.booleans()):
        item["volumeMounts"] = [
            {"name": v, "mountPath": "/" + v}
            for v in draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True))
        ]
    return _with_directive(item, draw(DIRECTIVES) if patch else None)


@st.composite
def pod_spec(draw: st.DrawFn, patch: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    names = draw(
        st.lists(st.sampled_from(NAMES), min_size=0 if patch else 1, max_size=3, unique=True)
    )
    containers = [draw(container(n, patch)) for n in names]
    if patch and draw(st.integers(0, 9)) == 0:
        containers.insert(0, {"$patch": "replace"})
    if containers or not patch:
        spec["containers"] = containers
    if draw(st.booleans()):
        spec["volumes"] = [
            _with_directive(
                {"name": v, draw(st.sampled_from(("emptyDir", "secret"))): {}},
                draw(DIRECTIVES) if patch else None,
            )
            for v in draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True))
        ]
    if draw(st.booleans()):
        spec["nodeSelector"] = {"k": draw(WORDS)}
    if patch and draw(st.integers(0, 14)) == 0:
        spec["containers"] = "not-a-list"
    return spec


@st.composite
def deployment(draw: st.DrawFn, patch: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "web"}
    if draw(st.booleans()):
        meta["labels"] = {
            k: draw(WORDS) for k in draw(st.lists(st.sampled_from("pq"), unique=True))
        }
        if patch and meta["labels"] and draw(st.booleans()):
            meta["labels"][next(iter(meta["labels"]))] = None
    if draw(st.booleans()):
        meta["finalizers"] = draw(
            st.lists(st.sampled_from(("f1", "f2", "f3")), max_size=3, unique=True)
        )
    spec: dict[str, Any] = {"template": {"spec": draw(pod_spec(patch))}}
    if draw(st.booleans()):
        spec["replicas"] = None if patch and draw(st.booleans()) else draw(st.integers(0, 3))
    if patch and draw(st.integers(0, 9)) == 0:
        spec["template"]["$patch"] = draw(st.sampled_from(("replace", "delete")))
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


@st.composite
def widget(draw: st.DrawFn, patch: bool) -> dict[str, Any]:
    items = [
        _with_directive(
            {"name": n, "size": draw(st.integers(0, 3))}, draw(DIRECTIVES) if patch else None
        )
        for n in draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
    ]
    spec: dict[str, Any] = {"items": items}
    if draw(st.booleans()):
        spec["tags"] = draw(st.lists(WORDS, max_size=3))
    if draw(st.booleans()):
        spec["nested"] = {"a": draw(WORDS), "b": None if patch else draw(WORDS)}
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": spec,
    }


@st.composite
def scenario(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    custom = draw(st.integers(0, 4)) == 0
    make = widget if custom else deployment
    resource, patch = draw(make(False)), draw(make(True))
    how = draw(st.sampled_from(("patches", "target", "psm")))
    return resource, patch, how


@settings(
    max_examples=int(os.environ.get("PATCH_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario())
def test_strategic_merge_matches_reference(
    case: tuple[dict[str, Any], dict[str, Any], str],
) -> None:
    resource, patch, how = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "resource.yaml").write_text(json.dumps(resource), encoding="utf-8")
        (root / "patch.yaml").write_text(json.dumps(patch), encoding="utf-8")
        if how == "psm":
            kust = "patchesStrategicMerge:\n- patch.yaml\n"
        elif how == "target":
            kust = f"patches:\n- path: patch.yaml\n  target:\n    kind: {resource['kind']}\n"
        else:
            kust = "patches:\n- path: patch.yaml\n"
        (root / "kustomization.yaml").write_text(
            "resources:\n- resource.yaml\n" + kust, encoding="utf-8"
        )
        assert_matches_reference(root, f"resource: {resource}\npatch: {patch}\nvia: {how}")


# -- JSON 6902 ---------------------------------------------------------------------

PATHS = st.sampled_from(
    (
        "/data/a",
        "/data/b",
        "/data/missing",
        "/data",
        "/metadata/labels",
        "/metadata/labels/x",
        "/metadata/annotations/k~1v",
        "/spec/list/0",
        "/spec/list/1",
        "/spec/list/-",
        "/spec/list/9",
        "/spec/list",
        "/spec/nested/deep/x",
        "/spec/nested",
        "/kind",
        "/metadata/name",
    )
)
VALUES = st.one_of(
    WORDS,
    st.integers(-1, 3),
    st.booleans(),
    st.none(),
    st.just({"k": "v"}),
    st.just(["p", "q"]),
)


@st.composite
def operation(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from(("add", "remove", "replace", "test", "move", "copy")))
    out: dict[str, Any] = {"op": op, "path": draw(PATHS)}
    if op in ("add", "replace", "test"):
        out["value"] = draw(VALUES)
    if op in ("move", "copy"):
        out["from"] = draw(PATHS)
    return out


@settings(
    max_examples=int(os.environ.get("PATCH_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(operation(), min_size=1, max_size=3), st.booleans())
def test_json6902_matches_reference(ops: list[dict[str, Any]], deprecated: bool) -> None:
    resource = {
        "apiVersion": "example.com/v1",
        "kind": "Thing",
        "metadata": {"name": "t", "labels": {"x": "1"}},
        "data": {"a": "1", "b": 2},
        "spec": {"list": ["e0", "e1"], "nested": {"deep": {"x": True}}},
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "resource.yaml").write_text(json.dumps(resource), encoding="utf-8")
        (root / "ops.json").write_text(json.dumps(ops), encoding="utf-8")
        field = "patchesJson6902" if deprecated else "patches"
        (root / "kustomization.yaml").write_text(
            f"resources:\n- resource.yaml\n{field}:\n- path: ops.json\n"
            "  target:\n    kind: Thing\n    name: t\n",
            encoding="utf-8",
        )
        assert_matches_reference(root, f"ops: {ops}\nvia: {field}")
