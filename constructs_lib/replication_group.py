"""A Valkey or Redis OSS replication group, secure and durable unless told otherwise.

What is the group's own lives here: its topology (nodes, failover, Multi-AZ, zones), node types and
data tiering, and the assembly of the ``AWS::ElastiCache::ReplicationGroup``. What every kind
shares lives beside it: ``encryption``, ``auth``, ``backups``, ``network``, ``parameter_group``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Annotations, CfnUpdatePolicy, Duration, RemovalPolicy
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import nag, rules
from constructs_lib.alarm_specs import insights_queries
from constructs_lib.auth import AuthBinding, CacheAuth
from constructs_lib.autoscaling import ScalingDimension, ScalingMetric, ScalingRequest, add_scaling, check_scaling
from constructs_lib.backups import DEFAULT_MAINTENANCE_WINDOW, check_retention, check_windows
from constructs_lib.base import (
    CacheEndpoint,
    ImportedCacheMixin,
    NodeCacheBase,
    documented_signature,
    notification_topic_arn,
)
from constructs_lib.encryption import TransitEncryption, check_encryption, new_key, transit_encryption_mode
from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue
from constructs_lib.facts.engines import AUTO_MINOR_VERSION_UPGRADE, Engine, EngineVersion
from constructs_lib.facts.limits import DEFAULT_SHARD_QUOTA
from constructs_lib.facts.names import AWS_ACCOUNT, AWS_REGION, REPLICATION_GROUP_ID, SUBNET_GROUP_NAME
from constructs_lib.facts.node_types import NodeType
from constructs_lib.facts.parameters import EvictionPolicy
from constructs_lib.log_delivery import LogDelivery, check_log_delivery, default_log_delivery, render_log_delivery
from constructs_lib.network import (
    CacheConnections,
    CacheSubnetGroup,
    check_network_inputs,
    security_groups_or_closed,
    select_private_subnets,
)
from constructs_lib.nodes import check_node_type
from constructs_lib.parameter_group import IParameterGroup, ParameterGroup, check_parameters
from constructs_lib.removal import FamilyRemoval
from constructs_lib.rotation import (
    AUTH_TOKEN,
    DEFAULT_SCHEDULE,
    USER_PASSWORD,
    RotationTarget,
    add_rotation,
    check_schedule,
)
from constructs_lib.topology import (
    ClusterMode,
    Durability,
    Topology,
    check_data_tiering,
    check_durability,
    check_failover_node_family,
    check_topology,
    check_zones,
)
from constructs_lib.users import IUser, IUserGroup
from constructs_lib.validation import Issues, is_token

VALKEY_REDIS = (Engine.VALKEY, Engine.REDIS)


@documented_signature
class ReplicationGroup(NodeCacheBase):
    """An ``AWS::ElastiCache::ReplicationGroup`` with its subnet group, security group, parameter
    group, KMS key and credentials: one shard (a primary and up to five replicas) by default, or
    several shards in cluster mode with ``shards``.

    Every setting is validated while the construct is built; all problems are raised together in
    one ``ElastiCacheValidationError`` naming the rule code, the construct path, the property, what
    is allowed and the value given.

    :param vpc: the VPC to place the cache in.
    :param engine_version: engine and version, for example ``EngineVersion.VALKEY_8_2``.
    :param node_type: for example ``"cache.r7g.large"``; must be offered in the stack's region.
    :param replicas: read replicas besides the primary (per shard), 0-5; changes in place. Default: 1.
    :param shards: shards (node groups), 1-500, for cluster mode enabled: the keyspace is split over
        them, the parameter group gets ``cluster-enabled=yes``, automatic failover is always on, and
        a change of the count reshards online (``UpdatePolicy: UseOnlineResharding``). Default: none,
        cluster mode disabled.
    :param cluster_mode: ``ClusterMode``. Default: ``ENABLED`` with shards, else ``DISABLED``. A group
        without shards migrates ``DISABLED`` -> ``COMPATIBLE`` -> ``ENABLED``, one step per deploy.
    :param migrate_from: the cluster mode the deployed group has, when this deploy changes it; the
        step is then checked. Default: none.
    :param durability: ``Durability.SYNC`` or ``ASYNC`` (Valkey 9.0+, shards, Multi-AZ). Default: unset.
    :param port: Default: 6379.
    :param vpc_subnets: Default: the VPC's isolated subnets, else its private subnets with egress.
        Public subnets are refused.
    :param security_groups: Default: one new security group with no ingress and no egress.
    :param subnet_group_name: physical name of the new subnet group. Default: generated.
    :param replication_group_id: physical id. Default: generated by CloudFormation.
    :param description: Default: derived from the construct path.
    :param auth: ``CacheAuth.user_group()``, ``generated_token()``, ``token_from_secret(...)`` or
        ``none()``. Default: a user group with a generated-password application user on Valkey and
        Redis OSS 6.0+; a generated AUTH token before Redis OSS 6.0.
    :param transit_encryption: Default: ``TransitEncryption.REQUIRED``.
    :param at_rest_encryption: Default: True.
    :param encryption_key: KMS key for data at rest and the generated secrets. Default: a new
        customer-managed key with rotation on.
    :param multi_az: Default: True when there is a replica.
    :param automatic_failover: Default: True when there is a replica (always with shards).
    :param preferred_availability_zones: one zone per node, primary first (without shards only).
        Default: none; with Multi-AZ, ElastiCache spreads the nodes over the subnet group's zones.
        Zones are fixed at creation (``PreferredCacheClusterAZs`` is create-only): once set,
        changing ``replicas`` changes the list and CloudFormation replaces the group.
    :param parameter_group: an existing parameter group of the same family. Default: a new one
        built from ``eviction_policy``, ``reserved_memory_percent`` and ``parameters``.
    :param eviction_policy: Default: ``EvictionPolicy.VOLATILE_LRU``.
    :param reserved_memory_percent: Default: the engine's default.
    :param parameters: further engine parameters, as strings.
    :param maintenance_window: weekly, UTC. Default: ``sun:05:00-sun:06:00``.
    :param snapshot_window: daily, UTC, outside the maintenance window. Default: the hour ending
        one hour before the maintenance window starts.
    :param backup_retention: whole days, 0-35; zero turns automatic backups off. Default: 15 days.
    :param auto_minor_version_upgrade: Default: True where the engine offers it (Valkey, Redis OSS
        6.0+), unset otherwise.
    :param data_tiering: Default: True for r6gd nodes (which require it), False otherwise.
    :param credential_rotation: how often to rotate the credentials the group generates (the AUTH
        token, or the application user's password) through Secrets Manager rotation, 1-1000 days;
        ``None`` turns rotation off. The rotation function runs in the cache's subnets and must reach
        the Secrets Manager and ElastiCache APIs (NAT or interface endpoints). Default: 30 days.
    :param log_delivery: ``LogDelivery`` entries, one per log type, or ``[]`` for none. Default: the
        slow log and (Redis OSS 6.2+, Valkey) the engine log, as JSON, into new CloudWatch log groups
        encrypted with ``encryption_key`` and kept for a year.
    :param removal_policy: for the group and everything it creates (see ``constructs_lib.removal``).
        Default: ``RemovalPolicy.SNAPSHOT``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        engine_version: EngineVersion,
        node_type: str,
        replicas: int = 1,
        shards: int | None = None,
        cluster_mode: ClusterMode | None = None,
        migrate_from: ClusterMode | None = None,
        durability: Durability | None = None,
        port: int = 6379,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        subnet_group_name: str | None = None,
        replication_group_id: str | None = None,
        description: str | None = None,
        auth: CacheAuth | None = None,
        transit_encryption: TransitEncryption = TransitEncryption.REQUIRED,
        at_rest_encryption: bool = True,
        encryption_key: kms.IKey | None = None,
        multi_az: bool | None = None,
        automatic_failover: bool | None = None,
        preferred_availability_zones: Sequence[str] | None = None,
        parameter_group: IParameterGroup | None = None,
        eviction_policy: EvictionPolicy | None = None,
        reserved_memory_percent: int | None = None,
        parameters: Mapping[str, str] | None = None,
        maintenance_window: str = DEFAULT_MAINTENANCE_WINDOW,
        snapshot_window: str | None = None,
        backup_retention: Duration | None = None,
        auto_minor_version_upgrade: bool | None = None,
        data_tiering: bool | None = None,
        log_delivery: Sequence[LogDelivery] | None = None,
        credential_rotation: Duration | None = DEFAULT_SCHEDULE,
        removal_policy: RemovalPolicy = RemovalPolicy.SNAPSHOT,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        version: EngineVersion | None = engine_version if isinstance(engine_version, EngineVersion) else None
        issues.require(
            rules.TYPE,
            version is not None and version.engine in VALKEY_REDIS,
            "engine_version",
            "a Valkey or Redis OSS EngineVersion member, for example EngineVersion.VALKEY_8_2",
            engine_version,
        )
        if version is not None and version.engine not in VALKEY_REDIS:
            version = None
        vpc_ok = check_network_inputs(issues, vpc, vpc_subnets, security_groups, port)
        if auth is not None and not isinstance(auth, CacheAuth):
            issues.add(
                rules.TYPE,
                "auth",
                "a CacheAuth: CacheAuth.user_group(), generated_token(), token_from_secret(secret) or none()",
                auth,
            )
            auth = CacheAuth.none()
        auth = auth or (CacheAuth.default_for(version) if version else CacheAuth.none())
        check_encryption(issues, version, transit_encryption, at_rest_encryption, encryption_key)
        issues.same_region("encryption_key", encryption_key, self)
        tls = transit_encryption.enabled if isinstance(transit_encryption, TransitEncryption) else None
        auth.check(issues, version, tls)
        topology = check_topology(
            issues,
            version=version,
            replicas=replicas,
            shards=shards,
            cluster_mode=cluster_mode,
            migrate_from=migrate_from,
            automatic_failover=automatic_failover,
            multi_az=multi_az,
        )
        node = check_node_type(issues, self, node_type)
        check_failover_node_family(issues, node, topology, version)
        tiering = check_data_tiering(issues, node, data_tiering, version)
        check_durability(issues, durability, version=version, topology=topology, node=node, tiering=tiering, tls=tls)
        minor_upgrades = _check_minor_upgrades(issues, version, auto_minor_version_upgrade)
        window_given = snapshot_window is not None
        snapshot_window = check_windows(issues, maintenance_window, snapshot_window)
        retention_days = check_retention(issues, backup_retention)
        issues.require(
            rules.EXCLUSIVE,
            not (window_given and retention_days == 0),
            "snapshot_window",
            "unset when backup_retention is 0 days (no automatic backups, so no window)",
            snapshot_window,
        )
        issues.name("replication_group_id", replication_group_id, REPLICATION_GROUP_ID)
        issues.name("subnet_group_name", subnet_group_name, SUBNET_GROUP_NAME)
        _check_description(issues, description)
        _check_parameter_group(
            issues, version, topology, parameter_group, eviction_policy, reserved_memory_percent, parameters
        )
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        check_log_delivery(issues, log_delivery, version)
        check_schedule(issues, credential_rotation)
        issues.strings("preferred_availability_zones", preferred_availability_zones)
        subnets = select_private_subnets(vpc, vpc_subnets, issues) if vpc_ok else None
        check_zones(issues, subnets, topology, preferred_availability_zones)
        issues.raise_if_any()
        assert subnets is not None  # an unusable input raised above
        assert version is not None
        if topology.sharded and topology.shards is not None and topology.shards > DEFAULT_SHARD_QUOTA:
            Annotations.of(self).add_warning_v2(
                "elasticache-cdk-kit:shardQuota",
                f"{topology.shards} shards exceed ElastiCache's default quota of {DEFAULT_SHARD_QUOTA} per group: "
                "request an increase before deploying",
            )

        removal = FamilyRemoval.of(removal_policy)
        self.engine_version = version
        self.topology = topology
        self._port = port
        self._node = node
        self._tiering = tiering
        self._scaled: set[ScalingDimension] = set()
        self._scaling_maxima: dict[ScalingDimension, int] = {}
        self.auth = auth
        self.durability = durability if isinstance(durability, Durability) else None
        self.global_datastore: object | None = None
        """The ``GlobalDatastore`` this group is the primary of, once one is made from it."""
        self._at_rest = bool(at_rest_encryption)
        description = description or f"{version.label} replication group {self.node.path}"

        self.subnet_group = CacheSubnetGroup(
            self,
            "SubnetGroup",
            subnets=subnets,
            description=description,
            subnet_group_name=subnet_group_name,
            removal_policy=removal.others,
        )
        self.security_groups = security_groups_or_closed(
            self, vpc=vpc, given=security_groups, kind="replication group", removal_policy=removal.others
        )
        if parameter_group is None:
            parameter_group = ParameterGroup(
                self,
                # A new id when cluster mode turns on: a migration switches to a new group rather than
                # editing cluster-enabled on the group the cache runs with.
                "ClusterParameterGroup" if topology.cluster_enabled else "ParameterGroup",
                engine_version=version,
                eviction_policy=eviction_policy,
                reserved_memory_percent=reserved_memory_percent,
                parameters=parameters,
                cluster_enabled=topology.cluster_enabled,
                removal_policy=removal.others,
            )
        self.parameter_group: IParameterGroup = parameter_group

        self.encryption_key: kms.IKey | None = encryption_key
        if encryption_key is None and (at_rest_encryption or auth.creates_secret):
            created_key = new_key(self, description)
            created_key.apply_removal_policy(removal.key)
            self.encryption_key = created_key
        self._auth: AuthBinding = auth.bind(
            self,
            engine_version=version,
            encryption_key=self.encryption_key,
            removal_policy=removal.others,
            description=description,
        )
        self._connections = CacheConnections(
            security_groups=self.security_groups,
            default_port=ec2.Port.tcp(port),
            upstream=[vpc, *self.security_groups, self.encryption_key, parameter_group, self._auth.user_group],
            owner=self.node.path,
        )
        log_configurations = render_log_delivery(
            self,
            default_log_delivery(version) if log_delivery is None else list(log_delivery),
            encryption_key=self.encryption_key,
            removal_policy=removal.logs,
        )

        self.resource = elasticache.CfnReplicationGroup(
            self,
            "Resource",
            replication_group_description=description,
            replication_group_id=replication_group_id,
            engine=version.engine.value,
            engine_version=version.version,
            cache_node_type=node_type,
            cluster_mode=topology.mode.value if topology.mode is not ClusterMode.DISABLED else None,
            num_cache_clusters=None if topology.sharded else topology.nodes,
            num_node_groups=topology.shards,
            replicas_per_node_group=topology.replicas if topology.sharded else None,
            preferred_cache_cluster_a_zs=list(preferred_availability_zones) if preferred_availability_zones else None,
            port=port,
            cache_subnet_group_name=self.subnet_group.subnet_group_name,
            security_group_ids=[sg.security_group_id for sg in self.security_groups],
            cache_parameter_group_name=parameter_group.parameter_group_name,
            transit_encryption_enabled=transit_encryption.enabled,
            transit_encryption_mode=transit_encryption_mode(transit_encryption, version),
            auth_token=self._auth.auth_token,
            user_group_ids=self._auth.user_group_ids,
            at_rest_encryption_enabled=at_rest_encryption,
            kms_key_id=self.encryption_key.key_arn if at_rest_encryption and self.encryption_key else None,
            automatic_failover_enabled=topology.failover,
            multi_az_enabled=topology.multi_az,
            durability=durability.value if isinstance(durability, Durability) else None,
            preferred_maintenance_window=maintenance_window,
            snapshot_window=snapshot_window if retention_days else None,
            snapshot_retention_limit=retention_days,
            auto_minor_version_upgrade=minor_upgrades,
            data_tiering_enabled=tiering or None,
            log_delivery_configurations=log_configurations or None,
        )
        if topology.sharded:
            # Without it, CloudFormation replaces the group when the shard count changes.
            self.resource.cfn_options.update_policy = CfnUpdatePolicy(use_online_resharding=True)
        self.resource.apply_removal_policy(removal.cache)
        if self._auth.user_group is not None:
            nag.acknowledge_rbac_instead_of_token(self.resource)
        if credential_rotation is not None and self._auth.generated is not None:
            self.rotation = add_rotation(
                self,
                "CredentialRotation",
                secret=self._auth.generated,
                target=self._rotation_target(transit_encryption.enabled),
                vpc=vpc,
                subnets=ec2.SubnetSelection(subnets=subnets.subnets),
                cache_connections=self._connections,
                encryption_key=self.encryption_key,
                schedule=credential_rotation,
                removal_policy=removal.others,
                logs_removal_policy=removal.logs,
            )
        self._id_given = replication_group_id

    def _rotation_target(self, tls: bool) -> RotationTarget:
        endpoint = self.endpoint
        user = self._auth.generated_user
        if user is None:
            return RotationTarget(
                AUTH_TOKEN,
                self.cache_arn,
                {"REPLICATION_GROUP_ID": self.resource.ref},
                endpoint.address,
                endpoint.port,
                tls,
            )
        return RotationTarget(
            USER_PASSWORD, user.user_arn, {"USER_ID": user.user_id}, endpoint.address, endpoint.port, tls
        )

    # --- auto scaling ---------------------------------------------------------------------------

    def auto_scale_shards(
        self,
        *,
        minimum: int,
        maximum: int,
        metric: ScalingMetric = ScalingMetric.MEMORY_FOR_EVICTION,
        target_value: float = 70,
        disable_scale_in: bool = False,
        scale_in_cooldown: Duration | None = None,
        scale_out_cooldown: Duration | None = None,
    ) -> appscaling.CfnScalableTarget:
        """Let Application Auto Scaling add and remove shards to keep ``metric`` at ``target_value``.

        :param minimum: fewest shards, at most ``shards``.
        :param maximum: most shards, at least ``shards``.
        :param metric: Default: ``ScalingMetric.MEMORY_FOR_EVICTION``.
        :param target_value: percent. Default: 70.
        :param disable_scale_in: only ever add shards. Default: False.
        """
        return self._auto_scale(
            ScalingRequest(
                ScalingDimension.SHARDS,
                minimum,
                maximum,
                metric,
                target_value,
                disable_scale_in,
                scale_in_cooldown,
                scale_out_cooldown,
            )
        )

    def auto_scale_replicas(
        self,
        *,
        minimum: int,
        maximum: int,
        metric: ScalingMetric = ScalingMetric.REPLICA_ENGINE_CPU,
        target_value: float = 70,
        disable_scale_in: bool = False,
        scale_in_cooldown: Duration | None = None,
        scale_out_cooldown: Duration | None = None,
    ) -> appscaling.CfnScalableTarget:
        """Let Application Auto Scaling add and remove replicas in every shard (evenly).

        :param minimum: fewest replicas per shard, at most ``replicas``.
        :param maximum: most replicas per shard (up to 5), at least ``replicas``.
        :param metric: Default: ``ScalingMetric.REPLICA_ENGINE_CPU``.
        :param target_value: percent. Default: 70.
        :param disable_scale_in: only ever add replicas. Default: False.
        """
        return self._auto_scale(
            ScalingRequest(
                ScalingDimension.REPLICAS,
                minimum,
                maximum,
                metric,
                target_value,
                disable_scale_in,
                scale_in_cooldown,
                scale_out_cooldown,
            )
        )

    def _auto_scale(self, request: ScalingRequest) -> appscaling.CfnScalableTarget:
        issues = Issues(self.node.path)
        check_scaling(
            issues,
            request,
            topology=self.topology,
            version=self.engine_version,
            node=self._node,
            tiering=self._tiering,
            global_member=self._global_member,
            already=request.dimension in self._scaled,
        )
        issues.raise_if_any()
        self._scaled.add(request.dimension)
        assert isinstance(request.maximum, int)
        self._scaling_maxima[request.dimension] = request.maximum
        name = "ShardScaling" if request.dimension is ScalingDimension.SHARDS else "ReplicaScaling"
        return add_scaling(self, name, request, self.resource.ref)

    @property
    def _global_member(self) -> bool:
        return self.global_datastore is not None

    @property
    def scaled(self) -> bool:
        """Whether auto scaling was added (a Global Datastore member cannot scale)."""
        return bool(self._scaled)

    @property
    def at_rest_encryption(self) -> bool:
        return self._at_rest

    @property
    def node_type(self) -> NodeType | None:
        return self._node

    # --- CacheBase ------------------------------------------------------------------------------

    @property
    def cache_id(self) -> str:
        return self.resource.ref

    @property
    def replication_group_id(self) -> str:
        return self.resource.ref

    @property
    def engine(self) -> Engine:
        return self.engine_version.engine

    @property
    def _arn_resource_type(self) -> str:
        return "replicationgroup"

    def _endpoint_or_none(self) -> CacheEndpoint:
        if self.topology.sharded:
            return CacheEndpoint(self.resource.attr_configuration_end_point_address, self._port)
        return CacheEndpoint(self.resource.attr_primary_end_point_address, self._port)

    def _reader_endpoint_or_none(self) -> CacheEndpoint | None:
        if self.topology.sharded:
            return None  # clients of a sharded group discover replicas from the configuration endpoint
        return CacheEndpoint(self.resource.attr_reader_end_point_address, self._port)

    def _connections_or_none(self) -> ec2.Connections:
        return self._connections

    def _auth_secret_or_none(self) -> secretsmanager.ISecret | None:
        return self._auth.secret

    def _iam_user_arns(self) -> list[str]:
        return [user.user_arn for user in self._auth.iam_users]

    @property
    def user_group(self) -> IUserGroup | None:
        """The user group clients authenticate against, when the cache uses RBAC."""
        return self._auth.user_group

    @property
    def member_cluster_ids(self) -> list[str]:
        """ElastiCache's names for the member clusters, one per node (``<id>-001``, or
        ``<id>-0001-001`` with shards); nodes auto scaling adds are not known here."""
        base = self._id_given.lower() if self._id_given and not is_token(self._id_given) else self.cache_id
        return self.topology.member_cluster_ids(base)

    def _metric_dimension_sets(self) -> list[dict[str, str]]:
        return [{"CacheClusterId": member} for member in self.member_cluster_ids]

    def _has_replicas(self) -> bool:
        return self.topology.replicas > 0 or ScalingDimension.REPLICAS in self._scaled

    def _fleet_metrics(self, metric_name: str, function: str, statistic: str) -> list[cloudwatch.IMetric]:
        """Metrics Insights queries over every member the group can have, so that nodes the scaler
        adds are watched too (their ids continue the numbering up to the scaler's maximum). A query
        holds at most 2,048 characters, so a large group gets several."""
        del statistic  # Metrics Insights aggregates the nodes' data points with ``function`` itself
        return [
            cloudwatch.MathExpression(
                expression=query,
                using_metrics={},
                label=f"{metric_name} ({function.lower()} over the group's nodes)",
                period=Duration.minutes(1),
            )
            for query in insights_queries(function, metric_name, self._possible_members())
        ]

    def _possible_members(self) -> list[str]:
        base = self._id_given.lower() if self._id_given and not is_token(self._id_given) else self.cache_id
        topology = self.topology
        shards, replicas = topology.shards, topology.replicas
        for dimension, maximum in self._scaling_maxima.items():
            if dimension is ScalingDimension.SHARDS:
                shards = max(shards or 1, maximum)
            else:
                replicas = max(replicas, maximum)
        return Topology(topology.mode, shards, replicas, topology.failover, topology.multi_az).member_cluster_ids(base)

    def send_events_to(self, topic: sns.ITopic) -> None:
        self.resource.notification_topic_arn = notification_topic_arn(self, topic)

    # --- imports --------------------------------------------------------------------------------

    @staticmethod
    def from_replication_group_attributes(
        scope: Construct,
        id: str,
        *,
        replication_group_id: str,
        endpoint_address: str | None = None,
        reader_endpoint_address: str | None = None,
        port: int = 6379,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        engine: Engine | None = None,
        auth_secret: secretsmanager.ISecret | None = None,
        iam_users: Sequence[IUser] = (),
        member_cluster_ids: Sequence[str] | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> NodeCacheBase:
        """Reference a replication group created elsewhere, to connect to it and grant access.

        :param replication_group_id: its id.
        :param endpoint_address: the primary (or, in cluster mode, configuration) endpoint's host.
        :param reader_endpoint_address: the reader endpoint's host, if any.
        :param port: Default: 6379.
        :param security_groups: its security groups; without them ``connections`` raises.
        :param engine: ``Engine.VALKEY`` or ``Engine.REDIS``, when known.
        :param auth_secret: the secret clients read credentials from.
        :param iam_users: IAM-authenticated users of its user group, for ``grant_connect``.
        :param member_cluster_ids: its member clusters, for group-wide metrics.
        :param region: its region, when not the importing stack's (a Global Datastore member).
        :param account: its account, when not the importing stack's.
        """
        return _ImportedReplicationGroup(
            scope,
            id,
            replication_group_id=replication_group_id,
            endpoint_address=endpoint_address,
            reader_endpoint_address=reader_endpoint_address,
            port=port,
            security_groups=security_groups,
            engine=engine,
            auth_secret=auth_secret,
            iam_users=iam_users,
            member_cluster_ids=member_cluster_ids,
            region=region,
            account=account,
        )

    @staticmethod
    def from_replication_group_id(
        scope: Construct, id: str, replication_group_id: str, *, region: str | None = None, account: str | None = None
    ) -> NodeCacheBase:
        """Reference a replication group by id alone: enough for ``grant`` and its ARN."""
        return ReplicationGroup.from_replication_group_attributes(
            scope, id, replication_group_id=replication_group_id, region=region, account=account
        )


class _ImportedReplicationGroup(ImportedCacheMixin, NodeCacheBase):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        replication_group_id: str,
        endpoint_address: str | None,
        reader_endpoint_address: str | None,
        port: int,
        security_groups: Sequence[ec2.ISecurityGroup] | None,
        engine: Engine | None,
        auth_secret: secretsmanager.ISecret | None,
        iam_users: Sequence[IUser],
        member_cluster_ids: Sequence[str] | None,
        region: str | None,
        account: str | None,
    ) -> None:
        super().__init__(scope, id, region=region, account=account)
        issues = Issues(self.node.path)
        issues.name("replication_group_id", replication_group_id, REPLICATION_GROUP_ID, optional=False)
        issues.text("endpoint_address", endpoint_address)
        issues.text("reader_endpoint_address", reader_endpoint_address)
        issues.whole(rules.PORT, "port", port, 1, 65535, what="a TCP port number", synth=False)
        issues.objects(
            "security_groups", security_groups, "ec2.ISecurityGroup", "security_group_id", empty=rules.SECURITY_GROUPS
        )
        issues.enum("engine", engine, Engine, optional=True)
        issues.interface("auth_secret", auth_secret, "a secretsmanager.ISecret", "secret_arn")
        issues.require(
            rules.TYPE,
            isinstance(iam_users, (list, tuple)) and all(isinstance(u, IUser) for u in iam_users),
            "iam_users",
            "a list of users (IamUser, or IamUser.from_user_id)",
            iam_users,
        )
        issues.strings("member_cluster_ids", member_cluster_ids)
        issues.name("region", region, AWS_REGION)
        issues.name("account", account, AWS_ACCOUNT)
        issues.raise_if_any()
        self._id = replication_group_id
        self._engine = engine
        self._port = port
        self.remember(
            endpoint=CacheEndpoint(endpoint_address, port) if endpoint_address else None,
            reader=CacheEndpoint(reader_endpoint_address, port) if reader_endpoint_address else None,
            security_groups=security_groups,
            ports=ec2.Port.tcp(port),
            secret=auth_secret,
            iam_users=iam_users,
        )
        self._members = list(member_cluster_ids or [])

    @property
    def cache_id(self) -> str:
        return self._id

    @property
    def engine(self) -> Engine | None:
        return self._engine

    @property
    def _arn_resource_type(self) -> str:
        return "replicationgroup"

    def _metric_dimension_sets(self) -> list[dict[str, str]]:
        if not self._members:
            raise _missing_members(self)
        return [{"CacheClusterId": member} for member in self._members]


def _missing_members(scope: Construct) -> Exception:
    return ElastiCacheValidationError(
        [
            ValidationIssue(
                rules.MISSING.code,
                scope.node.path,
                "member_cluster_ids",
                "given when the group is imported, for metrics (a group has no group-level metric dimension)",
                None,
            )
        ]
    )


# --- the group's own rules ----------------------------------------------------------------------


def _check_minor_upgrades(issues: Issues, version: EngineVersion | None, requested: object) -> bool | None:
    if not issues.switch("auto_minor_version_upgrade", requested) or version is None:
        return None
    offered = version.supports(AUTO_MINOR_VERSION_UPGRADE)
    if requested is None:
        return True if offered else None
    issues.require(
        rules.ENGINE_FEATURE,
        offered or requested is False,
        "auto_minor_version_upgrade",
        f"unset or False on {version.label} (automatic minor upgrades need {AUTO_MINOR_VERSION_UPGRADE.requirement()})",
        requested,
    )
    return bool(requested)


def _check_description(issues: Issues, description: object) -> None:
    if issues.text("description", description) and isinstance(description, str) and not is_token(description):
        issues.require(rules.DESCRIPTION, bool(description.strip()), "description", "a non-blank text", description)


def _check_parameter_group(
    issues: Issues,
    version: EngineVersion | None,
    topology: Topology,
    parameter_group: object,
    eviction_policy: object,
    reserved_memory_percent: object,
    parameters: object,
) -> None:
    if parameter_group is None:
        check_parameters(
            issues, version or EngineVersion.VALKEY_8_2, eviction_policy, reserved_memory_percent, parameters
        )
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
    inline = {
        "eviction_policy": eviction_policy,
        "reserved_memory_percent": reserved_memory_percent,
        "parameters": parameters,
    }
    for prop, value in inline.items():
        issues.require(
            rules.EXCLUSIVE, value is None, prop, "unset when parameter_group is given (set it on that group)", value
        )
    if version is not None:
        issues.require(
            rules.PARAMETER_GROUP_FAMILY,
            parameter_group.family == version.parameter_group_family,
            "parameter_group",
            f"a parameter group of family {version.parameter_group_family} ({version.label})",
            parameter_group.family,
        )
    wanted = "yes" if topology.cluster_enabled else "no"
    issues.require(
        rules.CLUSTER_ENABLED,
        parameter_group.cluster_enabled == topology.cluster_enabled,
        "parameter_group",
        f"a group with cluster-enabled={wanted} for cluster mode {topology.mode.name}",
        f"cluster-enabled={'yes' if parameter_group.cluster_enabled else 'no'}",
    )
