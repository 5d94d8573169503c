"""Differential fuzzing of components, builtin plugin configs and buildMetadata.

hypothesis generates a top-level kustomization (optionally over a base directory) with
zero to three components, some nesting another component, where every layer may add a
resource, set ``namespace:`` and ``images:``, and list an inline or file
``NamespaceTransformer`` / ``ImageTagTransformer`` config; the top level may ask for
any ``buildMetadata`` options. Each tree is built by kustomize-py and the reference
and compared byte for byte (or both must fail).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import assert_matches_reference, require_reference

pytestmark = pytest.mark.reference

require_reference()  # skips the module without the reference (pykustomize)

_NAMESPACES = st.sampled_from(["", "a", "b", "default"])
_TAGS = st.sampled_from(["", "1.0", "comp", "top"])


@dataclass(frozen=True)
class Layer:
    resource_kind: str  # "" for none
    namespace: str
    image_tag: str
    plugin: str  # "", "ns-inline", "ns-file", "img-inline", "img-file"
    plugin_value: str


_LAYERS = st.builds(
    Layer,
    st.sampled_from(["", "ConfigMap", "Deployment", "ServiceAccount", "RoleBinding"]),
    _NAMESPACES,
    _TAGS,
    st.sampled_from(["", "ns-inline", "ns-file", "img-inline", "img-file"]),
    st.sampled_from(["p1", "p2"]),
)


def _resource(kind: str, name: str) -> dict[str, Any]:
    meta = {"name": name}
    if kind == "Deployment":
        pod = {"containers": [{"name": "c", "image": "nginx:0.1"}]}
        return {
            "apiVersion": "apps/v1",
            "kind": kind,
            "metadata": meta,
            "spec": {"template": {"spec": pod}},
        }
    if kind == "RoleBinding":
        return {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": kind,
            "metadata": meta,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
            "subjects": [{"kind": "ServiceAccount", "name": "default"}],
        }
    return {"apiVersion": "v1", "kind": kind, "metadata": meta}


def _plugin(layer: Layer, name: str) -> dict[str, Any]:
    if layer.plugin.startswith("ns"):
        return {
            "apiVersion": "builtin",
            "kind": "NamespaceTransformer",
            "metadata": {"name": name, "namespace": layer.plugin_value},
        }
    return {
        "apiVersion": "builtin",
        "kind": "ImageTagTransformer",
        "metadata": {"name": name},
        "imageTag": {"name": "nginx", "newTag": layer.plugin_value},
    }


def _write_layer(
    directory: Path, layer: Layer, name: str, kind: str, extra: dict[str, Any]
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    kust: dict[str, Any] = {}
    if kind == "Component":
        kust = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component"}
    kust.update(extra)
    if layer.resource_kind:
        (directory / "res.yaml").write_text(json.dumps(_resource(layer.resource_kind, name)))
        kust.setdefault("resources", []).append("res.yaml")
    if layer.namespace:
        kust["namespace"] = layer.namespace
    if layer.image_tag:
        kust["images"] = [{"name": "nginx", "newTag": layer.image_tag}]
    if layer.plugin:
        config = _plugin(layer, f"{name}-plugin")
        if layer.plugin.endswith("file"):
            (directory / "plugin.yaml").write_text(json.dumps(config))
            kust["transformers"] = ["plugin.yaml"]
        else:
            kust["transformers"] = [json.dumps(config)]
    if kind != "Component" and not kust:
        kust["namespace"] = "z"  # a kustomization may not be empty
    (directory / "kustomization.yaml").write_text(json.dumps(kust))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    top=_LAYERS,
    base=st.one_of(st.none(), _LAYERS),
    components=st.lists(st.tuples(_LAYERS, st.booleans()), max_size=3),
    nested=_LAYERS,
    metadata=st.lists(
        st.sampled_from(["originAnnotations", "transformerAnnotations", "managedByLabel"]),
        unique=True,
    ),
)
def test_components_plugins_and_build_metadata_match_reference(
    top: Layer,
    base: Layer | None,
    components: list[tuple[Layer, bool]],
    nested: Layer,
    metadata: list[str],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        extra: dict[str, Any] = {}
        if base is not None:
            _write_layer(root / "base", base, "base", "Kustomization", {})
            extra["resources"] = ["../base"]
        if any(has_nested for _, has_nested in components):
            _write_layer(root / "nested", nested, "nested", "Component", {})
        names = []
        for i, (layer, has_nested) in enumerate(components):
            comp_extra = {"components": ["../nested"]} if has_nested else {}
            _write_layer(root / f"c{i}", layer, f"c{i}", "Component", comp_extra)
            names.append(f"../c{i}")
        if names:
            extra["components"] = names
        if metadata:
            extra["buildMetadata"] = metadata
        _write_layer(root / "top", top, "top", "Kustomization", extra)
        assert_matches_reference(root / "top", context=repr((top, base, components, metadata)))
