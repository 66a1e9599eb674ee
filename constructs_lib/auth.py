"""How clients authenticate to a node-based cache.

The AUTH token lives in Secrets Manager and reaches the template only as a
``{{resolve:secretsmanager:...}}`` dynamic reference, so no secret is ever written into a
template, the cloud assembly or CloudFormation's console (cfn-lint W1011 checks the same).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import Enum

from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

# ElastiCache accepts 16-128 printable ASCII characters; the strictest source (the
# CreateReplicationGroup API reference) allows only these special characters. ``/ " @ %`` and
# spaces are forbidden everywhere.
AUTH_TOKEN_SPECIAL_CHARACTERS = "!&#$^<>-"
AUTH_TOKEN_EXCLUDED_CHARACTERS = "".join(c for c in string.punctuation if c not in AUTH_TOKEN_SPECIAL_CHARACTERS)
AUTH_TOKEN_MIN_LENGTH = 16
AUTH_TOKEN_MAX_LENGTH = 128


class _Kind(Enum):
    GENERATED = "generated"
    FROM_SECRET = "from secret"
    NONE = "none"


@dataclass(frozen=True)
class CacheAuth:
    """Client authentication; build one with the static methods."""

    kind: _Kind
    length: int = 64
    secret: secretsmanager.ISecret | None = None
    json_field: str | None = None

    @staticmethod
    def generated_token(*, length: int = 64) -> CacheAuth:
        """A random AUTH token generated into a new Secrets Manager secret (the default).

        :param length: 16-128 characters. Default: 64.
        """
        return CacheAuth(_Kind.GENERATED, length=length)

    @staticmethod
    def token_from_secret(secret: secretsmanager.ISecret, *, json_field: str | None = None) -> CacheAuth:
        """An AUTH token kept in an existing secret, whole or in one JSON field of it.

        The secret's value must follow ElastiCache's token rules (16-128 characters, special
        characters only from ``!&#$^<>-``); it is not readable at synth, so ElastiCache checks it.
        """
        return CacheAuth(_Kind.FROM_SECRET, secret=secret, json_field=json_field)

    @staticmethod
    def none() -> CacheAuth:
        """No authentication: any client that reaches the port can read and write. An explicit opt-out."""
        return CacheAuth(_Kind.NONE)

    @property
    def uses_token(self) -> bool:
        return self.kind is not _Kind.NONE

    @property
    def is_generated(self) -> bool:
        return self.kind is _Kind.GENERATED

    def describe(self) -> str:
        return self.kind.value

    def create_secret(
        self, scope: Construct, *, description: str, encryption_key: kms.IKey | None
    ) -> secretsmanager.ISecret | None:
        """The secret holding the token: the given one, a newly generated one, or ``None``."""
        if self.kind is _Kind.FROM_SECRET:
            return self.secret
        if self.kind is _Kind.NONE:
            return None
        return secretsmanager.Secret(
            scope,
            "AuthToken",
            description=description,
            encryption_key=encryption_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=self.length,
                exclude_characters=AUTH_TOKEN_EXCLUDED_CHARACTERS,
                include_space=False,
            ),
        )

    def token_reference(self, secret: secretsmanager.ISecret) -> str:
        """The dynamic reference CloudFormation resolves at deploy time."""
        return (
            secret.secret_value_from_json(self.json_field).unsafe_unwrap()
            if self.json_field
            else (secret.secret_value.unsafe_unwrap())
        )
