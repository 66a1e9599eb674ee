"""A serverless Valkey cache with a user group, in the network stack's VPC.

Everything is the construct's default but for the application's security group, which is allowed
in on the cache's ports (6379, and 6380 for reads from replicas): a customer-managed KMS key, a
``valkey`` user group with an application user whose password is generated into Secrets Manager,
the VPC's isolated subnets, a security group with no other rule, caps of 10 GB and 100,000 ECPUs
per second, daily snapshots kept 15 days and a final snapshot when the cache is deleted; alarms on
throttling, failed AUTH attempts and use near the caps, and the cache's events, on an encrypted topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import ServerlessCache, ServerlessEngine
from constructs_lib.alarms import CacheAlarms
from stacks.placement import client_groups, resolve_vpc


class ServerlessStack(Stack):
    """The reference serverless cache.

    :param vpc: where the cache's endpoint lives; its private subnets are used.
    :param vpc_id: instead of ``vpc``, an existing VPC looked up at synth.
    :param client_security_groups: groups whose members may connect on the cache's ports.
    :param client_security_group_ids: the same, for groups that already exist, by id.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc | None = None,
        vpc_id: str | None = None,
        client_security_groups: Sequence[ec2.ISecurityGroup] = (),
        client_security_group_ids: Sequence[str] = (),
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        vpc = resolve_vpc(self, vpc, vpc_id)
        self.cache = ServerlessCache(self, "Cache", vpc=vpc, engine=ServerlessEngine.VALKEY_8)
        for client in client_groups(self, client_security_groups, client_security_group_ids):
            self.cache.connections.allow_default_port_from(client, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)
