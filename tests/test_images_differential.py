"""Differential tests of the ``images:`` transformer against the reference kustomize.

* the tables of tests/test_image.py are re-checked against the reference;
* Go RE2 versus our translation to Python ``re``: names users plausibly write, each
  matched against a fixed set of image strings;
* hypothesis generates image strings, ``images:`` lists and the places images sit in,
  builds one tree per example with both implementations and compares byte for byte.

Every kustomization value is written double-quoted (JSON string syntax, which YAML reads
back exactly), so the decoder's typing rules never get in the way.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import assert_matches_reference, require_reference
from test_image import MATCH_CASES, REWRITE_CASES, SPLIT_CASES

import kustomize_py
from kustomize_py.image import is_match, split
from kustomize_py.model import Image
from kustomize_py.reference import (
    ReferenceResult,
    run_reference,
)

pytestmark = pytest.mark.reference


ENGINE = require_reference()


def _reference(path: Path) -> ReferenceResult:
    return run_reference(path, engine=ENGINE)


# -- writing trees ------------------------------------------------------------------------

_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("new_name", "newName"),
    ("new_tag", "newTag"),
    ("digest", "digest"),
    ("tag_suffix", "tagSuffix"),
)


def _kustomization(entries: Sequence[Image], resources: Sequence[str]) -> str:
    lines = ["resources:", *(f"- {r}" for r in resources), "images:"]
    for entry in entries:
        pairs = [(key, getattr(entry, attr)) for attr, key in _FIELDS]
        pairs = [(k, v) for k, v in pairs if v or k == "name"]
        lines.append("- " + "\n  ".join(f"{k}: {json.dumps(v)}" for k, v in pairs))
    return "\n".join(lines) + "\n"


def _containers(images: Sequence[str], indent: str) -> str:
    return "".join(
        f"{indent}- name: c{i}\n{indent}  image: {json.dumps(img)}\n"
        for i, img in enumerate(images)
    )


def _custom_kind(images: Sequence[str]) -> str:
    """A custom kind whose containers only the legacy pass visits (one application)."""
    return (
        "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  x:\n"
        "    containers:\n" + _containers(images, "    ")
    )


def _images_of(doc: dict[str, Any]) -> list[str]:
    return [c["image"] for c in doc["spec"]["x"]["containers"]]


def _build_single_pass(entries: Sequence[Image], images: Sequence[str]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kustomization.yaml").write_text(_kustomization(entries, ["thing.yaml"]))
        (root / "thing.yaml").write_text(_custom_kind(images))
        ref = _reference(root)
    assert ref.ok, ref.error
    return _images_of(yaml.safe_load(ref.stdout))


def _parallel(fn: Any, items: Sequence[Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


# -- 1. the unit tables agree with the reference ---------------------------------------


def test_split_table_matches_reference() -> None:
    # "*" matches every string, so newName replaces split()'s name and keeps tag/digest.
    images = [image for image, _ in SPLIT_CASES]
    got = _build_single_pass([Image(name="*", new_name="N")], images)
    want = [
        "N" + (":" + tag if tag else "") + ("@" + digest if digest else "")
        for _, (_, tag, digest) in SPLIT_CASES
    ]
    assert dict(zip(images, got, strict=True)) == dict(zip(images, want, strict=True))


def test_match_table_matches_reference() -> None:
    by_name: dict[str, list[tuple[str, bool]]] = {}
    for name, image, expected in MATCH_CASES:
        by_name.setdefault(name, []).append((image, expected))

    def observe(name: str) -> list[tuple[str, bool]]:
        images = [image for image, _ in by_name[name]]
        out = _build_single_pass([Image(name=name, new_name="\u2192")], images)
        return [(image, result != image) for image, result in zip(images, out, strict=True)]

    names = list(by_name)
    observed = dict(zip(names, _parallel(observe, names), strict=True))
    assert observed == by_name


def test_rewrite_table_matches_reference() -> None:
    def observe(case: tuple[Image, dict[str, str]]) -> dict[str, str]:
        entry, cases = case
        return dict(zip(cases, _build_single_pass([entry], list(cases)), strict=True))

    observed = _parallel(observe, REWRITE_CASES)
    assert observed == [cases for _, cases in REWRITE_CASES]


# -- 2. Go RE2 versus the translation to Python ----------------------------------------

PROBE_IMAGES = [
    "nginx", "nginx:1.19", "NGINX:1", "Nginx", "nginx\n", "a\nnginx", "ngin", "nginxx",
    "xnginx", "nginx@sha256:ab", "nginx@SHA512:ab", "nginx:a{b}", "a.b/c:1", "axb/c",
    "localhost:5000/nginx:1", "123", "12", "a1", "x", "y", "xy", "", ":t", "nginx ",
    "\tnginx", "\x0bnginx", "{nginx", "a{,3}", "aaa", "a{2}", "\u00e9", "\u00c9", "\\",
    "foo.bar", "foo_bar", "foo-bar", "\u017f", "K", "k", "\u212a", "i", "I",
]  # fmt: skip

RE2_NAMES = [
    "nginx", "^nginx", "nginx$", "^nginx$", "ngin.", "ngin.*", ".*", "*", "+", "?", "{2}",
    "**", "(bad", "x|y", "nginx|y", "(?i)nginx", "ngi(?i)nx", "a(?i)b|c", "(?i:n)ginx",
    "(?-i:N)(?i)ginx", r"\d+", r"\d{2}", r"\d{2,}", "[[:alpha:]]+", "[[:^alpha:]]",
    "[[:alpha:][:digit:]]+", "[[:upper:]]+", "(?i)[[:upper:]]+", "[[:foo:]]", "[[:alpha:]",
    r"\.", r"foo\.bar", "foo.bar", "a{2}", "a{,3}", "a{2,}", "a{1001}", "(a{100}){100}",
    "(a{10}){100}", "a**", "a++", "a*?", "a{2}{3}", r"\Qa{2}\E", r"\Qnginx", r"\x{41}",
    r"\x41", r"\s*nginx", r"\vnginx", r"\Snginx", r"\bnginx", r"nginx\b", r"\Bginx",
    "(?=n)nginx", "(?!x)nginx", "(?<=x)", "(?P<n>nginx)", "(?<n>nginx)", "(?P=n)",
    r"(\w)\1", r"\12", r"\0", "\\\u00e9", r"\_", r"nginx\z", r"nginx\Z", r"\Anginx",
    "(?m)nginx$", "(?m)nginx", "(?s).*", "(?s)a.nginx", "(?U)ngin.*", "(?x)nginx",
    "(?)nginx", "(?-)nginx", "(?i-s)nginx", "[a-]", "[]a]", "[^]a]", r"[\d-z]", r"[\b]",
    r"[a-\d]", "[z-a]", "(?i)\u00e9", "(?i)k", "(?i)s", r"\w", r"\W", "^*", "$*", r"\b*",
    "(?i)*", "a(?i)*", "a*(?i)*", "()", "(|)", "|", "nginx|", ")", "(", "[", "\\",
    "[^\n]+", "a|(?i)b", "((?i)a)b", "[^a-z]+", "(?i)[^a-z]+", r"\C", r"\pL", r"\p{Greek}",
    r"[\pL]", r"\PL", r"\p{Foo}", "(?i)i",
]  # fmt: skip

# Known and documented in kustomize_py/image.py: no \p classes; Turkish i folding.
RE2_KNOWN = {r"\pL", r"\PL", r"[\pL]", r"\p{Greek}"}


def test_re2_semantics_match_reference() -> None:
    def observe(name: str) -> list[bool]:
        out = _build_single_pass([Image(name=name, new_name="\u2192")], PROBE_IMAGES)
        return [result != image for image, result in zip(PROBE_IMAGES, out, strict=True)]

    observed = _parallel(observe, RE2_NAMES)
    wrong = {}
    for name, ref in zip(RE2_NAMES, observed, strict=True):
        ours = [is_match(image, name) for image in PROBE_IMAGES]
        diff = [(img, r) for img, r, o in zip(PROBE_IMAGES, ref, ours, strict=True) if r != o]
        if diff and name not in RE2_KNOWN:
            wrong[name] = diff  # (image, what the reference decided)
    assert wrong == {}


@pytest.mark.xfail(reason="\\p{...} Unicode classes are not translated (documented in image.py)")
def test_re2_unicode_classes() -> None:
    out = _build_single_pass([Image(name=r"\pL", new_name="\u2192")], ["x", "1"])
    assert [r != i for r, i in zip(out, ["x", "1"], strict=True)] == [
        is_match("x", r"\pL"),
        is_match("1", r"\pL"),
    ]


# -- 3. generated trees ----------------------------------------------------------------

_REGISTRIES = ["", "docker.io/", "localhost:5000/", "my.registry.io/", "reg.io:443/team/"]
_NAME_CHARS = "abcnx0129.-_"
_TAG_CHARS = "abc019.-_{}+$"
_ALGORITHMS = ["sha256", "sha512", "SHA256", "1x", "a+b", "a.b", "a..b", "x-", "", "md5"]
_ODD = ["", "nginx:", ":tag", "@x", "a:b:c", "nginx@", "nginx@sha256", "a@b:c@d", "/a:b"]
_ODD += ["nginx:1@x:y:z", "localhost:5000", "nginx ", "ngi nx:1", "{{.Image}}", "${IMG}"]


@st.composite
def image_strings(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(_ODD))
    registry = draw(st.sampled_from(_REGISTRIES))
    path = draw(st.sampled_from(["", "library/", "a/b/"]))
    name = draw(st.text(_NAME_CHARS, min_size=1, max_size=6))
    image = registry + path + name
    if draw(st.booleans()):
        image += ":" + draw(st.text(_TAG_CHARS, max_size=5))
    if draw(st.integers(0, 2)) == 0:
        algorithm = draw(st.sampled_from(["sha256", *_ALGORITHMS]))
        encoded = st.text("0af9", max_size=4) | st.text("0af.{}=+", max_size=4)
        image += "@" + algorithm + ":" + draw(encoded)
    return image


_REGEX_NAMES = [".*", "ngin.", "*", "(bad", "x|y", "a|n.*", "(?i)NGINX", "[a-z]+", r"\w+"]
_REGEX_NAMES += ["^nginx$", "nginx:1.0", "localhost:5000/nginx", "", "ngi", "(?i)A.*"]


@st.composite
def entries(draw: st.DrawFn, images: Sequence[str]) -> Image:
    image = draw(st.sampled_from(images))
    name_kind = draw(st.integers(0, 3))
    if name_kind == 0:
        name = split(image)[0]
    elif name_kind == 1:
        name = image
    elif name_kind == 2:
        name, tag, _ = split(image)
        name += ":" + tag if tag else ""
    else:
        name = draw(st.sampled_from(_REGEX_NAMES))

    def maybe(values: list[str]) -> str:
        return draw(st.one_of(st.just(""), st.sampled_from(values)))

    return Image(
        name=name,
        new_name=maybe(["reg/app2", "other.io:443/team/x", "n:5", "n@sha256:d", "nginx", ""]),
        new_tag=maybe(["2.0", "v1", "1.0-rc", "{{.Tag}}", "$TAG", "a+b", "0"]),
        digest=maybe(["sha256:d9", "abc", "sha512:ff", "x@y"]),
        tag_suffix=maybe(["-x", "-debug", "+b", ".1"]),
    )


def _resources(images: Sequence[str]) -> str:
    """Every image in every place the transformer treats differently."""
    pod = init = ephemeral = volume = deploy = cron = thing = crd = list(images)
    docs = [
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
        + ("  containers:\n" + _containers(pod, "  ") if pod else "")
        + ("  initContainers:\n" + _containers(init, "  ") if init else "")
        + ("  ephemeralContainers:\n" + _containers(ephemeral, "  ") if ephemeral else "")
        + (
            "  volumes:\n"
            + "".join(
                f"  - name: v{i}\n    image:\n      reference: {json.dumps(img)}\n"
                for i, img in enumerate(volume)
            )
            if volume
            else ""
        ),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n"
        "    spec:\n      containers:\n" + _containers(deploy or ["keep"], "      "),
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        spec:\n          containers:\n"
        + _containers(cron or ["keep"], "          "),
        "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  deep:\n"
        "    - initContainers:\n" + _containers(thing or ["keep"], "      "),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        "  name: crds.example.com\nspec:\n  containers:\n" + _containers(crd or ["keep"], "  "),
    ]
    return "---\n".join(docs)


def _compare(image_list: Sequence[str], entry_list: Sequence[Image]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kustomization.yaml").write_text(_kustomization(entry_list, ["all.yaml"]))
        (root / "all.yaml").write_text(_resources(image_list))
        assert_matches_reference(root, f"images={list(image_list)!r}\nentries={list(entry_list)!r}")


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[str], list[Image]]:
    images = draw(st.lists(image_strings(), min_size=6, max_size=20))
    entry_list = draw(st.lists(entries(images), min_size=1, max_size=4))
    return images, entry_list


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
# Regressions found by this test (all fixed in kustomize_py/image.py):
# the digest algorithm is OCI's, not [a-zA-Z][a-zA-Z0-9]*;
@example((["nginx@1x:ab", "nginx@a+b:c", "nginx@a..b:c"], [Image(name="nginx", new_tag="2")]))
# Go regular expressions that Python reads differently or not at all.
@example((["nginx:1"], [Image(name="[[:alpha:]]+", new_tag="2")]))
@example((["a{,3}", "aaa"], [Image(name="a{,3}", new_name="b")]))
@example((["nginx\n", "NGINX"], [Image(name="nginx$", new_tag="2")]))
@example((["NGINX"], [Image(name="n(?i)ginx|x", new_tag="2")]))
@example((["aa"], [Image(name="a++", new_tag="2")]))
def test_generated_trees_match_reference(scenario: tuple[list[str], list[Image]]) -> None:
    _compare(*scenario)


# -- 4. known discrepancies outside image.py --------------------------------------------


def test_non_string_image_scalars() -> None:
    # kustomize matches `image: 1`/`true`/`null` by their text and rewrites them (`1:x`);
    # a number written in another form (`0x10`, `1e3`) or `~` is matched by our canonical
    # text instead (yaml_load keeps no source text), see docs/compatibility.md.
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kustomization.yaml").write_text(
            'resources: [t.yaml]\nimages:\n- name: "1"\n  newTag: "x"\n'
        )
        (root / "t.yaml").write_text(
            "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  x:\n"
            "    containers:\n    - image: 1\n"
        )
        ref = _reference(root)
        assert ref.ok
        assert kustomize_py.render(root) == ref.stdout
