"""A serverless Valkey cache with a user group, in the network stack's VPC.

Everything is the construct's default but for the application's security group, which is allowed
in on the cache's ports (6379, and 6380 for reads from replicas): a customer-managed KMS key, a
``valkey`` user group with an application user whose password is generated into Secrets Manager,
the VPC's isolated subnets, a security group with no other rule, caps of 10 GB and 100,000 ECPUs
per second, daily snapshots kept 15 days and a final snapshot when the cache is deleted; alarms on
throttling, failed AUTH attempts and use near the caps, and the cache's events, on an encrypted topic.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from constructs_lib import ServerlessCache, ServerlessEngine
from constructs_lib.alarms import CacheAlarms
from stacks.placement import CacheStack


class ServerlessStack(CacheStack):
    """The reference serverless cache.

    :param stack_props: where the cache lives and who may connect (see ``CacheStack``), and
        ``Stack`` properties.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        self.cache = ServerlessCache(self, "Cache", vpc=self.vpc, engine=ServerlessEngine.VALKEY_8)
        self.admit_clients(self.cache, "Valkey from the application")
        self.alarms = CacheAlarms(self, "Alarms", cache=self.cache)
