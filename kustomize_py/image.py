"""Image references: how kustomize matches an ``images:`` entry and rewrites a string.

``name`` is a regular expression fragment (Go RE2 syntax), anchored at the start and
followed by an optional ``:tag`` and an optional ``@algorithm:digest`` up to the end
of the string: ``nginx`` matches ``nginx:1.19`` but not ``docker.io/library/nginx``,
``.`` is a wildcard, and a name that is not a valid expression matches nothing.

The name is Go regular-expression syntax; :mod:`kustomize_py.goregex` translates it to
Python's so that it matches exactly what Go's ``regexp.MatchString`` matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kustomize_py.goregex import translate
from kustomize_py.model import Image

__all__ = ["is_match", "rewrite", "split"]

# What kustomize appends to the name (Go syntax). The digest algorithm is OCI's
# ``component (separator component)*`` with both letter cases: ``sha256``, ``SHA512``,
# ``1x``, ``a+b``, ``a.b`` match; ``a..b``, ``a+``, ``-a`` do not (observed in v0.21.3).
_TAIL = (
    r"(:[a-zA-Z0-9_.{}-]*)?"
    r"(@[a-zA-Z0-9]+(?:[+._-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$"
)


@lru_cache(maxsize=1024)
def _pattern(name: str) -> re.Pattern[str] | None:
    source = translate("^" + name + _TAIL)
    if source is None:
        return None
    try:
        return re.compile(source)
    except (re.error, RecursionError, OverflowError):  # pragma: no cover - translator bug
        return None


def is_match(image: str, name: str) -> bool:
    """Whether the ``images:`` entry ``name`` applies to ``image`` (Go ``IsImageMatched``)."""
    pattern = _pattern(name)
    return pattern is not None and pattern.search(image) is not None


def split(image: str) -> tuple[str, str, str]:
    """Split into (name, tag, digest); a ``:port`` in the first path component is no tag."""
    slash = image.find("/")
    offset = slash if slash > 0 else 0
    search = image[offset:]
    at, colon = search.find("@"), search.find(":")
    if at < 0 and colon < 0:
        return image, "", ""
    if at >= 0 and (colon < 0 or at < colon):
        return image[: offset + at], "", image[offset + at + 1 :]
    if at >= 0:
        return (
            image[: offset + colon],
            image[offset + colon + 1 : offset + at],
            image[offset + at + 1 :],
        )
    return image[: offset + colon], image[offset + colon + 1 :], ""


def rewrite(image: str, entry: Image) -> str:
    """Apply one ``images:`` entry to an image string (unchanged when it does not match)."""
    if not is_match(image, entry.name):
        return image
    name, tag, digest = split(image)
    if entry.new_name:
        name = entry.new_name
    if entry.new_tag:
        tag, digest = entry.new_tag, entry.digest
    elif entry.digest:
        tag, digest = "", entry.digest
    elif entry.tag_suffix:
        tag, digest = tag + entry.tag_suffix, ""
    return name + (":" + tag if tag else "") + ("@" + digest if digest else "")
