"""A Global Datastore: the primary in the app's region, one secondary in a second region.

Two stacks, one per region; the secondary's stack depends on the primary's, so ``cdk deploy --all``
creates them in order. The id the secondary needs is known at synth (see
``constructs_lib.global_datastore``), so no cross-region reference is involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import CacheAuth, EngineVersion, ReplicationGroup
from constructs_lib.alarms import CacheAlarms
from constructs_lib.global_datastore import GlobalDatastore, GlobalDatastoreSecondary
from stacks.placement import client_groups, resolve_vpc


class GlobalPrimaryStack(Stack):
    """The primary: Valkey 8.2 on ``cache.r7g.large`` with a replica, an AUTH token generated into a
    secret named ``<suffix>/auth-token`` (replicated to the secondary's region), and the datastore.

    :param suffix: the datastore's name. Default: ``app-global``.
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
        suffix: str = "app-global",
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        vpc = resolve_vpc(self, vpc, vpc_id)
        self.primary = ReplicationGroup(
            self,
            "Primary",
            vpc=vpc,
            engine_version=EngineVersion.VALKEY_8_2,
            node_type="cache.r7g.large",
            replicas=1,
            auth=CacheAuth.generated_token(secret_name=f"{suffix}/auth-token"),
            # The token of a Global Datastore is the primary's, used in every region; rotating it
            # from one region's function is not a documented ElastiCache procedure yet.
            credential_rotation=None,
        )
        self.datastore = GlobalDatastore(self, "Datastore", primary=self.primary, suffix=suffix)
        for client in client_groups(self, client_security_groups, client_security_group_ids):
            self.primary.connections.allow_default_port_from(client, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.primary)


class GlobalSecondaryStack(Stack):
    """A secondary of ``datastore`` in this stack's region, with its own key, subnet and security groups."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        datastore: GlobalDatastore,
        vpc: ec2.IVpc,
        client_security_groups: Sequence[ec2.ISecurityGroup] = (),
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        self.secondary: GlobalDatastoreSecondary = datastore.add_secondary(self, "Secondary", vpc=vpc, replicas=1)
        for client in client_security_groups:
            self.secondary.connections.allow_default_port_from(client, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.secondary)
