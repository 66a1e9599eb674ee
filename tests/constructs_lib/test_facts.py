"""The facts module: its copies of maintained sources stay equal to them, and what it derives."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from constructs_lib.facts import acl, acl_effect, node_types, refresh
from constructs_lib.facts.engines import IAM_AUTH, RBAC, TLS_MODES, Engine, EngineVersion, parse_version
from constructs_lib.facts.names import EC2_SECURITY_GROUP_DESCRIPTION, safe_security_group_description
from constructs_lib.users import RBAC_ENGINES
from postdeploy import schemas
from tests.conftest import ROOT


def test_node_types_are_the_ones_the_installed_cfn_lint_ships() -> None:
    """`make facts` (python -m constructs_lib.facts.refresh) rewrites the copy when cfn-lint changes."""
    assert json.loads(refresh.NODE_TYPES.read_text()) == json.loads(refresh.render(refresh.node_types_from_cfn_lint()))


def test_node_types_per_region() -> None:
    assert "cache.r7g.large" in node_types.offered("eu-west-1")
    assert "cache.c7gn.large" in node_types.offered("us-east-1")
    assert "cache.c7gn.large" not in node_types.offered("af-south-1")
    assert "cache.r6gd.large" not in node_types.offered()
    assert node_types.closest("cache.r6g.huge", "eu-west-1")[0] == "cache.r6g.large"


@pytest.mark.parametrize(
    ("name", "auto_scaling", "global_datastore", "tiering"),
    [
        ("cache.r6g.large", True, True, False),
        ("cache.r6gd.xlarge", True, True, True),
        ("cache.r7g.4xlarge", False, True, False),
        ("cache.t3.micro", False, False, False),
        ("cache.m4.large", False, False, False),
    ],
)
def test_family_rules(name: str, auto_scaling: bool, global_datastore: bool, tiering: bool) -> None:
    parsed = node_types.parse_node_type(name)
    assert parsed is not None
    assert (parsed.supports_auto_scaling, parsed.supports_global_datastore, parsed.requires_data_tiering) == (
        auto_scaling,
        global_datastore,
        tiering,
    )


def test_feature_thresholds() -> None:
    assert parse_version("7.0.7") == (7, 0, 7)
    assert parse_version("6.x") == (6,)
    assert RBAC.available(Engine.REDIS, "6.0.5")
    assert not RBAC.available(Engine.REDIS, "5.0.6")
    assert IAM_AUTH.available(Engine.VALKEY, "7.2.4")
    assert not IAM_AUTH.available(Engine.REDIS, "6.2.6")
    assert not TLS_MODES.available(Engine.MEMCACHED, "1.6.22")
    assert RBAC.requirement() == "Valkey 7.2+ or Redis OSS 6.0+"
    assert EngineVersion.REDIS_7_0.supports(TLS_MODES)


def test_rbac_engines_match_the_user_schema() -> None:
    enum = schemas.resource_schema("AWS::ElastiCache::User")["properties"]["Engine"]["enum"]
    assert sorted(engine.value for engine in RBAC_ENGINES) == sorted(enum)


@pytest.mark.parametrize("text", ["Orders' cache <primary>", "x" * 300, "ümlaut & tabs\there", "Allow Redis from app"])
def test_security_group_descriptions_are_made_safe(text: str) -> None:
    safe = safe_security_group_description(text)
    assert EC2_SECURITY_GROUP_DESCRIPTION.fullmatch(safe)
    pattern = schemas.resource_schema("AWS::EC2::SecurityGroup")["properties"]["GroupDescription"]["pattern"]
    import re

    assert re.fullmatch(pattern, safe)


def test_acl_accepts_the_defaults_we_write() -> None:
    assert acl.problems("on ~* &* +@all") == []
    assert acl.problems("off -@all") == []
    assert acl.problems("on ~* &* +@all", channels=False) == ["'&*': channel rules need Redis OSS 6.2 or later"]


READ_STRING = frozenset({"read", "string", "fast"})
ADMIN = frozenset({"admin", "fast", "dangerous"})


@pytest.mark.parametrize(
    ("access_string", "command", "categories", "allowed"),
    [
        ("on ~* +@all", "role", ADMIN, True),
        ("on ~* allcommands -@dangerous", "role", ADMIN, False),
        ("on ~* +@all -get", "get", READ_STRING, False),
        ("on ~* -@all +get", "get", READ_STRING, True),
        ("on ~* +get -@all", "get", READ_STRING, False),
        ("on ~* +@read", "get", READ_STRING, True),
        ("on ~* +@read -@string", "get", READ_STRING, False),
        ("on ~* +GET", "get", READ_STRING, True),
        ("on ~* +client|list", "client", ADMIN, False),
        ("on ~* nocommands (~app:* +get)", "get", READ_STRING, True),
        ("on ~* nocommands (~app:* +get)", "role", ADMIN, False),
        ("off", "get", READ_STRING, False),
    ],
)
def test_permits_follows_every_rule_in_order(
    access_string: str, command: str, categories: frozenset[str], allowed: bool
) -> None:
    assert acl_effect.permits(access_string, command, categories) is allowed


@pytest.mark.parametrize(
    ("access_string", "everything"),
    [
        ("on ~* &* +@all", True),
        ("on ~app:* allcommands", True),
        ("on ~* +@all -flushall", False),
        ("on ~* +@all -@dangerous", False),
        ("on ~* -@all +@all", True),
        ("on ~* +@read", False),
    ],
)
def test_grants_everything_only_without_a_later_revocation(access_string: str, everything: bool) -> None:
    assert acl_effect.grants_everything(access_string) is everything


def test_facts_import_without_aws_cdk() -> None:
    code = "import sys, constructs_lib.facts.engines, constructs_lib.facts.node_types; print('aws_cdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"
