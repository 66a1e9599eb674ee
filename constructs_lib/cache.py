"""What every cache kind offers, whether created here or imported: endpoints, the AUTH secret,
network access through ``connections`` and IAM grants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jsii
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue


@dataclass(frozen=True)
class CacheEndpoint:
    """A host name and port clients connect to (tokens until deploy time; a port token is a float)."""

    address: str
    port: float


@jsii.implements(ec2.IConnectable)
class CacheBase(Construct):
    """The interface shared by every cache kind.

    Subclasses set the attributes in their constructor; ``grant_*`` then work the same for all.
    """

    cache_id: str
    """The identifier ElastiCache knows the cache by (a replication group id, a cache name)."""
    cache_arn: str
    primary_endpoint: CacheEndpoint
    """Where writes go (for a replication group, its primary endpoint)."""
    reader_endpoint: CacheEndpoint | None
    """Where reads may go, spread over replicas; ``None`` when unknown (for example imported)."""
    auth_secret: secretsmanager.ISecret | None
    """The secret holding the AUTH token; ``None`` when the cache does not use one."""
    security_groups: Sequence[ec2.ISecurityGroup]
    _connections: ec2.Connections

    @property
    def connections(self) -> ec2.Connections:
        """Network access: ``cache.connections.allow_default_port_from(app_security_group)``."""
        return self._connections

    def grant_connect(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow ``elasticache:Connect`` on this cache, which IAM authentication requires."""
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=["elasticache:Connect"], resource_arns=[self.cache_arn]
        )

    def grant_read_auth_token(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow reading the AUTH token (and decrypting it with its KMS key)."""
        if self.auth_secret is None:
            raise ElastiCacheValidationError(
                [
                    ValidationIssue(
                        self.node.path,
                        "auth",
                        "token authentication (CacheAuth.generated_token or token_from_secret) "
                        "to grant reading its token",
                        "no AUTH token",
                    )
                ]
            )
        return self.auth_secret.grant_read(grantee)
