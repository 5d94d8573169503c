"""``kustomize edit set image`` arguments: parsing, and what they make of an ``images:`` entry.

The syntax is kustomize's (``kustomize/commands/edit/set/setimage.go``)::

    NAME=NEWNAME            NAME=NEWNAME:TAG      NAME=NEWNAME@DIGEST   NAME=NEWNAME:TAG@DIGEST
    NAME:TAG                NAME@DIGEST           NAME:TAG@DIGEST

``*`` as the new name, the tag or the digest means "keep what the entry has"
(``NAME=*:TAG``, ``NAME=NEWNAME:*``, ``NAME=*@DIGEST``). A tag is what kustomize accepts
(letters, digits, ``.``, ``_``, ``-``); ``host:port/repo`` is a name, not a name and a tag.

Two ways to merge a spec into an existing entry:

* :func:`kustomize_entry` is kustomize's: the spec replaces the entry, except the
  fields given as ``*``. ``NAME:TAG`` therefore drops the entry's ``newName``. Argo CD
  runs ``kustomize edit set image``, so ``argocd render`` uses this one.
* :func:`merged_entry` is ``kustomize-py edit set image``'s: the same, except that the
  forms without ``=`` (``NAME:TAG``, ``NAME@DIGEST``, ``NAME:TAG@DIGEST``) keep the
  entry's ``newName``, as if written ``NAME=*:TAG``. Setting a tag in CI must not lose the
  registry name the overlay maps the image to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "KEEP",
    "ImageSpec",
    "ImageSpecError",
    "apply_kustomize",
    "kustomize_entry",
    "merged_entry",
    "parse",
    "parse_all",
]

KEEP = "*"  # kustomize's "preserve what the entry has"
USAGE = (
    "use NAME=NEWNAME, NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME:TAG@DIGEST, "
    "NAME:TAG, NAME@DIGEST or NAME:TAG@DIGEST ('*' as NEWNAME, TAG or DIGEST keeps "
    "the entry's value)"
)
# kustomize's tag pattern: the name is everything before the last ':' whose tail is a tag.
_NAME_TAG = re.compile(r"^(.*):([a-zA-Z0-9._-]*|\*)$")
# OCI digest grammar: algorithm ":" encoded.
_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$", re.IGNORECASE)


class ImageSpecError(ValueError):
    """An argument that is not a valid ``edit set image`` spec."""


@dataclass(frozen=True, slots=True)
class ImageSpec:
    """One parsed argument. Empty means "not given", :data:`KEEP` means keep."""

    arg: str
    name: str
    new_name: str = ""
    new_tag: str = ""
    digest: str = ""
    renames: bool = False  # written NAME=...: it says what the new name is (or keeps it)


def parse(arg: str) -> ImageSpec:
    """Parse one argument, kustomize's way; stricter where kustomize silently drops text.

    kustomize accepts (and deliberately we refuse): an empty name (``=x``), an empty tag or
    digest (``nginx:``, ``nginx@``), several ``=`` or ``@`` (kustomize keeps one part and
    drops the rest), a digest that is not ``algorithm:hex``, whitespace.
    """
    if not arg:
        raise ImageSpecError(f"empty image argument; {USAGE}")
    if any(ch.isspace() for ch in arg):
        raise ImageSpecError(f"invalid image {arg!r}: it contains whitespace; {USAGE}")
    if arg.count("=") > 1:
        raise ImageSpecError(f"invalid image {arg!r}: more than one '='; {USAGE}")
    renames = "=" in arg
    name, _, rest = arg.partition("=") if renames else ("", "", arg)
    if renames and not name:
        raise ImageSpecError(f"invalid image {arg!r}: no image name before '='; {USAGE}")
    if rest.count("@") > 1:
        raise ImageSpecError(f"invalid image {arg!r}: more than one '@'; {USAGE}")
    head, at, digest = rest.partition("@")
    tag = ""
    if match := _NAME_TAG.match(head):
        head, tag = match.group(1), match.group(2)
        if not tag:
            raise ImageSpecError(f"invalid image {arg!r}: empty tag after ':'; {USAGE}")
    elif not renames and not at:
        raise ImageSpecError(f"invalid image {arg!r}: no tag or digest to set; {USAGE}")
    if at and not digest:
        raise ImageSpecError(f"invalid image {arg!r}: empty digest after '@'; {USAGE}")
    if digest and digest != KEEP and not _DIGEST.match(digest):
        raise ImageSpecError(
            f"invalid image {arg!r}: digest {digest!r} is not ALGORITHM:HEX "
            f"(e.g. sha256:24a0c4b4…); {USAGE}"
        )
    if not head:
        raise ImageSpecError(f"invalid image {arg!r}: no image name; {USAGE}")
    if renames:
        return ImageSpec(arg, name, head, tag, digest, renames=True)
    return ImageSpec(arg, head, "", tag, digest, renames=False)


def parse_all(args: Iterable[str]) -> list[ImageSpec]:
    """Parse every argument; a later one for the same name replaces an earlier one."""
    specs: dict[str, ImageSpec] = {}
    for arg in args:
        spec = parse(arg)
        specs.pop(spec.name, None)
        specs[spec.name] = spec
    if not specs:
        raise ImageSpecError(f"no image specified; {USAGE}")
    return list(specs.values())


def _resolve(value: str, existing: str) -> str:
    return existing if value == KEEP else value


def kustomize_entry(spec: ImageSpec, existing: Mapping[str, str] | None) -> dict[str, str]:
    """The entry kustomize writes for ``spec`` (replacing ``existing``, if any).

    Fields given as ``*`` keep the existing entry's value (or are left out); every other
    field of the existing entry, ``tagSuffix`` included, is replaced.
    """
    old = existing or {}
    entry = {
        "name": spec.name,
        "newName": _resolve(spec.new_name, old.get("newName", "")),
        "newTag": _resolve(spec.new_tag, old.get("newTag", "")),
        "digest": _resolve(spec.digest, old.get("digest", "")),
    }
    return {key: value for key, value in entry.items() if value}


def merged_entry(spec: ImageSpec, existing: Mapping[str, str] | None) -> dict[str, str]:
    """The entry ``kustomize-py edit set image`` writes: kustomize's, keeping ``newName``
    when the spec does not say what the new name is (no ``=``)."""
    if not spec.renames:
        spec = ImageSpec(spec.arg, spec.name, KEEP, spec.new_tag, spec.digest, renames=True)
    return kustomize_entry(spec, existing)


def apply_kustomize(
    entries: Sequence[Mapping[str, str]], specs: Sequence[ImageSpec]
) -> list[dict[str, str]]:
    """``kustomize edit set image`` over a whole ``images:`` list.

    Entries are keyed by name (a later duplicate replaces an earlier one), the specs are
    merged in, and the list comes back sorted by name, as kustomize writes it.
    """
    wanted = {spec.name: spec for spec in specs}
    merged: dict[str, dict[str, str]] = {}
    for entry in entries:
        name = entry.get("name", "")
        if name in wanted:
            resolved = kustomize_entry(wanted[name], entry)
            wanted[name] = ImageSpec(
                wanted[name].arg,
                name,
                resolved.get("newName", ""),
                resolved.get("newTag", ""),
                resolved.get("digest", ""),
                renames=True,
            )
            continue
        merged[name] = dict(entry)
    for name, spec in wanted.items():
        merged[name] = kustomize_entry(spec, None)
    return [merged[name] for name in sorted(merged)]
