"""Unit tests for the pieces under vars and replacements: ``$(VAR)`` expansion, kyaml
path splitting, label selectors. The behaviour end to end is pinned by golden cases."""

from __future__ import annotations

from typing import Any

import pytest

from kustomize_py import fieldpath, labelselector
from kustomize_py.transformers.vars import expand

CONTEXT: dict[str, Any] = {
    "VAR_A": "A",
    "VAR_B": "B",
    "VAR_C": "C",
    "VAR_REF": "$(VAR_A)",
    "VAR_EMPTY": "",
    "INT": 5,
    "BOOL": True,
}


# The cases of kustomize's api/internal/accumulator/expansion tests.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$(VAR_A)", "A"),
        ("$(VAR_A)-$(VAR_A)", "A-A"),
        ("___$(VAR_B)___", "___B___"),
        ("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
        ("$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"),
        ("f000-$$VAR_A", "f000-$VAR_A"),
        ("foo\\$(VAR_C)bar", "foo\\Cbar"),
        ("$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"),
        ("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"),
        ("$(VAR_REF)", "$(VAR_A)"),
        ("foo$(VAR_EMPTY)bar", "foobar"),
        ("foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"),
        ("$?_boo_$!", "$?_boo_$!"),
        ("$VAR_A", "$VAR_A"),
        ("$(VAR_DNE)", "$(VAR_DNE)"),
        ("$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"),
        ("$$$$$$$(GOOD_ODDS)", "$$$$(GOOD_ODDS)"),
        ("$$$$$$$(VAR_A)", "$$$A"),
        ("${VAR_A}", "${VAR_A}"),
        ("$(VAR_B)_______$(A", "B_______$(A"),
        ("$(VAR_C)_______$(", "C_______$("),
        ("$(VAR_A)foobarzab$", "Afoobarzab$"),
        ("--$($($($($--", "--$($($($($--"),
        ("$(foo$$var)", "$(foo$$var)"),
        ("$(INT)", 5),
        ("$(BOOL)", True),
        ("port-$(INT)-$(BOOL)", "port-5-true"),
    ],
)
def test_expand(text: str, expected: Any) -> None:
    assert expand(text, CONTEXT, {}) == expected


def test_expand_counts_uses() -> None:
    counts: dict[str, int] = {}
    expand("$(VAR_A)-$(VAR_B)-$(VAR_B)-$(NOPE)", CONTEXT, counts)
    assert counts == {"VAR_A": 1, "VAR_B": 2}


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("spec.template.spec.containers.[name=app].image", ("spec", "template", "spec",
         "containers", "[name=app]", "image")),
        ("metadata.annotations.[a.b/c]", ("metadata", "annotations", "a.b/c")),
        ("data.[x.y=z.w]", ("data", "[x.y=z.w]")),
        ("a\\.b.c", ("a.b", "c")),
        ("a.[b]", ("a", "[b]")),
    ],
)  # fmt: skip
def test_split(path: str, parts: tuple[str, ...]) -> None:
    assert fieldpath.split(path) == parts


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("", {}, True),
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "db"}, False),
        ("app!=web", {}, True),
        ("app", {"app": ""}, True),
        ("!app", {"app": "x"}, False),
        ("tier in (a, b),app", {"tier": "b", "app": "x"}, True),
        ("tier notin (a,b)", {"tier": "a"}, False),
        ("tier notin (a,b)", {}, True),
    ],
)
def test_label_selector(selector: str, labels: dict[str, str], expected: bool) -> None:
    assert labelselector.matches(selector, labels) is expected


def test_tagged_keeps_the_target_type() -> None:
    assert fieldpath.tagged("5", "!!int") == 5
    assert fieldpath.tagged("5", "!!str") == "5"
    assert fieldpath.tagged("5", "!!float") == 5.0
    assert fieldpath.tagged("true", "") is True
    with pytest.raises(fieldpath.PathError, match="cannot decode !!str `x` as a !!int"):
        fieldpath.tagged("x", "!!int")
