"""``argocd render``: an Application rendered as Argo CD renders it, without writing a file.

The reference for every override is the real kustomize run on a copy of the tree whose
kustomization has the override written in, as Argo CD's ``kustomize edit`` commands would
write it. Overrides of fields this branch cannot build yet are skipped until the field is
supported (the skip condition reads the model, so they start running after a merge).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import CM, cli, require_reference, write_tree

from kustomize_py import render
from kustomize_py.argocd import apply_overrides, envsubst, render_application
from kustomize_py.errors import KustomizeError
from kustomize_py.reference import run_reference

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "namespace-scheduler"
OVERLAY = "manifests/overlays/production"
ECR = "226633502530.dkr.ecr.us-east-1.amazonaws.com"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def application(kustomize: dict[str, Any] | None = None, path: str = OVERLAY) -> dict[str, Any]:
    app = yaml.safe_load((SEED / "argocd" / "namespace-scheduler-app.yaml").read_text("utf-8"))
    app["spec"]["source"]["path"] = path
    if kustomize is not None:
        app["spec"]["source"]["kustomize"] = kustomize
    return app


def seed_copy(tmp_path: Path, app: dict[str, Any]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(SEED / "manifests", repo / "manifests")
    (repo / "argocd").mkdir()
    (repo / "argocd" / "app.yaml").write_text(yaml.safe_dump(app), "utf-8")
    return repo


def reference_with(tmp_path: Path, kustomization: str, path: str = OVERLAY) -> str:
    """The reference's output for the seed tree with ``kustomization`` written in."""
    ref = tmp_path / "ref"
    shutil.copytree(SEED / "manifests", ref / "manifests")
    (ref / path / "kustomization.yaml").write_text(textwrap.dedent(kustomization), "utf-8")
    result = run_reference(ref / path, engine=require_reference())
    assert result.ok, result.error
    return result.stdout


def render_app(tmp_path: Path, kustomize: dict[str, Any], **kwargs: Any) -> str:
    repo = seed_copy(tmp_path, application(kustomize))
    before = snapshot(repo)
    text = render_application(repo / "argocd" / "app.yaml", repo_root=repo, **kwargs)
    assert snapshot(repo) == before, "argocd render changed a file"
    return text


SEED_KUSTOMIZATION = (SEED / OVERLAY / "kustomization.yaml").read_text("utf-8")


# -- the seed --------------------------------------------------------------------------------


@pytest.mark.reference
def test_seed_application_renders_like_kustomize() -> None:
    # The repository root is found from the Application file upwards.
    text = render_application(SEED / "argocd" / "namespace-scheduler-app.yaml")
    assert text == run_reference(SEED / OVERLAY, engine=require_reference()).stdout
    assert text == (SEED / "expected.yaml").read_text("utf-8")


@pytest.mark.reference
def test_image_and_namespace_overrides(tmp_path: Path) -> None:
    ours = render_app(
        tmp_path,
        {
            "images": [
                "task-scheduler-backend:v2",
                "task-scheduler-frontend=*:v3",
                "busybox=mirror/busybox:1",
            ],
            "namespace": "staging",
        },
    )
    # What `kustomize edit set image` + `set namespace` write: entries replaced by the
    # arguments (the backend loses its ECR name: kustomize's rule, which Argo CD follows),
    # `*` keeps the frontend's, new ones added, all sorted by name.
    assert ours == reference_with(
        tmp_path,
        f"""\
        namespace: staging
        resources:
        - ../../base
        images:
        - name: busybox
          newName: mirror/busybox
          newTag: "1"
        - name: task-scheduler-backend
          newTag: v2
        - name: task-scheduler-frontend
          newName: {ECR}/task-scheduler-frontend
          newTag: v3
        """,
    )


@pytest.mark.reference
def test_images_are_substituted_with_the_build_environment(tmp_path: Path) -> None:
    ours = render_app(
        tmp_path,
        {"images": ["task-scheduler-backend=*:${ARGOCD_APP_REVISION_SHORT}-$ARGOCD_APP_NAME"]},
        revision="0123456789abcdef",
    )
    assert f"image: {ECR}/task-scheduler-backend:0123456-namespace-scheduler\n" in ours


# -- overrides of the other kustomization fields ----------------------------------------------


PATCH = {
    "target": {"kind": "Deployment", "name": "task-scheduler-backend"},
    "patch": "- op: replace\n  path: /spec/replicas\n  value: 3\n",
}
# (id, spec.source.kustomize, what Argo CD's `kustomize edit` adds to the file)
OVERRIDES: list[tuple[str, dict[str, Any], str]] = [
    (
        "prefix-suffix",
        {"namePrefix": "p-", "nameSuffix": "-s"},
        "namePrefix: p-\nnameSuffix: -s\n",
    ),
    (
        # labels are substituted, annotations only with commonAnnotationsEnvsubst
        "labels-annotations",
        {
            "commonLabels": {"team": "sched", "env": "$ARGOCD_APP_NAME"},
            "commonAnnotations": {"owner": "$ARGOCD_APP_NAME"},
        },
        "commonLabels:\n  team: sched\n  env: namespace-scheduler\n"
        "commonAnnotations:\n  owner: $ARGOCD_APP_NAME\n",
    ),
    (
        "labels-without-selector",
        {"commonLabels": {"team": "sched"}, "labelWithoutSelector": True},
        "labels:\n- pairs:\n    team: sched\n",
    ),
    (
        "replicas",
        {"replicas": [{"name": "task-scheduler-backend", "count": "5"}]},
        "replicas:\n- name: task-scheduler-backend\n  count: 5\n",
    ),
    ("patches", {"patches": [PATCH]}, "patches:\n" + yaml.safe_dump([PATCH])),
]


@pytest.mark.parametrize(("opts", "added"), [pytest.param(o, a, id=i) for i, o, a in OVERRIDES])
def test_overrides_as_data(opts: dict[str, Any], added: str) -> None:
    # The in-memory kustomization is the one the render test below hands to the real kustomize.
    from kustomize_py.yaml_load import load_kustomization_data

    data = load_kustomization_data(SEED_KUSTOMIZATION, "k")
    env = {"ARGOCD_APP_NAME": "namespace-scheduler"}
    out = apply_overrides(data, opts, env, SEED / OVERLAY)
    assert out == load_kustomization_data(SEED_KUSTOMIZATION + added, "k")


# Argo CD's `kustomize edit add label` writes commonLabels, which kustomize then warns about.
@pytest.mark.filterwarnings("ignore::kustomize_py.KustomizeDeprecationWarning")
@pytest.mark.parametrize(
    ("opts", "added"),
    [pytest.param(o, a, id=i, marks=pytest.mark.reference) for i, o, a in OVERRIDES],
)
def test_overrides_render_like_kustomize(tmp_path: Path, opts: dict[str, Any], added: str) -> None:
    ours = render_app(tmp_path, opts)
    assert ours == reference_with(tmp_path, SEED_KUSTOMIZATION + added)


@pytest.mark.reference
def test_components(tmp_path: Path) -> None:
    component = (
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
        "images:\n- name: task-scheduler-backend\n  newTag: from-component\n"
    )
    repo = seed_copy(tmp_path, application({"components": ["../../components/pin", "../gone"]}))
    write_tree(repo / "manifests" / "components" / "pin", {"kustomization.yaml": component})
    with pytest.raises(KustomizeError, match=r"'\.\./gone' not found"):
        render_application(repo / "argocd" / "app.yaml", repo_root=repo)
    app = application({"components": ["../../components/pin", "../gone"]})
    app["spec"]["source"]["kustomize"]["ignoreMissingComponents"] = True
    (repo / "argocd" / "app.yaml").write_text(yaml.safe_dump(app), "utf-8")
    ours = render_application(repo / "argocd" / "app.yaml", repo_root=repo)
    ref = tmp_path / "ref"
    shutil.copytree(repo / "manifests", ref / "manifests")
    (ref / OVERLAY / "kustomization.yaml").write_text(
        SEED_KUSTOMIZATION + "components:\n- ../../components/pin\n", "utf-8"
    )
    assert ours == run_reference(ref / OVERLAY, engine=require_reference()).stdout


# -- the overrides as data (what `kustomize edit` writes), for every field ---------------------


def test_apply_overrides_order_and_merging(tmp_path: Path) -> None:
    data = {
        "images": [{"name": "b", "newTag": "1"}, {"name": "a", "newName": "x", "tagSuffix": "-s"}],
        "replicas": [{"name": "z", "count": 1}, {"name": "web", "count": 1}],
        "commonLabels": {"team": "old"},
        "commonAnnotations": {"a": "1"},
        "patches": [{"path": "p.yaml"}],
        "components": ["c1"],
    }
    (tmp_path / "c1").mkdir()
    (tmp_path / "c2").mkdir()
    opts = {
        "namePrefix": "p-",
        "nameSuffix": "-s",
        "images": ["c:${ARGOCD_APP_NAME}", "b=*:2"],
        "replicas": [{"name": "web", "count": 3}, {"name": "api", "count": "2"}],
        "commonLabels": {"team": "new"},
        "forceCommonLabels": True,
        "commonAnnotations": {"b": "$ARGOCD_APP_NAME"},
        "namespace": "ns",
        "patches": [{"patch": "x"}],
        "components": ["c2", "c1"],
    }
    out = apply_overrides(data, opts, {"ARGOCD_APP_NAME": "app"}, tmp_path)
    assert out == {
        "images": [
            {"name": "a", "newName": "x", "tagSuffix": "-s"},
            {"name": "b", "newTag": "2"},
            {"name": "c", "newTag": "app"},
        ],
        "replicas": [
            {"name": "api", "count": 2},
            {"name": "web", "count": 3},
            {"name": "z", "count": 1},
        ],
        "commonLabels": {"team": "new"},
        "commonAnnotations": {"a": "1", "b": "$ARGOCD_APP_NAME"},
        "patches": [{"path": "p.yaml"}, {"patch": "x"}],
        "components": ["c1", "c2"],
        "namePrefix": "p-",
        "nameSuffix": "-s",
        "namespace": "ns",
    }
    assert data["images"][0] == {"name": "b", "newTag": "1"}, "the input must not change"


def test_labels_without_selector_data(tmp_path: Path) -> None:
    opts = {"commonLabels": {"a": "1"}, "labelWithoutSelector": True, "labelIncludeTemplates": True}
    out = apply_overrides({"labels": [{"pairs": {"b": "2"}}]}, opts, {}, tmp_path)
    assert out["labels"] == [{"pairs": {"b": "2"}}, {"pairs": {"a": "1"}, "includeTemplates": True}]


@pytest.mark.parametrize(
    ("data", "opts", "message"),
    [
        ({"commonLabels": {"a": "x"}}, {"commonLabels": {"a": "y"}}, "label a already in"),
        (
            {"commonAnnotations": {"a": "x"}},
            {"commonAnnotations": {"a": "y"}},
            "forceCommonAnnotations",
        ),
        (
            {"labels": [{"pairs": {"a": "x"}}]},
            {"commonLabels": {"a": "y"}, "labelWithoutSelector": True},
            "label a already in",
        ),
        ({}, {"replicas": [{"name": "w", "count": "many"}]}, "not an integer"),
        ({}, {"images": ["bad"]}, "invalid image 'bad'"),
        ({}, {"components": ["missing"]}, "'missing' not found"),
    ],
)
def test_apply_overrides_errors(
    tmp_path: Path, data: dict[str, Any], opts: dict[str, Any], message: str
) -> None:
    with pytest.raises(KustomizeError, match=message):
        apply_overrides(data, opts, {}, tmp_path, where="app.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$A-${B}", "a-b"),
        ("$$A", "$A"),
        ("${UNKNOWN}x", "x"),
        ("cost: 5$", "cost: 5$"),
        ("$1", ""),
        ("${", ""),
        ("${}", ""),
        ("a$-b", "ab"),
        ("$A_B.c", "ab.c"),
    ],
)
def test_envsubst_is_gos_os_expand(text: str, expected: str) -> None:
    assert envsubst(text, {"A": "a", "B": "b", "A_B": "ab"}) == expected


# -- several sources, sources we cannot render ------------------------------------------------


def test_multiple_sources(tmp_path: Path) -> None:
    cm2 = CM.replace("name: cm", "name: cm2")
    repo = write_tree(
        tmp_path,
        {
            "a/cm.yaml": CM,
            "a/kustomization.yaml": "resources: [cm.yaml]\n",
            "b/cm.yaml": cm2,
            "b/kustomization.yaml": "resources: [cm.yaml]\nnamespace: b\n",
        },
    )
    app = application()
    del app["spec"]["source"]
    app["spec"]["sources"] = [
        {"repoURL": "https://example.com/r.git", "path": "a"},
        {"repoURL": "https://example.com/values.git", "ref": "values"},
        {"repoURL": "https://example.com/r.git", "path": "b", "kustomize": {"namespace": "c"}},
    ]
    (repo / "app.yaml").write_text(yaml.safe_dump(app), "utf-8")
    text = render_application(repo / "app.yaml")
    assert text == render(repo / "a") + "---\n" + render(repo / "b").replace(
        "namespace: b", "namespace: c"
    )


@pytest.mark.parametrize(
    ("source", "files", "message"),
    [
        ({"chart": "nginx", "targetRevision": "1.0"}, {}, "Helm source"),
        ({"path": "app", "helm": {"valueFiles": ["v.yaml"]}}, {}, "Helm source"),
        ({"path": "app"}, {"app/Chart.yaml": "name: x\n"}, "is a Helm chart"),
        ({"path": "app", "plugin": {"name": "cmp"}}, {}, "config management plugin"),
        ({"path": "app", "directory": {"recurse": True}}, {}, "plain directory source"),
        ({"path": "app"}, {"app/cm.yaml": CM}, "has no kustomization file"),
        ({"path": "nope"}, {}, "is not a directory under the repository root"),
        ({"path": "../outside"}, {}, "leaves the repository root"),
    ],
)
def test_sources_we_do_not_render(
    tmp_path: Path, source: dict[str, Any], files: dict[str, str], message: str
) -> None:
    repo = write_tree(tmp_path / "repo", {"keep": "", **files})
    app = application()
    app["spec"]["source"] = {"repoURL": "https://example.com/r.git", **source}
    (repo / "app.yaml").write_text(yaml.safe_dump(app), "utf-8")
    with pytest.raises(KustomizeError, match=message) as info:
        render_application(repo / "app.yaml", repo_root=repo)
    assert str(info.value).startswith(str(repo / "app.yaml")) or "app.yaml" in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n", "expected one Argo CD"),
        ("kind: Application\napiVersion: v1\nmetadata: {name: x}\nspec: {}\n", "argoproj.io"),
        (
            "kind: Application\napiVersion: argoproj.io/v1alpha1\nmetadata: {name: x}\nspec: {}\n",
            "neither spec.source nor spec.sources",
        ),
    ],
)
def test_not_an_application(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "app.yaml").write_text(text, "utf-8")
    with pytest.raises(KustomizeError, match=message):
        render_application(tmp_path / "app.yaml", repo_root=tmp_path)


# -- the command line -----------------------------------------------------------------------------


def test_cli_argocd_render(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kustomize_py",
            "argocd",
            "render",
            "argocd/namespace-scheduler-app.yaml",
        ],
        cwd=SEED,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (SEED / "expected.yaml").read_text("utf-8")
    (tmp_path / "app.yaml").write_text("kind: Application\n", "utf-8")
    proc = cli("argocd", "render", "app.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "Error: app.yaml: expected one Argo CD Application (kind: Application), found nothing"
    ] or proc.stderr.startswith("Error: app.yaml: ")
