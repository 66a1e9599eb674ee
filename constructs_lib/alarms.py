"""The alarms AWS recommends for a cache, a dashboard, and ElastiCache's event notifications
[archived CacheMetrics.WhichShouldIMonitor.md][EC:CacheMetrics.Redis].

Alarms go to an encrypted SNS topic. ElastiCache's events about node-based caches go to a second
topic without server-side encryption, because ElastiCache cannot publish to an encrypted topic (it
shows as inactive and drops the events) and its topic policy must name ``aws:SourceOwner``
[EC:ElastiCacheSNS]; serverless caches send their events to EventBridge, whose rule forwards them
to the encrypted topic.

Each kind of cache says which alarms apply to it (``CacheBase.alarm_specs``). A replication group
has no group-level metric dimension, so its alarms are CloudWatch Metrics Insights queries over the
``CacheClusterId`` of every node the group can have: its members, and for a group that scales,
every member id the scaler can add up to its maximum (ElastiCache numbers shards ``0001``... and
nodes ``001``... so the ids are known in advance). A node that does not exist sends no data and
does not count; a node the scaler adds is covered from its first data point.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import rules
from constructs_lib.alarm_specs import AlarmThresholds
from constructs_lib.base import CacheBase, documented_signature
from constructs_lib.nag import UNENCRYPTED_TOPIC_RULES, acknowledge
from constructs_lib.validation import Issues


@documented_signature
class CacheAlarms(Construct):
    """Recommended alarms, a dashboard and event notifications for one cache.

    :param cache: any cache kind of this library.
    :param topic: where alarm and OK notifications go. Default: a new topic encrypted with a new
        customer-managed key that CloudWatch and EventBridge may use, with TLS required.
    :param thresholds: Default: ``AlarmThresholds()``.
    :param dashboard: a CloudWatch dashboard of the alarms' metrics. Default: True.
    :param event_notifications: send ElastiCache's events (failover, node replacement, snapshot
        failures ...) to ``events_topic``. Default: True.
    :param events_topic: where the events go. For a node-based cache (``NotificationTopicArn``) it
        must not be encrypted (refused with EC273 when it is known to be). Default: for node-based
        caches, a new topic without server-side encryption (events carry names and what happened,
        no cached data), TLS required, published to only by ElastiCache for this account
        (``aws:SourceOwner``); for serverless caches, ``topic`` (through an EventBridge rule).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cache: CacheBase,
        topic: sns.ITopic | None = None,
        thresholds: AlarmThresholds | None = None,
        dashboard: bool = True,
        event_notifications: bool = True,
        events_topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        issues.instance("cache", cache, CacheBase, "a cache of this library (ReplicationGroup, ...)", optional=False)
        issues.interface("topic", topic, "an sns.ITopic", "topic_arn")
        issues.interface("events_topic", events_topic, "an sns.ITopic", "topic_arn")
        issues.instance("thresholds", thresholds, AlarmThresholds, "an AlarmThresholds")
        issues.switch("dashboard", dashboard, optional=False)
        issues.switch("event_notifications", event_notifications, optional=False)
        issues.require(
            rules.EXCLUSIVE,
            events_topic is None or event_notifications is True,
            "events_topic",
            "given only with event_notifications=True",
            events_topic,
        )
        issues.raise_if_any()
        thresholds = thresholds or AlarmThresholds()
        for name, value in vars(thresholds).items():
            issues.require(
                rules.ALARM_THRESHOLD,
                isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0,
                f"thresholds.{name}",
                "a number of at least 0",
                value,
            )
        issues.raise_if_any()

        self.topic = topic or _encrypted_topic(self)
        self.alarms: list[cloudwatch.Alarm] = []
        titles: list[str] = []  # the alarms' ids, kept here: reading alarm.node.id asks jsii twice
        action = actions.SnsAction(self.topic)
        for spec in cache.alarm_specs(thresholds):
            alarm = cloudwatch.Alarm(
                self,
                spec.id,
                metric=spec.metric,
                threshold=spec.threshold,
                comparison_operator=spec.comparison,
                evaluation_periods=spec.periods,
                datapoints_to_alarm=spec.periods,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=f"{spec.description} ({cache.node.path})",
            )
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
            self.alarms.append(alarm)
            titles.append(spec.id)
        if dashboard:
            self.dashboard = cloudwatch.Dashboard(
                self,
                "Dashboard",
                widgets=[
                    [
                        cloudwatch.AlarmWidget(alarm=alarm, title=title, width=8, height=6)
                        for alarm, title in zip(self.alarms[i : i + 3], titles[i : i + 3], strict=True)
                    ]
                    for i in range(0, len(self.alarms), 3)
                ],
            )
        self.events_topic: sns.ITopic | None = None
        if event_notifications:
            if events_topic is None:
                events_topic = self.topic if cache.events_through_eventbridge else _events_topic(self)
            cache.send_events_to(events_topic)
            self.events_topic = events_topic


def _encrypted_topic(scope: Construct) -> sns.Topic:
    key = kms.Key(
        scope, "TopicKey", description=f"Encrypts the alarm topic {scope.node.path}", enable_key_rotation=True
    )
    # CloudWatch alarms and EventBridge rules can publish to an encrypted topic only if the key lets them.
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com"), iam.ServicePrincipal("events.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
        )
    )
    return sns.Topic(scope, "Topic", master_key=key, enforce_ssl=True)


def _events_topic(scope: Construct) -> sns.Topic:
    topic = sns.Topic(scope, "EventsTopic", enforce_ssl=True)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("elasticache.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            # ElastiCache cannot publish under aws:SourceAccount, only under aws:SourceOwner [EC:ElastiCacheSNS].
            conditions={"StringEquals": {"aws:SourceOwner": Stack.of(scope).account}},
        )
    )
    acknowledge(
        topic,
        "ElastiCache cannot publish event notifications to an encrypted SNS topic (the topic shows as "
        "inactive and events are dropped, per the ElastiCache guide's 'Event Notifications and Amazon "
        "SNS'). The topic carries event names and cache ids, no cached data; TLS is required and only "
        "ElastiCache for this account may publish. Alarms go to a separate, encrypted topic.",
        *UNENCRYPTED_TOPIC_RULES,
    )
    return topic
