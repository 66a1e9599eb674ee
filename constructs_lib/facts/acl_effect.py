"""What an access string lets a user do once ElastiCache applies it: is the user on, and may it
run any command at all.

Valkey / Redis OSS apply ACL rules left to right: of ``on`` and ``off`` the last one wins, and a
user is off unless a rule turns it on; ``+command``, ``+@category`` and ``allcommands`` grant
commands, ``-@all`` and ``nocommands`` take them all away again; a selector ``(...)`` adds its own
grants (Valkey and Redis OSS ``ACL SETUSER`` documentation; [EC:Clusters.RBAC] for the syntax
ElastiCache takes). Revoking single commands (``-get``) is not followed: a string that grants and
then revokes the same command still counts as granting, which errs towards reporting a user.
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
