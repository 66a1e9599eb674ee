"""Negative tests keyed on rule codes: one bad input, one expected issue.

Each test module holds a table of ``Case`` rows; ``test_validation.py`` checks that every rule code
has at least one row in some table (``NEGATIVE_TEST_MODULES`` lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.errors import DEPLOY_TIME_VALUE, ElastiCacheValidationError, show


def any_value(value: object) -> Any:
    """A wrong-typed value, as a user without a type checker passes it."""
    return value


@dataclass(frozen=True)
class Case:
    """One bad input and the issue it must raise.

    :param allowed: a fragment of what the issue says is allowed.
    :param given: the value the issue must report; ``DEPLOY_TIME_VALUE`` for a token.
    :param exact: compare ``given`` exactly (False where it is a construct or a sandbox-made value,
        which the code and property identify well enough).
    """

    code: str
    target: str
    prop: str
    allowed: str
    given: object
    overrides: Callable[[Any], dict[str, Any]] = field(default=lambda s: {})
    exact: bool = True

    @property
    def id(self) -> str:
        return f"{self.code}-{self.target}-{self.prop}-{show(self.given)[:30]}"

    def check(self, error: ElastiCacheValidationError, path: str) -> None:
        """The error holds exactly this case's issue, no cascade and no other property blamed."""
        assert len(error.issues) == 1, f"expected only {self.code}, got:\n{error}"
        (issue,) = error.issues
        assert (issue.code, issue.path, issue.prop) == (self.code, path, self.prop), str(error)
        assert self.allowed in issue.allowed, str(error)
        if self.given == DEPLOY_TIME_VALUE:
            assert show(issue.given) == DEPLOY_TIME_VALUE
            assert "${Token[" not in str(error)
        elif self.exact:
            assert issue.given == self.given, str(error)
        assert str(error).startswith(f"Invalid ElastiCache configuration:\n  - [{self.code}] {path}: ")
