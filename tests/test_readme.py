"""The README's tables of rule codes and create-only properties are the ones the code and the
CloudFormation schemas have."""

from __future__ import annotations

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


def create_only_table() -> str:
    rows = []
    for type_name in REPLACEABLE:
        names = sorted(schemas.create_only(type_name))
        conditional = sorted(schemas.conditional_create_only(type_name))
        cell = ", ".join(f"`{name}`" for name in names)
        if conditional:
            cell += "; in some cases " + ", ".join(f"`{name}`" for name in conditional)
        rows.append(f"| `{type_name}` | {cell} |\n")
    return "".join(rows)


def readme() -> str:
    return (ROOT / "README.md").read_text()


def test_rule_codes_table() -> None:
    assert rules_table() in readme()


def test_create_only_table() -> None:
    assert create_only_table() in readme()
