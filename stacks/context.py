"""Typed, validated access to the app's context keys (``cdk.json`` or ``-c key=value``).

Every key is parsed and checked before any stack is built; a bad value is a validation issue
(code EC900) naming the key, what is allowed and the value given, which ``app.py`` prints as one
line with exit code 1.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aws_cdk as cdk

from constructs_lib import rules
from constructs_lib.facts.names import NameRule
from constructs_lib.validation import Issues

T = TypeVar("T")

ACCOUNT = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
STACK_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,99}")
VPC_ID = re.compile(r"vpc-[0-9a-f]{8}([0-9a-f]{9})?")
SECURITY_GROUP_ID = re.compile(r"sg-[0-9a-f]{8}([0-9a-f]{9})?")


class _InvalidError(ValueError):
    """A context value that does not parse."""


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in ("true", "false"):
        return str(raw).lower() == "true"
    raise _InvalidError(raw)


def whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        if isinstance(raw, bool) or not re.fullmatch(r"-?\d+", str(raw)):
            raise _InvalidError(raw)
        value = int(raw)
        if not low <= value <= high:
            raise _InvalidError(raw)
        return value

    return parse


def matching(pattern: re.Pattern[str]) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        if not isinstance(raw, str) or not pattern.fullmatch(raw):
            raise _InvalidError(raw)
        return raw

    return parse


def named(rule: NameRule) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        if not rule.accepts(raw):
            raise _InvalidError(raw)
        return str(raw)

    return parse


def subnet_bits(zones: int) -> int:
    """Bits a VPC range gives up to hold one subnet per zone."""
    return math.ceil(math.log2(zones))


def largest_vpc_prefix(zones: int) -> int:
    """The smallest VPC (largest prefix) that still holds one /28 subnet, the smallest AWS allows, per zone."""
    return 28 - subnet_bits(zones)


def vpc_cidr(zones: int) -> Callable[[Any], str]:
    """An IPv4 network from /16 (the largest VPC) to the size that holds a /28 subnet in each zone."""

    def parse(raw: Any) -> str:
        try:
            network = ipaddress.IPv4Network(str(raw), strict=True)
        except ValueError as error:
            raise _InvalidError(raw) from error
        if not 16 <= network.prefixlen <= largest_vpc_prefix(zones):
            raise _InvalidError(raw)
        return str(network)

    return parse


@dataclass
class Context:
    """Reads context keys of ``app``, collecting every bad value before raising."""

    app: cdk.App

    def __post_init__(self) -> None:
        self.issues = Issues("context")
        self.known: set[str] = set()

    def get(self, key: str, default: T, parse: Callable[[Any], T], allowed: str) -> T:
        self.known.add(key)
        raw = self.app.node.try_get_context(key)
        if raw is None:
            return default
        try:
            return parse(raw)
        except _InvalidError:
            self.issues.add(rules.CONTEXT, key, allowed, raw)
            return default

    def check_unknown_keys(self) -> None:
        """A misspelt key (``-c replica=3``) would be ignored silently; name it instead. Keys with ``@``
        or ``:`` are CDK's own (feature flags, lookups, CLI settings)."""
        for key in sorted(self.app.node.get_all_context()):
            if key in self.known or key.startswith("@") or ":" in key:
                continue
            close = difflib.get_close_matches(key, sorted(self.known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            self.issues.add(
                rules.CONTEXT,
                key,
                "a context key this app reads: " + ", ".join(sorted(self.known)) + hint,
                self.app.node.try_get_context(key),
            )
