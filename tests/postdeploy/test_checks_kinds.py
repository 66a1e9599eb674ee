"""The checks added for every kind the constructs create (users, user groups, Global Datastores,
auto scaling), the AWS Config definitions (RBAC, minimum engine version), the applicability
rules of Security Hub's controls, and the registry. ElastiCache and Application Auto Scaling
answer through botocore's Stubber: moto has neither user groups nor ElastiCache scalable targets.
"""

from __future__ import annotations

from typing import Any

import pytest

from postdeploy.aws import Aws
from postdeploy.checks import ALL_CHECKS, Context, Settings
from postdeploy.checks.base import REGISTRY, Check
from postdeploy.inventory import Inventories
from postdeploy.model import Authority, ResourceKind, Result, Severity, Status
from postdeploy.runner import run_checks
from tests.postdeploy import stubs
from tests.postdeploy.fleet import ACCOUNT

REGION, OTHER_REGION = "us-east-1", "eu-west-1"
SHARDS = "elasticache:replication-group:NodeGroups"
REPLICAS = "elasticache:replication-group:Replicas"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Aws:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    return Aws(account_id=ACCOUNT)


def check_kind(
    aws: Aws, *kinds: ResourceKind, settings: Settings | None = None, check_ids: set[str] | None = None
) -> dict[tuple[str, str], Result]:
    """Run the checks on every resource of ``kinds`` in REGION, the kinds listed in that order."""
    inventories = Inventories(aws)
    checks = [c for c in ALL_CHECKS if check_ids is None or c.id in check_ids]
    context = Context(inventories, settings or Settings())
    results = [r for kind in kinds for r in run_checks(inventories[REGION].resources(kind), context, checks)]
    return {(r.resource_id, r.check_id): r for r in results}


def verdict(results: dict[tuple[str, str], Result], key: tuple[str, str]) -> tuple[Status, str]:
    return results[key].status, results[key].message


def test_check_ids_are_unique_and_every_check_is_registered() -> None:
    def concrete(cls: type[Check]) -> list[type[Check]]:
        found = [cls] if "id" in cls.__dict__ else []
        return found + [c for sub in cls.__subclasses__() for c in concrete(sub)]

    classes = concrete(Check)
    assert len({c.id for c in classes}) == len(classes) == len(REGISTRY) == len(ALL_CHECKS) == 30
    with pytest.raises(ValueError, match="check id backup-retention is taken by BackupRetention"):
        type("Again", (Check,), {"id": "backup-retention", **_metadata()})
    assert REGISTRY["backup-retention"].__name__ == "BackupRetention"
    with pytest.raises(TypeError, match=r"check half \(Half\) lacks reference, remediation"):
        type("Half", (Check,), {"id": "half", "title": "t", "severity": Severity.LOW, "kinds": frozenset()})
    assert "half" not in REGISTRY


def _metadata() -> dict[str, Any]:
    return {"title": "t", "severity": Severity.LOW, "kinds": frozenset(), "reference": "r", "remediation": "x"}


def test_every_check_says_what_to_do_and_whose_definition_it_follows() -> None:
    for check in ALL_CHECKS:
        assert check.remediation.endswith((".", ")")), check.id
        assert check.reference.startswith("https://docs.aws.amazon.com/"), check.id
        if check.follows is Authority.SECURITY_HUB:
            assert check.controls[0].startswith("ElastiCache."), check.id
            assert check.reference.endswith(f"#elasticache-{check.controls[0].split('.')[1]}"), check.id
        if check.follows is Authority.CONFIG:
            assert check.reference.endswith(f"/{check.controls[0]}.html"), check.id


def test_rbac_auth_follows_aws_config(aws: Aws) -> None:
    groups = [
        stubs.replication_group("rbac"),
        stubs.replication_group("other-group", UserGroupIds=["team-b"]),
        stubs.replication_group("token", UserGroupIds=None, AuthTokenEnabled=True),
        stubs.replication_group("redis5", Engine="redis", UserGroupIds=None, AuthTokenEnabled=True),
        stubs.replication_group("redis62", Engine="redis", UserGroupIds=None),
    ]
    clusters = stubs.members_of(groups[3], Engine="redis", EngineVersion="5.0.6") + stubs.members_of(
        groups[4], Engine="redis", EngineVersion="6.2.6"
    )
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": groups})
        stubber.add_response("describe_cache_clusters", {"CacheClusters": clusters})
        results = check_kind(
            aws,
            ResourceKind.REPLICATION_GROUP,
            settings=Settings(allowed_user_groups=("app-users",)),
            check_ids={"rbac-auth", "auth-token-before-redis-6"},
        )
    assert verdict(results, ("rbac", "rbac-auth")) == (
        Status.PASS,
        "replication group rbac: Valkey authenticates through user group app-users",
    )
    assert verdict(results, ("other-group", "rbac-auth")) == (
        Status.FAIL,
        "replication group other-group: user group team-b is not one of the allowed groups",
    )
    assert verdict(results, ("token", "rbac-auth")) == (
        Status.FAIL,
        "replication group token: Valkey has no user group (UserGroupIds is empty)",
    )
    assert verdict(results, ("redis5", "rbac-auth")) == (
        Status.SKIP,
        "replication group redis5: Redis OSS 5.0.6 predates RBAC (Valkey 7.2+ or Redis OSS 6.0+)",
    )
    assert verdict(results, ("redis5", "auth-token-before-redis-6")) == (
        Status.PASS,
        "replication group redis5: Redis OSS 5.0.6 with AuthTokenEnabled",
    )
    assert verdict(results, ("redis62", "rbac-auth")) == (
        Status.FAIL,
        "replication group redis62: Redis OSS 6.2.6 has no user group (UserGroupIds is empty)",
    )


def test_elasticache_6_skips_valkey_from_the_engine_alone(aws: Aws) -> None:
    """The member clusters cannot be listed; a Valkey group still gets SKIP, not ERROR."""
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [stubs.replication_group("v")]})
        stubber.add_client_error("describe_cache_clusters", "AccessDenied", "not authorized", 403)
        results = check_kind(aws, ResourceKind.REPLICATION_GROUP, check_ids={"auth-token-before-redis-6"})
    assert verdict(results, ("v", "auth-token-before-redis-6")) == (
        Status.SKIP,
        "replication group v: Valkey has RBAC; the control covers Redis OSS before 6.0",
    )


def test_users_and_user_groups(aws: Aws) -> None:
    users = [
        stubs.user("off-default", name="default", access="off -@all", auth="no-password", Engine="redis"),
        stubs.user("open-default", name="default", access="on ~* +@all", auth="no-password", Engine="redis"),
        stubs.user("idle-default", name="default", access="on ~* -@all", auth="no-password", Engine="redis"),
        stubs.user("app", access="on ~app:* +@read +@write"),
        stubs.user("no-secret", access="on ~* +get", Authentication={"Type": "password", "PasswordCount": 0}),
        stubs.user("iam-app", auth="iam", UserGroupIds=["iam-users"]),
        stubs.user("iam-misnamed", name="someone", auth="iam", UserGroupIds=[]),
    ]
    user_groups = [
        stubs.user_group("closed", ["off-default", "app"]),
        stubs.user_group("wide-open", ["open-default", "app"]),
        stubs.user_group("idle", ["idle-default"]),
        stubs.user_group("valkey-only", ["app"], Engine="valkey"),
        stubs.user_group("dangling", ["ghost"]),
    ]
    old_redis = stubs.replication_group("old-redis", Engine="redis", UserGroupIds=["iam-users"])
    new_valkey = stubs.replication_group("new-valkey", UserGroupIds=["iam-users"])
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_user_groups", {"UserGroups": user_groups})
        stubber.add_response("describe_users", {"Users": users})
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [old_redis, new_valkey]})
        stubber.add_response(
            "describe_cache_clusters",
            {"CacheClusters": stubs.members_of(old_redis, Engine="redis", EngineVersion="6.2.6")},
        )
        stubber.add_response("describe_serverless_caches", {"ServerlessCaches": []})
        results = check_kind(aws, ResourceKind.USER_GROUP, ResourceKind.USER)
    group_results = {key: r for key, r in results.items() if r.resource_type is ResourceKind.USER_GROUP}
    user_results = {key: r for key, r in results.items() if r.resource_type is ResourceKind.USER}
    assert {key: verdict(group_results, key) for key in group_results} == {
        ("closed", "default-user-disabled"): (
            Status.PASS,
            "user group closed: default user off-default is disabled",
        ),
        ("wide-open", "default-user-disabled"): (
            Status.FAIL,
            "user group wide-open: default user open-default is 'on ~* +@all', so clients that do not "
            "authenticate get in",
        ),
        ("idle", "default-user-disabled"): (Status.PASS, "user group idle: default user idle-default is disabled"),
        ("valkey-only", "default-user-disabled"): (
            Status.PASS,
            "user group valkey-only: has no default user, so a client must authenticate",
        ),
        ("dangling", "default-user-disabled"): (Status.ERROR, "user group dangling: users ghost not found"),
    }
    password = {uid: verdict(user_results, (uid, "user-password")) for uid, _ in user_results}
    assert password == {
        "off-default": (Status.PASS, "user off-default: needs no password but is off or may run no command"),
        "open-default": (
            Status.FAIL,
            "user open-default: needs no password and is on with 'on ~* +@all', so anyone who names it gets in",
        ),
        "idle-default": (Status.PASS, "user idle-default: needs no password but is off or may run no command"),
        "app": (Status.PASS, "user app: authenticates with 1 password(s)"),
        "no-secret": (Status.FAIL, "user no-secret: password authentication with no password set"),
        "iam-app": (Status.PASS, "user iam-app: authenticates with IAM"),
        "iam-misnamed": (Status.SKIP, "user iam-misnamed: in no user group, so it reaches no cache"),
    }
    assert verdict(user_results, ("app", "iam-user-engine")) == (
        Status.SKIP,
        "user app: does not authenticate with IAM",
    )
    assert verdict(user_results, ("iam-app", "iam-user-engine")) == (
        Status.FAIL,
        "user iam-app: replication group old-redis runs Redis OSS 6.2.6 (Valkey 7.2+ or Redis OSS 7.0+ needed)",
    )
    assert verdict(user_results, ("iam-misnamed", "iam-user-engine")) == (
        Status.FAIL,
        "user iam-misnamed: UserName someone differs from its id, which IAM needs",
    )


def test_global_datastore_shape_and_members(aws: Aws) -> None:
    members = [("orders-use1", REGION, "PRIMARY"), ("orders-euw1", OTHER_REGION, "SECONDARY")]
    even = stubs.global_datastore("ldgnf-orders", members, GlobalNodeGroups=_slices(2))
    uneven = stubs.global_datastore(
        "ldgnf-carts", [("carts-use1", REGION, "PRIMARY"), ("carts-euw1", OTHER_REGION, "SECONDARY")]
    )
    home = [stubs.replication_group("orders-use1", shards=2), stubs.replication_group("carts-use1", shards=2)]
    away = [
        stubs.replication_group("orders-euw1", shards=2),
        stubs.replication_group("carts-euw1", shards=3, CacheNodeType="cache.r7g.xlarge"),
    ]
    with stubs.stubbed(aws, "elasticache", REGION) as here, stubs.stubbed(aws, "elasticache", OTHER_REGION) as there:
        here.add_response("describe_global_replication_groups", {"GlobalReplicationGroups": [even, uneven]})
        here.add_response("describe_replication_groups", {"ReplicationGroups": home})
        there.add_response("describe_replication_groups", {"ReplicationGroups": away})
        results = check_kind(aws, ResourceKind.GLOBAL_DATASTORE, check_ids={"global-datastore-shape"})
    assert verdict(results, ("ldgnf-orders", "global-datastore-shape")) == (
        Status.PASS,
        "global datastore ldgnf-orders: all 2 members run cache.r7g.large with 2 shard(s)",
    )
    assert verdict(results, ("ldgnf-carts", "global-datastore-shape")) == (
        Status.FAIL,
        "global datastore ldgnf-carts: carts-euw1 (eu-west-1) runs cache.r7g.xlarge, the datastore cache.r7g.large; "
        "carts-use1 has 2 shard(s), the datastore 3",
    )


def _slices(count: int) -> list[dict[str, str]]:
    return [{"GlobalNodeGroupId": f"ldgnf-orders-{i + 1:04d}", "Slots": "0-16383"} for i in range(count)]


def test_auto_scaling_targets_of_sharded_groups(aws: Aws) -> None:
    groups = [
        stubs.replication_group("scaled", shards=2),
        stubs.replication_group("unscaled", shards=2),
        stubs.replication_group("inverted", shards=2),
        stubs.replication_group("tiny-nodes", shards=2, CacheNodeType="cache.t4g.micro"),
        stubs.replication_group("single-shard"),
    ]
    targets = [
        stubs.scalable_target("scaled", SHARDS, 2, 6),
        stubs.scalable_target("scaled", REPLICAS, 1, 3),
        stubs.scalable_target("inverted", SHARDS, 2, 1),
        stubs.scalable_target("tiny-nodes", SHARDS, 2, 4),
    ]
    clusters = [c for g in groups for c in stubs.members_of(g, EngineVersion="7.2.4")]
    with (
        stubs.stubbed(aws, "elasticache", REGION) as stubber,
        stubs.stubbed(aws, "application-autoscaling", REGION) as scaling,
    ):
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": groups})
        stubber.add_response("describe_cache_clusters", {"CacheClusters": clusters})
        scaling.add_response(
            "describe_scalable_targets", {"ScalableTargets": targets}, {"ServiceNamespace": "elasticache"}
        )
        results = check_kind(aws, ResourceKind.REPLICATION_GROUP, check_ids={"auto-scaling-targets"})
    found = {rid: verdict(results, (rid, check)) for rid, check in results}
    assert found == {
        "scaled": (
            Status.PASS,
            "replication group scaled: elasticache:replication-group:NodeGroups 2-6, "
            "elasticache:replication-group:Replicas 1-3",
        ),
        "unscaled": (Status.SKIP, "replication group unscaled: no scalable target registered"),
        "inverted": (
            Status.FAIL,
            "replication group inverted: elasticache:replication-group:NodeGroups MinCapacity 2 exceeds MaxCapacity 1",
        ),
        "tiny-nodes": (Status.FAIL, "replication group tiny-nodes: node type cache.t4g.micro cannot auto scale"),
        "single-shard": (
            Status.SKIP,
            "replication group single-shard: cluster mode disabled, which ElastiCache does not auto scale",
        ),
    }


def test_minimum_engine_version_follows_aws_config(aws: Aws) -> None:
    caches = [
        stubs.serverless_cache("fresh", FullEngineVersion="8.1"),
        stubs.serverless_cache("stale", FullEngineVersion="7.2"),
        stubs.serverless_cache("legacy", Engine="redis", FullEngineVersion="7.1"),
    ]
    with stubs.stubbed(aws, "elasticache", REGION) as stubber:
        stubber.add_response("describe_serverless_caches", {"ServerlessCaches": caches})
        results = check_kind(
            aws,
            ResourceKind.SERVERLESS_CACHE,
            settings=Settings(minimum_engine_versions={"valkey": "8.0.0"}),
            check_ids={"engine-version-minimum"},
        )
    assert [verdict(results, (name, "engine-version-minimum")) for name in ("fresh", "stale", "legacy")] == [
        (Status.PASS, "serverless cache fresh: valkey 8.1 is at least 8.0.0"),
        (Status.FAIL, "serverless cache stale: valkey 7.2 is below the minimum 8.0.0"),
        (Status.SKIP, "serverless cache legacy: no minimum version given for redis"),
    ]
