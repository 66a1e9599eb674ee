"""A Global Datastore: the primary in the app's region, one secondary in a second region.

Two stacks, one per region; the secondary's stack depends on the primary's, so ``cdk deploy --all``
creates them in order. The id the secondary needs is known at synth (see
``constructs_lib.global_datastore``), so no cross-region reference is involved.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from constructs_lib import CacheAuth, EngineVersion, ReplicationGroup
from constructs_lib.alarms import CacheAlarms
from constructs_lib.global_datastore import GlobalDatastore, GlobalDatastoreSecondary
from stacks.placement import CacheStack


class GlobalPrimaryStack(CacheStack):
    """The primary: Valkey 8.2 on ``cache.r7g.large`` with a replica, an AUTH token generated into a
    secret named ``<suffix>/auth-token`` (replicated to the secondary's region), and the datastore.

    :param suffix: the datastore's name. Default: ``app-global``.
    :param stack_props: where the primary lives and who may connect (see ``CacheStack``), and
        ``Stack`` properties.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        suffix: str = "app-global",
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        self.primary = ReplicationGroup(
            self,
            "Primary",
            vpc=self.vpc,
            engine_version=EngineVersion.VALKEY_8_2,
            node_type="cache.r7g.large",
            replicas=1,
            auth=CacheAuth.generated_token(secret_name=f"{suffix}/auth-token"),
            # The token of a Global Datastore is the primary's, used in every region; rotating it
            # from one region's function is not a documented ElastiCache procedure yet.
            credential_rotation=None,
        )
        self.datastore = GlobalDatastore(self, "Datastore", primary=self.primary, suffix=suffix)
        self.admit_clients(self.primary, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.primary)


class GlobalSecondaryStack(CacheStack):
    """A secondary of ``datastore`` in this stack's region, with its own key, subnet and security groups.

    :param stack_props: where the secondary lives and who may connect (see ``CacheStack``), and
        ``Stack`` properties (``env`` with the secondary's region).
    """

    def __init__(self, scope: Construct, id: str, *, datastore: GlobalDatastore, **stack_props: Any) -> None:
        super().__init__(scope, id, **stack_props)
        self.secondary: GlobalDatastoreSecondary = datastore.add_secondary(self, "Secondary", vpc=self.vpc, replicas=1)
        self.admit_clients(self.secondary, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.secondary)
