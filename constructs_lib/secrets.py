"""Credentials generated into Secrets Manager with only the characters ElastiCache accepts."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from constructs_lib.facts.limits import SECRET_EXCLUDED_CHARACTERS


def generated_secret(
    scope: Construct,
    id: str,
    *,
    description: str,
    length: int,
    encryption_key: kms.IKey | None,
    removal_policy: RemovalPolicy,
    username: str | None = None,
    secret_name: str | None = None,
) -> secretsmanager.Secret:
    """A random secret of ``length`` letters, digits and ``!&#$^<>-``: the whole value for an AUTH
    token, or JSON ``{"username": ..., "password": ...}`` for a user's password."""
    secret = secretsmanager.Secret(
        scope,
        id,
        description=description,
        secret_name=secret_name,
        encryption_key=encryption_key,
        generate_secret_string=secretsmanager.SecretStringGenerator(
            secret_string_template=json.dumps({"username": username}) if username is not None else None,
            generate_string_key="password" if username is not None else None,
            password_length=length,
            exclude_characters=SECRET_EXCLUDED_CHARACTERS,
            include_space=False,
        ),
    )
    secret.apply_removal_policy(removal_policy)
    return secret
