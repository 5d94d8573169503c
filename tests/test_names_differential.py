"""Differential fuzzing of ``namePrefix``/``nameSuffix``, labels, annotations and the
name references they cause.

The trees are those of ``test_namespace_differential`` (one kustomization, chains,
sibling bases, a base shared by two overlays), with the same resource generators
(RBAC bindings and subjects, workloads referring to ServiceAccounts and ConfigMaps,
webhooks, APIServices, CRDs, Namespaces, cluster-scoped and custom kinds), and each
layer now also drawing a name prefix and suffix (often one a sibling layer uses too),
an optional ``namespace:``, ``commonLabels``/``labels``, ``commonAnnotations`` and a
``replicas:`` entry naming a workload by an original or prefixed name. A
base reached through two differently prefixed overlays is where kustomize's
prefix/suffix sieve decides which copy a reference means. Each tree is built by both
implementations and compared byte for byte (or both must fail).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from support import assert_matches_reference, fuzz_settings, require_reference
from test_namespace_differential import (
    _ABSENT,
    _LAYER_NAMESPACES,
    _NAMES,
    _SHAPES,
    _dir,
    _key,
    _yaml,
    config_map,
    resources,
    role,
    service_account,
    workload,
)

from kustomize_py.resource import CLUSTER_SCOPED

pytestmark = [
    pytest.mark.reference,
    pytest.mark.filterwarnings("ignore::kustomize_py.KustomizeDeprecationWarning"),
]

require_reference()  # skips the module without the reference (pykustomize)

_PREFIXES = ["", "", "p-", "q-"]
_SUFFIXES = ["", "", "-s", "-t"]
# Kinds the prefix/suffix transformers never rename (any apiVersion, except APIService).
_UNRENAMED = {"CustomResourceDefinition", "Namespace"}


@dataclass(frozen=True)
class Layer:
    namespace: Any = _ABSENT
    prefix: str = ""
    suffix: str = ""
    labels: str = ""  # "", "common", "selectors", "templates", "metadata"
    annotations: bool = False
    replicas: str = ""  # a name for a ``replicas:`` entry, or none
    resources: tuple[dict[str, Any], ...] = ()
    children: tuple[int, ...] = ()
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
            if layer.prefix:
                kust["namePrefix"] = layer.prefix
            if layer.suffix:
                kust["nameSuffix"] = layer.suffix
            pairs = {"layer": f"l{i}", "tier": "1"}
            if layer.labels == "common":
                kust["commonLabels"] = pairs
            elif layer.labels:
                entry: dict[str, Any] = {"pairs": pairs}
                if layer.labels == "selectors":
                    entry["includeSelectors"] = True
                elif layer.labels == "templates":
                    entry["includeTemplates"] = True
                kust["labels"] = [entry]
            if layer.annotations:
                kust["commonAnnotations"] = {"owner": f"l{i}", "num": "0755"}
            if layer.replicas:
                kust["replicas"] = [{"name": layer.replicas, "count": i + 2}]
            (directory / "kustomization.yaml").write_text(_yaml(kust))


@st.composite
def layers(
    draw: st.DrawFn, names: Sequence[str], children: tuple[int, ...], min_size: int
) -> Layer:
    found = draw(st.lists(resources(names), min_size=min_size, max_size=7, unique_by=_key))
    return Layer(
        namespace=draw(st.sampled_from([_ABSENT, _ABSENT, _ABSENT, _ABSENT, *_LAYER_NAMESPACES])),
        prefix=draw(st.sampled_from(_PREFIXES)),
        suffix=draw(st.sampled_from(_SUFFIXES)),
        labels=draw(st.sampled_from(["", "", "", "common", "selectors", "templates", "metadata"])),
        annotations=draw(st.integers(0, 3)) == 2,
        replicas=draw(st.sampled_from(["", "", "", "", "", *names, "p-app", "app-s"])),
        resources=tuple(found),
        children=children,
        files_first=draw(st.booleans()),
    )


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    shape = draw(st.sampled_from(_SHAPES))
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3, unique=True))
    built = [draw(layers(names, children, min_size=0 if children else 2)) for children in shape]
    tree = Tree(tuple(built))
    # Most trees avoid final ids that collide (an error both sides agree on); some keep them.
    return tree if draw(st.integers(0, 9)) == 3 else _without_collisions(tree)


def _final_ids(tree: Tree) -> list[tuple[int, int, tuple[str, ...]]]:
    """(layer, resource index, predicted final id), in build order."""
    out: list[tuple[int, int, tuple[str, ...]]] = []

    def visit(i: int, namespace: Any, prefix: str, suffix: str) -> None:
        layer = tree.layers[i]
        if namespace in (_ABSENT, None, ""):
            namespace = layer.namespace
        prefix, suffix = prefix + layer.prefix, layer.suffix + suffix
        order = [("file", 0)] if layer.files_first else []
        order += [("dir", c) for c in layer.children]
        order += [] if layer.files_first else [("file", 0)]
        for what, child in order:
            if what == "dir":
                visit(child, namespace, prefix, suffix)
                continue
            for j, res in enumerate(layer.resources):
                api, kind, name = res["apiVersion"], res["kind"], res["metadata"]["name"]
                ns = res["metadata"].get("namespace") or ""
                renamed = kind not in _UNRENAMED and not (
                    kind == "APIService" and api.startswith("apiregistration.k8s.io/")
                )
                if renamed:
                    name = prefix + name + suffix
                if (api, kind) in CLUSTER_SCOPED:
                    if kind == "Namespace" and api == "v1" and namespace not in (_ABSENT, None, ""):
                        name = namespace
                    ns = "-"
                elif namespace not in (_ABSENT, None, ""):
                    ns = namespace
                out.append((i, j, (api, kind, name, ns or "default")))

    visit(0, _ABSENT, "", "")
    return out


def _without_collisions(tree: Tree) -> Tree:
    seen: set[tuple[str, ...]] = set()
    dropped: set[tuple[int, int]] = set()
    for i, j, key in _final_ids(tree):
        if key in seen:
            dropped.add((i, j))
        seen.add(key)
    return Tree(
        tuple(
            replace(
                layer,
                resources=tuple(r for j, r in enumerate(layer.resources) if (i, j) not in dropped),
            )
            for i, layer in enumerate(tree.layers)
        )
    )


def _compare(tree: Tree) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tree.write(root)
        ref = assert_matches_reference(root, str(tree))
    event(f"shape {len(tree.layers)} layers; reference {'ok' if ref.ok else 'failed'}")
    if not ref.ok:
        event("reference error: " + ref.error.removeprefix("kustomize build failed: ")[:50])


_DIAMOND = ((1, 2), (3,), (3,), ())
_BASE = (
    service_account("sa"),
    role("app", cluster=True),
    config_map("web"),
    workload("Deployment", "app", "sa", cm="web"),
)


# A longer, random hunt: NAMES_FUZZ_EXAMPLES=5000 NAMES_FUZZ_RANDOM=1 pytest ...
@fuzz_settings("NAMES", 200)
@given(trees())
# A base reached through two differently prefixed overlays: each copy's references
# follow their own copy (kustomize's prefix/suffix sieve).
@example(
    Tree(
        (
            Layer(children=_DIAMOND[0]),
            Layer(prefix="p-", children=_DIAMOND[1]),
            Layer(prefix="q-", suffix="-s", children=_DIAMOND[2]),
            Layer(resources=_BASE),
        )
    )
)
# ... and a referrer in the top layer, whose (empty) affixes match neither copy.
@example(
    Tree(
        (
            Layer(children=_DIAMOND[0], resources=(workload("Pod", "top", "sa", cm="web"),)),
            Layer(prefix="p-", children=_DIAMOND[1]),
            Layer(prefix="q-", children=_DIAMOND[2]),
            Layer(resources=_BASE),
        )
    )
)
def test_generated_trees_match_reference(tree: Tree) -> None:
    _compare(tree)
