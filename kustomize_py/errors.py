"""The error hierarchy. Every error names the file it is about (and the line, when known)."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConflictError",
    "KustomizationError",
    "KustomizeDeprecationWarning",
    "KustomizeError",
    "LoadError",
    "ParseError",
    "RenderError",
    "TransformError",
]


class KustomizeError(Exception):
    """Base class: a build that cannot produce output.

    ``path`` is the file (or directory) at fault, ``line`` its 1-based line when known.
    ``str(err)`` is the one-line message the CLI prints: ``path:line: message``.
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class LoadError(KustomizeError):
    """A file or directory cannot be read: missing, outside the root, a cycle, remote."""


class ParseError(KustomizeError):
    """A file is not valid YAML, or a resource document is malformed."""


class KustomizationError(KustomizeError):
    """A kustomization file is valid YAML but not a valid Kustomization."""


class ConflictError(KustomizeError):
    """Two resources share an id."""


class TransformError(KustomizeError):
    """A transformer cannot be applied to a resource."""


class RenderError(KustomizeError):
    """A resource holds a value that kustomize cannot write (e.g. ``.inf``)."""


class KustomizeDeprecationWarning(UserWarning):
    """A kustomization uses a deprecated field; the text is kustomize's own warning."""
