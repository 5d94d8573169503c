"""The public API: ``render``, ``build``, the error classes, warnings, ``LoadRestrictor``."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml
from support import CM, POD, write_tree

import kustomize_py
from kustomize_py import (
    ConflictError,
    KustomizationError,
    KustomizeDeprecationWarning,
    KustomizeError,
    LoadError,
    LoadRestrictor,
    ParseError,
    RenderError,
)
from kustomize_py.reference import Engine, run_reference

SIMPLE = {
    "overlay/kustomization.yaml": """\
        namespace: prod
        resources:
        - ../base
        images:
        - name: nginx
          newTag: "1.25"
        """,
    "base/kustomization.yaml": "resources:\n- pod.yaml\n- cm.yaml\n",
    "base/pod.yaml": POD,
    "base/cm.yaml": CM + "data:\n  port: '8080'\n  on: 'yes'\n  n: '1.0'\n",
}


# -- render and build ------------------------------------------------------------


def test_build_is_the_parsed_render(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SIMPLE) / "overlay"
    text = kustomize_py.render(root)
    data = kustomize_py.build(root)
    assert data == list(yaml.safe_load_all(text))
    assert [d["kind"] for d in data] == ["ConfigMap", "Pod"]  # legacy sort
    assert data[1]["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert data[0]["data"] == {"port": "8080", "on": "yes", "n": "1.0"}  # strings stay strings


def test_build_keeps_the_input_key_order(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SIMPLE) / "overlay"
    pod = kustomize_py.build(root)[1]
    assert list(pod) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(pod["spec"]["containers"][0]) == ["name", "image"]  # render sorts: image, name


def test_render_accepts_str_and_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, SIMPLE) / "overlay"
    expected = kustomize_py.render(root)
    assert kustomize_py.render(str(root)) == expected
    monkeypatch.chdir(tmp_path)
    assert kustomize_py.render("overlay") == expected
    monkeypatch.chdir(root)
    assert kustomize_py.render(".") == expected


def test_empty_build_renders_nothing(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"kustomization.yaml": "namespace: x\n"})
    assert kustomize_py.render(root) == ""
    assert kustomize_py.build(root) == []


@pytest.mark.reference
def test_render_matches_reference(engine: Engine, tmp_path: Path) -> None:
    root = write_tree(tmp_path, SIMPLE) / "overlay"
    result = run_reference(root, engine=engine)
    assert result.ok, result.stderr
    assert kustomize_py.render(root) == result.stdout


def test_build_fails_where_render_fails(tmp_path: Path) -> None:
    """kustomize cannot write ``.inf``: build() must not hand the value back either."""
    root = write_tree(
        tmp_path,
        {"kustomization.yaml": "resources:\n- r.yaml\n", "r.yaml": CM + "data:\n  x: .inf\n"},
    )
    for function in (kustomize_py.render, kustomize_py.build):
        with pytest.raises(RenderError) as info:
            function(root)
        assert info.value.path is not None
        assert info.value.path.endswith("r.yaml")
        assert "ConfigMap.v1.[noGrp]/cm.[noNs]" in str(info.value)


# -- errors ----------------------------------------------------------------------

# (id, files, build dir, error class, file the error names, line)
ERRORS = [
    (
        "missing-file",
        {"kustomization.yaml": "resources:\n- cm.yaml\n- missing.yaml\n", "cm.yaml": CM},
        ".",
        LoadError,
        "kustomization.yaml",
        3,
    ),
    (
        "malformed-kustomization",
        {"kustomization.yaml": "resources:\n- cm.yaml\nnamespace: a: b\n", "cm.yaml": CM},
        ".",
        ParseError,
        "kustomization.yaml",
        3,
    ),
    (
        "malformed-resource",
        {"kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": CM + "data:\n  a: b: c\n"},
        ".",
        ParseError,
        "cm.yaml",
        6,
    ),
    (
        "unknown-field",
        {"kustomization.yaml": "resources:\n- cm.yaml\n\nfoo: bar\n", "cm.yaml": CM},
        ".",
        KustomizationError,
        "kustomization.yaml",
        4,
    ),
    (
        "newtag-number",
        {
            "kustomization.yaml": "resources:\n- p.yaml\nimages:\n- name: nginx\n  newTag: 1.10\n",
            "p.yaml": POD,
        },
        ".",
        KustomizationError,
        "kustomization.yaml",
        5,
    ),
    (
        "cycle",
        {
            "a/kustomization.yaml": "resources:\n- ../b\n",
            "b/kustomization.yaml": "resources:\n- ../a\n",
        },
        "a",
        LoadError,
        "b/kustomization.yaml",
        2,
    ),
    (
        "outside-root",
        {"app/kustomization.yaml": "resources:\n- ../cm.yaml\n", "cm.yaml": CM},
        "app",
        LoadError,
        "app/kustomization.yaml",
        2,
    ),
    (
        "duplicate-id",
        {"kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n", "a.yaml": CM, "b.yaml": CM},
        ".",
        ConflictError,
        "kustomization.yaml",
        3,
    ),
    (
        "remote",
        {"kustomization.yaml": "resources:\n- git@github.com:org/repo.git\n"},
        ".",
        LoadError,
        "kustomization.yaml",
        2,
    ),
    (
        "no-kustomization",
        {"sub/cm.yaml": CM},
        "sub",
        LoadError,
        "sub",
        None,
    ),
    (
        "empty-kustomization",
        {"kustomization.yaml": ""},
        ".",
        KustomizationError,
        "kustomization.yaml",
        None,
    ),
    (
        "wrong-kind",
        {"kustomization.yaml": "resources:\n- cm.yaml\nkind: Kustomisation\n", "cm.yaml": CM},
        ".",
        KustomizationError,
        "kustomization.yaml",
        3,
    ),
    (
        "unsupported-helm-chart",
        {
            "kustomization.yaml": "resources:\n- cm.yaml\nhelmCharts:\n- name: x\n",
            "cm.yaml": CM,
        },
        ".",
        KustomizationError,
        "kustomization.yaml",
        3,
    ),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case[0]) for case in ERRORS])
def test_error_class_path_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[object, ...]
) -> None:
    _, files, build_dir, error, names, line = case
    assert isinstance(files, dict)
    assert isinstance(build_dir, str)
    assert isinstance(names, str)
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KustomizeError) as info:
        kustomize_py.render(build_dir)
    err = info.value
    assert type(err) is error, err
    assert err.path is not None
    assert Path(err.path) == Path(names), err  # relative to the working directory
    assert err.line == line, err
    where = err.path if line is None else f"{err.path}:{line}"
    assert str(err) == f"{where}: {err.message}"
    assert "\n" not in str(err)


def test_error_paths_outside_the_working_directory_are_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "tree", {"kustomization.yaml": "resources:\n- missing.yaml\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(LoadError) as info:
        kustomize_py.render(root)
    assert info.value.path == str(root / "kustomization.yaml")


def test_all_error_classes_are_kustomize_errors() -> None:
    for name in kustomize_py.__all__:
        obj = getattr(kustomize_py, name)
        if isinstance(obj, type) and name.endswith("Error"):
            assert issubclass(obj, KustomizeError)
            assert issubclass(obj, Exception)


# -- warnings and silence ----------------------------------------------------------


def test_deprecated_field_warns(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "kustomization.yaml": "bases:\n- base\n",
            "base/kustomization.yaml": "resources:\n- cm.yaml\n",
            "base/cm.yaml": CM,
        },
    )
    with pytest.warns(KustomizeDeprecationWarning) as record:
        assert kustomize_py.render(root) == CM
    assert [str(w.message) for w in record] == [
        "'bases' is deprecated. Please use 'resources' instead. "
        "Run 'kustomize edit fix' to update your Kustomization automatically."
    ]
    assert issubclass(KustomizeDeprecationWarning, UserWarning)
    # The warning points at the caller's line, not at kustomize_py's internals.
    assert [w.filename for w in record] == [__file__]


def test_no_warning_without_deprecated_fields(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SIMPLE) / "overlay"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kustomize_py.render(root)
        kustomize_py.build(root)


def test_deprecation_warning_can_be_made_an_error(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "kustomization.yaml": "resources:\n- p.yaml\nimageTags:\n- name: nginx\n  newTag: v2\n",
            "p.yaml": POD,
        },
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", KustomizeDeprecationWarning)
        with pytest.raises(KustomizeDeprecationWarning, match="'imageTags' is deprecated"):
            kustomize_py.render(root)


def test_library_never_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = write_tree(tmp_path / "ok", SIMPLE) / "overlay"
    deprecated = write_tree(
        tmp_path / "dep",
        {
            "kustomization.yaml": "bases:\n- base\n",
            "base/kustomization.yaml": "resources:\n- cm.yaml\n",
            "base/cm.yaml": CM,
        },
    )
    broken = write_tree(tmp_path / "broken", {"kustomization.yaml": "resources:\n- nope.yaml\n"})
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        kustomize_py.render(ok)
        kustomize_py.build(ok)
        kustomize_py.render(deprecated)
        with pytest.raises(LoadError):
            kustomize_py.render(broken)
        with pytest.raises(KustomizeError):
            kustomize_py.build(ok, load_restrictor="bogus")
    assert capsys.readouterr() == ("", "")


# -- LoadRestrictor --------------------------------------------------------------

OUTSIDE = {"app/kustomization.yaml": "resources:\n- ../shared/cm.yaml\n", "shared/cm.yaml": CM}


def test_load_restrictor_values() -> None:
    assert LoadRestrictor.ROOT_ONLY.value == "LoadRestrictionsRootOnly"
    assert LoadRestrictor.NONE.value == "LoadRestrictionsNone"
    assert f"{LoadRestrictor.NONE}" == "LoadRestrictionsNone"  # a StrEnum: usable as the string
    assert str(LoadRestrictor.NONE) == "LoadRestrictionsNone"
    assert LoadRestrictor("LoadRestrictionsNone") is LoadRestrictor.NONE
    assert [r.value for r in LoadRestrictor] == ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"]


@pytest.mark.parametrize("restrictor", [LoadRestrictor.NONE, "LoadRestrictionsNone"])
def test_load_restrictor_none_enum_or_string(
    tmp_path: Path, restrictor: LoadRestrictor | str
) -> None:
    root = write_tree(tmp_path, OUTSIDE) / "app"
    assert kustomize_py.render(root, load_restrictor=restrictor) == CM
    assert kustomize_py.build(root, load_restrictor=restrictor) == [yaml.safe_load(CM)]


@pytest.mark.parametrize("restrictor", [LoadRestrictor.ROOT_ONLY, "LoadRestrictionsRootOnly", None])
def test_load_restrictor_root_only_is_the_default(
    tmp_path: Path, restrictor: LoadRestrictor | str | None
) -> None:
    root = write_tree(tmp_path, OUTSIDE) / "app"
    kwargs = {} if restrictor is None else {"load_restrictor": restrictor}
    with pytest.raises(LoadError, match="LoadRestrictionsNone"):
        kustomize_py.render(root, **kwargs)


@pytest.mark.parametrize("bogus", ["bogus", "none", "loadrestrictionsnone", ""])
def test_unknown_load_restrictor(tmp_path: Path, bogus: str) -> None:
    root = write_tree(tmp_path, OUTSIDE) / "app"
    with pytest.raises(KustomizeError) as info:
        kustomize_py.render(root, load_restrictor=bogus)
    assert repr(bogus) in str(info.value)
    assert "LoadRestrictionsRootOnly" in str(info.value)
    assert "LoadRestrictionsNone" in str(info.value)
