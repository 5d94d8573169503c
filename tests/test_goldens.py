"""Golden tests: ``render`` must print exactly what the reference kustomize prints.

Every directory under ``fixtures/`` holding ``expected.yaml`` (output case) or
``expected-error.txt`` (error case) is one test. A case directory may also hold:

* ``args``: one line, the build directory relative to the case (default ``.``),
  optionally followed by ``--load-restrictor LoadRestrictionsNone``;
* ``xfail.txt``: a known divergence; its text is the reason (strict xfail).

``pytest --update-goldens`` first regenerates each case's expected file from the
reference kustomize (and ``fixtures/REFERENCE``), then compares as usual.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py import KustomizeError
from kustomize_py.reference import Engine, find_engine, run_reference

# Some cases use deprecated fields on purpose; the warnings are tested in test_api.py.
pytestmark = pytest.mark.filterwarnings("ignore::kustomize_py.KustomizeDeprecationWarning")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = FIXTURES / "cases"
REFERENCE_FILE = FIXTURES / "REFERENCE"
EXPECTED_OUTPUT = "expected.yaml"
EXPECTED_ERROR = "expected-error.txt"
ARGS_FILE = "args"
XFAIL_FILE = "xfail.txt"
CASE_PLACEHOLDER = "$CASE"
LOAD_RESTRICTORS = ("LoadRestrictionsRootOnly", "LoadRestrictionsNone")


@dataclass(frozen=True)
class CaseArgs:
    build_dir: str
    load_restrictor: str | None


def parse_args_file(case: Path) -> CaseArgs:
    """Read the optional ``args`` file of a case."""
    path = case / ARGS_FILE
    if not path.exists():
        return CaseArgs(".", None)
    tokens = path.read_text(encoding="utf-8").split()
    build_dir = tokens[0] if tokens else "."
    rest = tokens[1:]
    if not rest:
        return CaseArgs(build_dir, None)
    if len(rest) != 2 or rest[0] != "--load-restrictor" or rest[1] not in LOAD_RESTRICTORS:
        raise ValueError(f"{path}: unsupported arguments {rest!r}")
    return CaseArgs(build_dir, rest[1])


def discover_cases(*, include_new: bool) -> list[Path]:
    """Case directories: those with an expected file. When regenerating, brand-new cases
    too: every immediate child of ``fixtures/cases`` and every directory with an ``args``."""
    found: set[Path] = set()
    for name in (EXPECTED_OUTPUT, EXPECTED_ERROR):
        found.update(p.parent for p in FIXTURES.rglob(name))
    if include_new:
        if CASES.is_dir():
            found.update(p for p in CASES.iterdir() if p.is_dir())
        found.update(p.parent for p in FIXTURES.rglob(ARGS_FILE))
    return sorted(found)


def read_exact(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


def write_exact(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" not in metafunc.fixturenames:
        return
    include_new = bool(metafunc.config.getoption("--update-goldens"))
    params = []
    for case in discover_cases(include_new=include_new):
        marks = []
        xfail = case / XFAIL_FILE
        if xfail.exists():
            reason = xfail.read_text(encoding="utf-8").strip() or "known divergence"
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        params.append(pytest.param(case, id=case.relative_to(FIXTURES).as_posix(), marks=marks))
    metafunc.parametrize("case", params)


@pytest.fixture(scope="session")
def reference_engine(update_goldens: bool) -> Engine | None:
    """The reference engine, and ``fixtures/REFERENCE`` rewritten (update mode only)."""
    if not update_goldens:
        return None
    engine = find_engine("pykustomize")
    write_exact(REFERENCE_FILE, engine.version().strip() + "\n")
    return engine


def regenerate(case: Path, engine: Engine) -> None:
    """Rewrite the case's expected file from the reference kustomize."""
    args = parse_args_file(case)
    case_abs = case.resolve()
    result = run_reference(
        case_abs / args.build_dir, engine=engine, load_restrictor=args.load_restrictor
    )
    if result.ok:
        write_exact(case / EXPECTED_OUTPUT, result.stdout)
        (case / EXPECTED_ERROR).unlink(missing_ok=True)
        return
    message = result.error
    # Longest spelling first, so that a resolved path is not half-replaced.
    for spelling in sorted({str(case_abs), str(case.absolute())}, key=len, reverse=True):
        message = message.replace(spelling, CASE_PLACEHOLDER)
    write_exact(case / EXPECTED_ERROR, message + "\n")
    (case / EXPECTED_OUTPUT).unlink(missing_ok=True)


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def test_golden(case: Path, reference_engine: Engine | None) -> None:
    if reference_engine is not None:
        regenerate(case, reference_engine)

    args = parse_args_file(case)
    build_dir = case / args.build_dir
    kwargs = {} if args.load_restrictor is None else {"load_restrictor": args.load_restrictor}
    expected_output = case / EXPECTED_OUTPUT
    expected_error = case / EXPECTED_ERROR
    assert expected_output.exists() != expected_error.exists(), (
        f"{case}: needs exactly one of {EXPECTED_OUTPUT} / {EXPECTED_ERROR}"
    )

    if expected_output.exists():
        expected = read_exact(expected_output)
        actual = kustomize_py.render(build_dir, **kwargs)
        if actual != expected:
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    fromfile=f"{case.name}/{EXPECTED_OUTPUT} (kustomize)",
                    tofile=f"{case.name}/render() (kustomize_py)",
                )
            )
            pytest.fail(f"output differs from the reference:\n{diff}", pytrace=False)
        return

    kustomize_message = read_exact(expected_error).strip()
    with pytest.raises(KustomizeError) as excinfo:
        kustomize_py.render(build_dir, **kwargs)
    err = excinfo.value
    context = f"kustomize said: {kustomize_message}\nwe said: {err}"
    assert err.path, f"error does not name the file at fault\n{context}"
    at_fault = Path(err.path)
    if not at_fault.is_absolute():
        at_fault = build_dir / at_fault
    assert _is_within(at_fault.resolve(), case.resolve()), (
        f"error names {err.path}, which is outside the case directory\n{context}"
    )
    text = str(err)
    assert err.path in text or at_fault.name in text, (
        f"message does not name a file or directory\n{context}"
    )
