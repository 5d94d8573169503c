"""Batch rendering benchmark: one ``kustomize-py build-all`` against a real kustomize
run once per overlay (``make bench-batch`` = ``.venv/bin/python bench/batch.py``).

The tree (deterministic, ``bench/out/trees/batchN``): a few shared bases built like
``bench/gen.py``'s (Deployments, StatefulSets, CronJobs, Services, ConfigMaps,
ServiceAccounts) and N overlays, each ``resources: [../../bases/X]`` plus a
``namespace:`` and an ``images:`` block of 2-5 entries; one overlay in ten sits on
another overlay instead of a base (a second layer with its own ``images:``).

Per round, interleaved, each a wall-clock time for *all* overlays:

* ``batch``      ``kustomize-py build-all TREE/overlays -o OUT`` (one process);
* ``kubectl``    ``kubectl kustomize DIR`` once per overlay, output written to a file;
* ``reference``  ``python -m kustomize_py.reference DIR`` once per overlay (the
                 pykustomize Go library; each run includes a Python start-up);
* ``ours-each``  ``kustomize-py build DIR -o FILE`` once per overlay (what batching saves).

Also in-process: ``render_all`` (cache) and a loop of ``render()`` (no cache), no
start-up. The ratio is the median over rounds of batch / theirs (below 1: the batch
is faster). Outputs are compared file by file once. The machine may be shared and
noisy: trust medians and ratios, not single rounds.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import gen  # noqa: E402
import run  # noqa: E402  (shares its engine discovery, child environment, caches)

OUT = BENCH / "out"
WORK = OUT / "batch"


def gen_batch(out: Path, overlays: int, bases: int = 4, base_resources: int = 30) -> Path:
    """Write the tree; return its ``overlays`` directory."""
    root = out / f"batch{overlays}"
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(f"bench-batch{overlays}")

    def pick(r: random.Random) -> list[str]:
        return r.sample(gen.IMAGES, r.choices((1, 2, 3), weights=(5, 3, 2))[0])

    for b in range(bases):
        gen._write_base(root / "bases" / f"base{b}", gen._bundles(rng, base_resources, pick))
    block = gen._images_block()
    names = []
    for i in range(overlays):
        team = gen.TEAMS[i % len(gen.TEAMS)]
        name = f"{team}-{i:04d}"
        layered = i % 10 == 9 and names
        target = f"../{rng.choice(names)}" if layered else f"../../bases/base{i % bases}"
        entries = [dict(e) for e in rng.sample(block, rng.randint(2, 5))]
        for entry in entries:
            if "newTag" in entry:
                entry["newTag"] = f"{entry['newTag']}-{i}"
        gen._write(
            root / "overlays" / name / "kustomization.yaml",
            gen._kustomization(resources=[target], namespace=f"{team}-{i}", images=entries),
        )
        names.append(name)
    return root / "overlays"


def overlay_dirs(overlays: Path) -> list[Path]:
    return sorted(p.parent for p in overlays.glob("*/kustomization.yaml"))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def loop(argv: list[str], dirs: list[Path], out: Path, *, file_flag: bool = False) -> int:
    """Run ``argv DIR`` once per overlay; write each stdout to ``out/NAME.yaml``.
    Returns the number of failures."""
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for d in dirs:
        target = out / f"{d.name}.yaml"
        if file_flag:
            proc = subprocess.run(
                [*argv, str(d), "-o", str(target)],
                capture_output=True,
                check=False,
                env=run.CHILD_ENV,
            )
        else:
            proc = subprocess.run(
                [*argv, str(d)], capture_output=True, check=False, env=run.CHILD_ENV
            )
            if proc.returncode == 0:
                target.write_bytes(proc.stdout)
        failures += proc.returncode != 0
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--overlays", type=int, default=300, help="overlay count (default 300)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument(
        "--against",
        default="kubectl,reference,ours-each",
        help="per-overlay engines to time: kubectl, reference, ours-each (default: all)",
    )
    parser.add_argument("--json", type=Path, help="write raw samples (relative: bench/out/)")
    args = parser.parse_args(argv)
    against = [a.strip() for a in args.against.split(",") if a.strip()]
    if unknown := set(against) - {"kubectl", "reference", "ours-each"}:
        parser.error(f"unknown --against {', '.join(sorted(unknown))}")

    overlays = gen_batch(OUT / "trees", args.overlays)
    dirs = overlay_dirs(overlays)
    python = str(run.VENV_PYTHON if run.VENV_PYTHON.exists() else Path(sys.executable))
    cli = [python, str(run.CLI)]
    engines: dict[str, Callable[[Path], int]] = {
        "batch": lambda out: (
            subprocess.run(
                [*cli, "build-all", str(overlays), "-o", str(out)],
                capture_output=True,
                check=False,
                env=run.CHILD_ENV,
            ).returncode
        ),
    }
    if "kubectl" in against:
        if kubectl := shutil.which("kubectl"):
            engines["kubectl"] = lambda out: loop([kubectl, "kustomize"], dirs, out)
        else:
            print("note: kubectl is not on PATH; skipping it")
    if "reference" in against:
        engines["reference"] = lambda out: loop([python, "-m", "kustomize_py.reference"], dirs, out)
    if "ours-each" in against:
        engines["ours-each"] = lambda out: loop([*cli, "build"], dirs, out, file_flag=True)

    info = run.machine_info()
    print(
        f"machine: {info['cores']} cores ({info['usable_cores']} usable), {info['platform']}; "
        f"children run {info['venv_python']} ({info['venv_python_version']})"
    )
    print(
        f"tree: {len(dirs)} overlays over 4 bases of 30 resources "
        f"({_short(overlays)}); {args.runs} interleaved rounds after 1 warm-up"
    )
    samples: dict[str, list[float]] = {k: [] for k in engines}
    failures: dict[str, int] = {}
    for key, engine in engines.items():  # warm-up; keeps the outputs for the comparison
        shutil.rmtree(WORK / key, ignore_errors=True)
        failures[key] = engine(WORK / key)
    for r in range(args.runs):
        for key, engine in engines.items():
            target = WORK / f"{key}-timed"
            shutil.rmtree(target, ignore_errors=True)
            secs, _ = timed(lambda e=engine, t=target: e(t))
            samples[key].append(secs)
            print(f"  round {r + 1} {key:<10} {secs:8.2f} s", file=sys.stderr)

    inproc = bench_inprocess(overlays, dirs, args.runs)
    identity = compare_outputs(dirs)
    print()
    print(f"{'engine':<28} {'min':>8} {'median':>8} {'max':>8}  {'batch/it':>9}  output")
    labels = {
        "batch": "kustomize-py build-all",
        "kubectl": "kubectl kustomize, each",
        "reference": "reference*, each",
        "ours-each": "kustomize-py build, each",
    }
    ratios: dict[str, float] = {}
    for key, values in samples.items():
        cells = f"{labels[key]:<28} {min(values):8.2f} {statistics.median(values):8.2f}"
        cells += f" {max(values):8.2f}"
        if key == "batch":
            print(f"{cells}  {'':>9}  {failures[key]} failed")
            continue
        ratios[key] = statistics.median(
            b / t for b, t in zip(samples["batch"], values, strict=True)
        )
        print(f"{cells}  {ratios[key]:8.3f}x  {identity.get(key, 'n/a')}")
    for key, values in inproc.items():
        med = statistics.median(values)
        print(f"{key:<28} {min(values):8.2f} {med:8.2f} {max(values):8.2f}  {'(in-proc)':>9}")
    print(
        "\n* reference = pykustomize's Go library through Python: each run includes a "
        f"Python start-up (a bare one takes {info['python_startup_median']:.3f} s here)."
    )
    if args.json:
        target = args.json if args.json.is_absolute() else OUT / args.json
        target.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "machine": info,
            "overlays": len(dirs),
            "runs": args.runs,
            "samples": samples,
            "inprocess": inproc,
            "ratios": ratios,
            "identity": identity,
            "failures": failures,
        }
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {_short(target)}")
    return 0


def bench_inprocess(overlays: Path, dirs: list[Path], runs: int) -> dict[str, list[float]]:
    import kustomize_py

    def batch() -> None:
        for result in kustomize_py.render_all(overlays):
            assert result.ok, result.error

    def each() -> None:
        for d in dirs:
            kustomize_py.render(d)

    out: dict[str, list[float]] = {"render_all() in-process": [], "render() each, in-process": []}
    batch()
    each()
    for _ in range(runs):
        out["render_all() in-process"].append(timed(batch)[0])
        out["render() each, in-process"].append(timed(each)[0])
    return out


def compare_outputs(dirs: list[Path]) -> dict[str, str]:
    """Byte comparison of every overlay's output: batch vs each per-overlay engine."""
    import kustomize_py

    names = kustomize_py.output_names(dirs)
    result = {}
    for key in ("kubectl", "reference", "ours-each"):
        if not (WORK / key).is_dir():
            continue
        same = sum(
            (WORK / "batch" / names[d.absolute()]).read_bytes()
            == (WORK / key / f"{d.name}.yaml").read_bytes()
            for d in dirs
            if (WORK / key / f"{d.name}.yaml").exists()
            and (WORK / "batch" / names[d.absolute()]).exists()
        )
        result[key] = f"{same}/{len(dirs)} identical"
    return result


def _short(path: Path) -> str:
    try:
        return str(path.relative_to(run.REPO))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
