"""What every cache kind offers, created here or imported: the ``ICache`` interface and the
``CacheBase`` class every kind derives from (as aws-cdk's ``DatabaseClusterBase`` and the alpha
``ServerlessCacheBase`` do).

A kind implements a handful of abstract members (identity, endpoints, metric dimensions); network
access, IAM grants and metrics then work the same for all kinds, created or imported.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import jsii
from aws_cdk import ArnFormat, Duration, Resource, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import rules
from constructs_lib.alarm_specs import COUNT_PERIOD, AlarmSpec, AlarmThresholds, Watch, member_queries, specs_from
from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue
from constructs_lib.facts.engines import Engine
from constructs_lib.validation import has_attributes

if TYPE_CHECKING:  # users.py builds on this module
    from constructs_lib.users import IUser

NAMESPACE = "AWS/ElastiCache"
C = TypeVar("C", bound=type)


def documented_signature(cls: C) -> C:
    """Make ``help(cls)`` and ``inspect.signature(cls)`` show ``cls.__init__``'s keyword arguments.

    jsii's metaclass defines ``__call__(cls, *args, **kwargs)``, which otherwise hides them
    (aws/jsii#1659).
    """
    init = inspect.signature(cls.__init__)  # type: ignore[misc]
    cls.__signature__ = init.replace(parameters=list(init.parameters.values())[1:])  # type: ignore[attr-defined]
    # Without its own docstring, help() would show the jsii base class's constructor arguments.
    cls.__init__.__doc__ = f"Create a {cls.__name__}; every keyword argument and its default is in the class docstring."  # type: ignore[misc]
    return cls


@dataclass(frozen=True)
class CacheEndpoint:
    """A host name and port clients connect to. The address is a token until deploy time; the port
    is the number the cache was configured with, so it has one type whether created or imported."""

    address: str
    port: int

    @property
    def socket_address(self) -> str:
        """``host:port``, for a client's configuration."""
        return f"{self.address}:{self.port}"


@runtime_checkable
class ICache(Protocol):
    """The interface shared by every cache kind, created or imported."""

    @property
    def cache_id(self) -> str:
        """The identifier ElastiCache knows the cache by (replication group id, cache name ...)."""
        ...

    @property
    def cache_arn(self) -> str: ...

    @property
    def engine(self) -> Engine | None:
        """The engine, when known (imports may leave it out)."""
        ...

    @property
    def endpoint(self) -> CacheEndpoint:
        """Where a client starts: the primary endpoint, or the configuration endpoint in cluster mode."""
        ...

    @property
    def reader_endpoint(self) -> CacheEndpoint | None:
        """Where reads may go, spread over replicas; ``None`` when the kind has none or it is unknown."""
        ...

    @property
    def connections(self) -> ec2.Connections: ...

    @property
    def auth_secret(self) -> secretsmanager.ISecret | None:
        """The secret clients read credentials from (the AUTH token, or the application user's password)."""
        ...

    def grant(self, grantee: iam.IGrantable, *actions: str) -> iam.Grant: ...

    def grant_connect(self, grantee: iam.IGrantable) -> iam.Grant: ...

    def grant_read_auth_secret(self, grantee: iam.IGrantable) -> iam.Grant: ...

    def metric(self, metric_name: str, **props: Any) -> cloudwatch.IMetric: ...


def _issue(scope: Construct, rule: rules.Rule, prop: str, allowed: str, given: object) -> ElastiCacheValidationError:
    return ElastiCacheValidationError([ValidationIssue(rule.code, scope.node.path, prop, allowed, given)])


AGGREGATES = ("MAX", "MIN", "SUM", "AVG")
"""Metric math functions that turn the per-node series into one."""


def _check_grantee(scope: Construct, grantee: object) -> None:
    if not has_attributes(grantee, "grant_principal"):
        raise _issue(
            scope,
            rules.TYPE,
            "grantee",
            "an iam.IGrantable (a role, a function, a task definition's role ...)",
            grantee,
        )


@jsii.implements(ec2.IConnectable)
class CacheBase(Resource):
    """The base of every cache kind: grants, network access and metrics on top of a few abstract
    members. Not instantiated directly; see ``ReplicationGroup`` and the other kinds."""

    # --- what a kind provides ---------------------------------------------------------------

    @property
    @abc.abstractmethod
    def cache_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def engine(self) -> Engine | None: ...

    @property
    @abc.abstractmethod
    def _arn_resource_type(self) -> str:
        """The ARN's resource type: ``replicationgroup``, ``serverlesscache``, ``cluster``."""

    @abc.abstractmethod
    def _metric_dimension_sets(self) -> list[dict[str, str]]:
        """One CloudWatch dimension map per time series that together cover the cache."""

    def _endpoint_or_none(self) -> CacheEndpoint | None:
        return None

    def _reader_endpoint_or_none(self) -> CacheEndpoint | None:
        return None

    def _connections_or_none(self) -> ec2.Connections | None:
        return None

    def _auth_secret_or_none(self) -> secretsmanager.ISecret | None:
        return None

    def _iam_user_arns(self) -> list[str]:
        """ARNs of the IAM-authenticated users this cache's user group holds."""
        return []

    def alarm_specs(self, thresholds: AlarmThresholds) -> list[AlarmSpec]:
        """The alarms AWS recommends for this kind of cache (``CacheAlarms`` creates them)."""
        return []

    events_through_eventbridge = False
    """Whether ElastiCache sends this kind's events to EventBridge (serverless) rather than to a
    topic named on the cache (node-based kinds)."""

    def send_events_to(self, topic: sns.ITopic) -> None:
        """Send ElastiCache's events about this cache to ``topic``, where the kind can.

        Node-based kinds name the topic in ``NotificationTopicArn``; ElastiCache cannot publish to
        an encrypted topic there (the topic shows as inactive), so an encrypted one is refused.
        Serverless caches send their events to EventBridge, which a rule forwards to any topic.
        """
        raise _issue(
            self,
            rules.EXCLUSIVE,
            "event_notifications",
            "False for this kind of cache, which has no NotificationTopicArn",
            True,
        )

    # --- shared behaviour -------------------------------------------------------------------

    @property
    def cache_arn(self) -> str:
        """Formatted with the cache's own region and account, which differ from the importing
        stack's for a cache imported from elsewhere (a Global Datastore member, another account)."""
        return Stack.of(self).format_arn(
            service="elasticache",
            resource=self._arn_resource_type,
            resource_name=self.cache_id,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
            region=self.env.region,
            account=self.env.account,
        )

    @property
    def endpoint(self) -> CacheEndpoint:
        endpoint = self._endpoint_or_none()
        if endpoint is None:
            raise _issue(self, rules.MISSING, "endpoint", "given when the cache is imported (endpoint_address)", None)
        return endpoint

    @property
    def reader_endpoint(self) -> CacheEndpoint | None:
        return self._reader_endpoint_or_none()

    @property
    def connections(self) -> ec2.Connections:
        """Network access: ``cache.connections.allow_default_port_from(app)``, or from the client's side
        ``app.connections.allow_to_default_port(cache)``."""
        connections = self._connections_or_none()
        if connections is None:
            raise _issue(
                self,
                rules.MISSING,
                "security_groups",
                "given when the cache is imported, to open network access to it",
                None,
            )
        return connections

    @property
    def auth_secret(self) -> secretsmanager.ISecret | None:
        return self._auth_secret_or_none()

    def grant(self, grantee: iam.IGrantable, *actions: str) -> iam.Grant:
        """Allow ``actions`` (``elasticache:...``) on this cache, through the grantee's own policy."""
        _check_grantee(self, grantee)
        wrong = [a for a in actions if not (isinstance(a, str) and a.startswith("elasticache:"))]
        if not actions or wrong:
            raise _issue(
                self,
                rules.TYPE,
                "actions",
                "one or more ElastiCache actions such as 'elasticache:DescribeReplicationGroups'",
                list(actions),
            )
        return iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=[self.cache_arn])

    def grant_connect(self, grantee: iam.IGrantable, *users: Any) -> iam.Grant:
        """Allow IAM authentication: ``elasticache:Connect`` on this cache and on its IAM-authenticated
        users (ElastiCache needs both), or only on ``users`` when given.

        Raises when there is no IAM-authenticated user to connect as.
        """
        _check_grantee(self, grantee)
        user_arns = [user.user_arn for user in users] if users else self._iam_user_arns()
        if not user_arns:
            raise _issue(
                self,
                rules.USER_AUTHENTICATION,
                "auth",
                "a user group with an IamUser (CacheAuth.user_group(...)) for grant_connect, or users given "
                "to grant_connect",
                "no IAM-authenticated user",
            )
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=["elasticache:Connect"], resource_arns=[self.cache_arn, *user_arns]
        )

    def grant_read_auth_secret(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow reading the credentials secret and decrypting it (only through Secrets Manager).

        Granted through the grantee's policy alone, never by editing the secret's or the key's
        resource policy, so a client in another stack adds no dependency back onto the cache's
        stack (which would be a cycle when the client also reads the endpoint).
        """
        _check_grantee(self, grantee)
        secret = self.auth_secret
        if secret is None:
            raise _issue(
                self,
                rules.MISSING,
                "auth",
                "credentials in Secrets Manager (a user group, generated_token or token_from_secret) to grant "
                "reading them",
                "no secret",
            )
        return grant_read_secret(secret, grantee)

    # --- metrics ----------------------------------------------------------------------------

    def metric(self, metric_name: str, **props: Any) -> cloudwatch.IMetric:
        """A metric of namespace ``AWS/ElastiCache`` covering the whole cache.

        For a kind whose metrics are per node (a replication group has no group-level dimension),
        the per-node series are combined with ``aggregate`` (``MAX`` by default; ``SUM`` for
        counts) into one series. ``props`` are ``cloudwatch.MetricOptions`` (``statistic``,
        ``period`` ...).
        """
        aggregate = props.pop("aggregate", "MAX")
        if aggregate not in AGGREGATES:
            raise _issue(self, rules.TYPE, "aggregate", "one of " + ", ".join(AGGREGATES), aggregate)
        dimension_sets = self._metric_dimension_sets()
        stack = Stack.of(self)
        elsewhere: dict[str, str] = {}
        # A cache imported from another region or account has its metrics there.
        if self.env.region != stack.region and not Token.is_unresolved(self.env.region):
            elsewhere["region"] = self.env.region
        if self.env.account != stack.account and not Token.is_unresolved(self.env.account):
            elsewhere["account"] = self.env.account
        metrics = [
            cloudwatch.Metric(
                namespace=NAMESPACE,
                metric_name=metric_name,
                dimensions_map=dimensions,
                **{"period": Duration.minutes(5), "statistic": "Average", **elsewhere, **props},
            )
            for dimensions in dimension_sets
        ]
        if len(metrics) == 1:
            return metrics[0]
        ids = [f"m{i}" for i in range(len(metrics))]
        # Named series, not METRICS(): on a graph or in an alarm with other metrics, METRICS() would
        # take theirs too.
        return cloudwatch.MathExpression(
            expression=f"{aggregate}([{', '.join(ids)}])",
            using_metrics=dict(zip(ids, metrics, strict=True)),
            label=f"{metric_name} ({aggregate.lower()} over {len(metrics)} nodes)",
            period=props.get("period", Duration.minutes(5)),
        )

    def metric_cache_hit_rate(self, **props: Any) -> cloudwatch.IMetric:
        """``CacheHitRate``: hits / (hits + misses), percent, averaged over the nodes."""
        return self.metric("CacheHitRate", **{"statistic": "Average", "aggregate": "AVG", **props})

    def metric_evictions(self, **props: Any) -> cloudwatch.IMetric:
        """``Evictions``: keys evicted for lack of memory, summed over the nodes."""
        return self.metric("Evictions", **{"statistic": "Sum", "aggregate": "SUM", **props})

    def metric_current_connections(self, **props: Any) -> cloudwatch.IMetric:
        """``CurrConnections``: client connections, summed over the nodes."""
        return self.metric("CurrConnections", **{"statistic": "Maximum", "aggregate": "SUM", **props})


class ImportedCacheMixin:
    """What every imported cache kind shares: its accessors return what the import was given.

    Put it first among the bases (``class _Imported(ImportedCacheMixin, SomeCacheBase)``) so that
    its accessors take the place of ``CacheBase``'s defaults; ``remember`` stores the values.
    """

    _endpoint: CacheEndpoint | None = None
    _reader: CacheEndpoint | None = None
    _connections: ec2.Connections | None = None
    _secret: secretsmanager.ISecret | None = None
    _iam_users: Sequence[IUser] = ()

    def remember(
        self,
        *,
        endpoint: CacheEndpoint | None = None,
        reader: CacheEndpoint | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        ports: ec2.Port | None = None,
        secret: secretsmanager.ISecret | None = None,
        iam_users: Sequence[IUser] = (),
    ) -> None:
        """Keep what the import was given; ``connections`` exists only with security groups and ports."""
        self._endpoint = endpoint
        self._reader = reader
        self._connections = (
            ec2.Connections(security_groups=list(security_groups), default_port=ports)
            if security_groups and ports is not None
            else None
        )
        self._secret = secret
        self._iam_users = list(iam_users)

    def _endpoint_or_none(self) -> CacheEndpoint | None:
        return self._endpoint

    def _reader_endpoint_or_none(self) -> CacheEndpoint | None:
        return self._reader

    def _connections_or_none(self) -> ec2.Connections | None:
        return self._connections

    def _auth_secret_or_none(self) -> secretsmanager.ISecret | None:
        return self._secret

    def _iam_user_arns(self) -> list[str]:
        return [user.user_arn for user in self._iam_users]


class NodeCacheBase(CacheBase):
    """A Valkey or Redis OSS cache made of nodes (a replication group), whose metrics are per node.
    (``MemcachedCluster`` derives from ``CacheBase``: Memcached publishes none of these metrics.)"""

    def _alarm_member_ids(self) -> list[str]:
        """The member clusters (``CacheClusterId``) the alarms cover. Default: the known members."""
        return [dimensions["CacheClusterId"] for dimensions in self._metric_dimension_sets()]

    def _fleet_metrics(
        self, metric_name: str, function: str, statistic: str, period: Duration
    ) -> list[cloudwatch.IMetric]:
        """Metrics Insights queries over the alarm members, for alarms: Metrics Insights aggregates
        the nodes' data points with ``function`` itself (``statistic`` is for metric math), and a
        query holds at most 2,048 characters, so a large group gets several."""
        del statistic
        return list(member_queries(function, metric_name, self._alarm_member_ids(), period))

    def alarm_specs(self, thresholds: AlarmThresholds) -> list[AlarmSpec]:
        """Engine CPU, memory for eviction, evictions, swap, connections, authentication failures,
        traffic management, and with replicas their lag and replication bytes."""
        t = thresholds
        watches = [
            Watch(
                "EngineCpu",
                "Engine CPU of the busiest node",
                "EngineCPUUtilization",
                "MAX",
                "Maximum",
                t.engine_cpu_percent,
            ),
            Watch(
                "MemoryForEviction",
                "Memory counted for eviction on the fullest node",
                "DatabaseMemoryUsageCountedForEvictPercentage",
                "MAX",
                "Maximum",
                t.memory_percent,
            ),
            Watch(
                "Evictions",
                "Keys evicted for lack of memory",
                "Evictions",
                "SUM",
                "Sum",
                t.evictions,
                period=COUNT_PERIOD,
            ),
            Watch("Swap", "Swap used by a node", "SwapUsage", "MAX", "Maximum", t.swap_bytes),
            Watch(
                "Connections",
                "Client connections of a node near the 65,000 limit",
                "CurrConnections",
                "MAX",
                "Maximum",
                t.connections_per_node,
            ),
            Watch(
                "AuthenticationFailures",
                "Failed AUTH attempts",
                "AuthenticationFailures",
                "SUM",
                "Sum",
                t.authentication_failures,
                periods=1,
                period=COUNT_PERIOD,
            ),
            Watch(
                "Throttled",
                "ElastiCache throttles commands (traffic management active)",
                "TrafficManagementActive",
                "MAX",
                "Maximum",
                0,
                periods=1,
            ),
        ]
        if self._has_replicas():
            watches += [
                Watch(
                    "ReplicationLag",
                    "Seconds the furthest replica trails its primary",
                    "ReplicationLag",
                    "MAX",
                    "Maximum",
                    t.replication_lag_seconds,
                ),
                Watch(
                    "ReplicationBytes",
                    "Bytes a primary sends its replicas per period",
                    "ReplicationBytes",
                    "MAX",
                    "Maximum",
                    t.replication_bytes,
                ),
            ]
        return specs_from(watches, self._fleet_metrics)

    def _has_replicas(self) -> bool:
        return True

    def metric_engine_cpu_utilization(self, **props: Any) -> cloudwatch.IMetric:
        """``EngineCPUUtilization``: the engine thread's CPU, percent; the busiest node."""
        return self.metric("EngineCPUUtilization", **{"statistic": "Maximum", "aggregate": "MAX", **props})

    def metric_memory_used_for_eviction(self, **props: Any) -> cloudwatch.IMetric:
        """``DatabaseMemoryUsageCountedForEvictPercentage``: memory counted towards eviction, percent of
        ``maxmemory``; the fullest node."""
        return self.metric(
            "DatabaseMemoryUsageCountedForEvictPercentage", **{"statistic": "Maximum", "aggregate": "MAX", **props}
        )

    def metric_replication_lag(self, **props: Any) -> cloudwatch.IMetric:
        """``ReplicationLag``: seconds a replica is behind its primary; the furthest replica (primaries
        report no value)."""
        return self.metric("ReplicationLag", **{"statistic": "Maximum", "aggregate": "MAX", **props})


def notification_topic_arn(cache: CacheBase, topic: sns.ITopic) -> str:
    """``topic``'s ARN for ``NotificationTopicArn``, refusing a topic known to be encrypted: ElastiCache
    cannot publish to one; it attaches, shows as inactive and drops every event [EC:ElastiCacheSNS]."""
    key = getattr(topic, "master_key", None)
    if key is not None:
        raise _issue(
            cache,
            rules.EVENT_TOPIC,
            "event topic",
            "an SNS topic without server-side encryption (ElastiCache cannot publish events to an encrypted one)",
            topic,
        )
    return topic.topic_arn


def grant_read_secret(secret: secretsmanager.ISecret, grantee: iam.IGrantable) -> iam.Grant:
    """Read access to ``secret`` and, if it has one, decryption with its key through Secrets Manager,
    granted on the grantee's policy only (no resource-policy edits, so no cross-stack cycle)."""
    arn = secret.secret_full_arn or f"{secret.secret_arn}-??????"
    grant = iam.Grant.add_to_principal(
        grantee=grantee,
        actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resource_arns=[arn],
    )
    if secret.encryption_key is not None:
        stack = Stack.of(secret)
        grant = grant.combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["kms:Decrypt"],
                resource_arns=[secret.encryption_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}"}},
            )
        )
    return grant
