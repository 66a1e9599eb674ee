"""Global Datastore: a primary replication group in one region and one or two secondaries in others,
each in its own stack, deployed together by ``cdk deploy --all``.

How CloudFormation builds one [elasticache-rules.md, Global Datastore]: the
``AWS::ElastiCache::GlobalReplicationGroup`` lives in the primary's region with the existing primary
group as its PRIMARY member; each secondary is an ``AWS::ElastiCache::ReplicationGroup`` in its own
region whose create-only ``GlobalReplicationGroupId`` is the datastore's full id. Adding secondaries
through ``Members`` does not work (aws/aws-cdk#17808).

Why the id reaches the secondary stacks without a cross-region reference: ElastiCache names a
datastore ``<prefix of the primary's region>-<suffix>``, and we choose the suffix, so the id is
known at synth. CDK's cross-region references would instead add a Lambda-backed custom resource and
SSM parameters to every stack, for a value that is a constant. The prefixes come from AWS's table
(``facts/global_datastore.py``); a primary region missing from it fails the synth rather than guess.
The secondaries' stacks depend on the primary's, so ``cdk deploy --all`` creates the datastore first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import ArnFormat, CfnOutput, RemovalPolicy, Resource, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import nag, rules
from constructs_lib.base import CacheEndpoint, NodeCacheBase, documented_signature, notification_topic_arn
from constructs_lib.encryption import new_key
from constructs_lib.facts import global_datastore as facts
from constructs_lib.facts.engines import GLOBAL_DATASTORE, Engine
from constructs_lib.facts.limits import GLOBAL_DATASTORE_MAX_SECONDARIES, MAX_REPLICAS
from constructs_lib.facts.names import GLOBAL_DATASTORE_SUFFIX, REPLICATION_GROUP_ID, SUBNET_GROUP_NAME
from constructs_lib.facts.node_types import GLOBAL_DATASTORE_FAMILIES
from constructs_lib.network import (
    CacheConnections,
    CacheSubnetGroup,
    check_network_inputs,
    security_groups_or_closed,
    select_private_subnets,
)
from constructs_lib.removal import FamilyRemoval
from constructs_lib.replication_group import ReplicationGroup
from constructs_lib.topology import Topology
from constructs_lib.validation import Issues, is_token


def _concrete_region(scope: Construct) -> str | None:
    region = Stack.of(scope).region
    return None if Token.is_unresolved(region) else region


@documented_signature
class GlobalDatastore(Resource):
    """An ``AWS::ElastiCache::GlobalReplicationGroup`` made from an existing primary group.

    Create it in the primary's stack, then add secondaries in stacks of other regions:

    .. code-block:: python

        primary = ReplicationGroup(
            us_stack, "Orders", vpc=us_vpc, engine_version=EngineVersion.VALKEY_8_2, node_type="cache.r7g.large",
            auth=CacheAuth.generated_token(secret_name="orders/token"),
        )
        datastore = GlobalDatastore(us_stack, "OrdersGlobal", primary=primary, suffix="orders")
        datastore.add_secondary(eu_stack, "Orders", vpc=eu_vpc)

    :param primary: the primary group, in a stack with an explicit region. It must meet the
        datastore's prerequisites: Valkey 7.2+ or Redis OSS 5.0.6+; node family M5, M6g, M7g, R5, R6g,
        R6gd, R7g or C7gn of size large or above; no auto scaling, no durability; an AUTH token or no
        authentication (user groups are per region).
    :param suffix: the datastore's name; its id is ``<region prefix>-<suffix>``.
    :param description: Default: derived from the suffix.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        primary: ReplicationGroup,
        suffix: str,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        region = _concrete_region(self)
        if issues.require(
            rules.TYPE,
            isinstance(primary, ReplicationGroup),
            "primary",
            "a ReplicationGroup created in this app",
            primary,
        ):
            _check_primary(issues, primary, region)
        issues.name("suffix", suffix, GLOBAL_DATASTORE_SUFFIX, optional=False)
        issues.text("description", description)
        issues.raise_if_any()
        assert region is not None
        self.primary = primary
        self.primary_region = region
        self.suffix = suffix
        self.global_datastore_id: str = facts.global_datastore_id(region, suffix) or ""
        self.secondaries: list[GlobalDatastoreSecondary] = []
        primary.global_datastore = self
        self.resource = elasticache.CfnGlobalReplicationGroup(
            self,
            "Resource",
            global_replication_group_id_suffix=suffix,
            global_replication_group_description=description or f"Global Datastore {suffix}",
            members=[
                elasticache.CfnGlobalReplicationGroup.GlobalReplicationGroupMemberProperty(
                    replication_group_id=primary.replication_group_id,
                    replication_group_region=region,
                    role="PRIMARY",
                )
            ],
        )
        CfnOutput(
            self,
            "Id",
            value=self.resource.ref,
            description=f"Global Datastore id; secondaries were synthesized with {self.global_datastore_id}",
        )

    @property
    def global_datastore_arn(self) -> str:
        """Global Datastore ARNs carry no region."""
        return Stack.of(self).format_arn(
            service="elasticache",
            resource="globalreplicationgroup",
            resource_name=self.global_datastore_id,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
            region="",
        )

    def add_secondary(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        replicas: int | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        encryption_key: kms.IKey | None = None,
        replication_group_id: str | None = None,
        subnet_group_name: str | None = None,
        description: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> GlobalDatastoreSecondary:
        """A secondary in ``scope``'s stack and region; see ``GlobalDatastoreSecondary``."""
        return GlobalDatastoreSecondary(
            scope,
            id,
            datastore=self,
            vpc=vpc,
            replicas=replicas,
            vpc_subnets=vpc_subnets,
            security_groups=security_groups,
            encryption_key=encryption_key,
            replication_group_id=replication_group_id,
            subnet_group_name=subnet_group_name,
            description=description,
            removal_policy=removal_policy,
        )


def _check_primary(issues: Issues, primary: ReplicationGroup, region: str | None) -> None:
    issues.require(
        rules.GLOBAL_DATASTORE_REGION,
        region is not None and region in facts.ID_PREFIXES,
        "primary",
        "a group in a stack whose region has a known Global Datastore id prefix: "
        + ", ".join(sorted(facts.ID_PREFIXES)),
        region or "an environment-agnostic stack",
    )
    version = primary.engine_version
    issues.require(
        rules.ENGINE_FEATURE,
        version.supports(GLOBAL_DATASTORE),
        "primary",
        f"a group on {GLOBAL_DATASTORE.requirement()} (Global Datastore)",
        version,
    )
    node = primary.node_type
    if node is not None:
        issues.require(
            rules.GLOBAL_DATASTORE_MEMBER,
            node.supports_global_datastore,
            "primary",
            "a group on node family " + ", ".join(sorted(GLOBAL_DATASTORE_FAMILIES)) + " of size large or above",
            node.name,
        )
    issues.require(
        rules.GLOBAL_DATASTORE_MEMBER,
        not primary.scaled,
        "primary",
        "a group without auto scaling (not offered for Global Datastore members)",
        "auto scaling",
    )
    issues.require(
        rules.GLOBAL_DATASTORE_MEMBER,
        primary.durability is None,
        "primary",
        "a group without durability (not offered for Global Datastore members)",
        primary.durability,
    )
    issues.require(
        rules.GLOBAL_DATASTORE_MEMBER,
        primary.rotation is None,
        "primary",
        "a group with credential_rotation=None: its AUTH token serves every region of the datastore, "
        "and this library rotates a token from one region's function only, so it does not rotate it",
        primary.rotation,
    )
    issues.require(
        rules.GLOBAL_DATASTORE_MEMBER,
        primary.user_group is None,
        "primary",
        "a group with an AUTH token or no authentication: a Global Datastore supports AUTH, and user "
        "groups are regional",
        "a user group",
    )
    issues.require(
        rules.GLOBAL_DATASTORE_MEMBER,
        primary.global_datastore is None,
        "primary",
        "a group that is not yet the primary of another Global Datastore",
        primary,
    )


@documented_signature
class GlobalDatastoreSecondary(NodeCacheBase):
    """A secondary replication group of a Global Datastore, in its own stack and region.

    It sets only what a secondary may: ``GlobalReplicationGroupId``, its description, replica count,
    subnet group, security groups and KMS key (keys are regional). Engine and version, node type,
    shard count, encryption, authentication, port, failover and Multi-AZ come from the primary.
    Reads are served locally; writes go to the primary's region (promote a secondary by hand).

    :param datastore: the ``GlobalDatastore``.
    :param vpc: the VPC in this region.
    :param replicas: replicas per shard, 0-5 (they may differ from the primary's). Default: the
        primary's.
    :param vpc_subnets: Default: the VPC's isolated subnets, else its private subnets with egress.
    :param security_groups: Default: one new closed security group.
    :param encryption_key: this region's key for data at rest. Default: a new customer-managed key
        with rotation, when the primary encrypts at rest.
    :param replication_group_id: Default: generated by CloudFormation.
    :param subnet_group_name: Default: generated.
    :param description: Default: derived from the datastore.
    :param removal_policy: Default: ``RemovalPolicy.DESTROY``: the data lives on in the primary, and
        ElastiCache takes no final snapshot of a secondary.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        datastore: GlobalDatastore,
        vpc: ec2.IVpc,
        replicas: int | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        encryption_key: kms.IKey | None = None,
        replication_group_id: str | None = None,
        subnet_group_name: str | None = None,
        description: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        if not issues.require(
            rules.TYPE, isinstance(datastore, GlobalDatastore), "datastore", "a GlobalDatastore", datastore
        ):
            issues.raise_if_any()
        primary = datastore.primary
        port = primary.endpoint.port
        region = _concrete_region(self)
        _check_secondary_region(issues, datastore, region)
        vpc_ok = check_network_inputs(issues, vpc, vpc_subnets, security_groups, port)
        replica_count = primary.topology.replicas if replicas is None else replicas
        issues.whole(rules.REPLICAS, "replicas", replica_count, 0, MAX_REPLICAS, synth=True)
        issues.interface("encryption_key", encryption_key, "a kms.IKey in this region", "key_arn")
        if encryption_key is not None and not primary.at_rest_encryption:
            issues.add(
                rules.KEY_NEEDS_AT_REST,
                "encryption_key",
                "unset when the primary does not encrypt at rest",
                encryption_key,
            )
        issues.name("replication_group_id", replication_group_id, REPLICATION_GROUP_ID)
        issues.name("subnet_group_name", subnet_group_name, SUBNET_GROUP_NAME)
        issues.text("description", description)
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        subnets = select_private_subnets(vpc, vpc_subnets, issues) if vpc_ok else None
        issues.raise_if_any()
        assert subnets is not None
        assert isinstance(replica_count, int)

        removal = FamilyRemoval.of(removal_policy)
        self.datastore = datastore
        self.region = region
        self._port = port
        self.topology = Topology(
            primary.topology.mode,
            primary.topology.shards,
            replica_count,
            primary.topology.failover,
            primary.topology.multi_az,
        )
        description = description or f"Secondary of Global Datastore {datastore.global_datastore_id} in {region}"
        self.subnet_group = CacheSubnetGroup(
            self,
            "SubnetGroup",
            subnets=subnets,
            description=description,
            subnet_group_name=subnet_group_name,
            removal_policy=removal.others,
        )
        self.security_groups = security_groups_or_closed(
            self, vpc=vpc, given=security_groups, kind="Global Datastore secondary", removal_policy=removal.others
        )
        self.encryption_key: kms.IKey | None = encryption_key
        if encryption_key is None and primary.at_rest_encryption:
            key = new_key(self, description)
            key.apply_removal_policy(removal.key)
            self.encryption_key = key
        self._connections = CacheConnections(
            security_groups=self.security_groups,
            default_port=ec2.Port.tcp(port),
            upstream=[vpc, *self.security_groups, self.encryption_key],
            owner=self.node.path,
        )
        self.resource = elasticache.CfnReplicationGroup(
            self,
            "Resource",
            replication_group_description=description,
            replication_group_id=replication_group_id,
            global_replication_group_id=datastore.global_datastore_id,
            num_cache_clusters=None if self.topology.sharded else replica_count + 1,
            replicas_per_node_group=replica_count if self.topology.sharded else None,
            cache_subnet_group_name=self.subnet_group.subnet_group_name,
            security_group_ids=[sg.security_group_id for sg in self.security_groups],
            kms_key_id=self.encryption_key.key_arn if self.encryption_key else None,
        )
        self.resource.apply_removal_policy(removal.cache)
        _acknowledge_inherited(self.resource)
        self._id_given = replication_group_id
        self._secret = _replicate_token(datastore, self, region)
        Stack.of(self).add_stack_dependency(Stack.of(datastore), "the Global Datastore exists before its secondaries")
        datastore.secondaries.append(self)

    @property
    def cache_id(self) -> str:
        return self.resource.ref

    @property
    def engine(self) -> Engine:
        return self.datastore.primary.engine

    @property
    def _arn_resource_type(self) -> str:
        return "replicationgroup"

    def _endpoint_or_none(self) -> CacheEndpoint:
        if self.topology.sharded:
            return CacheEndpoint(self.resource.attr_configuration_end_point_address, self._port)
        return CacheEndpoint(self.resource.attr_primary_end_point_address, self._port)

    def _reader_endpoint_or_none(self) -> CacheEndpoint | None:
        if self.topology.sharded:
            return None
        return CacheEndpoint(self.resource.attr_reader_end_point_address, self._port)

    def _connections_or_none(self) -> ec2.Connections:
        return self._connections

    def _auth_secret_or_none(self) -> secretsmanager.ISecret | None:
        return self._secret

    def _metric_dimension_sets(self) -> list[dict[str, str]]:
        base = self._id_given.lower() if self._id_given and not is_token(self._id_given) else self.cache_id
        return [{"CacheClusterId": member} for member in self.topology.member_cluster_ids(base)]

    def send_events_to(self, topic: sns.ITopic) -> None:
        self.resource.notification_topic_arn = notification_topic_arn(self, topic)

    def metric_global_replication_lag(self, **props: Any) -> cloudwatch.IMetric:
        """``GlobalDatastoreReplicationLag``: seconds this secondary's primary node trails the
        primary region; the largest over shards."""
        return self.metric("GlobalDatastoreReplicationLag", **{"statistic": "Maximum", "aggregate": "MAX", **props})


def _check_secondary_region(issues: Issues, datastore: GlobalDatastore, region: str | None) -> None:
    taken = [datastore.primary_region, *(s.region for s in datastore.secondaries)]
    if not issues.require(
        rules.GLOBAL_DATASTORE_REGION,
        region is not None and region in facts.REGIONS,
        "stack region",
        "a region that offers Global Datastore: " + ", ".join(sorted(facts.REGIONS)),
        region or "an environment-agnostic stack",
    ):
        return
    assert region is not None
    issues.require(
        rules.GLOBAL_DATASTORE_REGION,
        region not in taken,
        "stack region",
        "a region without another member of this datastore: not " + ", ".join(str(t) for t in taken),
        region,
    )
    issues.require(
        rules.GLOBAL_DATASTORE_REGION,
        facts.partition_group(region) == facts.partition_group(datastore.primary_region),
        "stack region",
        f"a region of the primary's partition ({facts.partition_group(datastore.primary_region)}; in China only "
        "Beijing and Ningxia pair)",
        region,
    )
    issues.require(
        rules.GLOBAL_DATASTORE_REGION,
        len(datastore.secondaries) < GLOBAL_DATASTORE_MAX_SECONDARIES,
        "datastore",
        f"a datastore with fewer than {GLOBAL_DATASTORE_MAX_SECONDARIES} secondaries (a primary and up to two "
        "other regions)",
        [s.region for s in datastore.secondaries],
    )


def _replicate_token(
    datastore: GlobalDatastore, secondary: GlobalDatastoreSecondary, region: str | None
) -> secretsmanager.ISecret | None:
    """The primary's AUTH token, replicated into this region when we generated it, and found here by
    its name when the name is known at synth (``CacheAuth.generated_token(secret_name=...)``, or an
    existing secret imported by name)."""
    primary = datastore.primary
    secret = primary.auth_secret
    if secret is None or region is None:
        return None
    if isinstance(secret, secretsmanager.Secret):
        secret.add_replica_region(region)
    chosen = primary.auth.secret_name if isinstance(primary.auth.secret_name, str) else None
    name = chosen or secret.secret_name
    if is_token(name):
        return None
    return secretsmanager.Secret.from_secret_name_v2(secondary, "AuthToken", name)


def _acknowledge_inherited(resource: Construct) -> None:
    nag.acknowledge(
        resource,
        "A Global Datastore secondary takes engine, encryption at rest and in transit, the AUTH token, "
        "port, Multi-AZ and automatic failover from its primary, which sets them (TLS, a customer-managed "
        "key, a token from Secrets Manager, Multi-AZ); CloudFormation refuses them on a secondary, so the "
        "template cannot show them.",
        "AwsSolutions-AEC3",
        "AwsSolutions-AEC4",
        "AwsSolutions-AEC5",
        "AwsSolutions-AEC6",
    )
    nag.acknowledge(
        resource,
        "Backups of a Global Datastore are taken on the primary (15 days by default); a secondary "
        "replicates the primary's data and keeps no backups of its own.",
        "HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup",
        "NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup",
    )
