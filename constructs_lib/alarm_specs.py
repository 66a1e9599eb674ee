"""What an alarm watches and when it raises, shared by the cache kinds and ``CacheAlarms``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

MAX_CLIENTS_PER_NODE = 65_000
"""ElastiCache's ``maxclients`` for Valkey and Redis OSS nodes (not modifiable)."""


@dataclass(frozen=True)
class AlarmThresholds:
    """Thresholds of ``CacheAlarms``; every one can be overridden.

    :param engine_cpu_percent: ``EngineCPUUtilization`` of the busiest node. Default: 90.
    :param memory_percent: ``DatabaseMemoryUsageCountedForEvictPercentage`` of the fullest node. Default: 90.
    :param evictions: ``Evictions`` over all nodes per 5 minutes (application-specific). Default: 1000.
    :param swap_bytes: ``SwapUsage`` of a node. Default: 50 MB, as AWS recommends.
    :param connections_per_node: ``CurrConnections`` of a node. Default: 80 % of the 65,000 limit.
    :param replication_lag_seconds: ``ReplicationLag`` of the furthest replica. Default: 30.
    :param replication_bytes: ``ReplicationBytes`` a primary sends per minute. Default: 1 GiB.
    :param authentication_failures: failed ``AUTH`` attempts per 5 minutes. Default: 10.
    :param capacity_percent: serverless ECPU and storage as a share of their usage limits. Default: 90.
    :param throttled_commands: serverless ``ThrottledCmds`` per 5 minutes. Default: 0 (any).
    :param cpu_percent: Memcached ``CPUUtilization`` of the busiest node (Memcached is multi-threaded,
        so the host's CPU is what counts). Default: 90, as AWS recommends.
    """

    engine_cpu_percent: float = 90
    memory_percent: float = 90
    evictions: float = 1000
    swap_bytes: float = 50 * 1024 * 1024
    connections_per_node: float = MAX_CLIENTS_PER_NODE * 0.8
    replication_lag_seconds: float = 30
    replication_bytes: float = 1024**3
    authentication_failures: float = 10
    capacity_percent: float = 90
    throttled_commands: float = 0
    cpu_percent: float = 90


@dataclass(frozen=True)
class AlarmSpec:
    """One recommended alarm: what to watch and when to raise it."""

    id: str
    description: str
    metric: cloudwatch.IMetric
    threshold: float
    comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
    periods: int = 3


LEVEL_PERIOD = Duration.minutes(1)
"""The period of alarms on levels (CPU, memory, connections, lag)."""
COUNT_PERIOD = Duration.minutes(5)
"""The window of the count thresholds (``evictions``, ``authentication_failures``)."""


@dataclass(frozen=True)
class Watch:
    """A recommended alarm before its metric is built: the kind of cache decides how its nodes'
    series are combined (``function``: a Metrics Insights or metric math aggregate).

    ``period``: one minute for levels (CPU, memory, connections, lag), as CloudWatch's recommended
    alarms for ElastiCache use; counts (evictions, failed AUTHs) are summed over the five minutes
    their thresholds are stated for.
    """

    id: str
    description: str
    metric_name: str
    function: str
    statistic: str
    threshold: float
    periods: int = 3
    period: Duration = LEVEL_PERIOD


Fleet = Callable[[str, str, str, Duration], list[cloudwatch.IMetric]]
"""(metric name, aggregate, statistic, period) -> series that together cover every node."""


def specs_from(watches: list[Watch], fleet: Fleet) -> list[AlarmSpec]:
    """One alarm per watch and series ``fleet`` returns for it (numbered when a query had to be split)."""
    specs = []
    for watch in watches:
        metrics = fleet(watch.metric_name, watch.function, watch.statistic, watch.period)
        for n, metric in enumerate(metrics, start=1):
            suffix = f"{n}" if len(metrics) > 1 else ""
            specs.append(
                AlarmSpec(f"{watch.id}{suffix}", watch.description, metric, watch.threshold, periods=watch.periods)
            )
    return specs


def node_query(function: str, metric_name: str, cluster_id: str, period: Duration) -> cloudwatch.MathExpression:
    """A Metrics Insights query over every node of one cache cluster (``CacheClusterId`` and
    ``CacheNodeId``), however many nodes it has now or later."""
    return cloudwatch.MathExpression(
        expression=(
            f'SELECT {function}({metric_name}) FROM SCHEMA("AWS/ElastiCache", CacheClusterId, CacheNodeId) '
            f"WHERE CacheClusterId = '{cluster_id}'"
        ),
        using_metrics={},
        label=f"{metric_name} ({function.lower()} over the cluster's nodes)",
        period=period,
    )


def member_queries(
    function: str, metric_name: str, cluster_ids: list[str], period: Duration
) -> list[cloudwatch.MathExpression]:
    """Metrics Insights queries over the given member clusters of a replication group."""
    return [
        cloudwatch.MathExpression(
            expression=query,
            using_metrics={},
            label=f"{metric_name} ({function.lower()} over the group's nodes)",
            period=period,
        )
        for query in insights_queries(function, metric_name, cluster_ids)
    ]


MAX_QUERY_LENGTH = 2048
"""A Metrics Insights query (``MetricDataQuery.Expression``) holds at most 2,048 characters [API]."""
TOKEN_LENGTH = 40
"""What a deploy-time id (a replication group id, at most 40 characters) becomes in a query."""
_TOKEN = re.compile(r"\$\{Token\[[^\]]*\]\}")


def deployed_length(text: str) -> int:
    """The most characters ``text`` can have once deployed: each token as its longest value."""
    return len(_TOKEN.sub("x" * TOKEN_LENGTH, text))


def insights_queries(function: str, metric_name: str, cluster_ids: list[str]) -> list[str]:
    """Metrics Insights queries over the given member clusters, as few as fit the length limit."""
    head = f'SELECT {function}({metric_name}) FROM SCHEMA("AWS/ElastiCache", CacheClusterId) WHERE '
    queries: list[list[str]] = [[]]
    length = len(head)
    for cluster in cluster_ids:
        term = f"CacheClusterId = '{cluster}'"
        size = deployed_length(term) + len(" OR ")
        if queries[-1] and length + size > MAX_QUERY_LENGTH:
            queries.append([])
            length = len(head)
        queries[-1].append(term)
        length += size
    return [head + " OR ".join(terms) for terms in queries]
