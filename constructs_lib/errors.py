"""Validation errors raised while the construct tree is built, before anything is synthesized.

Every problem carries a stable rule code (``constructs_lib.rules``) and names where it is (the
construct path), which property is wrong, what is allowed and the value that was given, so a user
can fix it without reading our source or a jsii trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEPLOY_TIME_VALUE = "a deploy-time value"
"""How a token is shown as the value given: its encoded form (``${Token[TOKEN.12]}``) says nothing."""


class DeployTime:
    """Stands for a deploy-time value given where one is not allowed (shown as ``DEPLOY_TIME_VALUE``)."""

    def __repr__(self) -> str:
        return DEPLOY_TIME_VALUE


def show(value: object) -> str:
    """A value as an error message shows it: constructs by path, tokens never as their encoding."""
    if isinstance(value, DeployTime):
        return DEPLOY_TIME_VALUE
    if isinstance(value, str):
        return DEPLOY_TIME_VALUE if "${Token[" in value or "#{Token[" in value else repr(value)
    if isinstance(value, float) and abs(value) > 1e280:
        return DEPLOY_TIME_VALUE  # how jsii encodes a number token
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    unresolved = getattr(value, "is_unresolved", None)
    if callable(unresolved) and unresolved() is True:
        return DEPLOY_TIME_VALUE  # a Duration or Size made from a token
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    node = getattr(value, "node", None)
    path = getattr(node, "path", None)
    if isinstance(path, str):
        name = type(value).__name__
        kind = "construct" if name.startswith("_") or "Proxy" in name else name
        return f"{kind} {path or '(root)'}"
    if hasattr(value, "name") and hasattr(type(value), "__members__"):  # an enum member
        return f"{type(value).__name__}.{value.name}"
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class ValidationIssue:
    """One invalid setting."""

    code: str
    path: str
    prop: str
    allowed: str
    given: object

    def __str__(self) -> str:
        return f"[{self.code}] {self.path}: {self.prop} must be {self.allowed}; got {show(self.given)}"


class ElastiCacheValidationError(ValueError):
    """Raised with every invalid setting of a construct at once."""

    def __init__(self, issues: Iterable[ValidationIssue]) -> None:
        self.issues = tuple(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"Invalid ElastiCache configuration:\n{lines}")

    @property
    def codes(self) -> list[str]:
        return [issue.code for issue in self.issues]
