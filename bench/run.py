"""Time kustomize-py against the real kustomize on generated trees (``make bench``).

For every tree (see ``bench/gen.py``) this times, as whole processes with stdout captured:

* ours:      ``.venv/bin/python .venv/bin/kustomize-py build DIR`` (the venv's own
             interpreter, never a pyenv shim);
* kubectl:   ``kubectl kustomize DIR`` when kubectl is on PATH;
* reference: ``.venv/bin/python -m kustomize_py.reference DIR`` (the pykustomize Go
             library; its time includes a Python start-up);

interleaved per round (ours, kubectl, reference, ours, ...) after one warm-up each, and
reports min / median / max wall seconds plus the median of the per-round ratios
ours / theirs. ``kustomize_py.render(DIR)`` is also timed in-process (after a warm-up),
without a ratio. Outputs are compared byte for byte once per tree; a difference or a
failing build is reported, never fatal: this is a benchmark, not a test.

Everything it writes (generated trees, byte-code caches, ``--json`` with a relative
path) goes under ``bench/out/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
PYCACHE = OUT / "pycache"
# Byte-code caches (gen.py's here, everything the children import) live in bench/out/.
sys.pycache_prefix = str(PYCACHE)
sys.path.insert(0, str(BENCH))

import gen  # noqa: E402

VENV_BIN = REPO / ".venv" / "bin"
VENV_PYTHON = VENV_BIN / "python"
CLI = VENV_BIN / "kustomize-py"
# Children cache byte-code under bench/out/pycache whatever the caller's environment says:
# with PYTHONDONTWRITEBYTECODE set (as on some CI images) an editable install would
# recompile our modules on every run, while the reference's site-packages ship compiled.
# The warm-up run fills the cache; the timed runs then load it, as an installed tool would.
CHILD_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": str(PYCACHE),
}
REFERENCE_NOTE = "includes a Python start-up"


@dataclass
class Engine:
    key: str  # "ours", "kubectl" or "reference"
    label: str
    argv: list[str]  # the tree's directory is appended
    version: str = ""


@dataclass
class Result:
    """The timed samples of one engine on one tree, or why there are none."""

    samples: list[float] = field(default_factory=list)
    error: str | None = None

    def stats(self) -> dict[str, float]:
        if not self.samples:
            return {}
        return {
            "min": min(self.samples),
            "median": statistics.median(self.samples),
            "max": max(self.samples),
        }


def first_line(text: str) -> str:
    """A one-line summary of an error: a traceback's last line, else the first line."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return "(no message)"
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def run_once(argv: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False, cwd=REPO, env=CHILD_ENV)
    return time.perf_counter() - start, proc


def _version(argv: list[str], marker: str = "") -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False, env=CHILD_ENV)
    except OSError as exc:
        return f"unknown ({exc})"
    lines = proc.stdout.strip().splitlines()
    picked = [ln for ln in lines if marker in ln] if marker else lines
    return picked[0].strip() if picked else f"unknown ({first_line(proc.stderr)})"


def find_engines(against: list[str]) -> list[Engine]:
    python = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
    engines = [Engine("ours", "ours (cli)", [python, str(CLI), "build"], "kustomize-py")]
    if "kubectl" in against:
        if kubectl := shutil.which("kubectl"):
            version = _version([kubectl, "version", "--client"], "Kustomize")
            engines.append(Engine("kubectl", "kubectl", [kubectl, "kustomize"], version))
        else:
            print("note: kubectl is not on PATH; skipping `kubectl kustomize`")
    if "reference" in against:
        argv = [python, "-m", "kustomize_py.reference"]
        engines.append(Engine("reference", "reference*", argv, _version([*argv, "--version"])))
    return engines


def count_documents(text: bytes) -> int:
    return 0 if not text.strip() else text.count(b"\n---\n") + 1


def bench_tree(tree: gen.Tree, engines: list[Engine], runs: int) -> dict[str, Any]:
    directory = str(tree.root)
    results = {e.key: Result() for e in engines}
    outputs: dict[str, bytes] = {}
    for engine in engines:  # warm-up, and the one output comparison
        _, proc = run_once([*engine.argv, directory])
        if proc.returncode != 0:
            msg = first_line(proc.stderr.decode(errors="replace"))
            results[engine.key].error = f"exit {proc.returncode}: {msg}"
        else:
            outputs[engine.key] = proc.stdout
    live = [e for e in engines if results[e.key].error is None]
    for _ in range(runs):
        for engine in list(live):
            secs, proc = run_once([*engine.argv, directory])
            if proc.returncode != 0:
                msg = first_line(proc.stderr.decode(errors="replace"))
                results[engine.key].error = f"exit {proc.returncode} on a timed run: {msg}"
                live.remove(engine)
            else:
                results[engine.key].samples.append(secs)

    ours = results["ours"]
    ratios: dict[str, float | None] = {}
    identity: dict[str, str] = {}
    for engine in engines[1:]:
        theirs = results[engine.key]
        ok = ours.error is None and theirs.error is None
        pairs = list(zip(ours.samples, theirs.samples, strict=False)) if ok else []
        ratios[engine.key] = statistics.median(o / t for o, t in pairs) if pairs else None
        if "ours" in outputs and engine.key in outputs:
            same = outputs["ours"] == outputs[engine.key]
            identity[engine.key] = "identical" if same else "DIFFERS"
    if "kubectl" in outputs and "reference" in outputs:
        same = outputs["kubectl"] == outputs["reference"]
        identity["kubectl-vs-reference"] = "identical" if same else "DIFFERS"

    reference_output = next((outputs[e.key] for e in engines[1:] if e.key in outputs), None)
    inprocess = bench_inprocess(directory, runs, reference_output)
    resources = tree.resources
    if resources is None and reference_output is not None:
        resources = count_documents(reference_output)
    return {
        "tree": tree.name,
        "root": str(tree.root),
        "origin": tree.origin,
        "resources": resources,
        "engines": {
            e.key: {
                "argv": [*e.argv, directory],
                "samples": results[e.key].samples,
                "error": results[e.key].error,
                **results[e.key].stats(),
            }
            for e in engines
        },
        "ratios": ratios,
        "identity": identity,
        "inprocess": inprocess,
    }


def bench_inprocess(directory: str, runs: int, expected: bytes | None) -> dict[str, Any]:
    """``kustomize_py.render`` in this process: one warm-up, then ``runs`` timed calls."""
    try:
        # Imported here so that a package broken mid-development still gets the rest timed.
        import kustomize_py

        text = kustomize_py.render(directory)  # warm-up
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            kustomize_py.render(directory)
            samples.append(time.perf_counter() - start)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return {"samples": [], "error": first_line(message)}
    result = Result(samples)
    identity = None
    if expected is not None:
        identity = "identical" if text.encode() == expected else "DIFFERS"
    return {"samples": samples, "error": None, "identity": identity, **result.stats()}


# -- reporting ------------------------------------------------------------------------


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def machine_info() -> dict[str, Any]:
    try:
        usable: int | None = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = None
    child = _version([str(VENV_PYTHON), "-c", "import sys; print(sys.version.split()[0])"])
    startup = [run_once([str(VENV_PYTHON), "-c", "pass"])[0] for _ in range(6)][1:]
    return {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "harness_python": sys.executable,
        "venv_python": str(VENV_PYTHON),
        "venv_python_version": child,
        "platform": platform.platform(),
        "python_startup_median": statistics.median(startup),
    }


def print_header(info: dict[str, Any], engines: list[Engine], runs: int) -> None:
    cores = f"{info['cores']} cores"
    if info["usable_cores"] not in (None, info["cores"]):
        cores += f" ({info['usable_cores']} usable)"
    print(
        f"machine: {cores}, {info['platform']}; Python {info['python']} "
        f"({info['python_implementation']}), children run {info['venv_python']} "
        f"({info['venv_python_version']})"
    )
    for engine in engines:
        shown = " ".join(_short(a) for a in engine.argv)
        print(f"  {engine.label:<11} {shown} DIR   [{engine.version}]")
    print(
        f"{runs} interleaved rounds per tree after 1 warm-up each; wall seconds per whole process; "
        "ratio = median over rounds of ours/theirs (>1: we are slower)"
    )
    if any(e.key == "reference" for e in engines):
        print(
            f"  * reference = pykustomize's Go library; its time {REFERENCE_NOTE} plus importing "
            "pykustomize/cffi and loading the Go library"
        )
    print(
        f"  (a bare `{_short(info['venv_python'])} -c pass` takes "
        f"{info['python_startup_median']:.4f} s here; ours pays it too)"
    )
    print()


def _short(arg: str) -> str:
    try:
        return str(Path(arg).relative_to(REPO))
    except ValueError:
        return arg


def print_table(rows: list[dict[str, Any]], engines: list[Engine]) -> None:
    head = f"{'tree':<8} {'res':>5}  {'engine':<12} {'min':>8} {'median':>8} {'max':>8}"
    print(f"{head}  {'ours/it':>8}  output")
    labels = {e.key: e.label for e in engines}
    for row in rows:
        lead = f"{row['tree']:<8} {row['resources'] if row['resources'] is not None else '?':>5}"
        ours_error = row["engines"]["ours"]["error"]
        for key, data in row["engines"].items():
            cells = f"{lead}  {labels[key]:<12}"
            lead = " " * len(lead)
            if data["error"]:
                print(f"{cells} error: {data['error']}")
                continue
            cells += f" {_secs(data['min']):>8} {_secs(data['median']):>8} {_secs(data['max']):>8}"
            if key == "ours":
                print(cells)
                continue
            ratio = row["ratios"].get(key)
            ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
            output = row["identity"].get(key, "n/a (ours failed)" if ours_error else "n/a")
            print(f"{cells}  {ratio_text:>8}  {output}")
        inproc = row["inprocess"]
        cells = f"{lead}  {'render()':<12}"
        if inproc["error"]:
            print(f"{cells} error: {inproc['error']}")
        else:
            cells += f" {_secs(inproc['min']):>8} {_secs(inproc['median']):>8}"
            print(
                f"{cells} {_secs(inproc['max']):>8}  {'(in-proc)':>8}  {inproc['identity'] or ''}"
            )
        if row["identity"].get("kubectl-vs-reference") == "DIFFERS":
            print(f"{'':<8} {'':>5}  note: kubectl and the reference print different output here")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--trees",
        default=",".join(gen.TREES),
        help=f"comma-separated trees (default {','.join(gen.TREES)}; also nN, chainN)",
    )
    parser.add_argument("--runs", type=int, help="timed rounds per tree (default 7)")
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 7")
    parser.add_argument(
        "--against",
        default="kubectl,reference",
        help="which real kustomize to time: kubectl, reference or both (default)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the raw samples; a relative FILE lands in bench/out/",
    )
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (3 if args.quick else 7)
    if runs < 1:
        parser.error("--runs must be at least 1")
    against = [a.strip() for a in args.against.split(",") if a.strip()]
    if unknown := set(against) - {"kubectl", "reference"}:
        parser.error(f"unknown --against {', '.join(sorted(unknown))}")
    names = [t.strip() for t in args.trees.split(",") if t.strip()]
    try:
        trees = gen.generate(names)
    except ValueError as exc:
        parser.error(str(exc))

    engines = find_engines(against)
    info = machine_info()
    print_header(info, engines, runs)
    rows = []
    for tree in trees:
        print(f"... {tree.name} ({tree.origin}: {_short(str(tree.root))})", file=sys.stderr)
        rows.append(bench_tree(tree, engines, runs))
    print_table(rows, engines)

    if args.json:
        target = args.json if args.json.is_absolute() else OUT / args.json
        target.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "machine": info,
            "runs": runs,
            "reference_note": REFERENCE_NOTE,
            "engines": {e.key: {"argv": e.argv, "version": e.version} for e in engines},
            "trees": rows,
        }
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {_short(str(target))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
