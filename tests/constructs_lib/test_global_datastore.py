"""Global Datastore: the primary's datastore, secondaries in other regions, their rules."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from constructs_lib import CacheAuth, ElastiCacheValidationError, EngineVersion, ReplicationGroup, TransitEncryption
from constructs_lib.facts.global_datastore import ID_PREFIXES, global_datastore_id
from constructs_lib.global_datastore import GlobalDatastore
from constructs_lib.topology import Durability
from tests.conftest import isolated_vpc, logical_id, new_app
from tests.constructs_lib.negative import Case, any_value

PRIMARY = cdk.Environment(account="111111111111", region="us-east-1")


def _primary(stack: cdk.Stack, id: str, **overrides: Any) -> ReplicationGroup:
    props: dict[str, Any] = {
        "vpc": isolated_vpc(stack, f"{id}Vpc"),
        "engine_version": EngineVersion.VALKEY_8_2,
        "node_type": "cache.r7g.large",
        "auth": CacheAuth.generated_token(secret_name="orders/token"),
        "credential_rotation": None,
        **overrides,
    }
    return ReplicationGroup(stack, id, **props)


class Built:
    def __init__(self) -> None:
        app = new_app()
        self.us = cdk.Stack(app, "Us", env=PRIMARY)
        self.eu = cdk.Stack(app, "Eu", env=cdk.Environment(account="111111111111", region="eu-west-1"))
        self.ap = cdk.Stack(app, "Ap", env=cdk.Environment(account="111111111111", region="ap-southeast-2"))
        self.primary = _primary(self.us, "Orders")
        self.datastore = GlobalDatastore(self.us, "Global", primary=self.primary, suffix="orders")
        self.eu_secondary = self.datastore.add_secondary(self.eu, "Orders", vpc=isolated_vpc(self.eu))
        self.ap_secondary = self.datastore.add_secondary(
            self.ap, "Orders", vpc=isolated_vpc(self.ap), replicas=0, replication_group_id="orders-syd"
        )
        self.sharded_us = cdk.Stack(app, "ShardedUs", env=PRIMARY)
        self.sharded_eu = cdk.Stack(app, "ShardedEu", env=cdk.Environment(account="111111111111", region="eu-west-1"))
        sharded = _primary(
            self.sharded_us, "Sharded", shards=2, auth=CacheAuth.none(), transit_encryption=TransitEncryption.DISABLED
        )
        self.sharded = GlobalDatastore(self.sharded_us, "Global", primary=sharded, suffix="sharded")
        self.sharded_secondary = self.sharded.add_secondary(
            self.sharded_eu, "Sharded", vpc=isolated_vpc(self.sharded_eu)
        )
        self.assembly = app.synth()
        self.templates = {s.stack_name: s.template for s in self.assembly.stacks}

    def resource(self, stack: str, construct: Any) -> dict[str, Any]:
        resource: dict[str, Any] = self.templates[stack]["Resources"][logical_id(construct)]
        return resource


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_the_datastore_lives_in_the_primarys_region(built: Built) -> None:
    props = built.resource("Us", built.datastore.resource)["Properties"]
    assert props == {
        "GlobalReplicationGroupIdSuffix": "orders",
        "GlobalReplicationGroupDescription": "Global Datastore orders",
        "Members": [
            {
                "ReplicationGroupId": {"Ref": logical_id(built.primary.resource)},
                "ReplicationGroupRegion": "us-east-1",
                "Role": "PRIMARY",
            }
        ],
    }
    assert built.datastore.global_datastore_id == "ldgnf-orders"
    assert built.us.resolve(built.datastore.global_datastore_arn) == (
        "arn:aws:elasticache::111111111111:globalreplicationgroup:ldgnf-orders"
    )


def test_secondaries_set_only_what_a_secondary_may(built: Built) -> None:
    resource = built.resource("Eu", built.eu_secondary.resource)
    props = resource["Properties"]
    assert set(props) == {
        "ReplicationGroupDescription",
        "GlobalReplicationGroupId",
        "NumCacheClusters",
        "CacheSubnetGroupName",
        "SecurityGroupIds",
        "KmsKeyId",
    }
    assert props["GlobalReplicationGroupId"] == "ldgnf-orders"
    assert props["NumCacheClusters"] == 2, "the primary's replica count by default"
    assert props["KmsKeyId"] == {"Fn::GetAtt": [logical_id(built.eu_secondary.encryption_key), "Arn"]}
    assert resource["DeletionPolicy"] == "Delete"
    ap = built.resource("Ap", built.ap_secondary.resource)["Properties"]
    assert (ap["NumCacheClusters"], ap["ReplicationGroupId"]) == (1, "orders-syd")


def test_sharded_secondaries_take_replicas_per_shard(built: Built) -> None:
    props = built.resource("ShardedEu", built.sharded_secondary.resource)["Properties"]
    assert props["ReplicasPerNodeGroup"] == 1
    assert "NumNodeGroups" not in props
    assert "KmsKeyId" in props
    assert built.sharded_secondary.reader_endpoint is None


def test_secondary_stacks_depend_on_the_primarys(built: Built) -> None:
    depends = {s.stack_name: {d.id for d in s.dependencies} for s in built.assembly.stacks}
    assert "Us" in depends["Eu"]
    assert "Us" in depends["Ap"]
    assert "Eu" not in depends["Us"]


def test_the_token_is_replicated_and_found_by_name(built: Built) -> None:
    secret = built.resource("Us", built.primary.auth_secret)["Properties"]
    assert secret["Name"] == "orders/token"
    assert secret["ReplicaRegions"] == [{"Region": "eu-west-1"}, {"Region": "ap-southeast-2"}]
    assert built.eu_secondary.auth_secret is not None
    assert built.eu.resolve(built.eu_secondary.auth_secret.secret_name) == "orders/token"


def test_members_import_across_regions(built: Built) -> None:
    stack = cdk.Stack(new_app(), "Reader", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    member = ReplicationGroup.from_replication_group_id(stack, "Primary", "orders", region="us-east-1")
    assert stack.resolve(member.cache_arn) == "arn:aws:elasticache:us-east-1:111111111111:replicationgroup:orders"
    # A grant made in eu-west-1 names the member in its own region.
    role = iam.Role(stack, "Operator", assumed_by=iam.AccountRootPrincipal())
    member.grant(role, "elasticache:DescribeReplicationGroups", "elasticache:TestFailover")
    (policy,) = Template.from_stack(stack).find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["elasticache:DescribeReplicationGroups", "elasticache:TestFailover"]
    assert statement["Resource"] == "arn:aws:elasticache:us-east-1:111111111111:replicationgroup:orders"


def test_ids_come_from_the_region_table() -> None:
    assert global_datastore_id("eu-west-1", "x") == "gxeiz-x"
    assert global_datastore_id("af-south-1", "x") is None
    assert len(ID_PREFIXES) == 19


# --- negative rows ---------------------------------------------------------------------------------


class Sandbox:
    def __init__(self) -> None:
        self.app = new_app()
        self.count = 0

    def stack(self, region: str | None) -> cdk.Stack:
        self.count += 1
        env = cdk.Environment(account="111111111111", region=region) if region else None
        return cdk.Stack(self.app, f"S{self.count}", env=env)


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


CASES = [
    Case(
        "EC260",
        "gds",
        "primary",
        "a group in a stack whose region has a known Global Datastore id prefix",
        "af-south-1",
        lambda s: {"region": "af-south-1"},
    ),
    Case(
        "EC260",
        "gds",
        "primary",
        "a group in a stack whose region has a known",
        "an environment-agnostic stack",
        lambda s: {"region": None},
    ),
    Case(
        "EC230",
        "gds",
        "primary",
        "a group on Valkey 7.2+ or Redis OSS 5.0.6+",
        EngineVersion.REDIS_4_0_10,
        lambda s: {"primary": {"engine_version": EngineVersion.REDIS_4_0_10}},
    ),
    Case(
        "EC261",
        "gds",
        "primary",
        "size large or above",
        "cache.t3.medium",
        lambda s: {"primary": {"node_type": "cache.t3.medium"}},
    ),
    Case(
        "EC261",
        "gds",
        "primary",
        "size large or above",
        "cache.r8g.large",
        lambda s: {"primary": {"node_type": "cache.r8g.large"}},
    ),
    Case("EC261", "gds", "primary", "user groups are regional", "a user group", lambda s: {"primary": {"auth": None}}),
    Case(
        "EC261",
        "gds",
        "primary",
        "credential_rotation=None",
        "the primary's rotation function",
        lambda s: {"primary": {"credential_rotation": Duration.days(30)}},
        exact=False,
    ),
    Case(
        "EC261",
        "gds",
        "primary",
        "without durability",
        Durability.SYNC,
        lambda s: {"primary": {"engine_version": EngineVersion.VALKEY_9_0, "shards": 2, "durability": Durability.SYNC}},
    ),
    Case(
        "EC261",
        "gds",
        "primary",
        "without auto scaling",
        "auto scaling",
        lambda s: {"primary": {"shards": 2}, "scale": True},
    ),
    Case(
        "EC110",
        "gds",
        "suffix",
        "letters and digits in groups joined by single hyphens",
        "orders--eu",
        lambda s: {"suffix": "orders--eu"},
    ),
    Case(
        "EC100",
        "gds",
        "primary",
        "a ReplicationGroup created in this app",
        "orders",
        lambda s: {"primary_object": any_value("orders")},
    ),
    Case(
        "EC260",
        "gds_secondary",
        "stack region",
        "a region without another member of this datastore",
        "us-east-1",
        lambda s: {"secondary_region": "us-east-1"},
    ),
    Case(
        "EC260",
        "gds_secondary",
        "stack region",
        "in China only Beijing and Ningxia pair",
        "cn-north-1",
        lambda s: {"secondary_region": "cn-north-1"},
    ),
    Case(
        "EC260",
        "gds_secondary",
        "stack region",
        "a region that offers Global Datastore",
        "eu-west-9",
        lambda s: {"secondary_region": "eu-west-9"},
    ),
    Case(
        "EC260",
        "gds_secondary",
        "datastore",
        "fewer than 2 secondaries",
        ["eu-west-1", "eu-central-1"],
        lambda s: {"others": ["eu-west-1", "eu-central-1"], "secondary_region": "ap-southeast-2"},
    ),
    Case("EC200", "gds_secondary", "replicas", "a whole number from 0 to 5", 6, lambda s: {"replicas": 6}),
    Case(
        "EC100",
        "gds_secondary",
        "encryption_key",
        "a kms.IKey",
        "key-arn",
        lambda s: {"encryption_key": any_value("key-arn")},
    ),
]


def _build(sandbox: Sandbox, case: Case) -> tuple[str, ElastiCacheValidationError]:
    options = case.overrides(sandbox)
    primary_stack = sandbox.stack(options.get("region", "us-east-1"))
    primary = _primary(primary_stack, "Primary", **options.get("primary", {}))
    if options.get("scale"):
        primary.auto_scale_shards(minimum=1, maximum=4)
    if case.target == "gds":
        with pytest.raises(ElastiCacheValidationError) as raised:
            GlobalDatastore(
                primary_stack,
                "Global",
                primary=options.get("primary_object", primary),
                suffix=options.get("suffix", "orders"),
            )
        return f"{primary_stack.stack_name}/Global", raised.value
    datastore = GlobalDatastore(primary_stack, "Global", primary=primary, suffix="orders")
    for region in options.get("others", []):
        other = sandbox.stack(region)
        datastore.add_secondary(other, "Secondary", vpc=isolated_vpc(other))
    stack = sandbox.stack(options.get("secondary_region", "eu-west-1"))
    extra = {k: options[k] for k in ("replicas", "encryption_key") if k in options}
    with pytest.raises(ElastiCacheValidationError) as raised:
        datastore.add_secondary(stack, "Secondary", vpc=isolated_vpc(stack), **extra)
    return f"{stack.stack_name}/Secondary", raised.value


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule(sandbox: Sandbox, case: Case) -> None:
    path, error = _build(sandbox, case)
    case.check(error, path)
