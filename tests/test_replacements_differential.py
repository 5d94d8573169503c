"""Differential fuzzing of ``replacements:`` and ``vars:`` against the reference.

Each example is a random kustomization over a fixed set of resources (a Deployment, a
ConfigMap, a Service and a namespaced Secret): one or two replacements drawn from
sources, target field paths (list entries, indices, wildcards, missing fields), selectors
and rejects (ids, namespace, label selectors) and options (create, delimiter, index);
or a few vars with field references of every type and ``$(...)`` text in the
varReference fields, escapes and broken syntax included. Both implementations build it;
the outputs must be the same bytes, or both must fail.

Regressions found this way are golden cases (``replacements-create-list-by-index``,
``replacements-list-into-created-annotation``, ``replacements-error-name-emptied``).
A longer hunt: REPLACEMENTS_FUZZ_EXAMPLES=2000 REPLACEMENTS_FUZZ_RANDOM=1 pytest ...
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import assert_matches_reference, require_reference

pytestmark = pytest.mark.reference

require_reference()

_EXAMPLES = int(os.environ.get("REPLACEMENTS_FUZZ_EXAMPLES", "60"))
_SETTINGS = settings(
    max_examples=_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("REPLACEMENTS_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

RESOURCES: list[dict[str, Any]] = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"team": "blue"}},
        "spec": {
            "replicas": 1,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx:1.21",
                            "args": ["--port", "8080"],
                            "env": [{"name": "HOST", "value": "localhost"}],
                        },
                        {"name": "myapp-sidecar", "image": "busybox:1.36"},
                    ]
                }
            },
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings"},
        "data": {
            "replicas": "3",
            "image": "registry.example.com/team/app:2.0",
            "host": "db.example.com",
            "flag": "true",
            "url": "https://db.example.com:5432/main",
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"tier": "frontend"}},
        "spec": {"ports": [{"port": 80, "targetPort": 8080}], "selector": {"app": "web"}},
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "sec", "namespace": "ns1", "labels": {"tier": "backend"}},
        "stringData": {"pw": "s3:cr3t", "num": "42", "list": "a,b,c"},
    },
]

SOURCES = [
    *(("ConfigMap", "settings", f) for f in ("data.replicas", "data.image", "data.host")),
    *(("ConfigMap", "settings", f) for f in ("data.flag", "data.url", "data", "data.nope")),
    ("Deployment", "web", "spec.replicas"),
    ("Deployment", "web", "spec.template.spec.containers.0.image"),
    ("Deployment", "web", "spec.template.spec.containers.[name=app].args"),
    ("Deployment", "web", "spec.template.spec.containers.0.args.1"),
    ("Deployment", "web", "metadata.labels"),
    ("Service", "web", "spec.ports.0.port"),
    ("Service", "web", "spec.selector"),
    ("Service", "web", "metadata.labels.tier"),
    ("Secret", "sec", "stringData.pw"),
    ("Secret", "sec", "stringData.list"),
    ("Secret", "sec", "metadata.namespace"),
]
TARGET_PATHS = [
    "spec.replicas",
    "spec.template.spec.containers.[name=app].image",
    "spec.template.spec.containers.*.image",
    "spec.template.spec.containers.0.args.0",
    "spec.template.spec.containers.0.args",
    "spec.template.spec.containers.*.args.[=8080]",
    "spec.template.spec.containers.[name=app].env.[name=HOST].value",
    "spec.template.spec.containers.[name=zzz].image",
    "data.host",
    "data.new",
    "metadata.annotations.x",
    "metadata.labels.tier",
    "metadata.labels",
    "metadata.name",
    "spec.ports.0.port",
    "spec.ports.1.port",
    "spec.ports.[port=80].name",
    "spec.selector.app",
    "spec.new.deep",
    "stringData.num",
    "stringData.list",
]
SELECTS: list[dict[str, str]] = [
    {"kind": "Deployment"},
    {"kind": "ConfigMap"},
    {"kind": "Service"},
    {"kind": "Secret"},
    {"version": "v1"},
    {"name": "web"},
    {"labelSelector": "tier"},
    {"labelSelector": "tier in (backend),app!=x"},
    {"annotationSelector": "team=blue"},
    {"namespace": "ns1"},
    {},
]


def _replacements(r: random.Random) -> list[dict[str, Any]]:
    out = []
    for _ in range(r.randint(1, 2)):
        kind, name, path = r.choice(SOURCES)
        source: dict[str, Any] = {"kind": kind, "name": name, "fieldPath": path}
        if r.random() < 0.25:
            source["options"] = {"delimiter": r.choice(":,/."), "index": r.choice([0, 1, 2, -1])}
        targets = []
        for _ in range(r.randint(1, 2)):
            target: dict[str, Any] = {
                "select": r.choice(SELECTS),
                "fieldPaths": r.sample(TARGET_PATHS, r.randint(1, 2)),
            }
            if r.random() < 0.3:
                target["reject"] = [r.choice(SELECTS)]
            options: dict[str, Any] = {}
            if r.random() < 0.4:
                options["create"] = True
            if r.random() < 0.25:
                options.update(delimiter=r.choice(":,."), index=r.choice([0, 1, 3, -1]))
            if options:
                target["options"] = options
            targets.append(target)
        out.append({"source": source, "targets": targets})
    return out


_VAR_NAMES = ["A", "B", "C_1", "d-e"]


def _text(r: random.Random) -> str:
    pieces = ["", "x", "$$", "$", "(", ")", "-", "$(", "$(A", "${A}", "$$("]
    out = ""
    for _ in range(r.randint(1, 3)):
        out += r.choice(pieces)
        if r.random() < 0.7:
            out += f"$({r.choice([*_VAR_NAMES, 'NOPE'])})"
    return out or "$(A)"


def _var_resources(r: random.Random) -> list[dict[str, Any]]:
    svc_meta: dict[str, Any] = {
        "name": "svc",
        "labels": {"l": _text(r), "n": "$(B)"},
        "annotations": {"x": _text(r)},
    }
    if (ns := r.choice(["", "a", "default"])) != "":
        svc_meta["namespace"] = ns
    container = {
        "name": "c",
        "image": "i",
        "args": [_text(r), _text(r)],
        "command": [_text(r)],
        "env": [
            {"name": "E", "value": _text(r)},
            {"name": "F", "value": r.choice([_text(r), 5, None])},
        ],
    }
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": svc_meta,
            "spec": {
                "ports": [{"port": r.choice([80, "$(A)"]), "targetPort": _text(r), "name": "p"}],
                "flag": True,
                "ratio": 1.5,
                "list": ["a", "b"],
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": r.choice(["Deployment", "StatefulSet", "DaemonSet", "Job"]),
            "metadata": {"name": "app"},
            "spec": {"template": {"spec": {"containers": [container]}}},
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cm"},
            "data": {"k": _text(r)},
        },
    ]


_VAR_FIELDS = [
    "metadata.name",
    "metadata.namespace",
    "spec.ports[0].port",
    "spec.ports.0.targetPort",
    "spec.flag",
    "spec.ratio",
    "spec.list",
    "spec.ports",
    "data.k",
    "spec.missing",
    "metadata.labels.l",
]
_VAR_REFS = [
    ("v1", "Service", "svc"),
    ("v1", "ConfigMap", "cm"),
    ("apps/v1", "Deployment", "app"),
    ("apps/v1", "StatefulSet", "app"),
    ("", "Service", "svc"),
]


def _vars(r: random.Random) -> list[dict[str, Any]]:
    out = []
    for name in r.sample(_VAR_NAMES, r.randint(0, 3)):
        api_version, kind, ref_name = r.choice(_VAR_REFS)
        objref = {"kind": kind, "name": ref_name}
        if api_version:
            objref["apiVersion"] = api_version
        if r.random() < 0.2:
            objref["namespace"] = r.choice(["a", "default"])
        var: dict[str, Any] = {"name": name, "objref": objref}
        if r.random() < 0.8:
            var["fieldref"] = {"fieldpath": r.choice(_VAR_FIELDS)}
        out.append(var)
    return out


def _check(resources: list[dict[str, Any]], kustomization: dict[str, Any], seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "res.yaml").write_text(yaml.safe_dump_all(resources, sort_keys=False))
        text = json.dumps({"resources": ["res.yaml"], **kustomization}, indent=1)
        (root / "kustomization.yaml").write_text(text)
        assert_matches_reference(root, f"seed {seed}\n{text}")


@_SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_random_replacements_match_reference(seed: int) -> None:
    r = random.Random(seed)
    _check(RESOURCES, {"replacements": _replacements(r)}, seed)


@_SETTINGS
@given(st.integers(0, 2**32 - 1))
@pytest.mark.filterwarnings("ignore::kustomize_py.errors.KustomizeDeprecationWarning")
def test_random_vars_match_reference(seed: int) -> None:
    r = random.Random(seed)
    kustomization: dict[str, Any] = {}
    if variables := _vars(r):
        kustomization["vars"] = variables
    if r.random() < 0.3:
        kustomization["namespace"] = "ns"
    _check(_var_resources(r), kustomization, seed)


@pytest.mark.xfail(
    reason="yaml_load keeps no source text for non-string scalars: kustomize copies a "
    "source `1.50` / `0x1F` / `True` into a string field as written; we write the "
    "canonical text (1.5, 31, true)",
    strict=True,
)
def test_non_string_source_text() -> None:
    resources = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "t"}, "data": {"v": "x"}},
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "res.yaml").write_text(
            yaml.safe_dump_all(resources) + "---\napiVersion: v1\nkind: Service\n"
            "metadata:\n  name: s\nspec:\n  ratio: 1.50\n"
        )
        (root / "kustomization.yaml").write_text(
            "resources: [res.yaml]\nreplacements:\n- source: {kind: Service, fieldPath: "
            "spec.ratio}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.v]\n"
        )
        assert_matches_reference(root)
