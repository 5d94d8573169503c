"""``kustomize-py argocd render``: what Argo CD renders for an Application, without Argo CD.

Argo CD's repo server builds a kustomize source by running, in a scratch copy of the
repository, ``kustomize edit`` commands for the Application's ``spec.source.kustomize``
overrides, then ``kustomize build`` (``util/kustomize/kustomize.go``), in this order:

=========================  =====================================================
override                   what ``kustomize edit`` does to the kustomization
=========================  =====================================================
``namePrefix``             ``set nameprefix``: replaces ``namePrefix``
``nameSuffix``             ``set namesuffix``: replaces ``nameSuffix``
``images``                 ``set image`` (after ``$ARGOCD_APP_*`` substitution)
``replicas``               ``set replicas``: by name, list sorted by name
``commonLabels``           ``add label`` (``--force``, ``--without-selector``,
                           ``--include-templates`` from the flags), values substituted
``commonAnnotations``      ``add annotation`` (``--force``); substituted only with
                           ``commonAnnotationsEnvsubst``
``namespace``              ``set namespace``
``patches``                appended to ``patches``
``components``             ``add component`` (missing ones skipped with
                           ``ignoreMissingComponents``)
=========================  =====================================================

Here the same changes are made to the root kustomization's parsed data in memory and
the build reads that instead of the file: no file is written, and the rendering is what
Argo CD would apply (before it adds its tracking label and the destination namespace at
apply time). Helm, plugin and plain-directory sources are refused with a clear message.
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kustomize_py.errors import KustomizationError, LoadError, ParseError
from kustomize_py.imagespec import ImageSpecError, apply_kustomize, parse_all
from kustomize_py.loader import KUSTOMIZATION_FILE_NAMES, Loader, display
from kustomize_py.yaml_load import load_kustomization_data, load_resource_documents

__all__ = [
    "application_sources",
    "apply_overrides",
    "build_env",
    "envsubst",
    "load_application",
    "render_application",
]


@dataclass(frozen=True, slots=True)
class Source:
    """One ``spec.source`` (or item of ``spec.sources``)."""

    index: int | None  # position in spec.sources, None for spec.source
    data: Mapping[str, Any]

    @property
    def where(self) -> str:
        return "spec.source" if self.index is None else f"spec.sources[{self.index}]"

    @property
    def path(self) -> str:
        return str(self.data.get("path") or "")


def load_application(path: str | Path) -> dict[str, Any]:
    """Read an Argo CD Application manifest (the one Application of the file)."""
    where = display(path)
    text = Loader.read_text(Path(path))
    docs = [d for d in load_resource_documents(text, where) if isinstance(d, dict)]
    apps = [d for d in docs if d.get("kind") == "Application"]
    if len(apps) != 1:
        found = ", ".join(str(d.get("kind")) for d in docs) or "nothing"
        raise ParseError(
            f"expected one Argo CD Application (kind: Application), found {found}", where
        )
    app = apps[0]
    api = str(app.get("apiVersion") or "")
    if not api.startswith("argoproj.io/"):
        raise ParseError(f"apiVersion {api!r} is not argoproj.io's", where)
    if not isinstance(app.get("spec"), dict):
        raise ParseError("the Application has no spec", where)
    return app


def render_application(
    app_file: str | Path,
    *,
    repo_root: str | Path | None = None,
    load_restrictor: str = "LoadRestrictionsRootOnly",
    revision: str | None = None,
) -> str:
    """Render what Argo CD renders for the Application in ``app_file``.

    ``repo_root`` is where the sources' ``path`` is resolved; by default the nearest
    directory, from the Application file's own upwards (up to its git work tree's top),
    under which every source path exists. ``revision`` is ``$ARGOCD_APP_REVISION``
    (default: the repository's ``HEAD`` commit when it is a git work tree).
    """
    where = display(app_file)
    app = load_application(app_file)
    sources = application_sources(app, where)
    root = Path(repo_root) if repo_root is not None else _default_root(Path(app_file), sources)
    if not root.is_dir():
        raise LoadError("repository root is not a directory", display(root))
    if revision is None:
        revision = _git(root, "rev-parse", "HEAD") or ""
    outputs = []
    for source in sources:
        directory = _source_directory(root, source, where)
        env = build_env(app, source, revision)
        outputs.append(_render_source(directory, source, env, where, load_restrictor))
    return "---\n".join(o for o in outputs if o)


def application_sources(app: Mapping[str, Any], where: str) -> list[Source]:
    """The sources Argo CD renders: ``spec.sources`` (less ``ref``-only ones), else
    ``spec.source``."""
    spec = app["spec"]
    if spec.get("sources"):
        if not isinstance(spec["sources"], list):
            raise ParseError("spec.sources: expected a list", where)
        sources = [
            Source(i, s)
            for i, s in enumerate(spec["sources"])
            if isinstance(s, dict) and (s.get("path") or s.get("chart") or not s.get("ref"))
        ]
    elif isinstance(spec.get("source"), dict):
        sources = [Source(None, spec["source"])]
    else:
        raise ParseError("the Application has neither spec.source nor spec.sources", where)
    for source in sources:
        kind = _explicit_type(source)
        if kind == "helm":
            raise KustomizationError(
                f"{source.where} is a Helm source (chart or helm settings): kustomize-py "
                "renders kustomize sources only; render it with `helm template`",
                where,
            )
        if kind == "plugin":
            raise KustomizationError(
                f"{source.where} uses a config management plugin: kustomize-py cannot run plugins",
                where,
            )
        if kind == "directory":
            raise KustomizationError(
                f"{source.where} is a plain directory source (spec.source.directory): "
                "kustomize-py renders kustomize sources only",
                where,
            )
        if not source.path:
            raise KustomizationError(f"{source.where} has no path", where)
    return sources


def _explicit_type(source: Source) -> str | None:
    data = source.data
    if data.get("chart") or data.get("helm"):
        return "helm"
    if data.get("plugin"):
        return "plugin"
    if data.get("kustomize") is not None:
        return "kustomize"
    if data.get("directory"):
        return "directory"
    return None


def _source_directory(root: Path, source: Source, where: str) -> Path:
    directory = (root / source.path).resolve()
    if not directory.is_relative_to(root.resolve()):
        raise LoadError(f"{source.where}.path '{source.path}' leaves the repository root", where)
    if not directory.is_dir():
        raise LoadError(
            f"{source.where}.path '{source.path}' is not a directory under the repository "
            f"root {display(root)} (use --repo-root)",
            where,
        )
    has_kustomization = any((directory / n).is_file() for n in KUSTOMIZATION_FILE_NAMES)
    if not has_kustomization:
        if (directory / "Chart.yaml").is_file():
            raise KustomizationError(
                f"{source.where}.path '{source.path}' is a Helm chart: kustomize-py renders "
                "kustomize sources only; render it with `helm template`",
                where,
            )
        raise KustomizationError(
            f"{source.where}.path '{source.path}' has no kustomization file: Argo CD would "
            "apply it as a plain directory of manifests, which kustomize-py does not render",
            where,
        )
    return directory


def _default_root(app_file: Path, sources: list[Source]) -> Path:
    start = app_file.resolve().parent
    top = _git(start, "rev-parse", "--show-toplevel")
    stop = Path(top).resolve() if top else None
    for candidate in (start, *start.parents):
        if all((candidate / s.path).is_dir() for s in sources):
            return candidate
        if candidate == stop:
            break
    return stop or start


def _git(directory: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


# -- the build environment and its substitution ---------------------------------------


def build_env(app: Mapping[str, Any], source: Source, revision: str) -> dict[str, str]:
    """The ``$ARGOCD_APP_*`` variables Argo CD's repo server substitutes."""
    spec = app["spec"]
    meta = app.get("metadata") or {}
    destination = spec.get("destination") or {}
    return {
        "ARGOCD_APP_NAME": str(meta.get("name") or ""),
        "ARGOCD_APP_NAMESPACE": str(destination.get("namespace") or ""),
        "ARGOCD_APP_PROJECT_NAME": str(spec.get("project") or ""),
        "ARGOCD_APP_REVISION": revision,
        "ARGOCD_APP_REVISION_SHORT": revision[:7],
        "ARGOCD_APP_REVISION_SHORT_8": revision[:8],
        "ARGOCD_APP_SOURCE_PATH": source.path,
        "ARGOCD_APP_SOURCE_REPO_URL": str(source.data.get("repoURL") or ""),
        "ARGOCD_APP_SOURCE_TARGET_REVISION": str(source.data.get("targetRevision") or ""),
        "KUBE_VERSION": "",
        "KUBE_API_VERSIONS": "",
    }


_SPECIAL = set("*#$@!?-0123456789")


def envsubst(text: str, env: Mapping[str, str]) -> str:
    """Argo CD's ``Env.Envsubst``: Go's ``os.Expand`` with ``$$`` for a dollar sign;
    unknown variables become empty."""

    def lookup(name: str) -> str:
        return "$" if name == "$" else env.get(name, "")

    out: list[str] = []
    i = j = 0
    n = len(text)
    while j < n:
        if text[j] == "$" and j + 1 < n:
            out.append(text[i:j])
            name, width = _shell_name(text[j + 1 :])
            if not name and width == 0:
                out.append("$")
            elif name:
                out.append(lookup(name))
            j += width
            i = j + 1
        j += 1
    out.append(text[i:])
    return "".join(out)


def _shell_name(s: str) -> tuple[str, int]:
    if s[0] == "{":
        if len(s) > 2 and s[1] in _SPECIAL and s[2] == "}":
            return s[1], 3
        for k in range(1, len(s)):
            if s[k] == "}":
                return ("", 2) if k == 1 else (s[1:k], k + 1)
        return "", 1
    if s[0] in _SPECIAL:
        return s[0], 1
    k = 0
    while k < len(s) and (s[k] == "_" or (s[k].isascii() and s[k].isalnum())):
        k += 1
    return s[:k], k


# -- the overrides ----------------------------------------------------------------------


def _render_source(
    directory: Path, source: Source, env: Mapping[str, str], where: str, load_restrictor: str
) -> str:
    from kustomize_py.api import render
    from kustomize_py.edit import find_kustomization_file, render_with_override

    opts = source.data.get("kustomize")
    if not opts:
        return render(directory, load_restrictor=load_restrictor)
    if not isinstance(opts, dict):
        raise ParseError(f"{source.where}.kustomize: expected a mapping", where)
    path = find_kustomization_file(directory)
    data = load_kustomization_data(Loader.read_text(path), display(path))
    data = apply_overrides(
        data, opts, env, directory, where=where, field=f"{source.where}.kustomize"
    )
    return render_with_override(directory, data, load_restrictor)


def apply_overrides(
    data: Any,
    opts: Mapping[str, Any],
    env: Mapping[str, str],
    directory: Path,
    *,
    where: str = "",
    field: str = "spec.source.kustomize",
) -> dict[str, Any]:
    """The kustomization data after Argo CD's ``kustomize edit`` commands for ``opts``.

    ``where`` (the Application file) and ``field`` locate errors.
    """

    def fail(message: str) -> KustomizationError:
        return KustomizationError(f"{field}.{message}", where or None)

    if data is not None and not isinstance(data, dict):
        raise KustomizationError("the kustomization is not a mapping", display(directory))
    out: dict[str, Any] = copy.deepcopy(data) if data else {}

    def text(key: str) -> str:
        value = opts.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise fail(f"{key}: expected a string")
        return value

    for key in ("namePrefix", "nameSuffix"):
        if text(key):
            out[key] = text(key)
    if opts.get("images"):
        images = [envsubst(str(i), env) for i in _list(opts, "images", fail)]
        try:
            specs = parse_all(images)
        except ImageSpecError as err:
            raise fail(f"images: {err}") from None
        existing = [_image_entry(e) for e in out.get("images") or [] if isinstance(e, dict)]
        out["images"] = apply_kustomize(existing, specs)
    if opts.get("replicas"):
        out["replicas"] = _replicas(out.get("replicas"), _list(opts, "replicas", fail), fail)
    if opts.get("commonLabels"):
        labels = {k: envsubst(str(v), env) for k, v in _map(opts, "commonLabels", fail).items()}
        if opts.get("labelWithoutSelector"):
            _add_labels_without_selector(
                out,
                labels,
                bool(opts.get("forceCommonLabels")),
                bool(opts.get("labelIncludeTemplates")),
                fail,
            )
        else:
            _add_to_map(out, "commonLabels", labels, bool(opts.get("forceCommonLabels")), fail)
    if opts.get("commonAnnotations"):
        annotations = {str(k): str(v) for k, v in _map(opts, "commonAnnotations", fail).items()}
        if opts.get("commonAnnotationsEnvsubst"):
            annotations = {k: envsubst(v, env) for k, v in annotations.items()}
        _add_to_map(
            out,
            "commonAnnotations",
            annotations,
            bool(opts.get("forceCommonAnnotations")),
            fail,
        )
    if text("namespace"):
        out["namespace"] = text("namespace")
    if opts.get("patches"):
        existing_patches = out.get("patches")
        if existing_patches is not None and not isinstance(existing_patches, list):
            raise fail("patches: the kustomization's patches field is not a list")
        out["patches"] = [*(existing_patches or []), *copy.deepcopy(_list(opts, "patches", fail))]
    if opts.get("components"):
        components = list(out.get("components") or [])
        for item in _list(opts, "components", fail):
            component = str(item)
            if not (directory / component).exists():
                if opts.get("ignoreMissingComponents"):
                    continue
                raise fail(
                    f"components: '{component}' not found under {display(directory)} "
                    "(set ignoreMissingComponents to skip it)"
                )
            if component not in components:
                components.append(component)
        out["components"] = components
    return out


def _list(opts: Mapping[str, Any], key: str, fail: Callable[[str], Exception]) -> list[Any]:
    value = opts.get(key)
    if not isinstance(value, list):
        raise fail(f"{key}: expected a list")
    return value


def _map(opts: Mapping[str, Any], key: str, fail: Callable[[str], Exception]) -> dict[str, Any]:
    value = opts.get(key)
    if not isinstance(value, dict):
        raise fail(f"{key}: expected a map")
    return value


def _image_entry(entry: Mapping[str, Any]) -> dict[str, str]:
    fields = {f.casefold(): f for f in ("name", "newName", "newTag", "digest", "tagSuffix")}
    out: dict[str, str] = {}
    for key in sorted(entry):
        canonical = fields.get(str(key).casefold())
        if canonical and isinstance(entry[key], str) and entry[key]:
            out[canonical] = entry[key]
    return out


def _replicas(existing: Any, wanted: list[Any], fail: Callable[[str], Exception]) -> list[Any]:
    merged: dict[str, Any] = {}
    for item in wanted:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise fail("replicas: each item needs a name and a count")
        count = item.get("count")
        number: int | None = None
        if isinstance(count, int) and not isinstance(count, bool):
            number = count
        elif isinstance(count, str) and count.strip().lstrip("+-").isdigit():
            number = int(count)
        if number is None:
            raise fail(f"replicas: count {count!r} of '{item['name']}' is not an integer")
        merged[item["name"]] = {"name": item["name"], "count": number}
    for item in existing or []:
        name = item.get("name") if isinstance(item, dict) else None
        if name not in merged:
            merged[str(name)] = item
    return [merged[name] for name in sorted(merged)]


def _add_to_map(
    out: dict[str, Any],
    field: str,
    values: Mapping[str, str],
    force: bool,
    fail: Callable[[str], Exception],
) -> None:
    kind, flag = ("label", "forceCommonLabels")
    if field == "commonAnnotations":
        kind, flag = ("annotation", "forceCommonAnnotations")
    current = dict(out.get(field) or {})
    for key, value in values.items():
        if key in current and not force:
            raise fail(
                f"{field}: {kind} {key} already in kustomization file (Argo CD's `kustomize "
                f"edit add {kind}` fails there; set {flag} to overwrite it)"
            )
        current[key] = value
    out[field] = current


def _add_labels_without_selector(
    out: dict[str, Any],
    values: Mapping[str, str],
    force: bool,
    include_templates: bool,
    fail: Callable[[str], Exception],
) -> None:
    labels = copy.deepcopy(list(out.get("labels") or []))
    for key, value in values.items():
        present = False
        for entry in labels:
            pairs = entry.get("pairs") if isinstance(entry, dict) else None
            if isinstance(pairs, dict) and key in pairs:
                if not force:
                    raise fail(
                        f"commonLabels: label {key} already in kustomization file (Argo CD's "
                        "`kustomize edit add label` fails there; set forceCommonLabels)"
                    )
                pairs[key] = value
                present = True
        if not present:
            entry = {"pairs": {key: value}}
            if include_templates:
                entry["includeTemplates"] = True
            labels.append(entry)
    out["labels"] = labels
