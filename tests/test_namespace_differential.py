"""Differential fuzzing of ``namespace:``, name references and layering.

hypothesis generates small kustomization trees (a single kustomization, a 2-3 level
chain of overlays, two sibling bases, or two overlays sharing one base), each layer
optionally setting ``namespace:`` (``default`` included), with resources that exercise
the namespace transformer and kustomize's nameReference step: Namespaces (core and a
custom group), ServiceAccounts, Roles/ClusterRoles, RoleBindings/ClusterRoleBindings
whose subjects mix ServiceAccount/User/Group, workloads with ``serviceAccountName``,
Services, webhook configurations, APIServices, CRDs with conversion webhooks, custom
resources and cluster-scoped kinds, plus the occasional ``images:`` entry. Each tree is
built by both implementations and compared byte for byte (or both must fail).

Every string value is written double-quoted (JSON string syntax), so YAML typing rules
never get in the way; ``None`` is written as an empty value (``namespace:``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from support import assert_matches_reference, fuzz_settings, require_reference

import kustomize_py
from kustomize_py.reference import ReferenceResult, run_reference
from kustomize_py.resource import CLUSTER_SCOPED

pytestmark = pytest.mark.reference

ENGINE = require_reference()  # skips the module without the reference (pykustomize)


def _reference(path: Path) -> ReferenceResult:
    return run_reference(path, engine=ENGINE)


# -- resources ------------------------------------------------------------------------

_ABSENT = object()  # an optional field left out (None writes an empty value)
_RBAC = "rbac.authorization.k8s.io/v1"
_ADMISSION = "admissionregistration.k8s.io/v1"


def _meta(name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if ns is not _ABSENT:
        meta["namespace"] = ns
    return meta


def _obj(api_version: str, kind: str, name: str, ns: Any = _ABSENT, **rest: Any) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": _meta(name, ns), **rest}


def namespace_obj(name: str, group: bool = False) -> dict[str, Any]:
    return _obj("example.com/v1" if group else "v1", "Namespace", name)


def service_account(name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    return _obj("v1", "ServiceAccount", name, ns)


def role(name: str, ns: Any = _ABSENT, cluster: bool = False) -> dict[str, Any]:
    rules = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]
    if cluster:
        return _obj(_RBAC, "ClusterRole", name, rules=rules)
    return _obj(_RBAC, "Role", name, ns, rules=rules)


def subject(kind: str, name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": kind, "name": name}
    if kind != "ServiceAccount":
        entry["apiGroup"] = "rbac.authorization.k8s.io"
    if ns is not _ABSENT:
        entry["namespace"] = ns
    return entry


def binding(
    name: str,
    subjects: Sequence[dict[str, Any]],
    *,
    ns: Any = _ABSENT,
    cluster: bool = False,
    role_kind: str = "Role",
    role_name: str = "r",
) -> dict[str, Any]:
    role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name}
    kind = "ClusterRoleBinding" if cluster else "RoleBinding"
    return _obj(_RBAC, kind, name, _ABSENT if cluster else ns, roleRef=role_ref,
                subjects=list(subjects))  # fmt: skip


def workload(kind: str, name: str, sa: Any, ns: Any = _ABSENT, cm: Any = _ABSENT) -> dict[str, Any]:
    pod: dict[str, Any] = {"containers": [{"name": "c", "image": "nginx:1.0"}]}
    if sa is not _ABSENT:
        pod["serviceAccountName"] = sa
    if cm is not _ABSENT:
        pod["volumes"] = [{"name": "v", "configMap": {"name": cm}}]
    if kind == "Pod":
        return _obj("v1", "Pod", name, ns, spec=pod)
    template = {"spec": pod}
    if kind == "CronJob":
        spec = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
        return _obj("batch/v1", "CronJob", name, ns, spec=spec)
    return _obj("apps/v1", "Deployment", name, ns, spec={"template": template})


def service(name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    return _obj("v1", "Service", name, ns, spec={"ports": [{"port": 443}]})


def _service_ref(name: str, ns: Any) -> dict[str, Any]:
    ref: dict[str, Any] = {"name": name}
    if ns is not _ABSENT:
        ref["namespace"] = ns
    return ref


def webhook_config(
    name: str, services: Sequence[tuple[str, Any]], mutating: bool = False
) -> dict[str, Any]:
    kind = "MutatingWebhookConfiguration" if mutating else "ValidatingWebhookConfiguration"
    hooks = [
        {"name": f"h{i}.example.com", "clientConfig": {"service": _service_ref(n, ns)}}
        for i, (n, ns) in enumerate(services)
    ]
    return _obj(_ADMISSION, kind, name, webhooks=hooks)


def api_service(name: str, svc: str, ns: Any = _ABSENT) -> dict[str, Any]:
    spec = {"group": "example.com", "version": "v1", "service": _service_ref(svc, ns)}
    return _obj("apiregistration.k8s.io/v1", "APIService", name, spec=spec)


def crd(plural: str, svc: str, ns: Any = _ABSENT) -> dict[str, Any]:
    spec = {
        "group": "example.com",
        "names": {"kind": plural.capitalize(), "plural": plural},
        "scope": "Namespaced",
        "conversion": {
            "strategy": "Webhook",
            "webhook": {"clientConfig": {"service": _service_ref(svc, ns)}},
        },
    }
    return _obj("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                f"{plural}.example.com", spec=spec)  # fmt: skip


def config_map(name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    return _obj("v1", "ConfigMap", name, ns, data={"k": "v"})


def node(name: str, cm: str, ns: Any = _ABSENT) -> dict[str, Any]:
    """A Node whose kubelet config comes from a ConfigMap (a map-valued reference)."""
    source = {**_service_ref(cm, ns), "kubeletConfigKey": "kubelet"}
    return _obj("v1", "Node", name, spec={"configSource": {"configMap": source}})


def custom(name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    return _obj("example.com/v1", "Thing", name, ns, spec={"x": "y"})


_CLUSTER_KINDS = {
    "ClusterRole": _RBAC,
    "StorageClass": "storage.k8s.io/v1",
    "PriorityClass": "scheduling.k8s.io/v1",
    "IngressClass": "networking.k8s.io/v1",
    "PersistentVolume": "v1",
}


def cluster_scoped(kind: str, name: str, ns: Any = _ABSENT) -> dict[str, Any]:
    res = (
        role(name, cluster=True)
        if kind == "ClusterRole"
        else _obj(_CLUSTER_KINDS[kind], kind, name)
    )
    if ns is not _ABSENT:
        res["metadata"]["namespace"] = ns
    return res


# -- trees ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One kustomization directory: ``children`` index later layers of the tree."""

    namespace: Any = _ABSENT
    resources: tuple[dict[str, Any], ...] = ()
    children: tuple[int, ...] = ()
    images: bool = False
    files_first: bool = False


@dataclass(frozen=True)
class Tree:
    layers: tuple[Layer, ...] = field(default_factory=tuple)

    def write(self, root: Path) -> None:
        for i, layer in enumerate(self.layers):
            directory = root / _dir(i)
            directory.mkdir(parents=True, exist_ok=True)
            entries = [f"../{_dir(c)}" if i else _dir(c) for c in layer.children]
            if layer.resources:
                (directory / "r.yaml").write_text("---\n".join(_yaml(r) for r in layer.resources))
                entries = ["r.yaml", *entries] if layer.files_first else [*entries, "r.yaml"]
            kust: dict[str, Any] = {"resources": entries}
            if layer.namespace is not _ABSENT:
                kust["namespace"] = layer.namespace
            if layer.images:
                kust["images"] = [{"name": "nginx", "newTag": f"v{i}"}]
            (directory / "kustomization.yaml").write_text(_yaml(kust))


def _dir(i: int) -> str:
    return "." if i == 0 else f"l{i}"


def _yaml(value: Any, indent: str = "") -> str:
    """Block YAML with every string double-quoted; keys plain."""
    if isinstance(value, dict):
        if not value:
            return "{}\n"
        out = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{indent}{key}:\n{_yaml(item, indent + '  ')}")
            else:
                out.append(f"{indent}{key}:{_scalar(item)}\n")
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return "[]\n"
        out = []
        for item in value:
            if isinstance(item, dict | list) and item:
                text = _yaml(item, indent + "  ")
                out.append(f"{indent}- {text[len(indent) + 2 :]}")
            else:
                out.append(f"{indent}-{_scalar(item)}\n")
        return "".join(out)
    return f"{indent}{_scalar(value).lstrip()}\n"


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return " {}"
    if isinstance(value, list):
        return " []"
    return " " + json.dumps(value)


# -- strategies -----------------------------------------------------------------------

_NAMES = ["default", "sa", "app", "web"]
_NAMESPACES = ["default", "ns-a", "ns-b"]
_LAYER_NAMESPACES = ["default", "ns-a", "ns-b", "team"]


@st.composite
def _ns(draw: st.DrawFn, blank: bool = False) -> Any:
    """A namespace field: absent, one of a few values, rarely "" or (when allowed) blank."""
    rare = draw(st.integers(0, 39))  # (hypothesis favours the bounds: test inner values)
    if rare == 17:
        return ""
    if blank and rare == 23:
        return None
    choice = draw(st.integers(0, 8))
    return _ABSENT if choice <= 3 else _NAMESPACES[choice % len(_NAMESPACES)]


# Resource kinds, weighted towards the ones name references are about.
_KINDS = (
    ["namespace"] * 2 + ["sa"] * 5 + ["role"] * 2 + ["rolebinding"] * 4
    + ["clusterrolebinding"] * 2 + ["workload"] * 2 + ["service"] * 2 + ["webhook"] * 2
    + ["apiservice", "crd", "custom", "cluster", "cluster-with-namespace"]
    + ["configmap", "node"]
)  # fmt: skip


@st.composite
def resources(draw: st.DrawFn, names: Sequence[str]) -> dict[str, Any]:
    """One resource; ``names`` is the tree's small pool of names, so references match."""
    kind = draw(st.sampled_from(_KINDS))
    pool = st.sampled_from(names)
    name = draw(pool)
    if kind == "namespace":
        return namespace_obj(draw(st.sampled_from(_NAMESPACES)), group=draw(st.booleans()))
    if kind == "sa":
        return service_account(name, draw(_ns()))
    if kind == "role":
        return role(name, draw(_ns()), cluster=draw(st.booleans()))
    if kind in ("rolebinding", "clusterrolebinding"):
        subjects = draw(
            st.lists(
                st.builds(
                    subject,
                    st.sampled_from(["ServiceAccount", "ServiceAccount", "User", "Group"]),
                    pool,
                    _ns(blank=True),
                ),
                min_size=1,
                max_size=3,
            )
        )
        cluster = kind == "clusterrolebinding"
        role_kind = "ClusterRole" if cluster or draw(st.booleans()) else "Role"
        return binding(
            name,
            subjects,
            ns=draw(_ns()),
            cluster=cluster,
            role_kind=role_kind,
            role_name=draw(pool),
        )
    if kind == "workload":
        sa = draw(st.one_of(st.just(_ABSENT), pool))
        cm = draw(st.one_of(st.just(_ABSENT), pool))
        return workload(draw(st.sampled_from(["Deployment", "Pod", "CronJob"])), name, sa,
                        draw(_ns()), cm)  # fmt: skip
    if kind == "service":
        return service(name, draw(_ns()))
    if kind == "webhook":
        services = draw(st.lists(st.tuples(pool, _ns()), min_size=1, max_size=2))
        return webhook_config(name, services, mutating=draw(st.booleans()))
    if kind == "apiservice":
        return api_service(f"v1.{name}.example.com", draw(pool), draw(_ns()))
    if kind == "crd":
        return crd(draw(st.sampled_from(["things", "widgets"])), draw(pool), draw(_ns()))
    if kind == "custom":
        return custom(name, draw(_ns()))
    if kind == "configmap":
        return config_map(name, draw(_ns()))
    if kind == "node":
        return node(name, draw(pool), draw(_ns()))
    ns = draw(st.sampled_from(_NAMESPACES)) if kind == "cluster-with-namespace" else _ABSENT
    return cluster_scoped(draw(st.sampled_from(sorted(_CLUSTER_KINDS))), name, ns)


def _key(res: dict[str, Any]) -> tuple[str, str, str, str]:
    ns = res["metadata"].get("namespace") or ""
    ns = "" if ns == "default" else ns
    return (res["apiVersion"], res["kind"], res["metadata"]["name"], ns)


@st.composite
def layers(
    draw: st.DrawFn, names: Sequence[str], children: tuple[int, ...], min_size: int
) -> Layer:
    # Unique ids within one file: a clash there is a load error both sides agree on.
    found = draw(st.lists(resources(names), min_size=min_size, max_size=8, unique_by=_key))
    ns = draw(st.sampled_from([_ABSENT, _ABSENT, _ABSENT, *_LAYER_NAMESPACES]))
    if draw(st.integers(0, 29)) == 17:
        ns = ""
    return Layer(
        namespace=ns,
        resources=tuple(found),
        children=children,
        images=draw(st.integers(0, 5)) == 3,
        files_first=draw(st.booleans()),
    )


# Shapes: each layer's children (layer 0 is the build root).
_SHAPES: tuple[tuple[tuple[int, ...], ...], ...] = (
    ((),),  # one kustomization
    ((1,), ()),  # overlay -> base
    ((1,), (2,), ()),  # overlay -> middle -> base
    ((1, 2), (), ()),  # two sibling bases
    ((1, 2), (3,), (3,), ()),  # two overlays sharing a base (diamond)
)


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    shape = draw(st.sampled_from(_SHAPES))
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3, unique=True))
    built = [draw(layers(names, children, min_size=0 if children else 2)) for children in shape]
    tree = Tree(tuple(built))
    # Most trees avoid ids that collide across layers (else nearly every tree with
    # cluster-scoped kinds in two layers fails); some keep them, to check both fail.
    return tree if draw(st.integers(0, 9)) in (3, 7) else _without_collisions(tree)


def _final_ids(tree: Tree) -> list[tuple[int, int, tuple[str, ...]]]:
    """(layer, resource index, predicted final id) for every resource the build holds,
    in build order; the outermost ``namespace:`` above a resource wins."""
    out: list[tuple[int, int, tuple[str, ...]]] = []

    def visit(i: int, namespace: Any) -> None:
        layer = tree.layers[i]
        namespace = namespace if namespace not in (_ABSENT, None, "") else layer.namespace
        order = [("file", 0)] if layer.files_first else []
        order += [("dir", c) for c in layer.children]
        order += [] if layer.files_first else [("file", 0)]
        for what, child in order:
            if what == "dir":
                visit(child, namespace)
                continue
            for j, res in enumerate(layer.resources):
                api, kind, name = res["apiVersion"], res["kind"], res["metadata"]["name"]
                ns = res["metadata"].get("namespace") or ""
                if (api, kind) in CLUSTER_SCOPED:
                    if kind == "Namespace" and namespace not in (_ABSENT, None, ""):
                        name = namespace
                    ns = "-"
                elif namespace not in (_ABSENT, None, ""):
                    ns = namespace
                out.append((i, j, (api, kind, name, ns or "default")))

    visit(0, _ABSENT)
    return out


def _without_collisions(tree: Tree) -> Tree:
    seen: set[tuple[str, ...]] = set()
    dropped: set[tuple[int, int]] = set()
    for i, j, key in _final_ids(tree):
        if key in seen:
            dropped.add((i, j))
        seen.add(key)
    layers_ = tuple(
        replace(
            layer,
            resources=tuple(r for j, r in enumerate(layer.resources) if (i, j) not in dropped),
        )
        for i, layer in enumerate(tree.layers)
    )
    return Tree(layers_)


# -- comparison -----------------------------------------------------------------------


def _compare(tree: Tree) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tree.write(root)
        ref = assert_matches_reference(root, str(tree))
    event(f"shape {len(tree.layers)} layers; reference {'ok' if ref.ok else 'failed'}")
    if not ref.ok:
        event("reference error: " + ref.error.removeprefix("kustomize build failed: ")[:50])


# A longer, random hunt: NAMESPACE_FUZZ_EXAMPLES=5000 NAMESPACE_FUZZ_RANDOM=1 pytest ...
@fuzz_settings("NAMESPACE", 450)
@given(trees())
# Regressions found by this test (golden cases fixtures/cases/namespace-fuzz-*):
# only apiVersion v1 Namespaces are renamed (custom-namespace-kind-not-renamed);
@example(Tree((Layer("default", (namespace_obj("ns-a", group=True), service_account("sa"))),)))
# a namespace that gives two resources one id is an error (namespace-rename-id-conflict,
# move-into-namespace-id-conflict);
@example(Tree((Layer("default", (namespace_obj("default"), namespace_obj("ns-a"))),)))
@example(
    Tree(
        (
            Layer("ns-a", children=(1,)),
            Layer(resources=(service_account("sa", "ns-a"), service_account("sa"))),
        )
    )
)
# a cluster-scoped kind's namespace is not part of its id (cluster-scoped-namespace-not-in-id).
@example(
    Tree(
        (
            Layer(
                resources=(
                    cluster_scoped("ClusterRole", "x", "ns-a"),
                    cluster_scoped("ClusterRole", "x"),
                )
            ),
        )
    )
)
def test_generated_trees_match_reference(tree: Tree) -> None:
    _compare(tree)


# -- non-string names ----------------------------------------------------------------------


def test_non_string_reference_names() -> None:
    """kustomize matches a reference ``name: 5`` by its text against an object named "5"."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kustomization.yaml").write_text('namespace: "t"\nresources: ["r.yaml"]\n')
        (root / "r.yaml").write_text(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
            "metadata:\n  name: b\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\n"
            "subjects:\n- kind: ServiceAccount\n  name: 5\n"
            '---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: "5"\n'
        )
        ref = _reference(root)
        assert ref.ok, ref.error
        assert kustomize_py.render(root) == ref.stdout
