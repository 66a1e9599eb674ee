"""Collecting validation issues, and the small checks every construct uses.

Token policy (one for all constructs): a deploy-time value (a CDK token) is skipped by every check
that cannot know it, and never shown to the user as the value given. Where a value must be known at
synth (a count the construct builds resources from), the issue is ``EC101`` and says so.

Each helper records at most one issue and returns whether the value passed, so callers can skip
the checks that depend on it: a value of the wrong type is reported once, as a type error, not
again by every rule that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import TypeVar

from aws_cdk import Stack, Token
from constructs import IConstruct

from constructs_lib import rules
from constructs_lib.errors import DeployTime, ElastiCacheValidationError, ValidationIssue, show
from constructs_lib.facts.names import NameRule
from constructs_lib.rules import Rule

E = TypeVar("E", bound=Enum)


def is_token(value: object) -> bool:
    """True for a deploy-time value, or a list holding one."""
    if isinstance(value, str):
        # Decided here rather than by Token.is_unresolved, a call into jsii's Node.js process for
        # every string the constructs check: CDK recognises a string token by its "${Token[" marker
        # (TokenString), and an element of an encoded list token ("#{Token[...]}") it does not
        # recognise on its own at all.
        return "${Token[" in value or "#{Token[" in value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Token.is_unresolved(value)
    if isinstance(value, (list, tuple)):
        # A list token is a list of one encoded string, which the items' check finds.
        return any(is_token(item) for item in value)
    return False


def has_attributes(value: object, *names: str) -> bool:
    """Duck-typed check for a jsii interface (``IVpc``, ``IKey`` ...), which ``isinstance`` cannot test.

    The class is asked first: jsii classes declare their properties there, and reading one from the
    object would fetch its value from jsii's Node.js process."""
    return (
        value is not None
        and not isinstance(value, (str, bytes))
        and all(hasattr(type(value), n) or hasattr(value, n) for n in names)
    )


class Issues:
    """Collects the problems of one construct so that all of them are reported together."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[ValidationIssue] = []

    def add(self, rule: Rule, prop: str, allowed: str, given: object) -> None:
        self.found.append(ValidationIssue(rule.code, self.path, prop, allowed, given))

    def require(self, rule: Rule, ok: bool, prop: str, allowed: str, given: object) -> bool:
        """Record an issue unless ``ok``; returns ``ok``."""
        if not ok:
            self.add(rule, prop, allowed, given)
        return ok

    def extend(self, other: Iterable[ValidationIssue]) -> None:
        self.found.extend(other)

    def raise_if_any(self) -> None:
        if self.found:
            raise ElastiCacheValidationError(self.found)

    # --- typed checks --------------------------------------------------------------------------

    def enum(self, prop: str, value: object, enum: type[E], *, optional: bool = False) -> bool:
        if optional and value is None:
            return True
        members = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
        return self.require(rules.TYPE, isinstance(value, enum), prop, f"one of {members}", value)

    def switch(self, prop: str, value: object, *, optional: bool = True) -> bool:
        """A ``True``/``False`` switch; ``None`` means "use the default" when ``optional``."""
        if optional and value is None:
            return True
        return self.require(rules.TYPE, isinstance(value, bool), prop, "True or False", value)

    def whole(
        self, rule: Rule, prop: str, value: object, low: int, high: int, *, what: str = "a whole number", synth: bool
    ) -> bool:
        """A whole number from ``low`` to ``high``.

        :param synth: whether the value must be known at synth (then a token is an issue, EC101);
            otherwise a token passes unchecked.
        """
        if is_token(value):
            if synth:
                self.add(
                    rules.DEPLOY_TIME, prop, f"{what} known at synth (the construct is built from it)", DeployTime()
                )
                return False
            return True
        if not isinstance(value, int) or isinstance(value, bool):
            return self.require(rules.TYPE, False, prop, f"{what} from {low} to {high}", value)
        return self.require(rule, low <= value <= high, prop, f"{what} from {low} to {high}", value)

    def text(self, prop: str, value: object, *, optional: bool = True) -> bool:
        if optional and value is None:
            return True
        return self.require(rules.TYPE, isinstance(value, str), prop, "a text (str)", value)

    def name(self, prop: str, value: object, rule: NameRule, *, optional: bool = True) -> bool:
        """An identifier following ``rule``; tokens pass unchecked."""
        if optional and value is None:
            return True
        if not self.text(prop, value, optional=False):
            return False
        if is_token(value):
            return True
        return self.require(rules.NAME, rule.accepts(value), prop, rule.allowed, value)

    def interface(self, prop: str, value: object, allowed: str, *attributes: str, optional: bool = True) -> bool:
        """An object offering ``attributes`` (a jsii interface such as ``ec2.IVpc``)."""
        if optional and value is None:
            return True
        return self.require(rules.TYPE, has_attributes(value, *attributes), prop, allowed, value)

    def instance(
        self, prop: str, value: object, cls: type | tuple[type, ...], allowed: str, *, optional: bool = True
    ) -> bool:
        if optional and value is None:
            return True
        return self.require(rules.TYPE, isinstance(value, cls), prop, allowed, value)

    def objects(
        self, prop: str, value: object, allowed: str, *attributes: str, empty: Rule | None = rules.MISSING
    ) -> bool:
        """A list or tuple of objects offering ``attributes``; a single object is a type error.

        :param empty: the rule an empty list breaks; ``None`` when an empty list is fine.
        """
        if value is None:
            return True
        if not isinstance(value, (list, tuple)) or not all(has_attributes(item, *attributes) for item in value):
            return self.require(rules.TYPE, False, prop, f"a list of {allowed}", value)
        if empty is not None and not value:
            return self.require(empty, False, prop, f"a list of at least one {allowed}", value)
        return True

    def mapping(self, prop: str, value: object, allowed: str, *, optional: bool = True) -> bool:
        if optional and value is None:
            return True
        return self.require(rules.TYPE, isinstance(value, Mapping), prop, allowed, value)

    def same_region(self, prop: str, value: object, scope: IConstruct) -> bool:
        """``value`` (an imported key, secret ...) lives in ``scope``'s region, where both are known."""
        env = getattr(value, "env", None)
        theirs = getattr(env, "region", None)
        ours = Stack.of(scope).region
        if not isinstance(theirs, str) or is_token(theirs) or Token.is_unresolved(ours):
            return True
        return self.require(
            rules.OTHER_REGION,
            theirs == ours,
            prop,
            f"a resource in {ours}, the cache's region",
            f"{show(value)} in {theirs}",
        )

    def strings(self, prop: str, value: object, *, optional: bool = True) -> bool:
        if optional and value is None:
            return True
        ok = isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)
        return self.require(rules.TYPE, ok, prop, "a list of texts (str)", value)
