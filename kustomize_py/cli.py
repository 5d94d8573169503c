"""The ``kustomize-py`` command line: a thin layer over the public API.

``build`` is the hot path (CI runs it per overlay), so a plain ``build`` invocation
is parsed here without importing typer; everything else (help, ``diff``, usage
errors) goes through the typer app. Errors map to exit codes in ``_guard`` only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.api import LoadRestrictor, render
from kustomize_py.errors import KustomizeError

if TYPE_CHECKING:
    import typer

__all__ = ["EXIT_DIFFERENT", "EXIT_ERROR", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_DIFFERENT = 1  # diff: the renderings differ
EXIT_ERROR = 1  # build: kustomize's own exit code for a failed build
EXIT_DIFF_ERROR = 2  # diff: could not compare (1 already means "different")


def _guard(action: Callable[[], int], error_code: int) -> int:
    """Run a command: warnings and errors go to stderr, never a traceback."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            code = action()
        except KustomizeError as err:
            code = error_code
            message = f"Error: {err}"
        except OSError as err:
            code = error_code
            message = f"Error: {err.filename or ''}: {err.strerror or err}".replace(": : ", ": ")
        else:
            message = ""
    for warning in caught:
        print(f"# Warning: {warning.message}", file=sys.stderr)
    if message:
        print(message, file=sys.stderr)
    return code


# -- build -----------------------------------------------------------------------


def build_command(path: str, output: str | None, load_restrictor: str) -> int:
    def action() -> int:
        if output and Path(output).is_dir():
            _write_per_resource(path, Path(output), load_restrictor)
            return EXIT_OK
        text = render(path, load_restrictor=load_restrictor)
        if output:
            _write_atomically(Path(output), text)
        else:
            sys.stdout.write(text)
        return EXIT_OK

    return _guard(action, EXIT_ERROR)


def _write_atomically(target: Path, text: str) -> None:
    """Write via a temporary file beside ``target``; an error names ``target`` itself."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.kustomize-py.tmp")
    try:
        tmp.write_bytes(text.encode("utf-8"))
        tmp.replace(target)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(target)) from None


def _write_per_resource(path: str, directory: Path, load_restrictor: str) -> None:
    """One file per resource, named as ``kustomize build -o DIR`` names them."""
    from kustomize_py.api import _documents, _resources

    built = _resources(path, load_restrictor)
    texts = _documents(built)
    ids = [res.id for res in built]
    namespaces = {rid.effective_namespace for rid in ids} - {None}
    files: dict[str, str] = {}
    for rid, text in zip(ids, texts, strict=True):
        gvk = "_".join(p for p in (rid.group, rid.version, rid.kind) if p)
        name = f"{gvk}_{rid.name}.yaml".lower()
        if len(namespaces) > 1 and rid.effective_namespace is not None:
            name = f"{rid.effective_namespace.lower()}_{name}"
        files[name] = text
    for name, text in files.items():  # rendered first: a failed build writes nothing
        _write_atomically(directory / name, text)


# -- diff ------------------------------------------------------------------------


def diff_command(path: str, against: str | None, engine: str | None, load_restrictor: str) -> int:
    from kustomize_py.diff import compare
    from kustomize_py.reference import find_engine, run_reference

    def action() -> int:
        ours_error = theirs_error = None
        try:
            ours = render(path, load_restrictor=load_restrictor)
        except KustomizeError as err:
            ours, ours_error = "", str(err)
        if against:
            theirs, label = Path(against).read_text(encoding="utf-8"), against
        else:
            ref = find_engine(engine)
            result = run_reference(
                path,
                engine=ref,
                load_restrictor=load_restrictor
                if load_restrictor != LoadRestrictor.ROOT_ONLY
                else None,
            )
            theirs, label = result.stdout, f"kustomize ({ref.name})"
            theirs_error = None if result.ok else result.error
        if ours_error or theirs_error:
            print(f"kustomize-py: {ours_error or 'ok'}\n{label}: {theirs_error or 'ok'}")
            return EXIT_OK if ours_error and theirs_error else EXIT_DIFFERENT
        report = compare(ours, theirs)
        print("\n".join(report.lines(theirs=label)))
        return EXIT_OK if report.identical else EXIT_DIFFERENT

    def guarded() -> int:
        from kustomize_py.reference import ReferenceUnavailable

        try:
            return action()
        except ReferenceUnavailable as err:
            raise KustomizeError(str(err)) from None

    return _guard(guarded, EXIT_DIFF_ERROR)


# -- edit set image, argocd render ---------------------------------------------------


def set_image_command(
    directory: str, images: Sequence[str], dry_run: bool, strict: bool, load_restrictor: str
) -> int:
    from kustomize_py.edit import set_image

    def action() -> int:
        result = set_image(
            directory, *images, dry_run=dry_run, strict=strict, load_restrictor=load_restrictor
        )
        if dry_run:
            sys.stdout.write(result.diff())
        return EXIT_OK

    return _guard(action, EXIT_ERROR)


def argocd_render_command(
    app_file: str,
    repo_root: str | None,
    output: str | None,
    load_restrictor: str,
    revision: str | None = None,
) -> int:
    from kustomize_py.argocd import render_application

    def action() -> int:
        text = render_application(
            app_file, repo_root=repo_root, load_restrictor=load_restrictor, revision=revision
        )
        if output:
            _write_atomically(Path(output), text)
        else:
            sys.stdout.write(text)
        return EXIT_OK

    return _guard(action, EXIT_ERROR)


# -- the typer app and the fast path ----------------------------------------------


def make_app() -> typer.Typer:
    import typer

    app = typer.Typer(
        name="kustomize-py",
        no_args_is_help=True,
        add_completion=False,
        help="A pure-Python `kustomize build`, byte-for-byte identical to kustomize's.",
    )
    restrictor = typer.Option(
        LoadRestrictor.ROOT_ONLY.value,
        "--load-restrictor",
        help="LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.",
    )

    @app.command("build")
    def _build(
        paths: list[str] = typer.Argument(  # noqa: B008 (typer reads the default)
            None, help="Kustomization directory (default .); several need -o OUTDIR."
        ),
        output: str | None = typer.Option(
            None,
            "-o",
            "--output",
            help="Write to this file, or one file per resource into this directory; "
            "with several directories, one file per directory into this directory.",
        ),
        load_restrictor: str = restrictor,
    ) -> None:
        """Render a kustomization exactly as `kustomize build` does."""
        if paths and len(paths) > 1:
            from kustomize_py.cli_batch import build_many_command

            raise typer.Exit(build_many_command(paths, output, load_restrictor))
        raise typer.Exit(build_command(paths[0] if paths else ".", output, load_restrictor))

    from kustomize_py.cli_batch import register

    register(app, restrictor)

    @app.command("diff")
    def _diff(
        path: str = typer.Argument(".", help="Kustomization directory."),
        against: str | None = typer.Option(
            None,
            "--against",
            help="Compare with this saved output instead of running the real kustomize.",
        ),
        engine: str | None = typer.Option(
            None,
            "--engine",
            help="kustomize, kubectl or pykustomize (default: the first found in that order).",
        ),
        load_restrictor: str = restrictor,
    ) -> None:
        """Render with kustomize-py and with the real kustomize; show the differences.

        Exit 0 when identical, 1 when different, 2 when the comparison failed.
        """
        raise typer.Exit(diff_command(path, against, engine, load_restrictor))

    edit_app = typer.Typer(no_args_is_help=True, help="Change a kustomization file in place.")
    set_app = typer.Typer(no_args_is_help=True, help="Set values in a kustomization file.")
    edit_app.add_typer(set_app, name="set")
    app.add_typer(edit_app, name="edit")

    @set_app.command("image")
    def _set_image(
        images: list[str] = typer.Argument(  # noqa: B008 - typer reads its defaults
            ...,
            help="NAME=NEWNAME:TAG, NAME:TAG, NAME@DIGEST, NAME=NEWNAME@DIGEST, ... "
            "('*' keeps the entry's value). NAME:TAG keeps the entry's newName.",
        ),
        directory: str = typer.Option(
            ".", "-C", "--kustomization", help="The kustomization directory (or its file) to edit."
        ),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Print a unified diff instead of writing."
        ),
        strict: bool = typer.Option(
            False, "--strict", help="Fail when a name matches no image in the output."
        ),
        load_restrictor: str = restrictor,
    ) -> None:
        """Set image names, tags or digests, like `kustomize edit set image`.

        Only the changed values are rewritten: comments, order and quoting stay.
        """
        raise typer.Exit(set_image_command(directory, images, dry_run, strict, load_restrictor))

    argocd_app = typer.Typer(no_args_is_help=True, help="Work with Argo CD Applications.")
    app.add_typer(argocd_app, name="argocd")

    @argocd_app.command("render")
    def _argocd_render(
        app_file: str = typer.Argument(..., help="The Application manifest."),
        repo_root: str | None = typer.Option(
            None,
            "--repo-root",
            help="Where source paths are resolved (default: found from the file upwards).",
        ),
        output: str | None = typer.Option(None, "-o", "--output", help="Write to this file."),
        revision: str | None = typer.Option(
            None, "--revision", help="$ARGOCD_APP_REVISION (default: the checkout's HEAD)."
        ),
        load_restrictor: str = restrictor,
    ) -> None:
        """Render what Argo CD renders for an Application (kustomize overrides applied
        in memory; no file is changed)."""
        raise typer.Exit(
            argocd_render_command(app_file, repo_root, output, load_restrictor, revision)
        )

    return app


def _fast_build_args(argv: Sequence[str]) -> dict[str, Any] | None:
    """Parse ``build [DIR] [-o X] [--load-restrictor X]``; None for anything else."""
    if not argv or argv[0] != "build":
        return None
    args: dict[str, Any] = {
        "path": None,
        "output": None,
        "load_restrictor": LoadRestrictor.ROOT_ONLY.value,
    }
    flags = {"-o": "output", "--output": "output", "--load-restrictor": "load_restrictor"}
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        name, eq, value = token.partition("=")
        if name in flags:
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            args[flags[name]] = value
        elif token.startswith("-") or args["path"] is not None:
            return None
        else:
            args["path"] = token
    args["path"] = args["path"] or "."
    return args


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    fast = _fast_build_args(argv)
    if fast is not None:
        sys.exit(build_command(**fast))
    make_app()(argv, prog_name="kustomize-py")
