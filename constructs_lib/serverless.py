"""A serverless Valkey, Redis OSS or Memcached cache (``AWS::ElastiCache::ServerlessCache``), secure
and durable unless told otherwise, and imports of existing ones.

Built on the L1 resource and the shared ``CacheBase`` (not on aws-cdk's alpha module, whose metric
dimension ``ServerlessCacheName`` returns no data: the serverless dimension is ``clusterId``).
Always TLS and encrypted at rest (ElastiCache offers no other serverless cache); this construct adds
a customer-managed key, a user group, private subnets, a closed security group, cost caps and
daily snapshots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aws_cdk import Arn, ArnFormat, Duration, Names, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import rules
from constructs_lib.alarm_specs import AlarmSpec, AlarmThresholds
from constructs_lib.auth import AuthBinding, CacheAuth
from constructs_lib.base import CacheBase, CacheEndpoint, ImportedCacheMixin, documented_signature
from constructs_lib.encryption import new_key
from constructs_lib.facts.engines import Engine
from constructs_lib.facts.names import AWS_ACCOUNT, AWS_REGION, SERVERLESS_CACHE_NAME
from constructs_lib.facts.serverless import PORTS, READER_PORTS, ServerlessEngine
from constructs_lib.network import CacheConnections, security_groups_or_closed, select_private_subnets
from constructs_lib.removal import FamilyRemoval
from constructs_lib.rotation import DEFAULT_SCHEDULE, USER_PASSWORD, RotationTarget, add_rotation, check_schedule
from constructs_lib.serverless_settings import (
    UsageLimits,
    check_auth,
    check_backups,
    check_description,
    check_usage_limits,
    default_description,
)
from constructs_lib.users import IUser, IUserGroup
from constructs_lib.validation import Issues, is_token

DIMENSION = "clusterId"
"""The CloudWatch dimension of serverless cache metrics; its value is the cache name (see the rules
file's CloudWatch section: ``aws cloudwatch list-metrics`` output in open-constructs/aws-cdk-library#68,
grafana/grafana-aws-sdk#151, cdklabs/cdk-monitoring-constructs#750)."""

_ARN = re.compile(r"arn:aws[a-z-]*:elasticache:[a-z0-9-]+:\d{12}:serverlesscache:(?P<name>.+)")


def _ports(engine: Engine) -> ec2.Port:
    """The endpoint's port and, for Valkey and Redis OSS, the reader port next to it (6379-6380)."""
    first, last = PORTS[engine], READER_PORTS.get(engine, PORTS[engine])
    return ec2.Port.tcp(first) if first == last else ec2.Port.tcp_range(first, last)


def _reader(engine: Engine | None, address: str | None) -> CacheEndpoint | None:
    """Valkey and Redis OSS serve reads from replicas on the endpoint's host name, port 6380."""
    if address is None or engine not in READER_PORTS:
        return None
    return CacheEndpoint(address, READER_PORTS[engine])


class ServerlessCacheBase(CacheBase):
    """What every serverless cache offers, created here or imported: its ARN, metrics with the
    ``clusterId`` dimension and the serverless canned metrics. See ``ServerlessCache``."""

    @property
    def _arn_resource_type(self) -> str:
        return "serverlesscache"

    @property
    def serverless_cache_name(self) -> str:
        return self.cache_id

    def _metric_dimension_sets(self) -> list[dict[str, str]]:
        return [{DIMENSION: self.cache_id}]

    def metric_processing_units(self, **props: Any) -> cloudwatch.IMetric:
        """``ElastiCacheProcessingUnits``: ECPUs consumed, summed per period (what is billed and what
        ``max_ecpu_per_second`` caps, per second)."""
        return self.metric("ElastiCacheProcessingUnits", **{"statistic": "Sum", **props})

    def metric_bytes_used(self, **props: Any) -> cloudwatch.IMetric:
        """``BytesUsedForCache``: data stored, bytes (what ``max_data_storage`` caps); the peak."""
        return self.metric("BytesUsedForCache", **{"statistic": "Maximum", **props})

    def metric_throttled_commands(self, **props: Any) -> cloudwatch.IMetric:
        """``ThrottledCmds``: requests throttled because the cache hit a usage limit or scaled too slowly."""
        return self.metric("ThrottledCmds", **{"statistic": "Sum", **props})

    def metric_read_latency(self, **props: Any) -> cloudwatch.IMetric:
        """``SuccessfulReadRequestLatency``: microseconds, average."""
        return self.metric("SuccessfulReadRequestLatency", **{"statistic": "Average", **props})

    def metric_write_latency(self, **props: Any) -> cloudwatch.IMetric:
        """``SuccessfulWriteRequestLatency``: microseconds, average."""
        return self.metric("SuccessfulWriteRequestLatency", **{"statistic": "Average", **props})

    # --- alarms and events ----------------------------------------------------------------------

    events_through_eventbridge = True

    def alarm_specs(self, thresholds: AlarmThresholds) -> list[AlarmSpec]:
        """Throttled commands, failed ``AUTH`` attempts (Valkey and Redis OSS) and, where the cache's
        usage limits are known, ECPUs and data stored as a share of their maximum
        [EC:serverless-metrics-events-redis]."""
        specs = [
            AlarmSpec(
                "Throttled",
                "Commands throttled: a usage limit is reached or the load grows faster than the cache scales",
                self.metric_throttled_commands(),
                thresholds.throttled_commands,
                periods=1,
            )
        ]
        if self.engine is not Engine.MEMCACHED:
            specs.append(
                AlarmSpec(
                    "AuthenticationFailures",
                    "Failed AUTH attempts",
                    self.metric("AuthenticationFailures", statistic="Sum"),
                    thresholds.authentication_failures,
                    periods=1,
                )
            )
        limits = self._usage_limits()
        share = thresholds.capacity_percent / 100
        if limits is not None and isinstance(limits.max_ecpu_per_second, int):
            ecpu = self.metric_processing_units(period=Duration.minutes(1))
            specs.append(
                AlarmSpec(
                    "EcpuPerSecond",
                    f"ECPUs per second above {thresholds.capacity_percent:g} % of the "
                    f"{limits.max_ecpu_per_second:,} cap",
                    cloudwatch.MathExpression(
                        expression="ecpu / PERIOD(ecpu)",
                        using_metrics={"ecpu": ecpu},
                        label="ECPUs per second",
                        period=Duration.minutes(1),
                    ),
                    share * limits.max_ecpu_per_second,
                    periods=5,
                )
            )
        storage = limits.max_data_storage if limits is not None else None
        if storage is not None and not storage.is_unresolved():
            gigabytes = storage.to_gibibytes()
            specs.append(
                AlarmSpec(
                    "DataStorage",
                    f"Data stored above {thresholds.capacity_percent:g} % of the {gigabytes:g} GB cap",
                    self.metric_bytes_used(),
                    # Counted in 10^9 bytes: the alarm then fires at or before the share, whichever
                    # size ElastiCache's "GB" is.
                    share * gigabytes * 10**9,
                )
            )
        return specs

    def _usage_limits(self) -> UsageLimits | None:
        """The usage limits, where this construct knows them (it created the cache)."""
        return None

    def send_events_to(self, topic: sns.ITopic) -> None:
        """An EventBridge rule forwards ElastiCache's events about this cache (``detail.SourceArn``
        is the cache's ARN) to ``topic``. Snapshot events name the snapshot, not the cache, and are
        not matched. The rule lives in the cache's region, so an imported cache must be in the
        stack's region."""
        issues = Issues(self.node.path)
        # EventBridge rules see their own region's events only.
        issues.same_region("event_notifications", self, self)
        issues.raise_if_any()
        events.Rule(
            self,
            "Events",
            description=f"ElastiCache events of the serverless cache {self.node.path}",
            event_pattern=events.EventPattern(source=["aws.elasticache"], detail={"SourceArn": [self.cache_arn]}),
            targets=[targets.SnsTopic(topic)],
        )


@documented_signature
class ServerlessCache(ServerlessCacheBase):
    """An ``AWS::ElastiCache::ServerlessCache`` with its KMS key, security group and user group.

    Every setting is validated while the construct is built; all problems are raised together in
    one ``ElastiCacheValidationError`` naming the rule code, the construct path, the property, what
    is allowed and the value given.

    :param vpc: the VPC whose subnets hold the cache's endpoint.
    :param engine: engine and major version, for example ``ServerlessEngine.VALKEY_8``. ElastiCache
        applies minor versions itself; a later major (or Redis OSS -> Valkey) upgrades in place.
    :param usage_limits: Default: ``UsageLimits()``, at most 10 GB of data and 100,000 ECPUs per
        second. ``UsageLimits.unbounded()`` removes the caps.
    :param vpc_subnets: Default: the VPC's isolated subnets, else its private subnets with egress.
        Public subnets are refused. Fixed at creation (``SubnetIds`` is create-only).
    :param security_groups: Default: one new security group with no ingress and no egress.
    :param serverless_cache_name: 1-40 lower-case letters, digits and single hyphens. Default:
        generated from the construct path (stable). Fixed at creation.
    :param description: at most 255 characters, no ``<`` or ``>``. Default: derived from the
        engine and the construct path.
    :param auth: ``CacheAuth.user_group()`` (optionally an existing group) or ``CacheAuth.none()``.
        Default: a user group of the cache's engine with an application user whose password is
        generated into Secrets Manager, on Valkey and Redis OSS; none on Memcached, which has no users.
    :param encryption_key: KMS key for the data and the generated secret. Default: a new
        customer-managed key with rotation on. Fixed at creation (``KmsKeyId`` is create-only).
    :param backup_retention: whole days, 0-35; zero turns automatic snapshots off (at creation:
        ElastiCache keeps a deployed retention that leaves the template). Default: 15 days.
    :param daily_snapshot_time: when the daily snapshot starts, ``HH:MM`` UTC. Default: ``03:00``.
    :param final_snapshot_name: the snapshot taken when the cache is deleted, with
        ``RemovalPolicy.SNAPSHOT``. Default: ``<cache name>-final``.
    :param removal_policy: for the cache and everything it creates (see ``constructs_lib.removal``).
        ``SNAPSHOT`` writes ``FinalSnapshotName`` with ``DeletionPolicy: Delete``: CloudFormation has
        no ``Snapshot`` policy for serverless caches (cfn-lint E3035). Default: ``RemovalPolicy.SNAPSHOT``.
    :param credential_rotation: how often to rotate the generated application user's password
        through Secrets Manager rotation (``ModifyUser``, both passwords valid during the switch),
        1-1000 days; ``None`` turns rotation off. The rotation function runs in the cache's subnets
        and must reach the Secrets Manager and ElastiCache APIs (NAT or interface endpoints).
        Default: 30 days (when a user is generated).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        engine: ServerlessEngine,
        usage_limits: UsageLimits | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        serverless_cache_name: str | None = None,
        description: str | None = None,
        auth: CacheAuth | None = None,
        encryption_key: kms.IKey | None = None,
        backup_retention: Duration | None = None,
        daily_snapshot_time: str | None = None,
        final_snapshot_name: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.SNAPSHOT,
        credential_rotation: Duration | None = DEFAULT_SCHEDULE,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        engine_ok = issues.enum("engine", engine, ServerlessEngine)
        vpc_ok = issues.interface(
            "vpc", vpc, "an ec2.IVpc (ec2.Vpc, or ec2.Vpc.from_lookup)", "vpc_id", "select_subnets", optional=False
        )
        vpc_ok &= issues.instance("vpc_subnets", vpc_subnets, ec2.SubnetSelection, "an ec2.SubnetSelection")
        issues.objects(
            "security_groups", security_groups, "ec2.ISecurityGroup", "security_group_id", empty=rules.SECURITY_GROUPS
        )
        limits = check_usage_limits(issues, UsageLimits() if usage_limits is None else usage_limits)
        issues.name("serverless_cache_name", serverless_cache_name, SERVERLESS_CACHE_NAME)
        name = serverless_cache_name or _generated_name(self)
        check_description(issues, description)
        binding = check_auth(issues, engine if engine_ok else None, auth)
        issues.interface(
            "encryption_key",
            encryption_key,
            "a kms.IKey (kms.Key, or kms.Key.from_key_arn for an existing key)",
            "key_arn",
        )
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        check_schedule(issues, credential_rotation)
        backups = check_backups(
            issues,
            backup_retention=backup_retention,
            daily_snapshot_time=daily_snapshot_time,
            final_snapshot_name=final_snapshot_name,
            removal_policy=removal_policy,
            default_final_snapshot_name=f"{name}-final",
        )
        subnets = select_private_subnets(vpc, vpc_subnets, issues) if vpc_ok else None
        issues.raise_if_any()
        assert subnets is not None  # an unusable input raised above

        removal = FamilyRemoval.of(removal_policy)
        self.serverless_engine = engine
        self.usage_limits: UsageLimits | None = (
            usage_limits if usage_limits is not None else UsageLimits() if limits is not None else None
        )
        description = description or default_description(engine, self.node.path)

        self.security_groups = security_groups_or_closed(
            self, vpc=vpc, given=security_groups, kind="serverless cache", removal_policy=removal.others
        )
        self.encryption_key: kms.IKey = encryption_key or new_key(self, description)
        if encryption_key is None:
            self.encryption_key.apply_removal_policy(removal.key)
        floor = engine.feature_floor
        self._auth: AuthBinding = (
            binding.bind(
                self,
                engine_version=floor,
                encryption_key=self.encryption_key,
                removal_policy=removal.others,
                description=description,
            )
            if floor is not None
            else AuthBinding()
        )
        self._connections = CacheConnections(
            security_groups=self.security_groups,
            default_port=_ports(engine.engine),
            upstream=[vpc, *self.security_groups, self.encryption_key, self._auth.user_group],
        )

        self.resource = elasticache.CfnServerlessCache(
            self,
            "Resource",
            serverless_cache_name=name,
            engine=engine.engine.value,
            major_engine_version=engine.major_version,
            description=description,
            cache_usage_limits=limits,
            kms_key_id=self.encryption_key.key_arn,
            subnet_ids=subnets.subnet_ids,
            security_group_ids=[sg.security_group_id for sg in self.security_groups],
            user_group_id=self._auth.user_group.user_group_id if self._auth.user_group else None,
            snapshot_retention_limit=backups.retention_days,
            daily_snapshot_time=backups.daily_snapshot_time,
            final_snapshot_name=backups.final_snapshot_name,
        )
        # CloudFormation has no Snapshot deletion policy for this type (cfn-lint E3035): with
        # SNAPSHOT, ElastiCache takes the final snapshot named above when CloudFormation deletes it.
        self.resource.apply_removal_policy(
            RemovalPolicy.DESTROY if removal.cache is RemovalPolicy.SNAPSHOT else removal.cache
        )
        user = self._auth.generated_user
        self.rotation: lambda_.Function | None = None
        if credential_rotation is not None and user is not None and self._auth.generated is not None:
            endpoint = self.endpoint
            self.rotation = add_rotation(
                self,
                "CredentialRotation",
                secret=self._auth.generated,
                target=RotationTarget(
                    USER_PASSWORD, user.user_arn, {"USER_ID": user.user_id}, endpoint.address, endpoint.port, True
                ),
                vpc=vpc,
                subnets=ec2.SubnetSelection(subnets=subnets.subnets),
                cache_connections=self._connections,
                encryption_key=self.encryption_key,
                schedule=credential_rotation,
                removal_policy=removal.others,
                logs_removal_policy=removal.logs,
            )

    # --- CacheBase ------------------------------------------------------------------------------

    @property
    def cache_id(self) -> str:
        """The cache name (a reference to the resource, so a client stack waits for it)."""
        return self.resource.ref

    @property
    def engine(self) -> Engine:
        return self.serverless_engine.engine

    def _endpoint_or_none(self) -> CacheEndpoint:
        return CacheEndpoint(self.resource.attr_endpoint_address, PORTS[self.engine])

    def _reader_endpoint_or_none(self) -> CacheEndpoint | None:
        return _reader(self.engine, self.resource.attr_endpoint_address)

    def _connections_or_none(self) -> ec2.Connections:
        return self._connections

    def _auth_secret_or_none(self) -> secretsmanager.ISecret | None:
        return self._auth.secret

    def _iam_user_arns(self) -> list[str]:
        return [user.user_arn for user in self._auth.iam_users]

    def _usage_limits(self) -> UsageLimits | None:
        return self.usage_limits

    @property
    def user_group(self) -> IUserGroup | None:
        """The user group clients authenticate against (``None`` on Memcached or with ``CacheAuth.none()``)."""
        return self._auth.user_group

    # --- imports --------------------------------------------------------------------------------

    @staticmethod
    def from_serverless_cache_attributes(
        scope: Construct,
        id: str,
        *,
        serverless_cache_name: str | None = None,
        serverless_cache_arn: str | None = None,
        engine: Engine | None = None,
        endpoint_address: str | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        auth_secret: secretsmanager.ISecret | None = None,
        iam_users: Sequence[IUser] = (),
        region: str | None = None,
        account: str | None = None,
    ) -> ServerlessCacheBase:
        """Reference a serverless cache created elsewhere, to connect to it and grant access.

        :param serverless_cache_name: its name; or give ``serverless_cache_arn`` (exactly one).
        :param serverless_cache_arn: its ARN, which also gives its region and account.
        :param engine: ``Engine.VALKEY``, ``REDIS`` or ``MEMCACHED``; needed with ``endpoint_address``
            or ``security_groups``, for the ports (6379 and 6380, or 11211).
        :param endpoint_address: its endpoint's host name (readers use the same host, port 6380).
        :param security_groups: its security groups; without them ``connections`` raises.
        :param auth_secret: the secret clients read credentials from.
        :param iam_users: IAM-authenticated users of its user group, for ``grant_connect``.
        :param region: its region, with a name, when not the importing stack's.
        :param account: its account, with a name, when not the importing stack's.
        """
        return _ImportedServerlessCache(
            scope,
            id,
            name=serverless_cache_name,
            arn=serverless_cache_arn,
            engine=engine,
            endpoint_address=endpoint_address,
            security_groups=security_groups,
            auth_secret=auth_secret,
            iam_users=iam_users,
            region=region,
            account=account,
        )

    @staticmethod
    def from_serverless_cache_name(
        scope: Construct, id: str, serverless_cache_name: str, *, region: str | None = None, account: str | None = None
    ) -> ServerlessCacheBase:
        """Reference a serverless cache by name alone: enough for ``grant``, its ARN and metrics."""
        return ServerlessCache.from_serverless_cache_attributes(
            scope, id, serverless_cache_name=serverless_cache_name, region=region, account=account
        )

    @staticmethod
    def from_serverless_cache_arn(scope: Construct, id: str, serverless_cache_arn: str) -> ServerlessCacheBase:
        """Reference a serverless cache by ARN (its region and account come from the ARN)."""
        return ServerlessCache.from_serverless_cache_attributes(scope, id, serverless_cache_arn=serverless_cache_arn)


def _generated_name(scope: Construct) -> str:
    """A stable name from the construct path, following the serverless cache name rule."""
    raw = Names.unique_resource_name(scope, max_length=SERVERLESS_CACHE_NAME.max_length or 40, separator="-")
    name = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    if not name[:1].isalpha():
        name = f"c{name}"[: SERVERLESS_CACHE_NAME.max_length].rstrip("-")
    assert SERVERLESS_CACHE_NAME.accepts(name), name
    return name


class _ImportedServerlessCache(ImportedCacheMixin, ServerlessCacheBase):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str | None,
        arn: str | None,
        engine: Engine | None,
        endpoint_address: str | None,
        security_groups: Sequence[ec2.ISecurityGroup] | None,
        auth_secret: secretsmanager.ISecret | None,
        iam_users: Sequence[IUser],
        region: str | None,
        account: str | None,
    ) -> None:
        issues = Issues(f"{scope.node.path}/{id}" if scope.node.path else id)
        _check_import(issues, name, arn, engine, endpoint_address, security_groups, auth_secret, iam_users)
        issues.name("region", region, AWS_REGION)
        issues.name("account", account, AWS_ACCOUNT)
        if arn is not None and (region is not None or account is not None):
            issues.add(
                rules.EXCLUSIVE,
                "region, account",
                "unset with serverless_cache_arn (the ARN gives them)",
                (region, account),
            )
        issues.raise_if_any()
        if arn is not None:
            super().__init__(scope, id, environment_from_arn=arn)
        else:
            super().__init__(scope, id, region=region, account=account)
        self._arn = arn
        self._name = name if name is not None else Arn.split(str(arn), ArnFormat.COLON_RESOURCE_NAME).resource_name
        self._engine = engine
        self.remember(
            endpoint=CacheEndpoint(endpoint_address, PORTS[engine]) if endpoint_address and engine else None,
            reader=_reader(engine, endpoint_address),
            security_groups=security_groups,
            ports=_ports(engine) if engine else None,
            secret=auth_secret,
            iam_users=iam_users,
        )

    @property
    def cache_id(self) -> str:
        assert self._name is not None
        return self._name

    @property
    def cache_arn(self) -> str:
        """The ARN as given (keeping its partition), else formatted in the cache's region and account."""
        return self._arn if self._arn is not None else super().cache_arn

    @property
    def engine(self) -> Engine | None:
        return self._engine


def _check_import(
    issues: Issues,
    name: object,
    arn: object,
    engine: object,
    endpoint_address: object,
    security_groups: object,
    auth_secret: object,
    iam_users: object,
) -> None:
    if issues.require(
        rules.EXCLUSIVE,
        (name is None) != (arn is None),
        "serverless_cache_name, serverless_cache_arn",
        "exactly one of the two",
        (name, arn),
    ):
        issues.name("serverless_cache_name", name, SERVERLESS_CACHE_NAME)
        if issues.text("serverless_cache_arn", arn) and isinstance(arn, str) and not is_token(arn):
            match = _ARN.fullmatch(arn)
            issues.require(
                rules.NAME,
                match is not None and SERVERLESS_CACHE_NAME.accepts(match["name"]),
                "serverless_cache_arn",
                "arn:<partition>:elasticache:<region>:<account>:serverlesscache:<name>",
                arn,
            )
    engine_ok = issues.enum("engine", engine, Engine, optional=True)
    issues.text("endpoint_address", endpoint_address)
    issues.objects(
        "security_groups", security_groups, "ec2.ISecurityGroup", "security_group_id", empty=rules.SECURITY_GROUPS
    )
    needing = [
        prop for prop, value in (("endpoint_address", endpoint_address), ("security_groups", security_groups)) if value
    ]
    if engine_ok and engine is None and needing:
        issues.add(
            rules.MISSING,
            "engine",
            f"given with {' and '.join(needing)}, for the ports (Valkey and Redis OSS 6379 and 6380, Memcached 11211)",
            None,
        )
    issues.interface("auth_secret", auth_secret, "a secretsmanager.ISecret", "secret_arn")
    issues.require(
        rules.TYPE,
        isinstance(iam_users, (list, tuple)) and all(isinstance(u, IUser) for u in iam_users),
        "iam_users",
        "a list of users (IamUser, or IamUser.from_user_id)",
        iam_users,
    )
