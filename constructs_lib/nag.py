"""cdk-nag acknowledgments the library carries on the resources it creates.

A consumer who runs cdk-nag (version 3, validation plugins) on their own app sees the same result
as our reference stacks: each acknowledgment sits on the resource it concerns, with its reason.
Only findings that are true and deliberate are acknowledged; nothing here weakens a rule.
The library does not depend on cdk-nag: acknowledgments are aws-cdk-lib's ``Validations`` API.
"""

from __future__ import annotations

import jsii
from aws_cdk import Acknowledgment, Aspects, IAspect, Validations
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import IConstruct

SECRET_ROTATION_RULES = (
    "AwsSolutions-SMG4",
    "HIPAA.Security-SecretsManagerRotationEnabled",
    "NIST.800.53.R5-SecretsManagerRotationEnabled",
)

UNENCRYPTED_TOPIC_RULES = (
    "AwsSolutions-SNS2",
    "HIPAA.Security-SNSEncryptedKMS",
    "NIST.800.53.R5-SNSEncryptedKMS",
    "PCI.DSS.321-SNSEncryptedKMS",
)


def acknowledge(scope: IConstruct, reason: str, *rule_ids: str) -> None:
    """Acknowledge cdk-nag findings on ``scope`` and everything under it.

    ``rule_ids`` are the rule names as cdk-nag prints them, e.g. ``AwsSolutions-AEC5``; the pack
    prefix that CDK's validation report expects (``AwsSolutions::AwsSolutions-AEC5``) is added here.
    """
    Validations.of(scope).acknowledge(
        *(Acknowledgment(id=f"{rule_id.split('-', 1)[0]}::{rule_id}", reason=reason) for rule_id in rule_ids)
    )


@jsii.implements(IAspect)
class _UnlessRotated:
    """Acknowledges the rotation rules on a secret at synth, when by then it has no rotation schedule
    (a cache may attach rotation to a secret after the secret was created)."""

    def __init__(self, secret: IConstruct, reason: str) -> None:
        self.secret = secret
        self.reason = reason

    def visit(self, node: IConstruct) -> None:
        if node is self.secret and not any(
            isinstance(child, secretsmanager.RotationSchedule) for child in node.node.children
        ):
            acknowledge(node, self.reason, *SECRET_ROTATION_RULES)


def acknowledge_token_rotation(secret: IConstruct) -> None:
    Aspects.of(secret).add(_UnlessRotated(secret, _TOKEN_REASON))


def acknowledge_password_rotation(secret: IConstruct) -> None:
    Aspects.of(secret).add(_UnlessRotated(secret, _PASSWORD_REASON))


_TOKEN_REASON = (
    "Rotation of this AUTH token is turned off (credential_rotation=None): ElastiCache rotates tokens "
    "with ModifyReplicationGroup (ROTATE, then SET). The secret is encrypted with the cache's "
    "customer-managed key and readable only through IAM grants."
)
_PASSWORD_REASON = (
    "No rotation is attached to this user's password: a cache rotates the password of the user it "
    "generates (credential_rotation), and ElastiCache rotates passwords with ModifyUser (both "
    "passwords valid during the switch). The secret is readable only through IAM grants."
)


def acknowledge_rbac_instead_of_token(resource: IConstruct) -> None:
    acknowledge(
        resource,
        "The cache authenticates clients with an RBAC user group (UserGroupIds), which replaces the AUTH "
        "token and is what AWS Config's elasticache-rbac-auth-enabled and Control Tower's "
        "CT.ELASTICACHE.PR.8 require for Valkey and Redis OSS 6+. AEC6 only looks for AuthToken.",
        "AwsSolutions-AEC6",
    )
