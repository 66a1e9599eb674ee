"""CacheAlarms: recommended alarms covering every node, a dashboard, events, one encrypted topic."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from constructs_lib import ElastiCacheValidationError, EngineVersion, ReplicationGroup
from constructs_lib.alarm_specs import MAX_QUERY_LENGTH, AlarmThresholds, insights_queries
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


def test_actions_go_to_an_encrypted_topic(built: Built) -> None:
    topic = built.single_alarms.topic
    topic_ref = {"Ref": logical_id(topic)}
    for alarm in built.alarms(built.single_alarms).values():
        assert alarm["AlarmActions"] == [topic_ref]
        assert alarm["OKActions"] == [topic_ref]
    props = built.resources[logical_id(topic)]["Properties"]
    key_id = props["KmsMasterKeyId"]["Fn::GetAtt"][0]
    statements = built.resources[key_id]["Properties"]["KeyPolicy"]["Statement"]
    services = [s["Principal"].get("Service") for s in statements if "Service" in s.get("Principal", {})]
    assert ["cloudwatch.amazonaws.com", "elasticache.amazonaws.com"] in services
    assert built.resources[logical_id(built.single.resource)]["Properties"]["NotificationTopicArn"] == topic_ref


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


def test_a_dashboard_shows_every_alarm(built: Built) -> None:
    dashboard = built.resources[logical_id(built.single_alarms.dashboard)]
    body = str(dashboard["Properties"]["DashboardBody"])
    assert body.count('"alarms"') == 9


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
