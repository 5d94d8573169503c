"""Differential fuzzing of ``configMapGenerator`` / ``secretGenerator``.

hypothesis writes env files and data files from an alphabet of the characters
kustomize's kv loader treats specially (``=``, ``#``, quotes, blanks, tabs, ``\\r``,
a BOM, non-ASCII, bytes that are not UTF-8), literals from the same alphabet (JSON
quoted in the kustomization), per-entry and global options, and an optional overlay
that merges into or replaces the base's generators. Both implementations build the
tree; the output must be identical byte for byte, or both must fail.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import assert_matches_reference, require_reference

pytestmark = pytest.mark.reference

require_reference()  # skips the module without the reference (pykustomize)

_TEXT = st.sampled_from(
    ["A", "b", "_", "-", ".", "=", "#", " ", "\t", '"', "'", "\\", "é", "✓", "<", "&", "x=y"]
)
_LINE = st.lists(_TEXT, max_size=8).map("".join)
_ENV_FILE = st.tuples(
    st.booleans(), st.lists(_LINE, max_size=6), st.sampled_from(["\n", "\r\n"]), st.booleans()
).map(
    lambda t: (
        (b"\xef\xbb\xbf" if t[0] else b"")
        + t[2].join(t[1]).encode()
        + (t[2].encode() if t[3] else b"")
    )
)
_FILE = st.one_of(
    _LINE.map(str.encode),
    st.binary(max_size=80),
    st.lists(_LINE, max_size=5).map(lambda ls: "\n".join(ls).encode()),
)
_KEY = st.sampled_from(["a", "b", "KEY", "x.y", "dup"])
_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "labels": st.dictionaries(_KEY, st.sampled_from(["v", "w"]), max_size=2),
        "annotations": st.dictionaries(_KEY, st.sampled_from(["v", "w"]), max_size=2),
        "disableNameSuffixHash": st.booleans(),
        "immutable": st.booleans(),
    },
)


@st.composite
def _entry(draw: st.DrawFn, kind: str, files: dict[str, bytes], overlay: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": draw(st.sampled_from(["one", "two"]))}
    if overlay:
        entry["behavior"] = draw(st.sampled_from(["merge", "replace", "create"]))
    if draw(st.booleans()):
        entry["literals"] = draw(st.lists(st.tuples(_KEY, _LINE).map("=".join), max_size=3))
    if draw(st.booleans()):
        name = f"f{len(files)}.env"
        files[name] = draw(_ENV_FILE)
        entry["envs"] = [name]
    if draw(st.booleans()):
        name = f"f{len(files)}.dat"
        files[name] = draw(_FILE)
        entry["files"] = [draw(st.sampled_from([name, f"k{len(files)}={name}"]))]
    if draw(st.booleans()):
        entry["options"] = draw(_OPTIONS)
    if kind == "secretGenerator" and draw(st.booleans()):
        entry["type"] = "kubernetes.io/tls"
    return entry


# A pod referring to the generated names, so that hashes and namespaces meet name references.
_POD = json.dumps(
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "pod"},
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "image": "busybox",
                    "envFrom": [{"configMapRef": {"name": "one"}}, {"secretRef": {"name": "two"}}],
                }
            ],
            "volumes": [
                {"name": "a", "configMap": {"name": "two"}},
                {"name": "b", "secret": {"secretName": "one"}},
            ],
        },
    }
).encode()


@st.composite
def _layer(draw: st.DrawFn, overlay: bool) -> tuple[dict[str, Any], dict[str, bytes]]:
    files: dict[str, bytes] = {}
    kust: dict[str, Any] = {}
    for kind in ("configMapGenerator", "secretGenerator"):
        if draw(st.booleans()):
            kust[kind] = draw(st.lists(_entry(kind, files, overlay), min_size=1, max_size=2))
    if draw(st.booleans()):
        kust["generatorOptions"] = draw(_OPTIONS)
    if draw(st.integers(0, 3)) == 0:
        kust["namespace"] = draw(st.sampled_from(["default", "ns1"]))
    if not overlay and draw(st.booleans()):
        files["pod.yaml"] = _POD
        kust["resources"] = ["pod.yaml"]
    if not kust:
        kust["configMapGenerator"] = [{"name": "one"}]
    return kust, files


def _write(directory: Path, kust: dict[str, Any], files: dict[str, bytes]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kustomization.yaml").write_text(json.dumps(kust, ensure_ascii=False))
    for name, content in files.items():
        (directory / name).write_bytes(content)


# A longer hunt: GENERATORS_FUZZ_EXAMPLES=2000 pytest tests/test_generators_differential.py
_EXAMPLES = int(os.environ.get("GENERATORS_FUZZ_EXAMPLES", "40"))


@settings(
    max_examples=_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(base=_layer(overlay=False), overlay=st.one_of(st.none(), _layer(overlay=True)))
def test_generators_match_reference(
    base: tuple[dict[str, Any], dict[str, bytes]],
    overlay: tuple[dict[str, Any], dict[str, bytes]] | None,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root / "base", *base)
        target = root / "base"
        if overlay is not None:
            kust, files = overlay
            resources = ["../base", *kust.pop("resources", [])]
            _write(root / "overlay", {**kust, "resources": resources}, files)
            target = root / "overlay"
        context = json.dumps({"base": base[0], "overlay": overlay and overlay[0]}, indent=1)
        assert_matches_reference(target, context)
