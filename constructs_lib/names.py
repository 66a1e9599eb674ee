"""The identifier rule ElastiCache applies to replication groups, parameter groups and others."""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")

NAME_RULE = (
    "1-%d letters, digits or hyphens, starting with a letter, "
    "not ending with a hyphen and without two consecutive hyphens"
)


def is_valid_name(name: object, max_length: int) -> bool:
    return (
        isinstance(name, str)
        and 1 <= len(name) <= max_length
        and bool(_NAME.match(name))
        and not name.endswith("-")
        and "--" not in name
    )
