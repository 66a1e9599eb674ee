"""cdk-nag acknowledgments the library carries on the resources it creates.

A consumer who runs cdk-nag (version 3, validation plugins) on their own app sees the same result
as our reference stacks: each acknowledgment sits on the resource it concerns, with its reason.
Only findings that are true and deliberate are acknowledged; nothing here weakens a rule.
The library does not depend on cdk-nag: acknowledgments are aws-cdk-lib's ``Validations`` API.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

SECRET_ROTATION_RULES = (
    "AwsSolutions-SMG4",
    "HIPAA.Security-SecretsManagerRotationEnabled",
    "NIST.800.53.R5-SecretsManagerRotationEnabled",
)


def acknowledge(scope: IConstruct, reason: str, *rule_ids: str) -> None:
    """Acknowledge cdk-nag findings on ``scope`` and everything under it.

    ``rule_ids`` are the rule names as cdk-nag prints them, e.g. ``AwsSolutions-AEC5``; the pack
    prefix that CDK's validation report expects (``AwsSolutions::AwsSolutions-AEC5``) is added here.
    """
    Validations.of(scope).acknowledge(
        *(Acknowledgment(id=f"{rule_id.split('-', 1)[0]}::{rule_id}", reason=reason) for rule_id in rule_ids)
    )


def acknowledge_token_rotation(secret: IConstruct) -> None:
    acknowledge(
        secret,
        "An ElastiCache AUTH token is rotated with ModifyReplicationGroup (strategy ROTATE, then SET), "
        "which no Secrets Manager rotation template performs, so no rotation schedule is attached yet. "
        "Rotate it with that two-step procedure; the secret is encrypted with the cache's "
        "customer-managed key and readable only through IAM grants.",
        *SECRET_ROTATION_RULES,
    )


def acknowledge_password_rotation(secret: IConstruct) -> None:
    acknowledge(
        secret,
        "An ElastiCache user's password is rotated with ModifyUser (add the new password beside the "
        "old one, switch clients, remove the old one), which no Secrets Manager rotation template "
        "performs, so no rotation schedule is attached yet. The secret is encrypted with a "
        "customer-managed key and readable only through IAM grants.",
        *SECRET_ROTATION_RULES,
    )


def acknowledge_rbac_instead_of_token(resource: IConstruct) -> None:
    acknowledge(
        resource,
        "The cache authenticates clients with an RBAC user group (UserGroupIds), which replaces the AUTH "
        "token and is what AWS Config's elasticache-rbac-auth-enabled and Control Tower's "
        "CT.ELASTICACHE.PR.8 require for Valkey and Redis OSS 6+. AEC6 only looks for AuthToken.",
        "AwsSolutions-AEC6",
    )
