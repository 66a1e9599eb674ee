"""The README's tables of rule codes and create-only properties are the ones the code and the
CloudFormation schemas have."""

from __future__ import annotations

import pytest

from constructs_lib.rules import RULES
from postdeploy import schemas
from tests.conftest import ROOT

REPLACEABLE = (
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::User",
    "AWS::ElastiCache::UserGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::ElastiCache::ParameterGroup",
)


def rules_table() -> str:
    return "".join(f"| `{rule.code}` | {rule.title} |\n" for rule in RULES.values())


def create_only_row(type_name: str) -> str:
    names = sorted(schemas.create_only(type_name))
    conditional = sorted(schemas.conditional_create_only(type_name))
    cell = ", ".join(f"`{name}`" for name in names)
    if conditional:
        cell += "; in some cases " + ", ".join(f"`{name}`" for name in conditional)
    return f"| `{type_name}` | {cell} |\n"


def create_only_table() -> str:
    return "".join(create_only_row(type_name) for type_name in REPLACEABLE)


def readme() -> str:
    return (ROOT / "README.md").read_text()


def test_rule_codes_table() -> None:
    assert rules_table() in readme()


def test_create_only_table() -> None:
    assert create_only_table() in readme()


@pytest.mark.parametrize("type_name", ["AWS::ElastiCache::ServerlessCache", "AWS::ElastiCache::CacheCluster"])
def test_create_only_rows_of_the_other_kinds(type_name: str) -> None:
    assert create_only_row(type_name) in readme()


def replace_table(text: str, header: str, rows: str) -> str:
    """``text`` with the table under ``header`` replaced by ``rows`` (the table ends at the first line
    that is not a row). Used when the rule codes change: ``python -m tests.test_readme``."""
    start = text.index(header) + len(header)
    end = start
    while text.startswith("|", end):
        end = text.index("\n", end) + 1
    return text[:start] + rows + text[end:]


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(replace_table(path.read_text(), "| code | rule |\n|---|---|\n", rules_table()))
