"""The seed article's reference deployment, reproduced property for property, plus our secure extras.

Terraform in the seed article -> this stack:

- subnet group ``app-redis-subnets`` over private subnets -> the same name over the VPC's private subnets.
- security group "Allow Redis from app" admitting 6379 from the app's group -> the same description and
  single ingress rule; no egress, since a cache opens no connections of its own.
- security group name ``sg-redis`` -> not set: EC2 refuses group names that start with ``sg-``.
- parameter group ``app-redis7``, family redis7, ``maxmemory-policy=allkeys-lru`` -> family redis7 and
  ``allkeys-lru``; the name is generated: CloudFormation cannot name a parameter group
  (``CacheParameterGroupName`` is read-only in the resource schema).
- replication group ``app-redis``, "Redis cache for application", redis 7.0, ``cache.r6g.large``, port 6379
  -> the same.
- at-rest and in-transit encryption -> the same, with a customer-managed KMS key and TLS ``required``.
- automatic failover and Multi-AZ -> the same.
- ``replicas_per_node_group = 1`` -> ``NumCacheClusters: 2`` (a primary and one replica); ElastiCache
  places them in two zones (Multi-AZ), so changing the count later updates the group in place.
- maintenance window ``sun:03:00-sun:04:00`` -> the same; the daily snapshot window defaults to
  ``01:00-02:00``, clear of it.
- ``apply_immediately = false`` -> nothing: CloudFormation has no such property.
- tag ``Name=app-redis`` -> the same, on the replication group only.
- no auth, no backups -> an RBAC user group (a disabled ``default`` user and an application user whose
  password is generated into Secrets Manager), 15 days of backups, and a final snapshot when the group
  is deleted or replaced.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Tags
from constructs import Construct

from constructs_lib import EngineVersion, EvictionPolicy, ParameterGroup, ReplicationGroup
from constructs_lib.alarms import CacheAlarms
from constructs_lib.nag import acknowledge
from constructs_lib.network import closed_security_group
from stacks.placement import CacheStack


class ReplicationGroupStack(CacheStack):
    """The reference replication group in a VPC of any stack, or the user's own VPC.

    :param replication_group_id: Default: ``app-redis``.
    :param subnet_group_name: Default: ``app-redis-subnets``.
    :param replicas: replicas besides the primary, 0-5; changes in place. Default: 1.
    :param stack_props: where the cache lives and who may connect (see ``CacheStack``), and
        ``Stack`` properties.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        replication_group_id: str = "app-redis",
        subnet_group_name: str = "app-redis-subnets",
        replicas: int = 1,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        engine_version = EngineVersion.REDIS_7_0
        security_group = closed_security_group(self, "SecurityGroup", vpc=self.vpc, description="Allow Redis from app")
        parameter_group = ParameterGroup(
            self,
            "ParameterGroup",
            engine_version=engine_version,
            eviction_policy=EvictionPolicy.ALLKEYS_LRU,
        )
        self.cache = ReplicationGroup(
            self,
            "Cache",
            vpc=self.vpc,
            engine_version=engine_version,
            node_type="cache.r6g.large",
            replicas=replicas,
            port=6379,
            replication_group_id=replication_group_id,
            description="Redis cache for application",
            subnet_group_name=subnet_group_name,
            security_groups=[security_group],
            parameter_group=parameter_group,
            maintenance_window="sun:03:00-sun:04:00",
        )
        self.admit_clients(self.cache, "Redis from the application")
        Tags.of(self.cache.resource).add("Name", replication_group_id)
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)

        acknowledge(
            self.cache.resource,
            "The seed article's reference deployment runs Redis OSS on its default port 6379, which "
            "clients expect. A different port would only hide the service from untargeted scans; "
            "access is controlled by TLS, an RBAC user group and a security group that admits only "
            "the application's group.",
            "AwsSolutions-AEC5",
        )
