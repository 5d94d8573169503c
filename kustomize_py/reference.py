"""Run the real kustomize: the only module that does.

Three engines can serve as the reference, tried in this order by ``find_engine``:

* a ``kustomize`` binary on ``PATH``;
* ``kubectl kustomize`` (kubectl embeds an older kustomize);
* the ``pykustomize`` wheel, whose bundled Go library is the project's reference
  version (kustomize api v0.21.3). It runs in a child process so that a Go panic
  or a write to the process's stderr cannot disturb the caller.

Used by ``kustomize-py diff``, the golden-file regeneration and the differential
tests. Nothing here is imported by ``render``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Engine", "ReferenceResult", "ReferenceUnavailable", "find_engine", "run_reference"]

ENGINE_NAMES = ("kustomize", "kubectl", "pykustomize")


class ReferenceUnavailable(RuntimeError):
    """No real kustomize could be found on this machine."""


@dataclass(frozen=True)
class Engine:
    name: str
    argv: tuple[str, ...]

    def version(self) -> str:
        if self.name == "pykustomize":
            out = _run([*self.argv, "--version"])
            return out.stdout.strip()
        if self.name == "kubectl":
            out = _run([self.argv[0], "version", "--client"])
            return next(
                (ln.strip() for ln in out.stdout.splitlines() if "Kustomize" in ln),
                out.stdout.strip(),
            )
        return _run([self.argv[0], "version"]).stdout.strip()


@dataclass(frozen=True)
class ReferenceResult:
    engine: str
    stdout: str
    stderr: str
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def error(self) -> str:
        """kustomize's error message without the CLI framing."""
        lines = []
        for ln in self.stderr.splitlines():
            if ln.startswith("# Warning:"):
                continue
            lines.append(ln.removeprefix("Error: "))
        return "\n".join(lines).strip()


def _run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        encoding="utf-8",
        errors="surrogateescape",
    )


def _has_pykustomize() -> bool:
    import importlib.util

    return importlib.util.find_spec("pykustomize") is not None


def find_engine(name: str | None = None) -> Engine:
    """Return the requested engine, or the first one available."""
    wanted = (name,) if name else ENGINE_NAMES
    for engine in wanted:
        if engine == "kustomize" and (exe := shutil.which("kustomize")):
            return Engine("kustomize", (exe, "build"))
        if engine == "kubectl" and (exe := shutil.which("kubectl")):
            return Engine("kubectl", (exe, "kustomize"))
        if engine == "pykustomize" and _has_pykustomize():
            return Engine("pykustomize", (sys.executable, "-m", "kustomize_py.reference"))
    if name and name not in ENGINE_NAMES:
        raise ReferenceUnavailable(
            f"unknown engine {name!r}; choose from {', '.join(ENGINE_NAMES)}"
        )
    raise ReferenceUnavailable(
        f"no real kustomize found (tried {', '.join(wanted)}); "
        "install one, e.g. `pip install --ignore-requires-python pykustomize==0.1.4`"
    )


def run_reference(
    path: str | Path, *, engine: Engine | None = None, load_restrictor: str | None = None
) -> ReferenceResult:
    """Build ``path`` with the real kustomize and return what it printed."""
    engine = engine or find_engine()
    argv = [*engine.argv, str(path)]
    if load_restrictor:
        argv += ["--load-restrictor", load_restrictor]
    proc = _run(argv)
    return ReferenceResult(engine.name, proc.stdout, proc.stderr, proc.returncode)


# -- child-process side of the pykustomize engine ---------------------------------


def _embedded_api_version() -> str:  # pragma: no cover - runs in a child
    """The kustomize api module version recorded in the Go library's build info."""
    import re

    from pykustomize._ffi import _find_library

    blob = Path(_find_library() or "").read_bytes()
    found = re.search(rb"dep\tsigs\.k8s\.io/kustomize/api\t(v[0-9][^\t\n]*)", blob)
    return found.group(1).decode() if found else "unknown"


def _pykustomize_main(argv: list[str]) -> int:  # pragma: no cover - runs in a child
    from pykustomize._ffi import ffi, get_library, get_version, string_from_c

    if argv == ["--version"]:
        print(f"kustomize api {_embedded_api_version()} ({get_version()})")
        return 0
    path, restrictor = argv[0], 0
    if argv[1:3] == ["--load-restrictor", "LoadRestrictionsNone"]:
        restrictor = 1
    options = {
        "load_restrictions": restrictor,
        "reorder": "unspecified",
        "add_managedby_label": False,
        "enable_plugins": False,
        "enable_helm": False,
        "helm_command": "",
    }
    lib = get_library()
    result = ffi.new("char**")
    rc = lib.pykustomize_build(
        ffi.new("char[]", path.encode()), ffi.new("char[]", json.dumps(options).encode()), result
    )
    sys.stderr.flush()
    if rc != 0:
        sys.stderr.write(
            "Error: " + ffi.string(lib.pykustomize_last_error()).decode("utf-8", "replace") + "\n"
        )
        return 1
    sys.stdout.write(string_from_c(result[0]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_pykustomize_main(sys.argv[1:]))
