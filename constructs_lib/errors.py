"""Validation errors raised while the construct tree is built, before anything is synthesized.

Every problem names where it is (the construct path), which property is wrong, what is allowed
and the value that was given, so a user can fix it without reading our source or a jsii trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationIssue:
    """One invalid setting."""

    path: str
    prop: str
    allowed: str
    given: object

    def __str__(self) -> str:
        return f"{self.path}: {self.prop} must be {self.allowed}; got {self.given!r}"


class ElastiCacheValidationError(ValueError):
    """Raised with every invalid setting of a construct at once."""

    def __init__(self, issues: Iterable[ValidationIssue]) -> None:
        self.issues = tuple(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"Invalid ElastiCache configuration:\n{lines}")


class Issues:
    """Collects the problems of one construct so that all of them are reported together."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._found: list[ValidationIssue] = []

    def add(self, prop: str, allowed: str, given: object) -> None:
        self._found.append(ValidationIssue(self.path, prop, allowed, given))

    def require(self, ok: bool, prop: str, allowed: str, given: object) -> bool:
        """Record an issue unless ``ok``; returns ``ok`` so callers can skip dependent checks."""
        if not ok:
            self.add(prop, allowed, given)
        return ok

    def raise_if_any(self) -> None:
        if self._found:
            raise ElastiCacheValidationError(self._found)
