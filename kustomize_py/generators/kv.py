"""Key/value pairs of a generator, read the way kustomize's kv loader reads them.

Pairs come from ``envs`` files first, then ``literals``, then ``files`` (in that order,
whatever the order in the kustomization). Values are bytes: a file may hold anything;
literals and env-file lines are text. kustomize's key validator accepts every key, so
only an empty or repeated key is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from kustomize_py.model import GeneratorArgs

__all__ = [
    "KvError",
    "Reader",
    "env_file_pairs",
    "literal_pair",
    "load_pairs",
    "parse_file_source",
]

# Reads a file a generator names: (path as written, what it is) -> bytes. The pipeline
# binds it to the loader (root directory, load restrictor).
Reader = Callable[[str, str], bytes]

_BOM = b"\xef\xbb\xbf"
# Go's unicode.IsSpace (the White_Space property), which kustomize trims lines with.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
# bufio.Scanner's default limit on one line.
_MAX_LINE = 64 * 1024


class KvError(ValueError):
    """A source that cannot be read as key/value pairs; ``entry`` locates it."""

    def __init__(self, message: str, entry: str):
        super().__init__(message)
        self.message = message
        self.entry = entry


def load_pairs(args: GeneratorArgs, read: Reader) -> list[tuple[str, bytes]]:
    """All pairs of a generator entry, in kustomize's order (envs, literals, files)."""
    pairs: list[tuple[str, bytes]] = []
    for path in args.envs:
        pairs.extend(env_file_pairs(read(path, "env source file"), path))
    for source in args.literals:
        pairs.append(literal_pair(source))
    for source in args.files:
        key, path = parse_file_source(source)
        pairs.append((key, read(path, "file source")))
    return pairs


def literal_pair(source: str) -> tuple[str, bytes]:
    """``key=value``: split at the first ``=``; one pair of matching quotes is removed."""
    key, sep, value = source.partition("=")
    if not sep or not key:
        raise KvError(f"invalid literal source {source}, expected key=value", source)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return key, value.encode("utf-8", "surrogateescape")


def parse_file_source(source: str) -> tuple[str, str]:
    """``path`` (the key is its base name) or ``key=path``."""
    key, sep, path = source.partition("=")
    if not sep:
        return _go_path_base(source), source
    if not key:
        raise KvError(f'missing key name for file path "{path}" in source "{source}"', source)
    if "=" in path:
        raise KvError(f"source \"{source}\" key name or file path contains '='", source)
    if not path:
        raise KvError(f'missing file path for key name "{key}" in source "{source}"', source)
    return key, path


def _go_path_base(path: str) -> str:
    """Go's path.Base: the last element, trailing slashes ignored."""
    if not path:
        return "."
    path = path.rstrip("/")
    if not path:
        return "/"
    return path.rpartition("/")[2]


def env_file_pairs(content: bytes, entry: str) -> list[tuple[str, bytes]]:
    """An env file: ``KEY=value`` lines; blank lines and ``#`` comments are skipped.

    Exactly kustomize's rules: lines end at ``\\n`` (a ``\\r`` before it is dropped),
    the first line loses a UTF-8 BOM, leading white space is trimmed, the value is the
    rest of the line after the first ``=`` (quotes and trailing spaces kept), a line
    without ``=`` is a key with an empty value, and a line with an empty key is skipped.
    A line of 64 KiB or more ends the file silently (Go's scanner stops there).
    """
    lines = content.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    pairs: list[tuple[str, bytes]] = []
    for number, scanned in enumerate(lines):
        if len(scanned) >= _MAX_LINE:
            # bufio.Scanner gives up on a line that does not fit its buffer, and
            # kustomize does not check for that error: the rest of the file is ignored.
            break
        raw = scanned.removesuffix(b"\r")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise KvError(
                f"env file '{entry}': line {number} has invalid utf8 bytes", entry
            ) from None
        if number == 0:
            line = line.removeprefix(_BOM.decode("utf-8"))
        line = line.lstrip(_GO_SPACE)
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if key:
            pairs.append((key, value.encode("utf-8")))
    return pairs
