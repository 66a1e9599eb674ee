"""Commands the probe may send to learn whether ACLs hold: each one harmless if it runs, so that a
cache that fails to enforce an access string loses nothing.

They read server state or the probe's own key (which does not exist, or which the probe wrote with
a TTL and deletes), across the ACL categories access strings usually take away. Their categories
are those of Valkey / Redis OSS 7 (``COMMAND INFO``, without the ``@``); a test compares them with
a real redis-server's. Commands that could hurt if they ran (FLUSHALL, CONFIG, KEYS over a large
keyspace, SHUTDOWN ...) are never sent, even when an access string denies them.
"""

from __future__ import annotations

from dataclasses import dataclass

KEY = "{key}"
"""Stands for the probe's key (or channel) among a command's arguments."""


@dataclass(frozen=True)
class ProbeCommand:
    name: str
    categories: frozenset[str]
    arguments: tuple[str, ...] = ()

    def call(self, key: str) -> tuple[str, ...]:
        return (self.name.upper(), *(key if argument == KEY else argument for argument in self.arguments))


def _command(name: str, categories: str, *arguments: str) -> ProbeCommand:
    return ProbeCommand(name, frozenset(categories.split()), arguments)


PROBE_COMMANDS = (
    _command("role", "admin fast dangerous"),
    _command("lastsave", "admin fast dangerous"),
    _command("info", "slow dangerous", "server"),
    _command("set", "write string slow", KEY, "1", "PX", "60000"),
    _command("del", "keyspace write slow", KEY),
    _command("blpop", "write list slow blocking", KEY, "0.01"),
    _command("eval", "slow scripting", "return 1", "0"),
    _command("publish", "pubsub fast", KEY, "elasticache-verify probe"),
    _command("get", "read string fast", KEY),
    _command("mget", "read string fast", KEY),
    _command("exists", "keyspace read fast", KEY),
    _command("llen", "read list fast", KEY),
    _command("hlen", "read hash fast", KEY),
    _command("scard", "read set fast", KEY),
    _command("zcard", "read sortedset fast", KEY),
    _command("xlen", "read stream fast", KEY),
    _command("pfcount", "read hyperloglog slow", KEY),
    _command("bitcount", "read bitmap slow", KEY),
    _command("geopos", "read geo slow", KEY, "member"),
    _command("dbsize", "keyspace read fast"),
    _command("time", "fast"),
    _command("ping", "fast connection"),
    _command("readonly", "fast connection"),
)
BY_NAME = {command.name: command for command in PROBE_COMMANDS}
