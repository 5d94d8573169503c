"""The ``images``, ``build DIR...`` and ``build-all`` commands (registered in ``cli.py``).

Kept apart from ``cli.py`` so that the single-directory ``build`` fast path imports
none of this. Errors map to exit codes as in ``cli._guard``; a batch goes on past a
failing root, reports it on stderr and exits 1 at the end.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.cli import EXIT_ERROR, EXIT_OK, _guard, _write_atomically
from kustomize_py.errors import KustomizeError

if TYPE_CHECKING:
    import typer

__all__ = ["build_all_command", "build_many_command", "images_command", "register"]

EXIT_USAGE = 2  # as typer's own usage errors
IMAGES_SCHEMA_VERSION = 1


# -- images ------------------------------------------------------------------------


def images_command(path: str, as_json: bool, load_restrictor: str) -> int:
    from kustomize_py.inventory import images

    def action() -> int:
        records = images(path, load_restrictor=load_restrictor)
        if as_json:
            document = {
                "schemaVersion": IMAGES_SCHEMA_VERSION,
                "root": path,
                "images": [r.to_json() for r in records],
            }
            sys.stdout.write(json.dumps(document, indent=2) + "\n")
            return EXIT_OK
        rows = [("RESOURCE", "CONTAINER", "IMAGE", "SET BY", "FROM")]
        for r in records:
            rid = r.resource
            resource = "/".join(p for p in (rid.kind, rid.namespace, rid.name) if p)
            container = r.container or "-"
            if r.role not in ("container", "other"):
                container += f" ({r.role})"
            set_by = r.set_by.location if r.set_by else "-"
            rows.append((resource, container, r.image, set_by, r.source))
        sys.stdout.write(_table(rows))
        return EXIT_OK

    return _guard(action, EXIT_ERROR)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip() + "\n")
    return "".join(lines)


# -- batch builds ------------------------------------------------------------------


def build_many_command(paths: Sequence[str], output: str | None, load_restrictor: str) -> int:
    """``build DIR1 DIR2 ... -o OUTDIR``: one file per root, named by ``output_names``."""
    if not output:
        print(
            "Error: building several directories needs -o OUTDIR (one file per directory)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    unique = list(dict.fromkeys(os.path.abspath(p) for p in paths))
    by_abs = {os.path.abspath(p): p for p in reversed(paths)}  # the first spelling wins
    roots = [by_abs[a] for a in unique]

    def results() -> Iterator[Any]:
        from kustomize_py.batch import render_many

        return render_many(roots, load_restrictor=load_restrictor)

    return _run_batch(roots, None, Path(output), results)


def build_all_command(
    directory: str, output: str, load_restrictor: str, include_components: bool
) -> int:
    """``build-all ROOT -o OUTDIR``: every kustomization root under ROOT."""
    from kustomize_py.batch import find_roots

    found: list[Path] = []

    def find() -> int:
        found.extend(find_roots(directory, include_components=include_components))
        return EXIT_OK

    if _guard(find, EXIT_ERROR) != EXIT_OK:
        return EXIT_ERROR
    if not found:
        print(f"Error: {directory}: no kustomization root found", file=sys.stderr)
        return EXIT_ERROR

    def results() -> Iterator[Any]:
        from kustomize_py.batch import render_many

        return render_many(found, load_restrictor=load_restrictor)

    return _run_batch([str(p) for p in found], directory, Path(output), results)


def _run_batch(
    roots: Sequence[str],
    base: str | None,
    output: Path,
    results: Callable[[], Iterator[Any]],
) -> int:
    from kustomize_py.batch import RootResult, output_names

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        print(f"Error: {output}: {err.strerror or err}", file=sys.stderr)
        return EXIT_ERROR
    names = output_names(roots, base)
    failed: list[str] = []
    warned: set[str] = set()
    with _progress(len(roots)) as report:
        try:
            stream = results()
        except KustomizeError as err:  # a bad option, before any root
            report(f"Error: {err}")
            return EXIT_ERROR
        for result in stream:
            assert isinstance(result, RootResult)
            for message in result.warnings:
                if message not in warned:  # each distinct warning once per batch
                    warned.add(message)
                    report(f"# Warning: {message}")
            if result.output is None:
                failed.append(str(result.root))
                report(f"Error: {result.root}: {result.error}")
            else:
                target = output / names[Path(os.path.abspath(result.root))]
                try:
                    _write_atomically(target, result.output)
                except OSError as err:
                    failed.append(str(result.root))
                    report(f"Error: {result.root}: {err.filename}: {err.strerror or err}")
            report(None)
        if failed:
            report(f"Error: {len(failed)} of {len(roots)} roots failed: {', '.join(failed)}")
    return EXIT_ERROR if failed else EXIT_OK


@contextmanager
def _progress(total: int) -> Iterator[Callable[[str | None], None]]:
    """``report(line)`` prints a line on stderr; ``report(None)`` advances the bar.

    The bar (rich, which typer already depends on) is shown only when stderr is a
    terminal; otherwise lines go to stderr plainly and nothing else is written.
    """
    if not sys.stderr.isatty():

        def plain(line: str | None) -> None:
            if line is not None:
                print(line, file=sys.stderr)

        yield plain
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    console = Console(stderr=True)
    columns = (TextColumn("rendering"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("roots", total=total)

        def bar(line: str | None) -> None:
            if line is None:
                progress.advance(task)
            else:
                progress.console.print(Text(line), soft_wrap=True)

        yield bar


# -- typer registration (called by cli.make_app) ---------------------------------------


def register(app: typer.Typer, restrictor: Any) -> None:
    import typer

    @app.command("build-all")
    def _build_all(
        directory: str = typer.Argument(".", help="Directory to search for kustomizations."),
        output: str = typer.Option(
            ..., "-o", "--output", help="Output directory: one file per kustomization root."
        ),
        include_components: bool = typer.Option(
            False, "--include-components", help="Also render `kind: Component` roots."
        ),
        load_restrictor: str = restrictor,
    ) -> None:
        """Render every kustomization root under DIRECTORY in one process.

        Goes on past failures; each failing root is reported on stderr and the exit
        code is 1 if any failed.
        """
        raise typer.Exit(build_all_command(directory, output, load_restrictor, include_components))

    @app.command("images")
    def _images(
        path: str = typer.Argument(".", help="Kustomization directory."),
        as_json: bool = typer.Option(False, "--json", help="JSON (schema: docs/images.md)."),
        load_restrictor: str = restrictor,
    ) -> None:
        """List every image the build ships, and which `images:` entry set it."""
        raise typer.Exit(images_command(path, as_json, load_restrictor))
