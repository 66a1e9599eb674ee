"""What a MemcachedCluster writes into the template, by default and with each option; its metrics,
grants and imports; and what a second synth after a change would replace.

The variants live in one stack synthesized once for the module.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template
from constructs import IConstruct

from constructs_lib import (
    AzMode,
    ElastiCacheValidationError,
    Engine,
    EngineVersion,
    MemcachedCluster,
    ParameterGroup,
    TransitEncryption,
)
from postdeploy import schemas
from stacks.compliance import add_compliance_packs
from tests.conftest import get_att, isolated_vpc, logical_id, new_app, ref

ACCOUNT, REGION = "111111111111", "eu-west-1"
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
CACHE_CLUSTER = "AWS::ElastiCache::CacheCluster"


def zoned_app() -> cdk.App:
    return new_app(**{f"availability-zones:account={ACCOUNT}:region={REGION}": ZONES})


class Built:
    def __init__(self) -> None:
        self.stack = stack = cdk.Stack(zoned_app(), "Caches", env=cdk.Environment(account=ACCOUNT, region=REGION))
        self.vpc = vpc = isolated_vpc(stack, max_azs=3)
        common: dict[str, Any] = {
            "vpc": vpc,
            "engine_version": EngineVersion.MEMCACHED_1_6_22,
            "node_type": "cache.m7g.large",
        }
        self.default = MemcachedCluster(stack, "Standard", **common)
        self.one_node = MemcachedCluster(stack, "OneNode", **common, nodes=1)
        self.single_zone = MemcachedCluster(stack, "SingleZone", **common, nodes=3, az_mode=AzMode.SINGLE_AZ)
        self.zoned = MemcachedCluster(
            stack, "Zoned", **common, nodes=3, preferred_availability_zones=["eu-west-1b", "eu-west-1a", "eu-west-1b"]
        )
        self.stacked = MemcachedCluster(
            stack, "Stacked", **common, preferred_availability_zones=["eu-west-1c", "eu-west-1c"]
        )
        self.plain = MemcachedCluster(stack, "Plain", **common, transit_encryption=TransitEncryption.DISABLED)
        self.old = MemcachedCluster(stack, "Old", **{**common, "engine_version": EngineVersion.MEMCACHED_1_5_16})
        self.old_opted_out = MemcachedCluster(
            stack,
            "OldOptedOut",
            **{**common, "engine_version": EngineVersion.MEMCACHED_1_6_6},
            transit_encryption=TransitEncryption.DISABLED,
        )
        self.tuned = MemcachedCluster(
            stack,
            "Tuned",
            **common,
            nodes=4,
            port=11212,
            parameters={"max_item_size": "2097152"},
            maintenance_window="sat:23:30-sun:00:30",
            cluster_id="Sessions-Cache",
            subnet_group_name="sessions-subnets",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
        self.tuned.connections.allow_default_port_from(self.client, "from client")
        self.shared_parameters = ParameterGroup(stack, "Shared", engine_version=EngineVersion.MEMCACHED_1_6_17)
        self.own_group = ec2.SecurityGroup(stack, "OwnGroup", vpc=vpc, allow_all_outbound=False)
        self.shared = MemcachedCluster(
            stack,
            "SharedParams",
            **{**common, "engine_version": EngineVersion.MEMCACHED_1_6_17},
            parameter_group=self.shared_parameters,
            security_groups=[self.own_group],
        )
        self.role = iam.Role(stack, "AppRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        self.default.grant(self.role, "elasticache:DescribeCacheClusters")
        self.template = Template.from_stack(stack)
        self.resources: dict[str, Any] = self.template.to_json()["Resources"]

    def resource(self, construct: IConstruct | None) -> dict[str, Any]:
        resource: dict[str, Any] = self.resources[logical_id(construct)]
        return resource

    def props(self, cache: MemcachedCluster) -> dict[str, Any]:
        props: dict[str, Any] = self.resource(cache.resource)["Properties"]
        return props


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


# --- properties and defaults --------------------------------------------------------------------


def test_default_spreads_two_nodes_over_zones_with_tls(built: Built) -> None:
    resource = built.resource(built.default.resource)
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Delete", "Delete")
    assert resource["Properties"] == {
        "Engine": "memcached",
        "EngineVersion": "1.6.22",
        "CacheNodeType": "cache.m7g.large",
        "NumCacheNodes": 2,
        "AZMode": "cross-az",
        "Port": 11211,
        "CacheSubnetGroupName": ref(built.default.subnet_group.resource),
        "VpcSecurityGroupIds": [get_att(built.default.security_groups[0], "GroupId")],
        "CacheParameterGroupName": ref(built.default.parameter_group),  # type: ignore[arg-type]
        "TransitEncryptionEnabled": True,
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
    }


def test_snapshot_free_by_nature(built: Built) -> None:
    """Memcached has no snapshots, backups or AUTH: none of their properties is written."""
    for cluster in (built.default, built.tuned, built.old):
        props = built.props(cluster)
        assert not {key for key in props if "Snapshot" in key}
        assert built.resource(cluster.resource)["DeletionPolicy"] != "Snapshot"
    assert not built.template.find_resources("AWS::KMS::Key")
    assert not built.template.find_resources("AWS::SecretsManager::Secret")


def test_one_node_leaves_the_zone_mode_to_elasticache(built: Built) -> None:
    props = built.props(built.one_node)
    assert props["NumCacheNodes"] == 1
    assert "AZMode" not in props
    assert "PreferredAvailabilityZones" not in props


def test_single_zone_when_asked(built: Built) -> None:
    props = built.props(built.single_zone)
    assert (props["AZMode"], props["NumCacheNodes"]) == ("single-az", 3)


def test_zones_are_an_opt_in_and_set_the_mode(built: Built) -> None:
    zoned = built.props(built.zoned)
    assert zoned["PreferredAvailabilityZones"] == ["eu-west-1b", "eu-west-1a", "eu-west-1b"]
    assert zoned["AZMode"] == "cross-az"
    stacked = built.props(built.stacked)
    assert stacked["PreferredAvailabilityZones"] == ["eu-west-1c", "eu-west-1c"]
    assert stacked["AZMode"] == "single-az"
    for cluster in (built.default, built.single_zone, built.tuned):
        assert "PreferredAvailabilityZones" not in built.props(cluster)


def test_tls_off_only_by_opt_out_or_before_1_6_12(built: Built) -> None:
    assert built.props(built.plain)["TransitEncryptionEnabled"] is False
    assert built.props(built.old)["TransitEncryptionEnabled"] is False
    assert built.props(built.old_opted_out)["TransitEncryptionEnabled"] is False


def test_a_version_without_tls_warns_unless_opted_out(built: Built) -> None:
    def warnings(cluster: MemcachedCluster) -> list[str]:
        return [str(entry.data) for entry in cluster.node.metadata if entry.type == "aws:cdk:warning"]

    (warning,) = warnings(built.old)
    assert "Memcached 1.5.16 has no TLS (Memcached 1.6.12+)" in warning
    assert warnings(built.old_opted_out) == []
    assert warnings(built.default) == []


def test_subnet_group_over_private_subnets(built: Built) -> None:
    props = built.resource(built.default.subnet_group.resource)["Properties"]
    assert props == {
        "Description": "Memcached 1.6.22 cluster Caches/Standard",
        "SubnetIds": [ref(subnet) for subnet in built.vpc.isolated_subnets],
    }
    named = built.resource(built.tuned.subnet_group.resource)["Properties"]
    assert named["CacheSubnetGroupName"] == "sessions-subnets"


def test_security_group_is_closed(built: Built) -> None:
    group = built.resource(built.default.security_groups[0])["Properties"]
    assert group["GroupDescription"] == "ElastiCache Memcached cluster Standard"
    assert "SecurityGroupIngress" not in group
    assert group["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"


def test_parameter_group_family_follows_the_version(built: Built) -> None:
    props = built.resource(built.default.parameter_group)["Properties"]  # type: ignore[arg-type]
    assert props["CacheParameterGroupFamily"] == "memcached1.6"
    assert props["Properties"] == {}
    old = built.resource(built.old.parameter_group)["Properties"]  # type: ignore[arg-type]
    assert old["CacheParameterGroupFamily"] == "memcached1.5"
    tuned = built.resource(built.tuned.parameter_group)["Properties"]  # type: ignore[arg-type]
    assert tuned["Properties"] == {"max_item_size": "2097152"}


def test_a_given_parameter_group_and_security_groups_are_used(built: Built) -> None:
    props = built.props(built.shared)
    assert props["CacheParameterGroupName"] == ref(built.shared_parameters)
    assert props["VpcSecurityGroupIds"] == [get_att(built.own_group, "GroupId")]
    assert built.shared.node.try_find_child("ParameterGroup") is None
    assert built.shared.node.try_find_child("SecurityGroup") is None


def test_tuned_port_window_name_and_retained_family(built: Built) -> None:
    props = built.props(built.tuned)
    assert (props["Port"], props["NumCacheNodes"], props["ClusterName"]) == (11212, 4, "Sessions-Cache")
    assert props["PreferredMaintenanceWindow"] == "sat:23:30-sun:00:30"
    family = [
        built.tuned.resource,
        built.tuned.subnet_group.resource,
        built.tuned.security_groups[0],
        built.tuned.parameter_group,
    ]
    for member in family:
        resource = built.resource(member)  # type: ignore[arg-type]
        assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_connections_open_only_the_cluster_port_to_a_client(built: Built) -> None:
    ingress = built.template.find_resources("AWS::EC2::SecurityGroupIngress")
    assert [r["Properties"] for r in ingress.values()] == [
        {
            "GroupId": get_att(built.tuned.security_groups[0], "GroupId"),
            "SourceSecurityGroupId": get_att(built.client, "GroupId"),
            "IpProtocol": "tcp",
            "FromPort": 11212,
            "ToPort": 11212,
            "Description": "from client",
        }
    ]


def test_endpoint_is_the_configuration_endpoint(built: Built) -> None:
    stack, cache = built.stack, built.default
    cache_id = logical_id(cache.resource)
    assert stack.resolve(cache.endpoint.address) == {"Fn::GetAtt": [cache_id, "ConfigurationEndpoint.Address"]}
    assert cache.endpoint.port == 11211
    assert isinstance(cache.endpoint.port, int)
    assert cache.reader_endpoint is None
    assert cache.auth_secret is None
    assert cache.engine is Engine.MEMCACHED
    assert stack.resolve(cache.cluster_id) == {"Ref": cache_id}
    assert stack.resolve(cache.cache_arn) == {
        "Fn::Join": ["", ["arn:aws:elasticache:eu-west-1:111111111111:cluster:", {"Ref": cache_id}]]
    }


def test_grant_is_on_the_cluster_arn(built: Built) -> None:
    (policy,) = built.template.find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "elasticache:DescribeCacheClusters"
    assert ":cluster:" in str(statement["Resource"])


def test_no_iam_authentication_and_no_secret(built: Built) -> None:
    with pytest.raises(ElastiCacheValidationError) as connect:
        built.default.grant_connect(built.role)
    (issue,) = connect.value.issues
    assert (issue.code, issue.prop, issue.given) == ("EC230", "grant_connect", Engine.MEMCACHED)
    assert "Memcached has no IAM authentication" in issue.allowed
    with pytest.raises(ElastiCacheValidationError) as secret:
        built.default.grant_read_auth_secret(built.role)
    assert secret.value.codes == ["EC230"]


def test_help_shows_the_keyword_arguments() -> None:
    signature = inspect.signature(MemcachedCluster)
    assert list(signature.parameters)[:5] == ["scope", "id", "vpc", "engine_version", "node_type"]
    assert signature.parameters["nodes"].default == 2
    assert signature.parameters["removal_policy"].default is cdk.RemovalPolicy.DESTROY
    assert signature.parameters["nodes"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "Snapshot-free by nature" in (MemcachedCluster.__doc__ or "")


# --- metrics ------------------------------------------------------------------------------------


def _series(built: Built, metric: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(id, metric name, statistic, resolved dimensions) of each series of a math expression."""
    math = metric.to_metric_config().math_expression
    assert math is not None
    found = []
    for name, series in math.using_metrics.items():
        stat = series.to_metric_config().metric_stat
        dimensions = {d.name: built.stack.resolve(d.value) for d in stat.dimensions}
        found.append((name, stat.metric_name, stat.statistic, dimensions))
        assert stat.namespace == "AWS/ElastiCache"
    return found


@pytest.mark.parametrize(
    ("method", "metric_name", "statistic", "aggregate"),
    [
        ("metric_evictions", "Evictions", "Sum", "SUM"),
        ("metric_current_connections", "CurrConnections", "Maximum", "SUM"),
        ("metric_cpu_utilization", "CPUUtilization", "Maximum", "MAX"),
        ("metric_swap_usage", "SwapUsage", "Maximum", "MAX"),
    ],
)
def test_cluster_metrics_cover_every_node(
    built: Built, method: str, metric_name: str, statistic: str, aggregate: str
) -> None:
    """Memcached publishes per node: one series per (CacheClusterId, CacheNodeId), combined."""
    metric = getattr(built.tuned, method)()
    math = metric.to_metric_config().math_expression
    assert math.expression == f"{aggregate}([{', '.join(sorted(math.using_metrics))}])"
    series = _series(built, metric)
    assert {(name, stat) for _, name, stat, _ in series} == {(metric_name, statistic)}
    # The id as ElastiCache stores it, lower case.
    assert [dims for *_, dims in series] == [
        {"CacheClusterId": "sessions-cache", "CacheNodeId": f"000{n}"} for n in range(1, 5)
    ]


def test_cache_hit_rate_is_computed_from_hits_and_misses(built: Built) -> None:
    metric = built.default.metric_cache_hit_rate()
    math = metric.to_metric_config().math_expression
    assert math is not None
    assert math.expression == "100 * (hits0 + hits1) / (hits0 + hits1 + misses0 + misses1)"
    cluster = {"Ref": logical_id(built.default.resource)}
    assert sorted(_series(built, metric)) == [
        ("hits0", "GetHits", "Sum", {"CacheClusterId": cluster, "CacheNodeId": "0001"}),
        ("hits1", "GetHits", "Sum", {"CacheClusterId": cluster, "CacheNodeId": "0002"}),
        ("misses0", "GetMisses", "Sum", {"CacheClusterId": cluster, "CacheNodeId": "0001"}),
        ("misses1", "GetMisses", "Sum", {"CacheClusterId": cluster, "CacheNodeId": "0002"}),
    ]


def test_one_node_metric_is_plain_and_node_metric_names_the_node(built: Built) -> None:
    stat = built.one_node.metric("CurrItems").to_metric_config().metric_stat
    assert stat is not None
    assert [d.name for d in stat.dimensions or []] == ["CacheClusterId", "CacheNodeId"]
    node = built.default.node_metric("BytesUsedForCacheItems", "0002", statistic="Maximum")
    node_stat = node.to_metric_config().metric_stat
    assert node_stat is not None
    assert (node_stat.metric_name, node_stat.statistic) == ("BytesUsedForCacheItems", "Maximum")
    assert [(d.name, d.value) for d in node_stat.dimensions or []][1] == ("CacheNodeId", "0002")
    assert built.tuned.node_ids == ["0001", "0002", "0003", "0004"]
    with pytest.raises(ElastiCacheValidationError) as raised:
        built.default.node_metric("Evictions", "2")
    assert raised.value.codes == ["EC100"]


def test_no_valkey_only_metrics() -> None:
    """Memcached publishes no EngineCPUUtilization, ReplicationLag or eviction-memory metric."""
    for name in ("metric_engine_cpu_utilization", "metric_replication_lag", "metric_memory_used_for_eviction"):
        assert not hasattr(MemcachedCluster, name)


def test_a_consumers_cdk_nag_flags_only_the_default_port() -> None:
    """The library keeps Memcached's own port, as it keeps 6379 for Redis OSS: AwsSolutions-AEC5 is
    the consumer's call (acknowledge it with a reason, as the reference stack does, or set ``port``)."""
    app = new_app()
    stack = cdk.Stack(app, "Consumer", env=cdk.Environment(account=ACCOUNT, region=REGION))
    vpc = isolated_vpc(stack)  # no flow logs: the consumer's own findings, outside our clusters
    common: dict[str, Any] = {
        "vpc": vpc,
        "engine_version": EngineVersion.MEMCACHED_1_6_22,
        "node_type": "cache.m7g.large",
    }
    MemcachedCluster(stack, "Default", **common)
    MemcachedCluster(stack, "OtherPort", **common, port=11212)
    add_compliance_packs(app)
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    path = re.search(r"found in: (\S+validation-report\.json)", str(raised.value))
    assert path is not None
    report = json.loads(Path(path.group(1)).read_text())
    ours = [
        (plugin["pluginName"], violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
        if construct["constructPath"].startswith(("Consumer/Default", "Consumer/OtherPort"))
    ]
    assert ours == [("AwsSolutions", "AwsSolutions-AEC5", "Consumer/Default/Resource")]


# --- clients in another stack, and imports in another app ---------------------------------------


def test_a_client_in_another_stack_reads_the_endpoint_without_a_cycle() -> None:
    app = zoned_app()
    env = cdk.Environment(account=ACCOUNT, region=REGION)
    network = cdk.Stack(app, "Network", env=env)
    vpc = isolated_vpc(network)
    cache_stack = cdk.Stack(app, "Cache", env=env)
    cache = MemcachedCluster(
        cache_stack, "Sessions", vpc=vpc, engine_version=EngineVersion.MEMCACHED_1_6_22, node_type="cache.m7g.large"
    )
    clients = cdk.Stack(app, "Clients", env=env)
    function = lambda_.Function(
        clients,
        "Reader",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        environment={"MEMCACHED": cache.endpoint.socket_address},
    )
    cache.connections.allow_default_port_from(function)
    assembly = app.synth()  # raises on a dependency cycle
    assert {s.stack_name for s in assembly.stacks} == {"Network", "Cache", "Clients"}
    (ingress,) = Template.from_stack(clients).find_resources("AWS::EC2::SecurityGroupIngress").values()
    assert (ingress["Properties"]["FromPort"], ingress["Properties"]["ToPort"]) == (11211, 11211)
    assert not Template.from_stack(cache_stack).find_resources("AWS::EC2::SecurityGroupIngress")


def test_an_existing_cluster_imported_into_another_app() -> None:
    app = new_app()
    stack = cdk.Stack(app, "Consumer", env=cdk.Environment(account="222222222222", region="us-east-1"))
    vpc = isolated_vpc(stack)
    group = ec2.SecurityGroup.from_security_group_id(stack, "CacheGroup", "sg-0123456789abcdef0")
    cache = MemcachedCluster.from_cluster_attributes(
        stack,
        "Sessions",
        cluster_id="Sessions",
        endpoint_address="sessions.abc123.cfg.use1.cache.amazonaws.com",
        security_groups=[group],
        node_ids=["0001", "0003"],
        region="eu-west-1",
        account="111111111111",
    )
    client = ec2.SecurityGroup(stack, "App", vpc=vpc, allow_all_outbound=False)
    cache.connections.allow_default_port_from(client, "Memcached from the app")
    assert cache.endpoint.socket_address == "sessions.abc123.cfg.use1.cache.amazonaws.com:11211"
    assert cache.engine is Engine.MEMCACHED
    # ElastiCache stores cluster ids in lower case: "Sessions" is named "sessions" in its ARN.
    assert cache.cache_arn == "arn:aws:elasticache:eu-west-1:111111111111:cluster:sessions"
    math = cache.metric_evictions().to_metric_config().math_expression
    assert math is not None
    series = [metric.to_metric_config().metric_stat for metric in math.using_metrics.values()]
    assert [[(d.name, d.value) for d in stat.dimensions or []] for stat in series if stat] == [
        [("CacheClusterId", "sessions"), ("CacheNodeId", "0001")],
        [("CacheClusterId", "sessions"), ("CacheNodeId", "0003")],
    ]
    (ingress,) = Template.from_stack(stack).find_resources("AWS::EC2::SecurityGroupIngress").values()
    assert ingress["Properties"] == {
        "GroupId": "sg-0123456789abcdef0",
        "SourceSecurityGroupId": get_att(client, "GroupId"),
        "IpProtocol": "tcp",
        "FromPort": 11211,
        "ToPort": 11211,
        "Description": "Memcached from the app",
    }


def test_an_import_by_id_refuses_what_it_cannot_know() -> None:
    stack = cdk.Stack(new_app(), "Consumer", env=cdk.Environment(account="222222222222", region="us-east-1"))
    cache = MemcachedCluster.from_cluster_id(stack, "Sessions", "sessions")
    assert cache.cache_arn == "arn:aws:elasticache:us-east-1:222222222222:cluster:sessions"
    for attribute, prop in (("connections", "security_groups"), ("endpoint", "endpoint")):
        with pytest.raises(ElastiCacheValidationError) as raised:
            getattr(cache, attribute)
        assert [(i.code, i.prop) for i in raised.value.issues] == [("EC103", prop)]
    with pytest.raises(ElastiCacheValidationError) as raised:
        cache.metric_cache_hit_rate()
    assert [(i.code, i.prop) for i in raised.value.issues] == [("EC103", "node_ids")]


# --- a second synth after a change --------------------------------------------------------------


def cluster_template(**props: Any) -> dict[str, Any]:
    """The CacheCluster resource of a one-cluster stack, as a second `cdk synth` would write it."""
    stack = cdk.Stack(zoned_app(), "Cache", env=cdk.Environment(account=ACCOUNT, region=REGION))
    cluster = MemcachedCluster(
        stack,
        "Sessions",
        vpc=isolated_vpc(stack, max_azs=3),
        engine_version=EngineVersion.MEMCACHED_1_6_22,
        node_type="cache.m7g.large",
        **props,
    )
    resource: dict[str, Any] = Template.from_stack(stack).to_json()["Resources"][logical_id(cluster.resource)]
    return resource


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """Each changed property and what CloudFormation does with it, from the cfn-lint schemas."""
    create_only = schemas.create_only(CACHE_CLUSTER)
    conditional = schemas.conditional_create_only(CACHE_CLUSTER)
    old, new = before["Properties"], after["Properties"]
    return {
        key: "replace" if key in create_only else "may replace" if key in conditional else "update"
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


@pytest.fixture(scope="module")
def two_nodes() -> dict[str, Any]:
    return cluster_template()


def test_adding_a_node_updates_in_place(two_nodes: dict[str, Any]) -> None:
    after = cluster_template(nodes=3)
    assert changes(two_nodes, after) == {"NumCacheNodes": "update"}
    assert after["Properties"]["NumCacheNodes"] == 3


def test_tls_is_not_create_only_so_a_change_fails_the_update(two_nodes: dict[str, Any]) -> None:
    """CloudFormation would try an in-place update, which ElastiCache refuses: TLS is fixed at creation."""
    assert changes(two_nodes, cluster_template(transit_encryption=TransitEncryption.DISABLED)) == {
        "TransitEncryptionEnabled": "update"
    }
    described = schemas.resource_schema(CACHE_CLUSTER)["properties"]["TransitEncryptionEnabled"]["description"]
    assert "cannot modify" in described


def test_with_zones_set_a_node_change_may_replace() -> None:
    before = cluster_template(preferred_availability_zones=["eu-west-1a", "eu-west-1b"])
    after = cluster_template(nodes=3, preferred_availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    assert changes(before, after) == {"NumCacheNodes": "update", "PreferredAvailabilityZones": "may replace"}


def test_the_port_and_name_are_create_only(two_nodes: dict[str, Any]) -> None:
    assert changes(two_nodes, cluster_template(port=11212)) == {"Port": "replace"}
    assert changes(two_nodes, cluster_template(cluster_id="sessions")) == {"ClusterName": "replace"}
    assert {"ClusterName", "Port", "CacheSubnetGroupName", "Engine"} <= schemas.create_only(CACHE_CLUSTER)
