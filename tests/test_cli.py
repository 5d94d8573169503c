"""The ``kustomize-py`` command line, run as a real subprocess.

Bad input must give exactly one ``Error: `` line on stderr naming the file (and the
line, for kustomization files), a non-zero exit, no traceback, nothing on stdout and
nothing changed on disk. Success paths: stdout equals ``render()``, ``-o FILE`` and
``-o DIR`` write what ``kustomize build -o`` writes. ``diff`` exits 0/1/2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import CM, POD, cli, write_tree

import kustomize_py
from kustomize_py.reference import Engine, run_reference

DEPRECATION = (
    "# Warning: 'bases' is deprecated. Please use 'resources' instead. "
    "Run 'kustomize edit fix' to update your Kustomization automatically.\n"
)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every path under ``root`` with its bytes (symlinks by target)."""
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = f"-> {os.readlink(path)}"
        elif path.is_file():
            out[rel] = path.read_bytes()
        else:
            out[rel] = "<dir>"
    return out


# -- bad input -------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A tree ``kustomize-py build`` must refuse."""

    id: str
    files: dict[str, str | bytes]
    names: str  # the file (or directory) the error must name
    line: int | None = None  # and its line, when the fault is in a kustomization file
    build_dir: str = "."
    links: tuple[tuple[str, str], ...] = ()
    reference_fails: bool | None = True  # None: not checked (the reference needs network)
    xfail: str | None = None


BAD_INPUT = [
    Bad(
        "missing-file",
        {"kustomization.yaml": "resources:\n- cm.yaml\n- missing.yaml\n", "cm.yaml": CM},
        "kustomization.yaml",
        3,
    ),
    Bad(
        "malformed-yaml-kustomization",
        {"kustomization.yaml": "resources:\n- cm.yaml\nnamespace: a: b\n", "cm.yaml": CM},
        "kustomization.yaml",
        3,
    ),
    Bad(
        "malformed-yaml-resource",
        {"kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": CM + "data:\n  a: b: c\n"},
        "cm.yaml",
        6,
    ),
    Bad(
        "unknown-field",
        {"kustomization.yaml": "resources:\n- cm.yaml\nfoo: bar\n", "cm.yaml": CM},
        "kustomization.yaml",
        3,
    ),
    Bad(
        "newtag-unquoted-number",
        {
            "kustomization.yaml": "resources:\n- p.yaml\nimages:\n- name: nginx\n  newTag: 1.10\n",
            "p.yaml": POD,
        },
        "kustomization.yaml",
        5,
    ),
    Bad(
        "newname-unquoted-bool",
        {
            "kustomization.yaml": "resources:\n- p.yaml\nimages:\n- name: nginx\n  newName: yes\n",
            "p.yaml": POD,
        },
        "kustomization.yaml",
        5,
    ),
    Bad(
        "cycle",
        {
            "a/kustomization.yaml": "resources:\n- ../b\n",
            "b/kustomization.yaml": "resources:\n- ../a\n",
        },
        "b/kustomization.yaml",
        2,
        build_dir="a",
    ),
    Bad(
        "file-outside-root",
        {"app/kustomization.yaml": "resources:\n- ../shared/cm.yaml\n", "shared/cm.yaml": CM},
        "app/kustomization.yaml",
        2,
        build_dir="app",
    ),
    Bad(
        "symlink-escaping-root",
        {"app/kustomization.yaml": "resources:\n- cm.yaml\n", "shared/cm.yaml": CM},
        "app/kustomization.yaml",
        2,
        build_dir="app",
        links=(("app/cm.yaml", "../shared/cm.yaml"),),
    ),
    Bad(
        "duplicate-id",
        {"kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n", "a.yaml": CM, "b.yaml": CM},
        "kustomization.yaml",
        3,
    ),
    Bad(
        "remote-resource",
        {
            "kustomization.yaml": "resources:\n- cm.yaml\n- https://github.com/org/repo//base?ref=v1\n",
            "cm.yaml": CM,
        },
        "kustomization.yaml",
        3,
        reference_fails=None,
    ),
    Bad(
        "directory-without-kustomization",
        {"kustomization.yaml": "resources:\n- sub\n", "sub/cm.yaml": CM},
        "kustomization.yaml",
        2,
    ),
    Bad(
        "several-kustomization-files",
        {
            "kustomization.yaml": "resources:\n- cm.yaml\n",
            "kustomization.yml": "resources:\n- cm.yaml\n",
            "cm.yaml": CM,
        },
        "kustomization.yml",
    ),
    Bad("empty-kustomization", {"kustomization.yaml": "# nothing here\n"}, "kustomization.yaml"),
    Bad(
        "wrong-kind",
        {"kustomization.yaml": "kind: Deployment\nresources:\n- cm.yaml\n", "cm.yaml": CM},
        "kustomization.yaml",
        1,
    ),
    Bad(
        "wrong-apiversion",
        {"kustomization.yaml": "resources:\n- cm.yaml\napiVersion: v1\n", "cm.yaml": CM},
        "kustomization.yaml",
        3,
    ),
    Bad(
        # kustomize inflates helmCharts with --enable-helm; kustomize-py refuses them.
        "unsupported-helmcharts",
        {
            "kustomization.yaml": "resources:\n- cm.yaml\nhelmCharts:\n- name: x\n",
            "cm.yaml": CM,
        },
        "kustomization.yaml",
        3,
        reference_fails=None,
    ),
    # The message lists the accepted names.
    Bad("no-kustomization-in-build-dir", {"cm.yaml": CM}, "kustomization.yaml"),
    Bad("build-dir-missing", {"cm.yaml": CM}, "nope", build_dir="nope"),
    Bad("build-dir-is-a-file", {"cm.yaml": CM}, "cm.yaml", build_dir="cm.yaml"),
    Bad(
        "resource-without-kind",
        {
            "kustomization.yaml": "resources:\n- p.yaml\n",
            "p.yaml": "apiVersion: v1\nmetadata:\n  name: x\n",
        },
        "p.yaml",
    ),
    Bad(
        "configurations-file-missing",
        {"kustomization.yaml": "resources:\n- cm.yaml\nconfigurations:\n- c.yaml\n", "cm.yaml": CM},
        "kustomization.yaml",
        4,
    ),
    Bad(
        "infinite-value",
        {"kustomization.yaml": "resources:\n- r.yaml\n", "r.yaml": CM + "data:\n  x: .inf\n"},
        "r.yaml",
    ),
    Bad(
        "kustomization-not-utf8",
        {"kustomization.yaml": b"resources:\n- cm.yaml\nnamespace: \xff\n", "cm.yaml": CM},
        "kustomization.yaml",
    ),
    Bad(
        "resource-not-utf8",
        {
            "kustomization.yaml": "resources:\n- r.yaml\n",
            "r.yaml": CM.encode() + b"data:\n  a: \xff\n",
        },
        "r.yaml",
    ),
]


def bad_params(cases: list[Bad]) -> list[Any]:
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [],
        )
        for c in cases
    ]


def make_bad_tree(tmp_path: Path, case: Bad) -> Path:
    root = write_tree(tmp_path / "tree", case.files)
    for link, target in case.links:
        os.symlink(target, root / link)
    return root


def assert_one_error_line(proc: subprocess.CompletedProcess[str], case: Bad) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    message = lines[0]
    assert message.startswith("Error: "), message
    assert case.names in message, message
    if case.line is not None:
        assert f"{case.names}:{case.line}: " in message, message
    return message


@pytest.mark.parametrize("case", bad_params(BAD_INPUT))
def test_bad_input_is_one_error_line(tmp_path: Path, case: Bad) -> None:
    root = make_bad_tree(tmp_path, case)
    before = snapshot(tmp_path)
    proc = cli("build", case.build_dir, cwd=root)
    assert_one_error_line(proc, case)
    assert snapshot(tmp_path) == before


@pytest.mark.reference
@pytest.mark.parametrize(
    "case", bad_params([c for c in BAD_INPUT if c.reference_fails is not None and not c.xfail])
)
def test_bad_input_agrees_with_reference(engine: Engine, tmp_path: Path, case: Bad) -> None:
    """The trees above really are errors for kustomize (helmGlobals: not checked)."""
    root = make_bad_tree(tmp_path, case)
    result = run_reference(root / case.build_dir, engine=engine)
    assert result.ok is not case.reference_fails, result.stderr


def bad(case_id: str) -> Bad:
    return next(c for c in BAD_INPUT if c.id == case_id)


@pytest.mark.parametrize("case_id", ["missing-file", "cycle", "unknown-field", "infinite-value"])
def test_failed_build_leaves_output_file_untouched(tmp_path: Path, case_id: str) -> None:
    case = bad(case_id)
    root = make_bad_tree(tmp_path, case)
    (tmp_path / "existing.yaml").write_bytes(b"keep me\n")
    before = snapshot(tmp_path)
    for target in ("existing.yaml", "new.yaml"):
        proc = cli("build", case.build_dir, "-o", str(tmp_path / target), cwd=root)
        assert_one_error_line(proc, case)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case_id", ["missing-file", "duplicate-id", "infinite-value"])
def test_failed_build_writes_nothing_into_output_dir(tmp_path: Path, case_id: str) -> None:
    case = bad(case_id)
    root = make_bad_tree(tmp_path, case)
    out = tmp_path / "out"
    out.mkdir()
    (out / "v1_configmap_cm.yaml").write_bytes(b"old\n")
    before = snapshot(tmp_path)
    proc = cli("build", case.build_dir, "-o", str(out), cwd=root)
    assert_one_error_line(proc, case)
    assert snapshot(tmp_path) == before


def test_bogus_load_restrictor_is_a_clear_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": CM})
    proc = cli("build", ".", "--load-restrictor", "bogus", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: ")
    assert "bogus" in proc.stderr
    assert "LoadRestrictionsNone" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_unwritable_output_names_the_target(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "t", {"kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": CM}
    )
    target = tmp_path / "no-such-dir" / "out.yaml"
    proc = cli("build", ".", "-o", str(target), cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == f"Error: {target}: No such file or directory\n"


# -- success paths ---------------------------------------------------------------

MULTI = {
    "kustomization.yaml": "resources:\n- r.yaml\n",
    "r.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: Web
          namespace: Prod
        spec:
          template:
            spec:
              containers:
              - name: c
                image: nginx:1
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: prod
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: cr
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
          namespace: other
        """,
}


def test_build_stdout_equals_render(tmp_path: Path) -> None:
    root = write_tree(tmp_path, MULTI)
    proc = cli("build", str(root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout == kustomize_py.render(root)
    assert proc.stdout.count("---\n") == 4


def test_build_defaults_to_the_current_directory(tmp_path: Path) -> None:
    root = write_tree(tmp_path, MULTI)
    proc = cli("build", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == kustomize_py.render(root)


def test_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "kustomize-py"
    if not script.exists():
        pytest.skip("console script not installed")
    root = write_tree(tmp_path, MULTI)
    proc = subprocess.run(
        [str(script), "build", "."], cwd=root, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == kustomize_py.render(root)


def test_output_file_gets_the_same_bytes(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", MULTI)
    target = tmp_path / "out.yaml"
    target.write_text("stale\n")
    proc = cli("build", str(root), "-o", str(target), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    assert target.read_bytes() == kustomize_py.render(root).encode("utf-8")
    # atomic: written through a temporary file that does not stay behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml", "t"]


def test_output_flag_spellings(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", MULTI)
    expected = kustomize_py.render(root).encode("utf-8")
    for args in (["--output", "a.yaml"], ["-o=b.yaml"], ["--output=c.yaml"]):
        proc = cli("build", str(root), *args, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        assert (tmp_path / name).read_bytes() == expected


def test_output_directory_one_file_per_resource(tmp_path: Path) -> None:
    """Names as ``kubectl kustomize -o DIR`` (kustomize v5.5.0) writes them for this tree."""
    root = write_tree(tmp_path / "t", MULTI)
    out = tmp_path / "out"
    out.mkdir()
    proc = cli("build", str(root), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "default_v1_configmap_cm.yaml",  # no namespace: "default"
        "other_example.com_v1_widget_w.yaml",  # unknown kinds are namespaced
        "prod_apps_v1_deployment_web.yaml",  # namespace and name lowercased
        "rbac.authorization.k8s.io_v1_clusterrole_cr.yaml",  # cluster-scoped: no prefix
        "v1_namespace_prod.yaml",
    ]
    # Each file is that resource's document of the rendered output.
    documents = kustomize_py.render(root).split("---\n")
    contents = {(out / f).read_text(encoding="utf-8") for f in files}
    assert contents == set(documents)


def test_output_directory_single_namespace_has_no_prefix(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "t",
        {
            "kustomization.yaml": "namespace: team\nresources:\n- cm.yaml\n- p.yaml\n",
            "cm.yaml": CM,
            "p.yaml": POD,
        },
    )
    out = tmp_path / "out"
    out.mkdir()
    proc = cli("build", str(root), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["v1_configmap_cm.yaml", "v1_pod_p.yaml"]


def test_load_restrictor_none_allows_a_file_outside_the_root(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"app/kustomization.yaml": "resources:\n- ../shared/cm.yaml\n", "shared/cm.yaml": CM},
    )
    refused = cli("build", "app", cwd=root)
    assert refused.returncode == 1
    for args in (
        ["--load-restrictor", "LoadRestrictionsNone"],
        ["--load-restrictor=LoadRestrictionsNone"],
    ):
        proc = cli("build", "app", *args, cwd=root)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == CM


def test_load_restrictor_root_only_spelled_out(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": CM})
    proc = cli("build", ".", "--load-restrictor", "LoadRestrictionsRootOnly", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, CM)


def test_help(tmp_path: Path) -> None:
    top = cli("--help", cwd=tmp_path)
    assert top.returncode == 0, top.stderr
    assert "build" in top.stdout
    assert "diff" in top.stdout
    sub = cli("build", "--help", cwd=tmp_path)
    assert sub.returncode == 0, sub.stderr
    assert "--load-restrictor" in sub.stdout
    assert "--output" in sub.stdout
    assert "Traceback" not in top.stderr + sub.stderr


def test_usage_error_is_not_a_traceback(tmp_path: Path) -> None:
    proc = cli("frobnicate", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr


BASES_TREE = {
    "overlay/kustomization.yaml": "bases:\n- ../base\n",
    "base/kustomization.yaml": "resources:\n- cm.yaml\n",
    "base/cm.yaml": CM,
}


def test_deprecation_warning_on_stderr_stdout_exact(tmp_path: Path) -> None:
    root = write_tree(tmp_path, BASES_TREE)
    proc = cli("build", "overlay", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout == CM
    assert proc.stderr == DEPRECATION


def test_deprecation_warning_then_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, BASES_TREE)
    (root / "overlay" / "kustomization.yaml").write_text(
        "bases:\n- ../base\nresources:\n- missing.yaml\n"
    )
    proc = cli("build", "overlay", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout == ""
    warning, error = proc.stderr.splitlines()
    assert warning + "\n" == DEPRECATION
    assert error.startswith("Error: overlay/kustomization.yaml:4: ")


@pytest.mark.reference
def test_deprecation_warning_matches_reference(engine: Engine, tmp_path: Path) -> None:
    root = write_tree(tmp_path, BASES_TREE)
    ours = cli("build", "overlay", cwd=root)
    theirs = run_reference(root / "overlay", engine=engine)
    assert (ours.stdout, ours.stderr, ours.returncode) == (
        theirs.stdout,
        theirs.stderr,
        theirs.returncode,
    )


# -- diff ------------------------------------------------------------------------

IMAGES_TREE = {
    "kustomization.yaml": "resources:\n- p.yaml\nimages:\n- name: nginx\n  newTag: v2\n",
    "p.yaml": POD,
}


def test_diff_against_identical_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", IMAGES_TREE)
    saved = tmp_path / "saved.yaml"
    saved.write_text(kustomize_py.render(root), encoding="utf-8")
    proc = cli("diff", str(root), "--against", str(saved), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "identical"


def test_diff_reports_a_changed_image_by_resource_and_field(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", IMAGES_TREE)
    saved = tmp_path / "saved.yaml"
    saved.write_text(kustomize_py.render(root).replace("nginx:v2", "nginx:v3"), encoding="utf-8")
    proc = cli("diff", str(root), "--against", str(saved), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Pod/p" in proc.stdout
    change = next(ln for ln in proc.stdout.splitlines() if "spec.containers[0].image" in ln)
    assert "nginx:v2" in change
    assert "nginx:v3" in change


def test_diff_reports_a_missing_resource(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", MULTI)
    saved = tmp_path / "saved.yaml"
    documents = kustomize_py.render(root).split("---\n")
    saved.write_text("---\n".join(d for d in documents if "kind: ConfigMap" not in d))
    proc = cli("diff", str(root), "--against", str(saved), cwd=tmp_path)
    assert proc.returncode == 1
    assert "only in kustomize-py: ConfigMap/cm" in proc.stdout


def test_diff_missing_against_file_is_an_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", IMAGES_TREE)
    proc = cli("diff", str(root), "--against", "nope.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: ")
    assert "nope.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_diff_unknown_engine_is_an_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "t", IMAGES_TREE)
    proc = cli("diff", str(root), "--engine", "bogus", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: ")
    assert "bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.reference
def test_diff_against_the_real_engine(engine: Engine, tmp_path: Path) -> None:
    del engine  # only the skip: the CLI finds pykustomize itself
    root = write_tree(tmp_path / "t", IMAGES_TREE)
    proc = cli("diff", str(root), "--engine", "pykustomize", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "identical"


def test_diff_output_is_parsable_when_identical_trees_differ_only_in_bytes(tmp_path: Path) -> None:
    """Same data, different bytes (a quoted scalar) is still a difference."""
    root = write_tree(tmp_path / "t", IMAGES_TREE)
    saved = tmp_path / "saved.yaml"
    text = kustomize_py.render(root)
    assert yaml.safe_load(text.replace("name: c", "name: 'c'")) == yaml.safe_load(text)
    saved.write_text(text.replace("name: c", "name: 'c'"))
    proc = cli("diff", str(root), "--against", str(saved), cwd=tmp_path)
    assert proc.returncode == 1
    assert "different bytes" in proc.stdout
