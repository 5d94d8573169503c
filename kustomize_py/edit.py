"""``kustomize-py edit set image``: set image names, tags and digests in a kustomization file.

The file is edited in place as text: the YAML is composed into nodes (which carry their
positions), and only the bytes of the values that change are rewritten. Comments, key
order, blank lines, quoting, line endings and markers such as Flux's
``# {"$imagepolicy": "ns:name:tag"}`` stay as they were. kustomize's own ``edit``
re-writes the whole file instead (sorted keys, comments dropped).

What an entry becomes is :func:`kustomize_py.imagespec.merged_entry`: kustomize's
behaviour, except that ``NAME:TAG`` keeps the entry's ``newName`` (see that module).
New entries and a new ``images:`` block are written as kustomize writes them (fields in
alphabetical order, the list at the key's indentation), with the tag always quoted: an
unquoted ``newTag: 1234567`` is a number, which kustomize refuses.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import json
import os
import re
import stat
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kustomize_py.errors import (
    KustomizationError,
    KustomizeError,
    LoadError,
    ParseError,
)
from kustomize_py.imagespec import ImageSpec, ImageSpecError, merged_entry, parse_all
from kustomize_py.loader import KUSTOMIZATION_FILE_NAMES, Loader, display, kustomization_file
from kustomize_py.model import decode_struct
from kustomize_py.yaml_load import load_kustomization_data, resolve_plain

__all__ = ["ImageEdit", "UnmatchedImageWarning", "find_kustomization_file", "set_image"]

# kustomize's field order for an images entry (it writes struct fields sorted by name).
_ORDER = ("digest", "name", "newName", "newTag", "tagSuffix")
_LISTS = ("images", "imageTags")
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:@+=-]*\Z")


class UnmatchedImageWarning(UserWarning):
    """An ``edit set image`` name matches no image in the kustomization's output."""


@dataclass(frozen=True, slots=True)
class ImageEdit:
    """The outcome of :func:`set_image`: the file, its text before and after."""

    path: str  # the kustomization file, as displayed
    before: str
    after: str
    written: bool  # False for a dry run or when nothing changed
    unmatched: tuple[str, ...] = ()  # names that match no image in the output

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff of the change (empty when nothing changes)."""
        out = []
        for line in difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
        ):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def find_kustomization_file(directory: str | Path) -> Path:
    """The kustomization file of ``directory`` (one of kustomize's three names)."""
    return kustomization_file(Path(directory))


def set_image(
    directory: str | Path = ".",
    *images: str,
    dry_run: bool = False,
    strict: bool = False,
    check: bool = True,
    load_restrictor: str = "LoadRestrictionsRootOnly",
) -> ImageEdit:
    """Set images in the kustomization of ``directory``, like ``kustomize edit set image``.

    ``images`` are kustomize's arguments (``NAME=NEWNAME:TAG``, ``NAME:TAG``,
    ``NAME@DIGEST``, …, see :mod:`kustomize_py.imagespec`). The file is rewritten
    atomically, changing only the values that change; with ``dry_run`` nothing is written
    (``ImageEdit.diff()`` shows what would change).

    With ``check`` the directory is rendered to see whether each name matches an image:
    one that matches none raises :class:`UnmatchedImageWarning`, or with ``strict`` a
    :class:`~kustomize_py.KustomizationError` (and nothing is written). Bad input raises
    a :class:`~kustomize_py.KustomizeError` naming the file; the file is then unchanged.
    """
    if Path(directory).name in KUSTOMIZATION_FILE_NAMES and Path(directory).is_file():
        directory = Path(directory).parent  # pointed at the file itself
    path = find_kustomization_file(directory)
    where = display(path)
    try:
        specs = parse_all(images)
    except ImageSpecError as err:
        raise KustomizationError(str(err), where) from None
    before = Loader.read_text(path)
    data = load_kustomization_data(before, where)
    # The file as it will be must decode; the entries being set are checked as they will
    # be, so that setting a tag fixes CI's unquoted `newTag: 1234567` (a number). Errors
    # are located in the file as it is.
    _validate(_with_entries_set(data, specs), where, before)
    after = edit_images_text(before, where, specs)
    _validate_result(after, where, data, specs)

    unmatched: tuple[str, ...] = ()
    if check:
        unmatched = _check_names(
            Path(directory),
            data,
            specs,
            strict=strict,
            where=where,
            load_restrictor=load_restrictor,
        )
    written = False
    if not dry_run and after != before:
        write_atomically(path, after)
        written = True
    return ImageEdit(where, before, after, written, unmatched)


# -- validation ----------------------------------------------------------------------


def _validate(data: Any, where: str, text: str) -> None:
    """The kustomization must decode (fields this version cannot build yet are fine)."""
    if data is not None and not isinstance(data, dict):
        raise KustomizationError("not a mapping of kustomization fields", where)
    decode_struct(data or {}, "Kustomization", where, text)


def _field_key(data: Any, field: str) -> str | None:
    """The key spelling of ``field`` that kustomize's case-insensitive decoder reads."""
    if not isinstance(data, dict):
        return None
    keys = [k for k in data if str(k).casefold() == field.casefold()]
    return max(keys, key=str) if keys else None


def _images_of(data: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for field in _LISTS:
        key = _field_key(data, field)
        entries = data[key] if key is not None else None
        out.extend(e for e in entries or () if isinstance(e, dict))
    return out


def _with_entries_set(data: Any, specs: Sequence[ImageSpec]) -> Any:
    """``data`` with the entries being set replaced (new ones appended), positions kept."""
    if not isinstance(data, dict):
        return data
    out = copy.deepcopy(data)
    wanted = {s.name: s for s in specs}
    seen: set[str] = set()
    for field in _LISTS:
        key = _field_key(out, field)
        entries = out[key] if key is not None else None
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            name = _clean(entry).get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in wanted:
                entries[i] = merged_entry(wanted[name], _clean(entry))
                seen.add(name)
    new = [merged_entry(s, None) for s in specs if s.name not in seen]
    if new:
        key = _field_key(out, "images") or "images"
        current = out.get(key)
        out[key] = [*(current if isinstance(current, list) else []), *new]
    return out


def _validate_result(after: str, where: str, data: Any, specs: Sequence[ImageSpec]) -> None:
    """Re-read the edited text: it must decode and hold exactly the intended entries."""
    try:
        new = load_kustomization_data(after, where)
        _validate(new, where, after)
    except KustomizeError as err:  # pragma: no cover - an editing bug
        message = f"internal error: the edit would break the file ({err})"
        raise KustomizationError(message, where) from None
    wanted = {s.name: s for s in specs}
    expected = []
    for entry in map(_clean, _images_of(data)):
        spec = wanted.get(entry.get("name", ""))
        expected.append(merged_entry(spec, entry) if spec else entry)
    names = {_clean(e).get("name") for e in _images_of(data)}
    expected += [merged_entry(s, None) for s in specs if s.name not in names]
    got = [_clean(e) for e in _images_of(new)]
    if sorted(map(_key, got)) != sorted(map(_key, expected)):  # pragma: no cover
        raise KustomizationError(
            f"internal error: the edit would write {got}, not {expected}; file left unchanged",
            where,
        )


def _clean(entry: Mapping[str, Any]) -> dict[str, Any]:
    fields = {k.casefold(): k for k in _ORDER}
    out: dict[str, Any] = {}
    for key in sorted(entry):  # the decoder's rule: of case variants, the last sorted wins
        if (canonical := fields.get(str(key).casefold())) and entry[key] is not None:
            out[canonical] = entry[key]
    return {k: v for k, v in out.items() if v}


def _key(entry: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(entry.items()))


# -- the name check ------------------------------------------------------------------

_PROBE = "kustomize-py-probe-{}-end"


def _check_names(
    directory: Path,
    data: Any,
    specs: Sequence[ImageSpec],
    *,
    strict: bool,
    where: str,
    load_restrictor: str,
) -> tuple[str, ...]:
    """Names that match no image when this kustomization's images step runs.

    The directory is rendered in memory with each set entry replaced by a probe that
    renames what it matches to a unique name; a probe absent from the output matched
    nothing. This is kustomize's own matching (regular-expression names, every image
    field spec, the entries' order), not an approximation of it.
    """
    probed = copy.deepcopy(data) if isinstance(data, dict) else {}
    names = [s.name for s in specs]
    seen: set[str] = set()
    for field in _LISTS:
        key = _field_key(probed, field)
        entries = probed[key] if key is not None else None
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            name = _clean(entry).get("name") if isinstance(entry, dict) else None
            if name in names:
                entries[i] = {"name": name, "newName": _PROBE.format(names.index(name))}
                seen.add(name)
    missing = [
        {"name": n, "newName": _PROBE.format(i)} for i, n in enumerate(names) if n not in seen
    ]
    if missing:
        key = _field_key(probed, "images") or "images"
        probed[key] = [*(probed.get(key) or []), *missing]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = render_with_override(directory, probed, load_restrictor)
    except KustomizeError as err:
        message = f"could not check that the image names match: the build fails ({err})"
        if strict:
            raise KustomizationError(message, where) from None
        warnings.warn(f"{where}: {message}", UnmatchedImageWarning, stacklevel=3)
        return ()
    unmatched = tuple(n for i, n in enumerate(names) if _PROBE.format(i) not in text)
    for name in unmatched:
        message = (
            f"image name '{name}' matches no image in the output of "
            f"{display(directory)} (names are matched as kustomize matches them: "
            "from the start, up to a tag or digest)"
        )
        if strict:
            raise KustomizationError(message, where)
        warnings.warn(f"{where}: {message}", UnmatchedImageWarning, stacklevel=3)
    return unmatched


def render_with_override(directory: Path, data: Any, load_restrictor: str) -> str:
    """Render ``directory`` as if its kustomization file held ``data``."""
    from kustomize_py.api import _documents, _loader, _resources

    loader = _loader(load_restrictor, overrides={directory: data})
    return "---\n".join(_documents(_resources(directory, load_restrictor, loader)))


# -- writing -------------------------------------------------------------------------


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by a temporary file written beside it (its mode is kept).

    A crash leaves either the old file or the new one, never a partial file.
    """
    target = path.resolve()  # a symlinked kustomization file: write its target
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise LoadError(f"cannot write: {err.strerror or err}", display(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise LoadError(f"cannot write: {err.strerror or err}", display(path)) from None


# -- the text editor -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


class _Text:
    """The file's text with its nodes, collecting non-overlapping edits."""

    def __init__(self, text: str, where: str):
        self.text = text
        self.where = where
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[_Edit] = []

    def result(self) -> str:
        out = self.text
        # Applied from the end; at one position a replacement goes before an insertion
        # (applied first, it keeps its indices), and insertions keep their order.
        ordered = sorted(
            enumerate(self.edits), key=lambda ie: (ie[1].start, ie[1].end != ie[1].start, ie[0])
        )
        for _, edit in reversed(ordered):
            out = out[: edit.start] + edit.text + out[edit.end :]
        return out

    def add(self, start: int, end: int, text: str) -> None:
        self.edits.append(_Edit(start, end, text))

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """The index of the line break ending the line of ``index`` (or the text's end)."""
        end = self.text.find("\n", index)
        if end < 0:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def first_on_line(self, index: int) -> bool:
        return not self.text[self.line_start(index) : index].strip()

    def colon_after(self, key: Node) -> int:
        return self.text.index(":", key.end_mark.index)


def edit_images_text(text: str, where: str, specs: Sequence[ImageSpec]) -> str:
    """``text`` with ``specs`` applied to its ``images:`` (and ``imageTags:``) entries."""
    return _edit_text(text, where, specs, merged_entry)


def _edit_text(
    text: str,
    where: str,
    specs: Sequence[ImageSpec],
    merge: Callable[[ImageSpec, Mapping[str, str] | None], dict[str, str]],
) -> str:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ParseError(
            f"cannot edit this YAML: {getattr(err, 'problem', None) or err}",
            where,
            mark.line + 1 if mark else None,
        ) from None
    doc = _Text(text, where)
    if root is not None and not isinstance(root, MappingNode):
        raise KustomizationError("not a mapping of kustomization fields", where)
    lists = [seq for f in _LISTS if root is not None and (seq := _value(root, f)) is not None]
    for seq in lists:
        if not isinstance(seq, SequenceNode) and not _is_null(seq):
            raise KustomizationError("images: expected a list", where, seq.start_mark.line + 1)

    new_entries: list[dict[str, str]] = []
    for spec in specs:
        found = False
        for seq in lists:
            if not isinstance(seq, SequenceNode):
                continue
            for item in seq.value:
                if isinstance(item, MappingNode) and _scalar(_value(item, "name")) == spec.name:
                    found = True
                    old = _entry(item)
                    _rewrite_entry(doc, item, old, merge(spec, old))
        if not found:
            new_entries.append(merge(spec, None))
    if new_entries:
        _add_entries(doc, root, new_entries)
    return doc.result()


def _scalar(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and not _is_null(node):
        return str(node.value)
    return None


def _is_null(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.style in (None, "")
    )


def _pair(mapping: MappingNode, field: str) -> tuple[Node, Node] | None:
    """The (key, value) pair of ``field``: matched case-insensitively, the last sorted
    spelling winning (the strict decoder's rule)."""
    folded = field.casefold()
    found = [
        (k, v)
        for k, v in mapping.value
        if isinstance(k, ScalarNode) and str(k.value).casefold() == folded
    ]
    if not found:
        return None
    # equal spellings: the last one (a duplicate key keeps its last value)
    winner: tuple[Node, Node] = max(reversed(found), key=lambda kv: str(kv[0].value))
    return winner


def _value(mapping: MappingNode, field: str) -> Node | None:
    pair = _pair(mapping, field)
    return pair[1] if pair else None


def _entry(item: MappingNode) -> dict[str, str]:
    out: dict[str, str] = {}
    for field in _ORDER:
        value = _scalar(_value(item, field))
        if value:
            out[field] = value
    return out


def _reads_as_string(node: Node) -> bool:
    """Whether kustomize's YAML 1.1 decoder reads the scalar as a string."""
    if not isinstance(node, ScalarNode) or _is_null(node):
        return True  # null: nothing to fix; collections: left to the decoder's error
    return bool(node.style) or resolve_plain(str(node.value), v2=True)[0] == "!!str"


def _format(field: str, value: str, *, flow: bool, old: Node | None = None) -> str:
    """A value as written: tags always quoted (in the old value's quote style if it had
    one), other values plain when that reads back as the same string."""
    if field == "newTag":
        if isinstance(old, ScalarNode) and old.style == "'":
            return "'" + value.replace("'", "''") + "'"
        return json.dumps(value, ensure_ascii=False)
    plain_ok = (
        _PLAIN_SAFE.match(value)
        and not value.endswith(":")
        and not (flow and ":" in value)
        and resolve_plain(value, v2=True)[0] == "!!str"
        and resolve_plain(value, v2=False)[0] == "!!str"
    )
    if plain_ok:
        return value
    if isinstance(old, ScalarNode) and old.style == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def _end(node: Node) -> int:
    """Where a node's own text ends (not counting the comments and blanks that follow)."""
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        return _end(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return _end(node.value[-1])
    end: int = node.end_mark.index
    return end


def _rewrite_entry(
    doc: _Text, item: MappingNode, old: Mapping[str, str], new: Mapping[str, str]
) -> None:
    flow = bool(item.flow_style)
    kept = []  # (field, key, value) of the pairs that stay, in file order
    removed: list[tuple[Node, Node]] = []
    for key, value in item.value:
        canonical = next((f for f in _ORDER if f.casefold() == str(key.value).casefold()), None)
        pair = _pair(item, canonical) if canonical else None
        winner = pair is not None and pair[0] is key
        if canonical is None or not winner:
            kept.append((canonical or "", key, value))
            continue
        if canonical in new:
            kept.append((canonical, key, value))
            if new[canonical] != old.get(canonical) or not _reads_as_string(value):
                _replace_value(doc, canonical, key, value, new[canonical], flow=flow)
        elif _is_null(value):
            kept.append((canonical, key, value))
        else:
            removed.append((key, value))
    _remove_pairs(doc, item, removed)
    for field in _ORDER:
        if field in new and _pair(item, field) is None:
            _insert_pair(doc, item, kept, field, new[field], flow=flow)


def _replace_value(
    doc: _Text, field: str, key: Node, value: Node, text: str, *, flow: bool
) -> None:
    formatted = _format(field, text, flow=flow, old=value)
    if _is_null(value) and value.start_mark.index == value.end_mark.index:
        colon = doc.colon_after(key)
        doc.add(colon + 1, colon + 1, " " + formatted)
    else:
        doc.add(value.start_mark.index, value.end_mark.index, formatted)


def _remove_pairs(doc: _Text, item: MappingNode, removed: Sequence[tuple[Node, Node]]) -> None:
    """Remove pairs, one text range per run of consecutive removed pairs."""
    pairs = item.value
    gone = {id(key) for key, _ in removed}
    index = 0
    while index < len(pairs):
        if id(pairs[index][0]) not in gone:
            index += 1
            continue
        first = index
        while index + 1 < len(pairs) and id(pairs[index + 1][0]) in gone:
            index += 1
        last, index = index, index + 1
        start = pairs[first][0].start_mark.index
        following = pairs[last + 1][0] if last + 1 < len(pairs) else None
        if item.flow_style:
            if following is not None:
                doc.add(start, following.start_mark.index, "")
            elif first > 0:  # from the end of the pair before the run (kept)
                doc.add(_end(pairs[first - 1][1]), _end(pairs[last][1]), "")
        elif doc.first_on_line(start):
            end = doc.line_end(_end(pairs[last][1]))
            end += len(doc.nl) if doc.text.startswith(doc.nl, end) else 0
            doc.add(doc.line_start(start), end, "")
        elif following is not None:  # "- key: value" on the item's line: pull the next key up
            doc.add(start, following.start_mark.index, "")


def _insert_pair(
    doc: _Text,
    item: MappingNode,
    kept: Sequence[tuple[str, Node, Node]],
    field: str,
    value: str,
    *,
    flow: bool,
) -> None:
    text = f"{field}: {_format(field, value, flow=flow)}"
    before = [p for p in kept if p[0] and _ORDER.index(p[0]) < _ORDER.index(field)]
    first_key = kept[0][1] if kept else item.value[0][0]
    if flow:
        pos = _end((before or kept)[-1][2])
        doc.add(pos, pos, ", " + text)
        return
    # A field with no predecessor (digest) goes last rather than first, so that the item's
    # "- name: ..." line stays as it is.
    anchor = before[-1] if before else kept[-1]
    pos = doc.line_end(_end(anchor[2]))
    doc.add(pos, pos, doc.nl + " " * first_key.start_mark.column + text)


def _entry_lines(entry: Mapping[str, str], flow: bool) -> list[str]:
    return [f"{f}: {_format(f, entry[f], flow=flow)}" for f in _ORDER if f in entry]


def _add_entries(doc: _Text, root: MappingNode | None, entries: list[dict[str, str]]) -> None:
    nl = doc.nl
    seq = _value(root, "images") if root is not None else None
    if isinstance(seq, SequenceNode) and seq.flow_style and seq.value:
        items = ", ".join("{" + ", ".join(_entry_lines(e, True)) + "}" for e in entries)
        pos = _end(seq.value[-1])
        doc.add(pos, pos, ", " + items)
        return
    if isinstance(seq, SequenceNode) and seq.value:
        _add_block_items(doc, seq, entries)
        return
    # no images list yet (absent, null or []): write a block one, sorted as kustomize does
    entries = sorted(entries, key=lambda e: e["name"])
    key_column = root.value[0][0].start_mark.column if root is not None and root.value else 0
    dash = key_column + _sequence_offset(root)
    block = "".join(nl + _block_item(e, dash, 2, nl) for e in entries)
    pair = _pair(root, "images") if root is not None else None
    if pair is not None:
        key, value = pair
        colon = doc.colon_after(key)
        end = value.end_mark.index if not _is_null(value) or value.value else colon + 1
        doc.add(colon + 1, max(end, colon + 1), block)
        return
    if root is not None and root.flow_style:
        pos = _end(root.value[-1][1]) if root.value else root.start_mark.index + 1
        items = ", ".join("{" + ", ".join(_entry_lines(e, True)) + "}" for e in entries)
        doc.add(pos, pos, (", " if root.value else "") + f"images: [{items}]")
        return
    if root is not None and root.value:
        pos = doc.line_end(_end(root.value[-1][1]))
        doc.add(pos, pos, nl + " " * key_column + "images:" + block)
        return
    text = doc.text
    lead = "" if not text or text.endswith("\n") else nl
    doc.add(len(text), len(text), lead + "images:" + block + nl)


def _block_item(entry: Mapping[str, str], dash: int, offset: int, nl: str) -> str:
    lines = _entry_lines(entry, False)
    head = " " * dash + "-" + " " * (offset - 1) + lines[0]
    return nl.join([head, *(" " * (dash + offset) + line for line in lines[1:])])


def _sequence_offset(root: MappingNode | None) -> int:
    """How far this file indents block lists under their key (0 is kustomize's style)."""
    for key, value in root.value if root is not None else ():
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            offset: int = value.start_mark.column - key.start_mark.column
            return max(0, offset)
    return 0


def _add_block_items(doc: _Text, seq: SequenceNode, entries: list[dict[str, str]]) -> None:
    nl = doc.nl
    dash = seq.start_mark.column
    offset = 2
    first = seq.value[0]
    if isinstance(first, MappingNode) and first.value and not first.flow_style:
        offset = max(2, first.value[0][0].start_mark.column - dash)
    names = [
        _scalar(_value(i, "name")) or "" if isinstance(i, MappingNode) else "" for i in seq.value
    ]
    is_sorted = names == sorted(names)
    if is_sorted:
        entries = sorted(entries, key=lambda e: e["name"])
    for entry in entries:
        block = _block_item(entry, dash, offset, nl)
        later = [i for i, n in enumerate(names) if n > entry["name"]] if is_sorted else []
        if later:
            pos = doc.line_start(seq.value[later[0]].start_mark.index)
            doc.add(pos, pos, block + nl)
        else:
            pos = doc.line_end(_end(seq.value[-1]))
            doc.add(pos, pos, nl + block)
