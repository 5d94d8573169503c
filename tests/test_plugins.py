"""Plugin configs (plugins.py), buildMetadata rendering (buildmetadata.py) and the
typed model of the fields they read. Behaviour against the reference is pinned by the
``component-``, ``buildmetadata-`` and ``plugin-`` golden cases; these tests cover the
extension points and the pieces the goldens reach only indirectly."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CM, write_tree

import kustomize_py
from kustomize_py import plugins
from kustomize_py.buildmetadata import Origin, go_path_join
from kustomize_py.errors import KustomizationError
from kustomize_py.model import HelmGlobals, _go_scalar_text, decode_kustomization
from kustomize_py.resource import ResMap


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (("", "cm.yaml"), "cm.yaml"),
        (("", ""), ""),
        (("overlay", "../base", "cm.yaml"), "base/cm.yaml"),
        (("..", "base/"), "../base"),
        (("./comp/", "./x.yaml"), "comp/x.yaml"),
    ],
)
def test_go_path_join(parts: tuple[str, ...], joined: str) -> None:
    assert go_path_join(*parts) == joined


def test_origin_render_field_order_and_quoting() -> None:
    assert Origin(path="a/b.yaml").render() == "path: a/b.yaml\n"
    rendered = Origin(
        configured_in="k.yaml", configured_by=("builtin", "NamespaceTransformer", "true", "")
    ).render()
    assert rendered == (
        "configuredIn: k.yaml\n"
        "configuredBy:\n"
        "  apiVersion: builtin\n"
        "  kind: NamespaceTransformer\n"
        '  name: "true"\n'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.1, "1.1"), (10, "10"), (True, "true"), (1e6, "1e+06"), (123456.0, "123456"), (3.0, "3")],
)
def test_plugin_string_fields_take_numbers_as_go_prints_them(value: object, text: str) -> None:
    assert _go_scalar_text(value) == text  # type: ignore[arg-type]


def test_kustomization_model_holds_plugin_and_metadata_fields() -> None:
    kust = decode_kustomization(
        {
            "components": ["../c"],
            "transformers": ["t.yaml"],
            "generators": ["g.yaml"],
            "validators": ["v.yaml"],
            "buildMetadata": ["originAnnotations"],
            "openapi": {"version": "v1.21.2"},
            "helmChartInflationGenerator": [{"chartName": "x", "chartHome": "ch"}],
        },
        "kustomization.yaml",
        "",
    )
    assert kust.components == ("../c",)
    assert (kust.transformers, kust.generators, kust.validators) == (
        ("t.yaml",),
        ("g.yaml",),
        ("v.yaml",),
    )
    assert kust.build_metadata == ("originAnnotations",)
    assert kust.openapi == (("version", "v1.21.2"),)
    # kustomize's FixKustomization: the deprecated form becomes helmCharts + helmGlobals
    assert kust.helm_charts == ({"name": "x"},)
    assert kust.helm_globals == HelmGlobals(chart_home="ch")


def test_registry_is_the_extension_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wiring a builtin is one schema entry and one registry line."""

    def add_label(config: plugins.PluginConfig, resources: ResMap, ctx: object) -> None:
        raw = config.decode()
        for res in resources:
            res.metadata.setdefault("labels", {}).update(raw.get("labels") or {})

    monkeypatch.setitem(plugins.CONFIG_STRUCTS, "LabelTransformer", {"labels": ("map", "str")})
    monkeypatch.setitem(plugins.TRANSFORMERS, "LabelTransformer", add_label)
    write_tree(
        tmp_path,
        {
            "cm.yaml": CM,
            "kustomization.yaml": """\
                resources: [cm.yaml]
                transformers:
                - |-
                  apiVersion: builtin
                  kind: LabelTransformer
                  metadata: {name: l}
                  labels: {team: a}
                """,
        },
    )
    assert "team: a" in kustomize_py.render(tmp_path)


def test_known_builtin_without_runner_is_refused_by_name(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cm.yaml": CM,
            "t.yaml": "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata: {name: a}\n",
            "kustomization.yaml": "resources: [cm.yaml]\ntransformers: [t.yaml]\n",
        },
    )
    with pytest.raises(KustomizationError) as err:
        kustomize_py.render(tmp_path)
    assert "ValueAddTransformer is not supported by kustomize-py yet" in err.value.message
    assert err.value.path is not None
    assert err.value.path.endswith("t.yaml")
