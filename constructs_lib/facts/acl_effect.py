"""What an access string lets a user do once ElastiCache applies it: is the user on, may it run
any command at all, may it run a given command, and is it denied any.

Valkey / Redis OSS apply ACL rules left to right: of ``on`` and ``off`` the last one wins, and a
user is off unless a rule turns it on; ``+command``, ``+@category`` and ``allcommands`` grant
commands, ``-@all`` and ``nocommands`` take them all away again; a selector ``(...)`` adds its own
grants (Valkey and Redis OSS ``ACL SETUSER`` documentation; [EC:Clusters.RBAC] for the syntax
ElastiCache takes). ``grants_commands`` does not follow the revocation of single commands
(``-get``): a string that grants and then revokes the same command still counts as granting, which
errs towards reporting a user; ``permits`` follows every rule.
"""

from __future__ import annotations

from constructs_lib.facts.acl import _tokens

_GRANT_ALL = frozenset({"allcommands", "+@all"})
_REVOKE_ALL = frozenset({"nocommands", "-@all"})


def is_on(access_string: str) -> bool:
    """Whether the user is enabled: the last of ``on`` / ``off``, off when neither appears."""
    state = False
    for rule in _tokens(access_string) or []:
        if rule.lower() in ("on", "off"):
            state = rule.lower() == "on"
    return state


def grants_commands(access_string: str) -> bool:
    """Whether any command is left allowed after the rules run (selectors count as grants)."""
    granted = False
    for rule in _tokens(access_string) or []:
        lowered = rule.lower()
        if lowered in _REVOKE_ALL:
            granted = False
        elif lowered in _GRANT_ALL or lowered.startswith("+") or (lowered.startswith("(") and "+" in lowered):
            granted = True
    return granted


def permits(access_string: str, command: str, categories: frozenset[str]) -> bool:
    """Whether the rules let a user run ``command`` (with no subcommand), given its ACL categories
    (``COMMAND INFO``, without the ``@``). Unlike ``grants_commands`` this follows every rule in
    order, single-command revocations included: the probe relies on a command it sends being denied.

    A selector ``(...)`` starts with no commands and adds its own; the user may run what the root
    rules or any selector allow. ``+command|subcommand`` grants a subcommand only, not the command.
    """
    rules = _tokens(access_string) or []
    root = [rule for rule in rules if not rule.startswith("(")]
    selectors = [rule[1:-1].split() for rule in rules if rule.startswith("(")]
    return any(_permitted(part, command.lower(), categories) for part in (root, *selectors))


def grants_everything(access_string: str) -> bool:
    """Whether the last ``+@all`` / ``allcommands`` is followed by no revocation at all."""
    everything = False
    for rule in _tokens(access_string) or []:
        lowered = rule.lower()
        if lowered in _GRANT_ALL:
            everything = True
        elif lowered in _REVOKE_ALL or lowered.startswith("-"):
            everything = False
    return everything


def _permitted(rules: list[str], command: str, categories: frozenset[str]) -> bool:
    allowed = False
    for rule in rules:
        lowered = rule.lower()
        if lowered in _GRANT_ALL or lowered in _REVOKE_ALL:
            allowed = lowered in _GRANT_ALL
        elif lowered.startswith(("+@", "-@")):
            if lowered[2:] in categories:
                allowed = lowered.startswith("+")
        elif lowered.startswith(("+", "-")) and lowered[1:] == command:
            allowed = lowered.startswith("+")
    return allowed
