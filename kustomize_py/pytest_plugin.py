"""A pytest plugin: render kustomizations in tests and compare them with golden files.

Installed with kustomize-py through the ``pytest11`` entry point ``kustomize``, so any
project that has kustomize-py in its test environment gets, with no ``conftest.py``:

* ``kustomize_render(path)``: the fixture's callable returns what ``kustomize build
  path`` prints (a ``str``);
* ``kustomize_build(path)``: the same build as data (``list[dict]``, in output order);
* ``assert_kustomize_golden(path, golden_file)``: render ``path`` and compare the text
  byte for byte with ``golden_file``; on mismatch the test fails with a unified diff;
* ``--kustomize-update-goldens``: (re)write the golden files instead of failing, refused
  when ``CI=true`` (golden files are written on a workstation, reviewed and committed).

Relative paths are resolved against pytest's ``rootdir`` (usually the repository root),
never the working directory, so a test gives the same answer wherever pytest starts.

This module is imported by pytest at start-up in every project that installs
kustomize-py: it imports nothing of kustomize-py's build machinery until a fixture is
used, and ``import kustomize_py`` and the CLI never import it. Disable it with
``-p no:kustomize``.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

import pytest

__all__ = ["UPDATE_OPTION", "AssertGolden", "BuildFn", "RenderFn"]

UPDATE_OPTION = "--kustomize-update-goldens"
_UPDATED_KEY = pytest.StashKey[list[Path]]()


class RenderFn(Protocol):
    def __call__(self, path: str | os.PathLike[str], *, load_restrictor: str = ...) -> str: ...


class BuildFn(Protocol):
    def __call__(
        self, path: str | os.PathLike[str], *, load_restrictor: str = ...
    ) -> list[dict[str, Any]]: ...


class AssertGolden(Protocol):
    def __call__(
        self,
        path: str | os.PathLike[str],
        golden_file: str | os.PathLike[str],
        *,
        load_restrictor: str = ...,
    ) -> None: ...


_ROOT_ONLY = "LoadRestrictionsRootOnly"


def _ci() -> bool:
    # The same test as our own suite's --update-goldens uses (tests/conftest.py).
    return os.environ.get("CI", "").lower() == "true"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kustomize", "kustomize-py golden files")
    group.addoption(
        UPDATE_OPTION,
        action="store_true",
        default=False,
        help=(
            "write the rendering of each assert_kustomize_golden() call to its golden "
            "file instead of comparing (refused when CI=true)"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_UPDATED_KEY] = []
    if config.getoption(UPDATE_OPTION) and _ci():
        raise pytest.UsageError(
            f"{UPDATE_OPTION} is refused when CI=true: golden files must be regenerated "
            "locally, reviewed and committed, never rewritten in CI"
        )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    updated = config.stash.get(_UPDATED_KEY, [])
    if not updated:
        return
    terminalreporter.section("kustomize goldens updated")
    for path in updated:
        terminalreporter.write_line(f"wrote {_display(path, config.rootpath)}")
    terminalreporter.write_line("review the changes (git diff) before committing them")


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _resolve(config: pytest.Config, path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return p if p.is_absolute() else config.rootpath / p


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _mismatch(golden: str, rendered: str, golden_name: str, source_name: str) -> str:
    diff = "".join(
        difflib.unified_diff(
            golden.splitlines(keepends=True),
            rendered.splitlines(keepends=True),
            fromfile=f"{golden_name} (golden)",
            tofile=f"{source_name} (rendered)",
        )
    )
    if not diff.endswith("\n"):
        diff += "\n"
    return (
        f"rendering of {source_name} differs from {golden_name}:\n{diff}"
        f"(if the change is intended, run pytest {UPDATE_OPTION} and review the diff)"
    )


@pytest.fixture
def kustomize_render(pytestconfig: pytest.Config) -> RenderFn:
    """``kustomize_render(path)`` → the text ``kustomize build path`` prints.

    ``path`` is relative to pytest's rootdir (or absolute); ``load_restrictor`` takes
    kustomize's values (``LoadRestrictionsRootOnly``, ``LoadRestrictionsNone``). A build
    error raises ``kustomize_py.KustomizeError`` naming the file and line.
    """

    def render(path: str | os.PathLike[str], *, load_restrictor: str = _ROOT_ONLY) -> str:
        from kustomize_py.api import render as _render

        return _render(_resolve(pytestconfig, path), load_restrictor=load_restrictor)

    return render


@pytest.fixture
def kustomize_build(pytestconfig: pytest.Config) -> BuildFn:
    """``kustomize_build(path)`` → the resources as plain data, in output order."""

    def build(
        path: str | os.PathLike[str], *, load_restrictor: str = _ROOT_ONLY
    ) -> list[dict[str, Any]]:
        from kustomize_py.api import build as _build

        return _build(_resolve(pytestconfig, path), load_restrictor=load_restrictor)

    return build


@pytest.fixture
def assert_kustomize_golden(pytestconfig: pytest.Config) -> AssertGolden:
    """``assert_kustomize_golden(path, golden_file)``: the rendering equals the file.

    Compared byte for byte. On mismatch (or a missing golden file) the test fails with a
    unified diff, golden on the ``-`` side. With ``--kustomize-update-goldens`` the
    golden file is written (only when it changes) and the assertion passes.
    """
    update = bool(pytestconfig.getoption(UPDATE_OPTION))
    updated = pytestconfig.stash[_UPDATED_KEY]
    root = pytestconfig.rootpath

    def check(
        path: str | os.PathLike[str],
        golden_file: str | os.PathLike[str],
        *,
        load_restrictor: str = _ROOT_ONLY,
    ) -> None:
        __tracebackhide__ = True
        from kustomize_py.api import render as _render

        source = _resolve(pytestconfig, path)
        golden = _resolve(pytestconfig, golden_file)
        rendered = _render(source, load_restrictor=load_restrictor)
        try:
            expected: str | None = golden.read_bytes().decode("utf-8")
        except FileNotFoundError:
            expected = None
        if expected == rendered:
            return
        if update:
            _write_atomically(golden, rendered)
            updated.append(golden)
            return
        golden_name, source_name = _display(golden, root), _display(source, root)
        if expected is None:
            pytest.fail(
                f"golden file {golden_name} does not exist; run pytest {UPDATE_OPTION} "
                f"to create it from the rendering of {source_name}",
                pytrace=False,
            )
        pytest.fail(_mismatch(expected, rendered, golden_name, source_name), pytrace=False)

    return check
