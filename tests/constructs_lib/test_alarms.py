"""CacheAlarms: recommended alarms for every cache kind covering every node, a dashboard, and events
on a topic ElastiCache can publish to."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Size
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from constructs_lib import (
    ElastiCacheValidationError,
    EngineVersion,
    MemcachedCluster,
    ReplicationGroup,
    ServerlessCache,
    ServerlessEngine,
    UsageLimits,
)
from constructs_lib.alarm_specs import MAX_QUERY_LENGTH, TOKEN_LENGTH, AlarmThresholds, insights_queries
from constructs_lib.alarms import CacheAlarms
from tests.conftest import isolated_vpc, logical_id, new_app
from tests.constructs_lib.negative import Case, any_value


class Built:
    def __init__(self) -> None:
        self.stack = stack = cdk.Stack(
            new_app(), "Alarmed", env=cdk.Environment(account="111111111111", region="us-east-1")
        )
        vpc = isolated_vpc(stack)
        common: dict[str, Any] = {
            "vpc": vpc,
            "engine_version": EngineVersion.VALKEY_8_2,
            "node_type": "cache.r7g.large",
        }
        self.single = ReplicationGroup(stack, "Single", **common, replication_group_id="orders")
        self.single_alarms = CacheAlarms(stack, "SingleAlarms", cache=self.single)
        self.sharded = ReplicationGroup(stack, "Sharded", **common, shards=2, replicas=1, replication_group_id="carts")
        self.sharded.auto_scale_shards(minimum=1, maximum=3)
        self.topic = sns.Topic.from_topic_arn(stack, "Team", "arn:aws:sns:us-east-1:111111111111:team")
        self.sharded_alarms = CacheAlarms(
            stack,
            "ShardedAlarms",
            cache=self.sharded,
            topic=self.topic,
            dashboard=False,
            thresholds=AlarmThresholds(engine_cpu_percent=75),
        )
        self.no_replica = ReplicationGroup(stack, "Lonely", **common, replicas=0)
        CacheAlarms(stack, "LonelyAlarms", cache=self.no_replica, event_notifications=False)
        self.serverless = ServerlessCache(
            stack,
            "Serverless",
            vpc=vpc,
            engine=ServerlessEngine.VALKEY_8,
            usage_limits=UsageLimits(max_data_storage=Size.gibibytes(20), max_ecpu_per_second=50_000),
        )
        self.serverless_alarms = CacheAlarms(stack, "ServerlessAlarms", cache=self.serverless)
        self.unbounded = ServerlessCache(
            stack, "Unbounded", vpc=vpc, engine=ServerlessEngine.MEMCACHED_1_6, usage_limits=UsageLimits.unbounded()
        )
        self.unbounded_alarms = CacheAlarms(stack, "UnboundedAlarms", cache=self.unbounded, dashboard=False)
        self.memcached = MemcachedCluster(
            stack,
            "Memcached",
            vpc=vpc,
            engine_version=EngineVersion.MEMCACHED_1_6_22,
            node_type="cache.m7g.large",
            nodes=12,
            cluster_id="fragments",
        )
        self.memcached_alarms = CacheAlarms(
            stack, "MemcachedAlarms", cache=self.memcached, thresholds=AlarmThresholds(cpu_percent=80)
        )
        self.graph = self.single.metric_engine_cpu_utilization()
        self.resources: dict[str, Any] = Template.from_stack(stack).to_json()["Resources"]

    def alarms(self, alarms: CacheAlarms) -> dict[str, dict[str, Any]]:
        return {a.node.id: self.resources[logical_id(a)]["Properties"] for a in alarms.alarms}


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_the_recommended_alarms(built: Built) -> None:
    alarms = built.alarms(built.single_alarms)
    assert set(alarms) == {
        "EngineCpu",
        "MemoryForEviction",
        "Evictions",
        "Swap",
        "Connections",
        "AuthenticationFailures",
        "Throttled",
        "ReplicationLag",
        "ReplicationBytes",
    }
    cpu = alarms["EngineCpu"]
    assert (cpu["Threshold"], cpu["ComparisonOperator"], cpu["EvaluationPeriods"]) == (90, "GreaterThanThreshold", 3)
    assert cpu["TreatMissingData"] == "notBreaching"
    (query,) = cpu["Metrics"]
    assert query["Expression"] == (
        'SELECT MAX(EngineCPUUtilization) FROM SCHEMA("AWS/ElastiCache", CacheClusterId) '
        "WHERE CacheClusterId = 'orders-001' OR CacheClusterId = 'orders-002'"
    )
    assert query["Period"] == 60
    assert alarms["Swap"]["Threshold"] == 50 * 1024 * 1024
    assert alarms["Connections"]["Threshold"] == 52000
    assert alarms["Evictions"]["Metrics"][0]["Expression"].startswith("SELECT SUM(Evictions)")


def policy_statements(built: Built, topic: sns.ITopic) -> list[dict[str, Any]]:
    (policy,) = [
        r["Properties"]
        for r in built.resources.values()
        if r["Type"] == "AWS::SNS::TopicPolicy" and r["Properties"]["Topics"] == [{"Ref": logical_id(topic)}]
    ]
    statements: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return statements


def test_alarms_go_to_an_encrypted_topic(built: Built) -> None:
    topic = built.single_alarms.topic
    topic_ref = {"Ref": logical_id(topic)}
    for alarm in built.alarms(built.single_alarms).values():
        assert alarm["AlarmActions"] == [topic_ref]
        assert alarm["OKActions"] == [topic_ref]
    props = built.resources[logical_id(topic)]["Properties"]
    key_id = props["KmsMasterKeyId"]["Fn::GetAtt"][0]
    statements = built.resources[key_id]["Properties"]["KeyPolicy"]["Statement"]
    services = [s["Principal"].get("Service") for s in statements if "Service" in s.get("Principal", {})]
    assert ["cloudwatch.amazonaws.com", "events.amazonaws.com"] in services
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in str(s) for s in policy_statements(built, topic))


def test_events_of_a_node_based_cache_go_to_a_topic_elasticache_can_publish_to(built: Built) -> None:
    """ElastiCache cannot publish to an encrypted topic and needs aws:SourceOwner in its policy
    (ElastiCache guide, 'Event Notifications and Amazon SNS')."""
    events = built.single_alarms.events_topic
    assert events is not None
    assert events is not built.single_alarms.topic
    assert built.resources[logical_id(built.single.resource)]["Properties"]["NotificationTopicArn"] == {
        "Ref": logical_id(events)
    }
    assert "KmsMasterKeyId" not in built.resources[logical_id(events)].get("Properties", {})
    statements = policy_statements(built, events)
    (publish,) = [s for s in statements if s["Effect"] == "Allow"]
    assert publish["Principal"] == {"Service": "elasticache.amazonaws.com"}
    assert publish["Action"] == "sns:Publish"
    assert publish["Condition"] == {"StringEquals": {"aws:SourceOwner": "111111111111"}}
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in str(s) for s in statements)
    memcached = built.resources[logical_id(built.memcached.resource)]["Properties"]
    assert memcached["NotificationTopicArn"] == {"Ref": logical_id(built.memcached_alarms.events_topic)}


def test_an_encrypted_events_topic_is_refused(built: Built) -> None:
    encrypted = sns.Topic(built.stack, "Encrypted", master_key=kms.Key(built.stack, "EncryptedKey"))
    with pytest.raises(ElastiCacheValidationError) as raised:
        CacheAlarms(built.stack, "EncryptedEvents", cache=built.no_replica, events_topic=encrypted)
    (issue,) = raised.value.issues
    assert (issue.code, issue.path, issue.prop) == ("EC273", "Alarmed/Lonely", "event topic")
    assert "without server-side encryption" in issue.allowed


def test_a_sharded_group_covers_the_nodes_the_scaler_can_add(built: Built) -> None:
    alarms = built.alarms(built.sharded_alarms)
    expression = alarms["EngineCpu"]["Metrics"][0]["Expression"]
    members = [term.split("'")[1] for term in expression.split(" WHERE ")[1].split(" OR ")]
    assert members == [f"carts-000{s}-00{n}" for s in (1, 2, 3) for n in (1, 2)], "up to the scaler's 3 shards"
    assert alarms["EngineCpu"]["Threshold"] == 75
    assert alarms["EngineCpu"]["AlarmActions"] == ["arn:aws:sns:us-east-1:111111111111:team"]
    assert built.sharded_alarms.node.try_find_child("Dashboard") is None


def test_no_replica_no_replication_alarms_and_events_off(built: Built) -> None:
    lonely = {
        r["Properties"]["AlarmDescription"].split(" (")[0]
        for r in built.resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and "Lonely" in r["Properties"]["AlarmDescription"]
    }
    assert "Seconds the furthest replica trails its primary" not in lonely
    assert "NotificationTopicArn" not in built.resources[logical_id(built.no_replica.resource)]["Properties"]


def test_serverless_alarms_watch_throttling_and_the_usage_limits(built: Built) -> None:
    alarms = built.alarms(built.serverless_alarms)
    assert set(alarms) == {"Throttled", "AuthenticationFailures", "EcpuPerSecond", "DataStorage"}
    dimensions = [{"Name": "clusterId", "Value": {"Ref": logical_id(built.serverless.resource)}}]
    throttled = alarms["Throttled"]
    assert (throttled["MetricName"], throttled["Statistic"], throttled["Threshold"]) == ("ThrottledCmds", "Sum", 0)
    assert throttled["Dimensions"] == dimensions
    ecpu = alarms["EcpuPerSecond"]
    assert ecpu["Threshold"] == 45_000, "90 % of 50,000 ECPUs per second"
    expression, series = sorted(ecpu["Metrics"], key=lambda m: "Expression" not in m)
    assert expression["Expression"] == "ecpu / PERIOD(ecpu)"
    assert series["MetricStat"]["Metric"]["MetricName"] == "ElastiCacheProcessingUnits"
    assert (series["MetricStat"]["Stat"], series["MetricStat"]["Period"]) == ("Sum", 60)
    storage = alarms["DataStorage"]
    assert (storage["MetricName"], storage["Threshold"]) == ("BytesUsedForCache", 0.9 * 20 * 10**9)


def test_serverless_events_reach_the_alarm_topic_through_eventbridge(built: Built) -> None:
    (rule,) = [
        r["Properties"]
        for r in built.resources.values()
        if r["Type"] == "AWS::Events::Rule" and str(r["Properties"].get("Description")).endswith("Alarmed/Serverless")
    ]
    assert rule["EventPattern"]["source"] == ["aws.elasticache"]
    assert "SourceArn" in rule["EventPattern"]["detail"]
    assert rule["Targets"][0]["Arn"] == {"Ref": logical_id(built.serverless_alarms.topic)}
    assert built.serverless_alarms.events_topic is built.serverless_alarms.topic


def test_unbounded_serverless_memcached_has_no_capacity_or_auth_alarms(built: Built) -> None:
    assert set(built.alarms(built.unbounded_alarms)) == {"Throttled"}


def test_memcached_alarms_query_every_node_whatever_their_number(built: Built) -> None:
    alarms = built.alarms(built.memcached_alarms)
    assert set(alarms) == {"Cpu", "Swap", "Evictions", "Connections"}
    (query,) = alarms["Cpu"]["Metrics"]
    assert query["Expression"] == (
        'SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/ElastiCache", CacheClusterId, CacheNodeId) '
        "WHERE CacheClusterId = 'fragments'"
    )
    assert alarms["Cpu"]["Threshold"] == 80
    assert alarms["Evictions"]["Metrics"][0]["Expression"].startswith("SELECT SUM(Evictions)")


def test_combined_metrics_name_their_series(built: Built) -> None:
    """MAX(METRICS()) would take every other metric on the same graph or in the same alarm too."""
    assert isinstance(built.graph, cloudwatch.MathExpression)
    assert built.graph.expression == "MAX([m0, m1])"
    assert set(built.graph.using_metrics) == {"m0", "m1"}


def test_a_dashboard_shows_every_alarm(built: Built) -> None:
    dashboard = built.resources[logical_id(built.single_alarms.dashboard)]
    body = str(dashboard["Properties"]["DashboardBody"])
    assert body.count('"alarms"') == 9


def test_levels_take_one_minute_and_counts_five(built: Built) -> None:
    alarms = built.alarms(built.single_alarms)
    periods = {name: alarm["Metrics"][0]["Period"] for name, alarm in alarms.items()}
    assert periods == {name: 300 if name in ("Evictions", "AuthenticationFailures") else 60 for name in alarms}
    memcached = built.alarms(built.memcached_alarms)
    assert (memcached["Evictions"]["Metrics"][0]["Period"], memcached["Cpu"]["Metrics"][0]["Period"]) == (300, 60)


def test_generated_ids_are_budgeted_at_their_longest(built: Built) -> None:
    """A group without a fixed id: each member id is a token that deploys as at most 40 characters
    and a suffix, so 24 members (6 shards of 4 nodes) fit one query."""
    stack = cdk.Stack(new_app(), "Generated", env=cdk.Environment(account="111111111111", region="us-east-1"))
    group = ReplicationGroup(
        stack,
        "Group",
        vpc=isolated_vpc(stack),
        engine_version=EngineVersion.VALKEY_8_2,
        node_type="cache.r7g.large",
        shards=2,
        replicas=1,
    )
    group.auto_scale_shards(minimum=1, maximum=6)
    group.auto_scale_replicas(minimum=1, maximum=3)
    CacheAlarms(stack, "Alarms", cache=group, dashboard=False, event_notifications=False)
    resources = Template.from_stack(stack).to_json()["Resources"]
    cpu = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    cpu = [a for a in cpu if a["AlarmDescription"].startswith("Engine CPU")]
    assert len(cpu) == 1
    expression = cpu[0]["Metrics"][0]["Expression"]["Fn::Join"][1]
    assert sum(1 for part in expression if isinstance(part, dict)) == 24
    longest = sum(len(part) if isinstance(part, str) else TOKEN_LENGTH for part in expression)
    assert longest <= MAX_QUERY_LENGTH


def test_long_member_lists_split_into_queries_that_fit() -> None:
    ids = [f"orders-{s:04d}-{n:03d}" for s in range(1, 101) for n in range(1, 4)]
    queries = insights_queries("MAX", "EngineCPUUtilization", ids)
    assert len(queries) > 1
    assert all(len(q) <= MAX_QUERY_LENGTH for q in queries)
    assert sum(q.count("CacheClusterId = ") for q in queries) == 300


CASES = [
    Case(
        "EC271",
        "alarms",
        "thresholds.evictions",
        "a number of at least 0",
        -1,
        lambda s: {"thresholds": AlarmThresholds(evictions=-1)},
    ),
    Case("EC100", "alarms", "cache", "a cache of this library", "orders", lambda s: {"cache": any_value("orders")}),
    Case(
        "EC102",
        "alarms",
        "events_topic",
        "given only with event_notifications=True",
        "arn:aws:sns:us-east-1:111111111111:team",
        lambda s: {"event_notifications": False, "events_topic": s.topic},
        exact=False,
    ),
    Case(
        "EC100",
        "alarms",
        "topic",
        "an sns.ITopic",
        "arn:aws:sns:us-east-1:1:t",
        lambda s: {"topic": any_value("arn:aws:sns:us-east-1:1:t")},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule(built: Built, case: Case) -> None:
    props = {"cache": built.single, **case.overrides(built)}
    with pytest.raises(ElastiCacheValidationError) as raised:
        CacheAlarms(built.stack, f"Bad{CASES.index(case)}", **props)
    case.check(raised.value, f"Alarmed/Bad{CASES.index(case)}")
