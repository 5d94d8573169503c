"""Kubernetes label selectors (``app=web,tier in (a,b),!legacy``), used on labels and
annotations by kustomize's selectors (``k8s.io/apimachinery/pkg/labels.Parse``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["SelectorError", "matches"]


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    op: str  # "exists", "!", "=", "!=", "in", "notin", ">", "<"
    values: frozenset[str] = frozenset()

    def __call__(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.key)
        if self.op == "exists":
            return value is not None
        if self.op == "!":
            return value is None
        if self.op in ("=", "in"):
            return value in self.values
        if self.op in (">", "<"):
            if value is None or not re.fullmatch(r"[+-]?[0-9]+", value):
                return False
            bound = int(next(iter(self.values)))
            return int(value) > bound if self.op == ">" else int(value) < bound
        return value not in self.values  # "!=" and "notin" also match a missing key


class SelectorError(ValueError):
    """A selector that does not parse."""


_TOKEN = re.compile(r"\s*(!=|==|=|!|<|>|\(|\)|,|[^\s!=(),<>]+)")


@lru_cache(maxsize=256)
def _parse(selector: str) -> tuple[Requirement, ...]:
    tokens = [m.group(1) for m in _TOKEN.finditer(selector)]
    if "".join(tokens) != re.sub(r"\s+", "", selector):
        raise SelectorError(f"unable to parse requirement: {selector!r}")
    reqs: list[Requirement] = []
    i = 0

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise SelectorError(f"unable to parse requirement: {selector!r}")
        i += 1
        return tokens[i - 1]

    while i < len(tokens):
        tok = take()
        if tok == "!":
            reqs.append(Requirement(take(), "!"))
        else:
            key = tok
            op = tokens[i] if i < len(tokens) else ","
            if op == ",":
                reqs.append(Requirement(key, "exists"))
            elif op in ("=", "==", "!="):
                i += 1
                value = tokens[i] if i < len(tokens) and tokens[i] != "," else ""
                if value:
                    i += 1
                reqs.append(Requirement(key, "!=" if op == "!=" else "=", frozenset((value,))))
            elif op in (">", "<"):
                i += 1
                bound = take()
                if not re.fullmatch(r"[+-]?[0-9]+", bound):
                    raise SelectorError(f"unable to parse requirement: {selector!r}")
                reqs.append(Requirement(key, op, frozenset((bound,))))
            elif op in ("in", "notin"):
                i += 1
                if take() != "(":
                    raise SelectorError(f"unable to parse requirement: {selector!r}")
                values: set[str] = set()
                tok = take()
                while tok != ")":
                    if tok in ("(", ",", "!", "=", "==", "!="):
                        raise SelectorError(f"unable to parse requirement: {selector!r}")
                    values.add(tok)
                    tok = take()
                    if tok == ",":
                        tok = take()
                    elif tok != ")":
                        raise SelectorError(f"unable to parse requirement: {selector!r}")
                reqs.append(Requirement(key, op, frozenset(values)))
            else:
                raise SelectorError(f"unable to parse requirement: {selector!r}")
        if i < len(tokens) and take() != ",":
            raise SelectorError(f"unable to parse requirement: {selector!r}")
    return tuple(reqs)


def matches(selector: str, labels: Mapping[str, str]) -> bool:
    """Whether ``labels`` satisfy ``selector``; the empty selector matches everything."""
    return all(req(labels) for req in _parse(selector))
