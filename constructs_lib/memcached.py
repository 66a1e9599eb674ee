"""A node-based Memcached cluster (``AWS::ElastiCache::CacheCluster``): simple, ephemeral caching
spread over nodes and zones, with TLS where the version has it.

Memcached keeps everything in memory and nothing else: no replicas, no snapshots or backups, no
AUTH or RBAC, no at-rest encryption, no log delivery. A node that fails comes back empty, and so
does the whole cache after a deletion; clients spread keys over the nodes themselves (consistent
hashing) and find the nodes through the configuration endpoint (auto discovery). What protects it
is the network (private subnets, a security group opened per client) and TLS.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import rules
from constructs_lib.alarm_specs import COUNT_PERIOD, AlarmSpec, AlarmThresholds, Watch, node_query, specs_from
from constructs_lib.backups import DEFAULT_MAINTENANCE_WINDOW, check_windows
from constructs_lib.base import (
    NAMESPACE,
    CacheBase,
    CacheEndpoint,
    ImportedCacheMixin,
    documented_signature,
    notification_topic_arn,
)
from constructs_lib.encryption import TransitEncryption
from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue
from constructs_lib.facts.engines import TLS_NODE_BASED, Engine, EngineVersion, format_version
from constructs_lib.facts.limits import DEFAULT_PORTS, MAX_MEMCACHED_NODES, MIN_CROSS_AZ_MEMCACHED_NODES
from constructs_lib.facts.names import AWS_ACCOUNT, AWS_REGION, CACHE_CLUSTER_ID, SUBNET_GROUP_NAME
from constructs_lib.network import (
    CacheConnections,
    CacheSubnetGroup,
    check_network_inputs,
    distinct_availability_zones,
    security_groups_or_closed,
    select_private_subnets,
)
from constructs_lib.nodes import check_node_type
from constructs_lib.parameter_group import IParameterGroup, ParameterGroup, check_parameters
from constructs_lib.removal import FamilyRemoval
from constructs_lib.validation import Issues, is_token

MEMCACHED_PORT = DEFAULT_PORTS["memcached"]
_NODE_ID = re.compile(r"\d{4}")
"""ElastiCache numbers a cluster's nodes ``0001``, ``0002`` ... (the ``CacheNodeId`` dimension)."""
_TLS_SINCE = format_version(TLS_NODE_BASED.minimum(Engine.MEMCACHED) or ())


class AzMode(Enum):
    """``AZMode``: whether a Memcached cluster's nodes share one availability zone or spread over
    the subnet group's zones. A zone outage takes its nodes' share of the keys with it, so spreading
    keeps most of the cache warm."""

    SINGLE_AZ = "single-az"
    CROSS_AZ = "cross-az"


class MemcachedClusterBase(CacheBase):
    """What a Memcached cluster offers, created or imported: the shared ``CacheBase`` with
    Memcached's own metrics.

    It derives from ``CacheBase``, not ``NodeCacheBase``: the latter's canned metrics
    (``EngineCPUUtilization``, ``DatabaseMemoryUsageCountedForEvictPercentage``, ``ReplicationLag``)
    are Valkey and Redis OSS metrics that Memcached never publishes [EC:CacheMetrics.Memcached], and
    a method whose graph always stays empty is worse than none. Metrics are published per node
    (``CacheClusterId`` and ``CacheNodeId``), so a cluster-wide metric combines one series per node
    with metric math. CloudWatch alarms on metric math take at most ten metrics: for larger clusters,
    alarm on ``node_metric`` per node.
    """

    @property
    def engine(self) -> Engine:
        return Engine.MEMCACHED

    @property
    def _arn_resource_type(self) -> str:
        return "cluster"

    @property
    @abc.abstractmethod
    def _metric_cluster_id(self) -> str:
        """The ``CacheClusterId`` dimension: the id as ElastiCache stores it (lower case)."""

    @abc.abstractmethod
    def _node_ids_or_none(self) -> list[str] | None: ...

    def _known_node_ids(self) -> list[str]:
        nodes = self._node_ids_or_none()
        if not nodes:
            raise _issue(
                self,
                rules.MISSING,
                "node_ids",
                "given when the cluster is imported, for metrics (Memcached publishes its metrics per node)",
                nodes,
            )
        return nodes

    def _metric_dimension_sets(self) -> list[dict[str, str]]:
        return [{"CacheClusterId": self._metric_cluster_id, "CacheNodeId": node} for node in self._known_node_ids()]

    def node_metric(self, metric_name: str, node_id: str, **props: Any) -> cloudwatch.Metric:
        """One node's metric of namespace ``AWS/ElastiCache``, for example ``node_metric("Evictions", "0002")``.

        :param node_id: the node's id, ``"0001"`` upward.
        :param props: ``cloudwatch.MetricOptions``. Default: average over 5 minutes.
        """
        issues = Issues(self.node.path)
        issues.require(
            rules.TYPE,
            isinstance(node_id, str) and bool(_NODE_ID.fullmatch(node_id)),
            "node_id",
            "a cache node id of four digits, such as '0001'",
            node_id,
        )
        issues.raise_if_any()
        return cloudwatch.Metric(
            namespace=NAMESPACE,
            metric_name=metric_name,
            dimensions_map={"CacheClusterId": self._metric_cluster_id, "CacheNodeId": node_id},
            **{"period": Duration.minutes(5), "statistic": "Average", **props},
        )

    def metric_cache_hit_rate(self, **props: Any) -> cloudwatch.IMetric:
        """Percent of ``get`` requests that found their key over every node:
        100 x ``GetHits`` / (``GetHits`` + ``GetMisses``). Memcached publishes no ``CacheHitRate``."""
        using: dict[str, cloudwatch.IMetric] = {}
        for i, node in enumerate(self._known_node_ids()):
            using[f"hits{i}"] = self.node_metric("GetHits", node, **{**props, "statistic": "Sum"})
            using[f"misses{i}"] = self.node_metric("GetMisses", node, **{**props, "statistic": "Sum"})
        hits = " + ".join(name for name in using if name.startswith("hits"))
        misses = " + ".join(name for name in using if name.startswith("misses"))
        return cloudwatch.MathExpression(
            expression=f"100 * ({hits}) / ({hits} + {misses})",
            using_metrics=using,
            label="Cache hit rate (%)",
            period=props.get("period", Duration.minutes(5)),
        )

    def metric_cpu_utilization(self, **props: Any) -> cloudwatch.IMetric:
        """``CPUUtilization`` of the busiest node, percent. Memcached is multi-threaded, so AWS's
        guidance is to act above 90 % (scale up, or add nodes)."""
        return self.metric("CPUUtilization", **{"statistic": "Maximum", "aggregate": "MAX", **props})

    def metric_swap_usage(self, **props: Any) -> cloudwatch.IMetric:
        """``SwapUsage`` of the node swapping most, bytes. AWS's guidance: it should stay under 50 MB
        (raise ``memcached_connections_overhead`` otherwise)."""
        return self.metric("SwapUsage", **{"statistic": "Maximum", "aggregate": "MAX", **props})

    def alarm_specs(self, thresholds: AlarmThresholds) -> list[AlarmSpec]:
        """CPU, swap, evictions and connections, as AWS recommends for Memcached
        [EC:CacheMetrics.WhichShouldIMonitor]. Each is a Metrics Insights query over every node of
        the cluster, so nodes added later are covered and the ten-metric limit of metric math
        alarms does not apply."""
        t = thresholds
        watches = [
            Watch("Cpu", "CPU of the busiest Memcached node", "CPUUtilization", "MAX", "Maximum", t.cpu_percent),
            Watch("Swap", "Swap used by a node", "SwapUsage", "MAX", "Maximum", t.swap_bytes),
            Watch(
                "Evictions",
                "Items evicted for lack of memory",
                "Evictions",
                "SUM",
                "Sum",
                t.evictions,
                period=COUNT_PERIOD,
            ),
            Watch(
                "Connections",
                "Client connections of a node near its 65,000 limit",
                "CurrConnections",
                "MAX",
                "Maximum",
                t.connections_per_node,
            ),
        ]
        cluster = self._metric_cluster_id
        return specs_from(watches, lambda name, function, _, period: [node_query(function, name, cluster, period)])

    def grant_connect(self, grantee: iam.IGrantable, *users: Any) -> iam.Grant:
        """Refused: Memcached has no IAM authentication (``elasticache:Connect``)."""
        raise _issue(
            self,
            rules.ENGINE_FEATURE,
            "grant_connect",
            "called on a Valkey or Redis OSS cache only (Memcached has no IAM authentication: "
            "open the security group with connections instead)",
            Engine.MEMCACHED,
        )

    def grant_read_auth_secret(self, grantee: iam.IGrantable) -> iam.Grant:
        """Refused: Memcached has no AUTH token or users, so there is no secret to read."""
        raise _issue(
            self,
            rules.ENGINE_FEATURE,
            "grant_read_auth_secret",
            "called on a Valkey or Redis OSS cache only (Memcached has no AUTH token or users, "
            "so there is no secret to read)",
            Engine.MEMCACHED,
        )


@documented_signature
class MemcachedCluster(MemcachedClusterBase):
    """An ``AWS::ElastiCache::CacheCluster`` running Memcached, with its subnet group, security group
    and parameter group: nodes spread over zones, TLS where the version has it.

    Snapshot-free by nature: node-based Memcached has no snapshots, backups or replicas, so there
    is no snapshot window, retention or final snapshot, and a deleted or replaced cluster starts
    empty. ``RemovalPolicy.SNAPSHOT`` is refused rather than passed on as a ``Snapshot`` deletion
    policy that could not be honoured.

    Every setting is validated while the construct is built; all problems are raised together in
    one ``ElastiCacheValidationError``.

    :param vpc: the VPC to place the cluster in.
    :param engine_version: a Memcached version, for example ``EngineVersion.MEMCACHED_1_6_22``.
    :param node_type: for example ``"cache.m7g.large"``; offered in the stack's region, and not of the
        data-tiering family r6gd, which Memcached does not run on.
    :param nodes: cache nodes, 1-40; changes in place (clients find new nodes through auto
        discovery). Default: 2.
    :param az_mode: ``AzMode``. Default: with zones listed, what they say (``CROSS_AZ`` over several
        zones, ``SINGLE_AZ`` in one); otherwise ``CROSS_AZ`` with more than one node and unset with
        one (ElastiCache then keeps it in one zone). Switching an existing cluster to ``CROSS_AZ``
        spreads only nodes added afterwards; ElastiCache refuses ``SINGLE_AZ`` once nodes live in
        different zones (the update fails).
    :param preferred_availability_zones: one zone per node; repeat a zone to put several nodes in
        it. Default: none; ElastiCache spreads the nodes (``CROSS_AZ``). An opt-in: the list is
        conditionally create-only in the resource schema, and its length must follow ``nodes``, so
        with zones set a change of ``nodes`` may replace the cluster.
    :param port: Default: 11211. Create-only: a change replaces the cluster.
    :param vpc_subnets: Default: the VPC's isolated subnets, else its private subnets with egress.
        Public subnets are refused.
    :param security_groups: Default: one new security group with no ingress and no egress.
    :param subnet_group_name: physical name of the new subnet group. Default: generated.
    :param cluster_id: ``ClusterName``, 1-50 characters, stored lower-case. Default: generated by
        CloudFormation. Create-only; a cluster with a name of its own cannot be replaced (the update
        fails), so leave it generated unless something outside the stack looks the cluster up by name.
    :param transit_encryption: ``TransitEncryption.REQUIRED`` (TLS only) or ``DISABLED``; Memcached has
        no ``PREFERRED`` mode. Fixed at creation: ElastiCache cannot change it afterwards, and since
        the schema does not mark it create-only, a change fails the update instead of replacing the
        cluster. Default: ``REQUIRED`` on Memcached 1.6.12+; ``DISABLED`` before (no TLS there; the
        construct warns).
    :param parameter_group: an existing parameter group of the version's family. Default: a new one
        built from ``parameters``.
    :param parameters: Memcached parameters by name, as strings, e.g. ``{"max_item_size": "2097152"}``.
    :param maintenance_window: weekly, UTC. Default: ``sun:05:00-sun:06:00``.
    :param removal_policy: for the cluster and everything it creates: ``DESTROY``, ``RETAIN`` or
        ``RETAIN_ON_UPDATE_OR_DELETE``. Default: ``RemovalPolicy.DESTROY``: a Memcached cluster holds
        only what can be fetched again, and a retained one keeps costing money with no stack to
        remove it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        engine_version: EngineVersion,
        node_type: str,
        nodes: int = 2,
        az_mode: AzMode | None = None,
        preferred_availability_zones: Sequence[str] | None = None,
        port: int = MEMCACHED_PORT,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        subnet_group_name: str | None = None,
        cluster_id: str | None = None,
        transit_encryption: TransitEncryption | None = None,
        parameter_group: IParameterGroup | None = None,
        parameters: Mapping[str, str] | None = None,
        maintenance_window: str = DEFAULT_MAINTENANCE_WINDOW,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        version = _check_version(issues, engine_version)
        vpc_ok = check_network_inputs(issues, vpc, vpc_subnets, security_groups, port)
        counted = issues.whole(rules.MEMCACHED_NODES, "nodes", nodes, 1, MAX_MEMCACHED_NODES, synth=True)
        node_count = nodes if counted and isinstance(nodes, int) else None
        node = check_node_type(issues, self, node_type)
        if node is not None:
            issues.require(
                rules.MEMCACHED_NODE_TYPE,
                not node.requires_data_tiering,
                "node_type",
                f"a node type outside the {node.family} family (its nodes are for data tiering, which "
                "Memcached does not have)",
                node_type,
            )
        tls = _check_tls(issues, version, transit_encryption)
        check_windows(issues, maintenance_window, None)
        issues.name("cluster_id", cluster_id, CACHE_CLUSTER_ID)
        issues.name("subnet_group_name", subnet_group_name, SUBNET_GROUP_NAME)
        _check_parameter_group(issues, version, parameter_group, parameters)
        if issues.enum("removal_policy", removal_policy, RemovalPolicy):
            issues.require(
                rules.ENGINE_FEATURE,
                removal_policy is not RemovalPolicy.SNAPSHOT,
                "removal_policy",
                "RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE (Memcached has no snapshots)",
                removal_policy,
            )
        subnets = select_private_subnets(vpc, vpc_subnets, issues) if vpc_ok else None
        mode = _check_placement(issues, node_count, az_mode, preferred_availability_zones, subnets)
        issues.raise_if_any()
        # An unusable input raised above.
        assert subnets is not None
        assert version is not None
        assert node_count is not None
        if transit_encryption is None and not tls:
            Annotations.of(self).add_warning_v2(
                "elasticache-cdk-kit:memcachedWithoutTls",
                f"{version.label} has no TLS (Memcached {_TLS_SINCE}+): clients talk to it in plaintext. "
                "Choose a newer version, or set transit_encryption=TransitEncryption.DISABLED to say so.",
            )

        removal = FamilyRemoval.of(removal_policy)
        self.engine_version = version
        self.nodes = node_count
        self.az_mode = mode
        self._port = port
        self._id_given = cluster_id
        description = f"{version.label} cluster {self.node.path}"

        self.subnet_group = CacheSubnetGroup(
            self,
            "SubnetGroup",
            subnets=subnets,
            description=description,
            subnet_group_name=subnet_group_name,
            removal_policy=removal.others,
        )
        self.security_groups = security_groups_or_closed(
            self, vpc=vpc, given=security_groups, kind="Memcached cluster", removal_policy=removal.others
        )
        if parameter_group is None:
            parameter_group = ParameterGroup(
                self, "ParameterGroup", engine_version=version, parameters=parameters, removal_policy=removal.others
            )
        self.parameter_group: IParameterGroup = parameter_group
        self._connections = CacheConnections(
            security_groups=self.security_groups,
            default_port=ec2.Port.tcp(port),
            upstream=[vpc, *self.security_groups, parameter_group],
        )

        self.resource = elasticache.CfnCacheCluster(
            self,
            "Resource",
            cluster_name=cluster_id,
            engine=Engine.MEMCACHED.value,
            engine_version=version.version,
            cache_node_type=node_type,
            num_cache_nodes=node_count,
            az_mode=mode.value if mode else None,
            preferred_availability_zones=list(preferred_availability_zones) if preferred_availability_zones else None,
            port=port,
            cache_subnet_group_name=self.subnet_group.subnet_group_name,
            vpc_security_group_ids=[sg.security_group_id for sg in self.security_groups],
            cache_parameter_group_name=parameter_group.parameter_group_name,
            transit_encryption_enabled=tls,
            preferred_maintenance_window=maintenance_window,
        )
        self.resource.apply_removal_policy(removal.cache)

    @property
    def cache_id(self) -> str:
        return self.resource.ref

    @property
    def cluster_id(self) -> str:
        return self.resource.ref

    @property
    def node_ids(self) -> list[str]:
        """The nodes' ids, ``0001`` to the node count, as ElastiCache numbers nodes it creates (after
        nodes are removed and added again, the live ids may skip numbers)."""
        return [f"{n:04d}" for n in range(1, self.nodes + 1)]

    @property
    def _metric_cluster_id(self) -> str:
        given = self._id_given
        return given.lower() if given and not is_token(given) else self.cache_id

    def _node_ids_or_none(self) -> list[str]:
        return self.node_ids

    def _endpoint_or_none(self) -> CacheEndpoint:
        """The configuration endpoint: a client with auto discovery asks it for the current nodes."""
        return CacheEndpoint(self.resource.attr_configuration_endpoint_address, self._port)

    def _connections_or_none(self) -> ec2.Connections:
        return self._connections

    def send_events_to(self, topic: sns.ITopic) -> None:
        self.resource.notification_topic_arn = notification_topic_arn(self, topic)

    # --- imports --------------------------------------------------------------------------------

    @staticmethod
    def from_cluster_attributes(
        scope: Construct,
        id: str,
        *,
        cluster_id: str,
        endpoint_address: str | None = None,
        port: int = MEMCACHED_PORT,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        node_ids: Sequence[str] | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> MemcachedClusterBase:
        """Reference a Memcached cluster created elsewhere, to connect to it and watch it.

        :param cluster_id: its id.
        :param endpoint_address: its configuration endpoint's host.
        :param port: Default: 11211.
        :param security_groups: its security groups; without them ``connections`` raises.
        :param node_ids: its nodes (``"0001"`` ...), for metrics; without them metrics raise.
        :param region: its region, when not the importing stack's.
        :param account: its account, when not the importing stack's.
        """
        return _ImportedMemcachedCluster(
            scope,
            id,
            cluster_id=cluster_id,
            endpoint_address=endpoint_address,
            port=port,
            security_groups=security_groups,
            node_ids=node_ids,
            region=region,
            account=account,
        )

    @staticmethod
    def from_cluster_id(
        scope: Construct, id: str, cluster_id: str, *, region: str | None = None, account: str | None = None
    ) -> MemcachedClusterBase:
        """Reference a Memcached cluster by id alone: enough for ``grant`` and its ARN."""
        return MemcachedCluster.from_cluster_attributes(
            scope, id, cluster_id=cluster_id, region=region, account=account
        )


class _ImportedMemcachedCluster(ImportedCacheMixin, MemcachedClusterBase):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_id: str,
        endpoint_address: str | None,
        port: int,
        security_groups: Sequence[ec2.ISecurityGroup] | None,
        node_ids: Sequence[str] | None,
        region: str | None,
        account: str | None,
    ) -> None:
        super().__init__(scope, id, region=region, account=account)
        issues = Issues(self.node.path)
        issues.name("cluster_id", cluster_id, CACHE_CLUSTER_ID, optional=False)
        issues.text("endpoint_address", endpoint_address)
        issues.whole(rules.PORT, "port", port, 1, 65535, what="a TCP port number", synth=False)
        issues.objects(
            "security_groups", security_groups, "ec2.ISecurityGroup", "security_group_id", empty=rules.SECURITY_GROUPS
        )
        issues.require(
            rules.TYPE,
            node_ids is None
            or (
                isinstance(node_ids, (list, tuple))
                and all(isinstance(n, str) and _NODE_ID.fullmatch(n) for n in node_ids)
            ),
            "node_ids",
            "a list of cache node ids of four digits, such as ['0001', '0002']",
            node_ids,
        )
        issues.name("region", region, AWS_REGION)
        issues.name("account", account, AWS_ACCOUNT)
        issues.raise_if_any()
        # ElastiCache stores the id in lower case, and so names the cluster in ARNs and metrics.
        self._id = cluster_id if is_token(cluster_id) else cluster_id.lower()
        self.remember(
            endpoint=CacheEndpoint(endpoint_address, port) if endpoint_address else None,
            security_groups=security_groups,
            ports=ec2.Port.tcp(port),
        )
        self._node_ids = list(node_ids) if node_ids else None

    @property
    def cache_id(self) -> str:
        return self._id

    @property
    def _metric_cluster_id(self) -> str:
        return self._id

    def _node_ids_or_none(self) -> list[str] | None:
        return self._node_ids


def _issue(scope: Construct, rule: rules.Rule, prop: str, allowed: str, given: object) -> ElastiCacheValidationError:
    return ElastiCacheValidationError([ValidationIssue(rule.code, scope.node.path, prop, allowed, given)])


# --- the cluster's own rules --------------------------------------------------------------------


def _check_version(issues: Issues, engine_version: object) -> EngineVersion | None:
    ok = isinstance(engine_version, EngineVersion) and engine_version.engine is Engine.MEMCACHED
    issues.require(
        rules.TYPE,
        ok,
        "engine_version",
        "a Memcached EngineVersion member, for example EngineVersion.MEMCACHED_1_6_22",
        engine_version,
    )
    return engine_version if ok and isinstance(engine_version, EngineVersion) else None


def _check_tls(issues: Issues, version: EngineVersion | None, requested: object) -> bool:
    """Whether TLS is on: as requested, or wherever the version has it."""
    if not issues.enum("transit_encryption", requested, TransitEncryption, optional=True):
        return False
    offered = version is not None and version.supports(TLS_NODE_BASED)
    if requested is None:
        return offered
    assert isinstance(requested, TransitEncryption)
    if requested is TransitEncryption.PREFERRED:
        issues.add(
            rules.ENGINE_FEATURE,
            "transit_encryption",
            "REQUIRED or DISABLED (Memcached has no TLS mode: with TLS on, only TLS connections are accepted)",
            requested,
        )
    elif requested.enabled and version is not None:
        issues.require(
            rules.ENGINE_FEATURE,
            offered,
            "transit_encryption",
            f"DISABLED or unset on {version.label} (TLS needs Memcached {_TLS_SINCE}+)",
            requested,
        )
    return requested.enabled


def _check_parameter_group(
    issues: Issues, version: EngineVersion | None, parameter_group: object, parameters: object
) -> None:
    if parameter_group is None:
        check_parameters(issues, version or EngineVersion.MEMCACHED_1_6_22, None, None, parameters)
        return
    if not issues.require(
        rules.TYPE,
        isinstance(parameter_group, IParameterGroup),
        "parameter_group",
        "a ParameterGroup (or ParameterGroup.from_parameter_group_name for an existing one)",
        parameter_group,
    ):
        return
    assert isinstance(parameter_group, IParameterGroup)
    issues.require(
        rules.EXCLUSIVE,
        parameters is None,
        "parameters",
        "unset when parameter_group is given (set them on that group)",
        parameters,
    )
    if version is not None:
        issues.require(
            rules.PARAMETER_GROUP_FAMILY,
            parameter_group.family == version.parameter_group_family,
            "parameter_group",
            f"a parameter group of family {version.parameter_group_family} ({version.label})",
            parameter_group.family,
        )


def _check_placement(
    issues: Issues,
    nodes: int | None,
    az_mode: object,
    preferred: object,
    subnets: ec2.SelectedSubnets | None,
) -> AzMode | None:
    """The zone mode to write, after checking it against the nodes, the zones listed and the subnets."""
    mode_ok = issues.enum("az_mode", az_mode, AzMode, optional=True)
    listed: list[str] | None = None
    if issues.strings("preferred_availability_zones", preferred) and isinstance(preferred, (list, tuple)):
        listed = list(preferred)
    zones = distinct_availability_zones(subnets) if subnets is not None else []
    zones_known = subnets is not None and not any(is_token(zone) for zone in zones)
    # A list from a token (Fn::GetAZs) has unknowable names and length: it passes unchecked.
    if listed is not None and not is_token(listed):
        if nodes is not None:
            issues.require(
                rules.ZONE_COUNT,
                len(listed) == nodes,
                "preferred_availability_zones",
                f"one zone per node: {nodes} (repeat a zone to place several nodes in it)",
                listed,
            )
        if zones_known:
            unknown = [zone for zone in listed if zone not in zones]
            issues.require(
                rules.ZONE_UNKNOWN,
                not unknown,
                "preferred_availability_zones",
                f"zones of the selected subnets: {', '.join(zones)}",
                unknown,
            )
    if not mode_ok:
        return None
    spread = None if listed is None or is_token(listed) else len(set(listed)) > 1
    mode: AzMode | None
    if isinstance(az_mode, AzMode):
        mode = az_mode
    elif spread is not None:
        mode = AzMode.CROSS_AZ if spread else AzMode.SINGLE_AZ
    else:
        mode = AzMode.CROSS_AZ if nodes is not None and nodes >= MIN_CROSS_AZ_MEMCACHED_NODES else None
    one_node = az_mode is AzMode.CROSS_AZ and nodes is not None and nodes < MIN_CROSS_AZ_MEMCACHED_NODES
    if one_node:
        issues.add(
            rules.MEMCACHED_CROSS_AZ,
            "az_mode",
            f"AzMode.SINGLE_AZ or unset with one node (spreading needs at least {MIN_CROSS_AZ_MEMCACHED_NODES})",
            az_mode,
        )
    elif isinstance(az_mode, AzMode) and spread is not None:
        single = az_mode is AzMode.SINGLE_AZ
        issues.require(
            rules.MEMCACHED_ZONE_MODE,
            spread is not single,
            "preferred_availability_zones",
            "one zone, repeated for every node, with AzMode.SINGLE_AZ"
            if single
            else "at least two different zones with AzMode.CROSS_AZ",
            listed,
        )
    if mode is AzMode.CROSS_AZ and listed is None and zones_known and not one_node:
        issues.require(
            rules.MEMCACHED_CROSS_AZ,
            len(zones) >= MIN_CROSS_AZ_MEMCACHED_NODES,
            "vpc_subnets",
            "subnets in at least two availability zones to spread the nodes over (or az_mode=AzMode.SINGLE_AZ)",
            zones,
        )
    return mode
