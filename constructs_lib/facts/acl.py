"""Access strings of ElastiCache users: Valkey / Redis OSS ACL rules, as far as ElastiCache takes them.

ElastiCache accepts the engine's ACL rule syntax (``on ~app:* -@all +@read``) with restrictions
[EC:Clusters.RBAC]: no passwords in the string (``>pw``, ``<pw``, ``#hash``, ``!hash``, ``nopass``,
``resetpass``) since passwords are set through the API, and no ``reset``. This checks the syntax of
each rule so that a typo fails ``cdk synth`` rather than the deployment. It cannot know which
commands an engine version has, so ``+command`` is checked for form only.

We are stricter than ElastiCache in one way: the string must say ``on`` or ``off``. ElastiCache
treats a string with neither as ``off``, which makes a user that cannot log in by accident.
"""

from __future__ import annotations

import re

CATEGORIES = frozenset(
    {
        "all",
        "admin",
        "bitmap",
        "blocking",
        "bloom",
        "connection",
        "dangerous",
        "fast",
        "geo",
        "hash",
        "hyperloglog",
        "json",
        "keyspace",
        "list",
        "pubsub",
        "read",
        "scripting",
        "search",
        "set",
        "slow",
        "sortedset",
        "stream",
        "string",
        "transaction",
        "write",
    }
)
"""ACL categories of Valkey / Redis OSS (``ACL CAT``), plus the module categories ElastiCache adds
for JSON (``json``), Bloom filters (``bloom``) and vector search (``search``)."""

_FLAGS = frozenset({"on", "off", "allkeys", "resetkeys", "allchannels", "resetchannels", "allcommands", "nocommands"})
_FORBIDDEN = {
    "nopass": "passwords are set through ElastiCache, not in the access string",
    "resetpass": "passwords are set through ElastiCache, not in the access string",
    "reset": "ElastiCache does not accept reset (it would remove the passwords ElastiCache manages)",
}
_COMMAND = re.compile(r"[a-z][a-z0-9_.-]*(\|[a-z0-9_.-]+)?", re.IGNORECASE)
_KEY_PATTERN = re.compile(r"(%(R|W|RW)?)?~\S+", re.IGNORECASE)

ACCESS_STRING_RULES = (
    "space-separated ACL rules: 'on' or 'off' (one of them required), ~keypattern, %R~ / %W~ / %RW~ "
    "keypattern, &channelpattern, allkeys, resetkeys, allchannels, resetchannels, allcommands, "
    "nocommands, +@category, -@category, +command, -command, +command|subcommand, selectors (...); "
    "no passwords, nopass, resetpass or reset"
)


def _tokens(access_string: str) -> list[str] | None:
    """Rules split on spaces, a selector ``(...)`` kept whole; ``None`` when parentheses do not pair."""
    tokens: list[str] = []
    for match in re.finditer(r"\([^()]*\)|[^\s()]+|[()]", access_string):
        if match.group() in "()":
            return None
        tokens.append(match.group())
    return tokens


def problems(access_string: str, *, channels: bool = True, selectors: bool = True) -> list[str]:
    """What is wrong with ``access_string``; empty when ElastiCache would take it.

    :param channels: whether the engine version knows channel rules (``&pattern``,
        ``allchannels``, ``resetchannels``): Redis OSS 6.2+ and Valkey.
    :param selectors: whether it knows selectors ``(...)``: Redis OSS 7.0+ and Valkey.
    """
    found: list[str] = []
    rules = _tokens(access_string)
    if rules is None:
        return ["its parentheses do not pair"]
    if not rules:
        return ["it is empty"]
    if not any(rule.lower() in ("on", "off") for rule in rules):
        found.append("it says neither 'on' nor 'off' (ElastiCache would create a disabled user)")
    if {"on", "off"} <= {rule.lower() for rule in rules}:
        found.append("it says both 'on' and 'off'")
    for rule in rules:
        if rule.startswith("("):
            if not selectors:
                found.append(f"{rule!r}: selectors need Redis OSS 7.0 or later")
            inner = [_rule_problem(part, channels) for part in rule[1:-1].split()]
            found += [f"{rule!r}: {problem}" for problem in inner if problem]
            continue
        problem = _rule_problem(rule, channels)
        if problem:
            found.append(f"{rule!r}: {problem}")
    return found


def _rule_problem(rule: str, channels: bool) -> str | None:
    lowered = rule.lower()
    if lowered in _FORBIDDEN:
        return _FORBIDDEN[lowered]
    if rule[0] in "><#!":
        return "passwords and password hashes are set through ElastiCache, not in the access string"
    if lowered in _FLAGS:
        if not channels and lowered in ("allchannels", "resetchannels"):
            return "channel rules need Redis OSS 6.2 or later"
        return None
    if rule.startswith("&"):
        if not channels:
            return "channel rules need Redis OSS 6.2 or later"
        return None if len(rule) > 1 else "a channel rule needs a pattern after '&'"
    if rule.startswith(("~", "%")):
        return (
            None if _KEY_PATTERN.fullmatch(rule) else "a key rule is ~pattern or %R~, %W~, %RW~ followed by a pattern"
        )
    if rule.startswith(("+@", "-@")):
        category = lowered[2:]
        if category in CATEGORIES:
            return None
        return f"unknown category '@{category}' (known: {', '.join(sorted(CATEGORIES))})"
    if rule.startswith(("+", "-")):
        return None if _COMMAND.fullmatch(rule[1:]) else "a command rule is +command, -command or +command|subcommand"
    return "not an ACL rule"
