"""Batch rendering: ``render_many`` / ``render_all`` / ``find_roots`` / ``output_names``,
and ``kustomize-py build DIR... -o OUTDIR`` / ``build-all``.

The contract: in a batch every root renders exactly what it renders alone (the
loader's parse cache hands out copies), a failing root does not stop the batch, and
output file names are documented (docs/batch.md) and never collide.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from support import CM, POD, cli, write_tree

import kustomize_py
from kustomize_py.errors import KustomizeError
from kustomize_py.loader import Loader
from kustomize_py.reference import Engine, run_reference

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

BASE = {
    "base/kustomization.yaml": "resources:\n- pod.yaml\n- cm.yaml\n",
    "base/pod.yaml": POD,
    "base/cm.yaml": CM,
}


def overlay(namespace: str, tag: str, base: str = "../../base") -> str:
    return (
        f"resources:\n- {base}\nnamespace: {namespace}\nimages:\n- name: nginx\n  newTag: '{tag}'\n"
    )


def tree(root: Path) -> Path:
    return write_tree(
        root,
        {
            **BASE,
            "overlays/a/kustomization.yaml": overlay("a", "1.1"),
            "overlays/b/kustomization.yaml": overlay("b", "2.2"),
            "overlays/broken/kustomization.yaml": "resources:\n- ../../base\n- missing.yaml\n",
            "overlays/c/kustomization.yaml": overlay("c", "3.3"),
            "components/x/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                "images:\n- name: nginx\n  newTag: component\n"
            ),
            ".hidden/kustomization.yaml": "resources:\n- nothing.yaml\n",
        },
    )


def alone(root: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return kustomize_py.render(root)
        except KustomizeError as err:
            return f"error: {err}"


def as_text(result: kustomize_py.RootResult) -> str:
    return result.output if result.output is not None else f"error: {result.error}"


# -- the API -----------------------------------------------------------------------


def test_find_roots_skips_components_and_hidden_directories(tmp_path: Path) -> None:
    root = tree(tmp_path)
    found = [p.relative_to(root).as_posix() for p in kustomize_py.find_roots(root)]
    assert found == ["base", "overlays/a", "overlays/b", "overlays/broken", "overlays/c"]
    with_components = kustomize_py.find_roots(root, include_components=True)
    assert root / "components" / "x" in with_components


def test_find_roots_counts_an_unparsable_kustomization(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"bad/kustomization.yaml": "resources: [\n"})
    assert kustomize_py.find_roots(root) == [root / "bad"]


def test_find_roots_of_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(KustomizeError):
        kustomize_py.find_roots(tmp_path / "f")


def test_a_batch_renders_what_each_root_renders_alone(tmp_path: Path) -> None:
    root = tree(tmp_path)
    roots = kustomize_py.find_roots(root)
    results = list(kustomize_py.render_many(roots))
    assert [r.root for r in results] == roots
    assert [as_text(r) for r in results] == [alone(r) for r in roots]
    # shared base data was copied, not mutated: each overlay has its own tag and namespace
    by_name = {r.root.name: r for r in results}
    assert "image: nginx:1.1" in (by_name["a"].output or "")
    assert "image: nginx:2.2" in (by_name["b"].output or "")
    assert "namespace: b" in (by_name["b"].output or "")
    assert "image: nginx:1\n" in (by_name["base"].output or "")


def test_a_failing_root_in_the_middle_does_not_stop_the_batch(tmp_path: Path) -> None:
    root = tree(tmp_path)
    results = list(kustomize_py.render_all(root))
    assert [r.ok for r in results] == [True, True, True, False, True]
    broken = results[3]
    assert broken.root.name == "broken"
    assert broken.output is None
    assert isinstance(broken.error, kustomize_py.LoadError)
    assert "missing.yaml" in str(broken.error)
    assert results[4].output == kustomize_py.render(root / "overlays" / "c")


def test_render_many_is_lazy_and_rejects_a_bad_restrictor_up_front(tmp_path: Path) -> None:
    root = tree(tmp_path)
    with pytest.raises(KustomizeError, match="unknown load restrictor"):
        kustomize_py.render_many([root / "base"], load_restrictor="bogus")
    stream = kustomize_py.render_many([root / "base", root / "nope"])
    first = next(stream)
    assert first.ok
    second = next(stream)
    assert not second.ok


def test_warnings_are_collected_per_root_not_emitted(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {**BASE, "old/kustomization.yaml": "bases:\n- ../base\n"},
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        results = list(kustomize_py.render_many([root / "old", root / "base"]))
    assert record == []
    assert len(results[0].warnings) == 1
    assert "'bases' is deprecated" in results[0].warnings[0]
    assert results[1].warnings == ()


def test_the_cache_parses_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    reads: list[str] = []
    original = Loader.read_text

    def counting(path: Path) -> str:
        reads.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(Loader, "read_text", staticmethod(counting))
    list(kustomize_py.render_all(root))
    assert reads.count("pod.yaml") == 1
    # base/kustomization.yaml: found as a root, then a base of four overlays: read once
    assert reads.count("kustomization.yaml") == 6  # base, a, b, broken, c, component


def test_every_golden_tree_renders_the_same_in_one_batch() -> None:
    """All fixture roots (cases, real-world trees) in one process, sharing one cache."""
    roots = kustomize_py.find_roots(FIXTURES)
    assert len(roots) > 200
    for result in kustomize_py.render_many(roots):
        assert as_text(result) == alone(result.root), result.root


def test_output_names_relative_to_the_common_directory() -> None:
    names = kustomize_py.output_names(["env/overlays/prod", "env/overlays/staging"])
    assert list(names.values()) == ["prod.yaml", "staging.yaml"]
    names = kustomize_py.output_names(["env", "env/overlays/prod"])
    assert list(names.values()) == ["env.yaml", "overlays_prod.yaml"]
    assert list(kustomize_py.output_names(["a/b"]).values()) == ["b.yaml"]
    names = kustomize_py.output_names(["r/x", "r/y/z"], base="r")
    assert list(names.values()) == ["x.yaml", "y_z.yaml"]
    names = kustomize_py.output_names(["r", "r/x"], base="r")
    assert list(names.values()) == ["r.yaml", "x.yaml"]


def test_output_names_collisions_get_a_stable_hash() -> None:
    names = kustomize_py.output_names(["r/a_b/c", "r/a/b_c", "r/d"], base="r")
    first, second, third = names.values()
    assert first.startswith("a_b_c-")
    assert second.startswith("a_b_c-")
    assert first != second
    assert third == "d.yaml"
    again = kustomize_py.output_names(["r/a/b_c", "r/a_b/c"], base="r")
    assert set(again.values()) == {first, second}  # order does not matter
    # case-insensitive file systems: Prod and prod collide too
    names = kustomize_py.output_names(["r/Prod", "r/prod"], base="r")
    assert len({n.casefold() for n in names.values()}) == 2


# -- the command line --------------------------------------------------------------


def test_build_all_writes_one_file_per_root_and_reports_the_failure(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    proc = cli("build-all", "repo", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    errors = proc.stderr.splitlines()
    assert errors[0].startswith("Error: repo/overlays/broken: ")
    assert "missing.yaml" in errors[0]
    assert errors[-1] == "Error: 1 of 5 roots failed: repo/overlays/broken"
    out = tmp_path / "out"
    assert sorted(os.listdir(out)) == [
        "base.yaml",
        "overlays_a.yaml",
        "overlays_b.yaml",
        "overlays_c.yaml",
    ]
    for name, rel in (("overlays_a.yaml", "overlays/a"), ("base.yaml", "base")):
        assert (out / name).read_text() == kustomize_py.render(root / rel)


def test_build_all_success_is_silent(tmp_path: Path) -> None:
    write_tree(tmp_path / "repo", {**BASE, "overlays/a/kustomization.yaml": overlay("a", "1")})
    proc = cli("build-all", "repo", "-o", "out/nested", "--include-components", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert sorted(os.listdir(tmp_path / "out" / "nested")) == ["base.yaml", "overlays_a.yaml"]


def test_build_all_without_roots_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = cli("build-all", "empty", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == "Error: empty: no kustomization root found\n"


def test_build_all_needs_an_output_directory(tmp_path: Path) -> None:
    tree(tmp_path)
    proc = cli("build-all", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_build_several_directories(tmp_path: Path) -> None:
    root = tree(tmp_path)
    proc = cli(
        "build", "overlays/a", "overlays/b", "overlays/a/", "-o", "out", cwd=root
    )  # the same root twice is rendered once
    assert (proc.returncode, proc.stderr) == (0, "")
    assert sorted(os.listdir(root / "out")) == ["a.yaml", "b.yaml"]
    assert (root / "out" / "b.yaml").read_text() == kustomize_py.render(root / "overlays" / "b")


def test_build_several_directories_with_a_failure_and_a_name_collision(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **BASE,
            "x/a_b/c/kustomization.yaml": overlay("one", "1", "../../../base"),
            "x/a/b_c/kustomization.yaml": overlay("two", "2", "../../../base"),
            "x/a/bad/kustomization.yaml": "resources: [\n",
        },
    )
    proc = cli("build", "x/a_b/c", "x/a/bad", "x/a/b_c", "-o", "out", cwd=root)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0].startswith("Error: x/a/bad: ")
    assert proc.stderr.splitlines()[-1] == "Error: 1 of 3 roots failed: x/a/bad"
    names = sorted(os.listdir(root / "out"))
    assert len(names) == 2
    assert all(n.startswith("a_b_c-") and n.endswith(".yaml") for n in names)
    texts = {(root / "out" / n).read_text() for n in names}
    assert texts == {kustomize_py.render(root / "x/a_b/c"), kustomize_py.render(root / "x/a/b_c")}


def test_build_several_directories_needs_output(tmp_path: Path) -> None:
    tree(tmp_path)
    proc = cli("build", "overlays/a", "overlays/b", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: building several directories needs -o OUTDIR")


def test_batch_warnings_are_printed_once(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            **BASE,
            "o1/kustomization.yaml": "bases:\n- ../base\n",
            "o2/kustomization.yaml": "bases:\n- ../base\n",
        },
    )
    proc = cli("build", "o1", "o2", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.count("# Warning: 'bases' is deprecated") == 1


def test_single_directory_build_keeps_the_fast_path(tmp_path: Path) -> None:
    """``build DIR`` must not import typer (start-up time), nor the batch modules."""
    tree(tmp_path)
    code = (
        "import sys\n"
        "from kustomize_py.cli import main\n"
        "try:\n"
        "    main(['build', 'overlays/a'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "bad = [m for m in ('typer', 'rich', 'kustomize_py.batch', 'kustomize_py.cli_batch',"
        " 'kustomize_py.inventory') if m in sys.modules]\n"
        "print(bad, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def test_build_all_files_match_the_real_kustomize(engine: Engine, tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    proc = cli("build-all", "repo", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 1  # overlays/broken
    names = kustomize_py.output_names(kustomize_py.find_roots(root), base=root)
    for directory, name in names.items():
        ref = run_reference(directory, engine=engine)
        target = tmp_path / "out" / name
        if ref.ok:
            assert target.read_text(encoding="utf-8") == ref.stdout, directory
        else:
            assert not target.exists(), directory
