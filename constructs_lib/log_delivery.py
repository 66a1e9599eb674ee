"""Slow-log and engine-log delivery of a Valkey / Redis OSS replication group [EC:Log_Delivery][S].

By default both logs go, as JSON, to CloudWatch log groups the construct creates, encrypted with
the cache's KMS key (whose policy then admits the regional CloudWatch Logs service for this
account's log groups) and kept for a year. Kinesis Data Firehose is the alternative destination.
CloudWatch Logs' vended-log charges apply to either. Serverless caches and node-based Memcached have
no log delivery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from aws_cdk import Annotations, ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib import rules
from constructs_lib.facts.engines import ENGINE_LOG, SLOW_LOG, EngineVersion, Feature
from constructs_lib.validation import Issues, is_token

_FIREHOSE_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,64}")
"""[API:firehose CreateDeliveryStream] DeliveryStreamName."""


class LogType(Enum):
    """``LogType`` [S]."""

    SLOW_LOG = "slow-log"
    ENGINE_LOG = "engine-log"

    @property
    def feature(self) -> Feature:
        return SLOW_LOG if self is LogType.SLOW_LOG else ENGINE_LOG


class LogFormat(Enum):
    """``LogFormat`` [S]."""

    JSON = "json"
    TEXT = "text"


@dataclass(frozen=True)
class LogDestination:
    """Where a log goes; build one with the static methods."""

    kind: str
    retention: object = logs.RetentionDays.ONE_YEAR
    log_group: object = None
    delivery_stream_name: object = None

    @staticmethod
    def new_log_group(*, retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR) -> LogDestination:
        """A CloudWatch log group created with the cache, encrypted with its key (the default).

        :param retention: Default: one year.
        """
        return LogDestination("new", retention=retention)

    @staticmethod
    def existing_log_group(log_group: logs.ILogGroup) -> LogDestination:
        """A CloudWatch log group of yours (``logs.LogGroup.from_log_group_name`` for one elsewhere)."""
        return LogDestination("existing", log_group=log_group)

    @staticmethod
    def firehose(delivery_stream_name: str) -> LogDestination:
        """A Kinesis Data Firehose delivery stream, by name."""
        return LogDestination("firehose", delivery_stream_name=delivery_stream_name)


@dataclass(frozen=True)
class LogDelivery:
    """One log of the cache and where it goes.

    :param log_type: ``LogType.SLOW_LOG`` or ``LogType.ENGINE_LOG``.
    :param destination: Default: a new CloudWatch log group kept for a year.
    :param log_format: Default: ``LogFormat.JSON``.
    """

    log_type: LogType
    destination: LogDestination = field(default_factory=LogDestination.new_log_group)
    log_format: LogFormat = LogFormat.JSON


def default_log_delivery(version: EngineVersion) -> list[LogDelivery]:
    """Every log the engine version can deliver, as JSON to new log groups."""
    return [LogDelivery(log_type) for log_type in LogType if version.supports(log_type.feature)]


def check_log_delivery(issues: Issues, value: object, version: EngineVersion | None) -> None:
    if value is None:
        return
    if not issues.require(
        rules.TYPE,
        isinstance(value, (list, tuple)) and all(isinstance(item, LogDelivery) for item in value),
        "log_delivery",
        "a list of LogDelivery (one per log type), or [] for no log delivery",
        value,
    ):
        return
    assert isinstance(value, (list, tuple))
    seen: list[object] = []
    for index, item in enumerate(value):
        prop = f"log_delivery[{index}]"
        if not issues.enum(f"{prop}.log_type", item.log_type, LogType):
            continue
        issues.require(
            rules.LOG_DELIVERY,
            item.log_type not in seen,
            f"{prop}.log_type",
            "a log type not delivered twice (at most one entry per type)",
            item.log_type,
        )
        seen.append(item.log_type)
        issues.enum(f"{prop}.log_format", item.log_format, LogFormat)
        if version is not None:
            feature = item.log_type.feature
            issues.require(
                rules.ENGINE_FEATURE,
                version.supports(feature),
                f"{prop}.log_type",
                f"a log {version.label} delivers ({feature.title} needs {feature.requirement()})",
                item.log_type,
            )
        _check_destination(issues, f"{prop}.destination", item.destination)


def _check_destination(issues: Issues, prop: str, destination: object) -> None:
    if not issues.require(
        rules.TYPE,
        isinstance(destination, LogDestination),
        prop,
        "a LogDestination (new_log_group, existing_log_group or firehose)",
        destination,
    ):
        return
    assert isinstance(destination, LogDestination)
    if destination.kind == "new":
        issues.enum(f"{prop}.retention", destination.retention, logs.RetentionDays)
    elif destination.kind == "existing":
        issues.interface(
            f"{prop}.log_group", destination.log_group, "a logs.ILogGroup", "log_group_name", optional=False
        )
    else:
        name = destination.delivery_stream_name
        if issues.text(f"{prop}.delivery_stream_name", name, optional=False) and not is_token(name):
            issues.require(
                rules.LOG_DELIVERY,
                bool(_FIREHOSE_NAME.fullmatch(str(name))),
                f"{prop}.delivery_stream_name",
                "a Firehose delivery stream name: 1-64 letters, digits, _ . or -",
                name,
            )


def render_log_delivery(
    scope: Construct,
    deliveries: list[LogDelivery],
    *,
    encryption_key: kms.IKey | None,
    removal_policy: RemovalPolicy,
) -> list[elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty]:
    """The log groups to create and the ``LogDeliveryConfigurations`` to write."""
    if any(d.destination.kind == "new" for d in deliveries):
        admit_cloudwatch_logs(scope, encryption_key)
    configurations = []
    for delivery in deliveries:
        destination = delivery.destination
        if destination.kind == "firehose":
            details = elasticache.CfnReplicationGroup.DestinationDetailsProperty(
                kinesis_firehose_details=elasticache.CfnReplicationGroup.KinesisFirehoseDestinationDetailsProperty(
                    delivery_stream=str(destination.delivery_stream_name)
                )
            )
            kind = "kinesis-firehose"
        else:
            if destination.kind == "new":
                group: logs.ILogGroup = logs.LogGroup(
                    scope,
                    "SlowLog" if delivery.log_type is LogType.SLOW_LOG else "EngineLog",
                    encryption_key=encryption_key,
                    retention=destination.retention,  # type: ignore[arg-type]
                    removal_policy=removal_policy,
                )
            else:
                group = destination.log_group  # type: ignore[assignment]
            details = elasticache.CfnReplicationGroup.DestinationDetailsProperty(
                cloud_watch_logs_details=elasticache.CfnReplicationGroup.CloudWatchLogsDestinationDetailsProperty(
                    log_group=group.log_group_name
                )
            )
            kind = "cloudwatch-logs"
        configurations.append(
            elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty(
                destination_details=details,
                destination_type=kind,
                log_format=delivery.log_format.value,
                log_type=delivery.log_type.value,
            )
        )
    return configurations


def admit_cloudwatch_logs(scope: Construct, key: kms.IKey | None) -> None:
    """Let CloudWatch Logs use ``key`` for the log groups created under ``scope``: a statement in the
    key's policy when the key is created in this app (identical statements are written once), a
    warning at synth when it is imported, since its policy cannot be changed here and CloudFormation
    cannot create the log groups without one."""
    if isinstance(key, kms.Key):
        allow_cloudwatch_logs(key)
    elif key is not None:
        region = Stack.of(scope).region
        service = "logs.<region>.amazonaws.com" if is_token(region) else f"logs.{region}.amazonaws.com"
        Annotations.of(scope).add_warning_v2(
            "elasticache-cdk-kit:imported-key-for-logs",
            f"The log groups of {scope.node.path} are encrypted with an imported KMS key: its key policy "
            f"must let {service} use it (kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, "
            "kms:Describe*), which this app cannot add; without that, CloudFormation cannot create them.",
        )


def allow_cloudwatch_logs(key: kms.Key) -> None:
    """Let CloudWatch Logs of this region use ``key`` for this account's log groups only."""
    stack = Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )
