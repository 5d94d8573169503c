"""The pytest plugin (``kustomize_py.pytest_plugin``), driven through ``pytester``.

Each test writes a small project (a kustomization, a test module, maybe a golden file)
and runs pytest on it. The inner runs name the plugin with ``-p``: the
entry point and ``-p`` share one name, so this works whether or not the ``pytest11``
entry point is installed, and never registers the plugin twice. The inner runs are
child processes (``runpytest_subprocess``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import POD, write_tree

import kustomize_py
import kustomize_py.emit
import kustomize_py.loader
import kustomize_py.pipeline
import kustomize_py.yaml_load
from kustomize_py.pytest_plugin import UPDATE_OPTION

# pytester restores sys.modules after each test: the build machinery, imported lazily by
# render(), is imported here, before any snapshot, so the render() calls below never find
# it half-unloaded by an earlier test (yaml node classes under two identities).

PLUGIN = "kustomize_py.pytest_plugin"

TREE = {
    "manifests/base/kustomization.yaml": "resources:\n- pod.yaml\n",
    "manifests/base/pod.yaml": POD,
    "manifests/prod/kustomization.yaml": """\
        namespace: prod
        resources:
        - ../base
        images:
        - name: nginx
          newTag: "1.25"
        """,
}

GOLDEN_TEST = """\
    def test_prod(assert_kustomize_golden):
        assert_kustomize_golden("manifests/prod", "tests/goldens/prod.yaml")
    """


def project(pytester: pytest.Pytester, tests: str, files: dict[str, str] | None = None) -> Path:
    """A project rooted at ``pytester.path`` (its ini file fixes the rootdir)."""
    pytester.makeini("[pytest]\n")
    write_tree(pytester.path, {**TREE, **(files or {}), "tests/test_manifests.py": tests})
    return pytester.path


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # In a child process: whatever the build machinery imports lazily (patches, generators,
    # ...) cannot be half-unloaded by pytester's sys.modules restore after an in-process run.
    return pytester.runpytest_subprocess(
        "-p", PLUGIN, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args
    )


@pytest.fixture(autouse=True)
def _not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite itself may run in CI; the inner runs decide CI for themselves.
    monkeypatch.delenv("CI", raising=False)


# -- rendering fixtures ----------------------------------------------------------------


def test_kustomize_render_equals_render_and_resolves_against_rootdir(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(
        pytester,
        """\
        import kustomize_py

        def test_render(kustomize_render, pytestconfig):
            text = kustomize_render("manifests/prod")
            assert text == kustomize_py.render(pytestconfig.rootpath / "manifests/prod")
            assert "namespace: prod" in text and "image: nginx:1.25" in text
        """,
    )
    monkeypatch.chdir(root / "manifests")  # not the rootdir: relative paths still work
    result = run(pytester, str(root / "tests"))
    result.assert_outcomes(passed=1)


def test_kustomize_build_returns_data(pytester: pytest.Pytester) -> None:
    project(
        pytester,
        """\
        def test_build(kustomize_build):
            (pod,) = kustomize_build("manifests/prod")
            assert pod["metadata"] == {"name": "p", "namespace": "prod"}
            assert pod["spec"]["containers"][0]["image"] == "nginx:1.25"
        """,
    )
    run(pytester).assert_outcomes(passed=1)


def test_load_restrictor_is_passed_through(pytester: pytest.Pytester) -> None:
    project(
        pytester,
        """\
        import pytest
        from kustomize_py import LoadError

        def test_root_only(kustomize_render):
            with pytest.raises(LoadError):
                kustomize_render("outside/overlay")

        def test_none(kustomize_render):
            text = kustomize_render("outside/overlay", load_restrictor="LoadRestrictionsNone")
            assert "kind: Pod" in text
        """,
        {
            "outside/overlay/kustomization.yaml": "resources:\n- ../pod.yaml\n",
            "outside/pod.yaml": POD,
        },
    )
    run(pytester).assert_outcomes(passed=2)


def test_build_error_fails_the_test_naming_the_file(pytester: pytest.Pytester) -> None:
    project(
        pytester,
        GOLDEN_TEST,
        {"manifests/prod/kustomization.yaml": "resources:\n- missing.yaml\n"},
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*LoadError*missing.yaml*"])


# -- golden files ----------------------------------------------------------------------


def test_matching_golden_passes(pytester: pytest.Pytester) -> None:
    root = project(pytester, GOLDEN_TEST)
    golden = root / "tests/goldens/prod.yaml"
    golden.parent.mkdir()
    golden.write_text(kustomize_py.render(root / "manifests/prod"), encoding="utf-8")
    run(pytester).assert_outcomes(passed=1)


def test_mismatch_fails_with_a_unified_diff(pytester: pytest.Pytester) -> None:
    root = project(pytester, GOLDEN_TEST)
    golden = root / "tests/goldens/prod.yaml"
    golden.parent.mkdir()
    stale = kustomize_py.render(root / "manifests/prod").replace("nginx:1.25", "nginx:1.24")
    golden.write_text(stale, encoding="utf-8")
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*rendering of manifests/prod differs from tests/goldens/prod.yaml:",
            "--- tests/goldens/prod.yaml (golden)",
            "+++ manifests/prod (rendered)",
            "@@ *",
            "-  - image: nginx:1.24",
            "+  - image: nginx:1.25",
            f"*run pytest {UPDATE_OPTION}*",
        ]
    )
    assert golden.read_text(encoding="utf-8") == stale  # never rewritten without the switch


def test_byte_differences_count(pytester: pytest.Pytester) -> None:
    """A golden with CRLF line ends or a missing final newline is a mismatch."""
    root = project(pytester, GOLDEN_TEST)
    golden = root / "tests/goldens/prod.yaml"
    golden.parent.mkdir()
    golden.write_bytes(
        kustomize_py.render(root / "manifests/prod").encode().replace(b"\n", b"\r\n")
    )
    run(pytester).assert_outcomes(failed=1)


def test_missing_golden_fails_and_is_not_created(pytester: pytest.Pytester) -> None:
    root = project(pytester, GOLDEN_TEST)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*golden file tests/goldens/prod.yaml does not exist; run pytest {UPDATE_OPTION}*"]
    )
    assert not (root / "tests/goldens").exists()


def test_update_switch_writes_goldens_then_they_match(pytester: pytest.Pytester) -> None:
    root = project(pytester, GOLDEN_TEST)
    result = run(pytester, UPDATE_OPTION)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*kustomize goldens updated*", "wrote tests/goldens/prod.yaml"])
    golden = root / "tests/goldens/prod.yaml"
    assert golden.read_bytes() == kustomize_py.render(root / "manifests/prod").encode()
    assert [p.name for p in golden.parent.iterdir()] == ["prod.yaml"]  # no temp file left
    # An up-to-date golden is left alone and not reported.
    again = run(pytester, UPDATE_OPTION)
    again.assert_outcomes(passed=1)
    assert "kustomize goldens updated" not in again.stdout.str()
    run(pytester).assert_outcomes(passed=1)


def test_update_switch_is_refused_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(pytester, GOLDEN_TEST)
    monkeypatch.setenv("CI", "true")
    result = run(pytester, UPDATE_OPTION)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{UPDATE_OPTION} is refused when CI=true*"])
    assert not (root / "tests/goldens").exists()
    # Without the switch, CI runs compare as usual.
    run(pytester).assert_outcomes(failed=1)


# -- living next to our own suite ------------------------------------------------------


def test_coexists_with_our_update_goldens_option(pytestconfig: pytest.Config) -> None:
    """Installed in our own venv, the entry point loads the plugin into this very run:
    its switch and our conftest's ``--update-goldens`` are distinct options."""
    assert pytestconfig.pluginmanager.has_plugin(PLUGIN)
    assert pytestconfig.getoption("--update-goldens") in (True, False)
    assert pytestconfig.getoption(UPDATE_OPTION) in (True, False)


def test_both_switches_parse_together(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_addoption(parser):
            parser.addoption("--update-goldens", action="store_true", default=False)
        """
    )
    project(
        pytester,
        """\
        def test_options(pytestconfig):
            assert pytestconfig.getoption("--update-goldens") is True
            assert pytestconfig.getoption("--kustomize-update-goldens") is False
        """,
    )
    run(pytester, "--update-goldens").assert_outcomes(passed=1)


def test_plugin_stays_out_of_the_library_and_cli_import_paths() -> None:
    """``import kustomize_py`` and the CLI never import the plugin (nor pytest), and the
    plugin imports no build machinery until a fixture runs."""
    code = textwrap.dedent(
        """
        import sys
        import kustomize_py, kustomize_py.cli
        assert "kustomize_py.pytest_plugin" not in sys.modules
        assert "pytest" not in sys.modules and "_pytest" not in sys.modules
        for name in [m for m in sys.modules if m.startswith("kustomize_py")]:
            if name not in ("kustomize_py", "kustomize_py.__main__"):
                del sys.modules[name]
        del sys.modules["kustomize_py"]
        import kustomize_py.pytest_plugin
        heavy = {"kustomize_py.loader", "kustomize_py.pipeline", "kustomize_py.emit"}
        assert not heavy & set(sys.modules), heavy & set(sys.modules)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)
