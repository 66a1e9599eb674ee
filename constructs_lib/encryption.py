"""Encryption in transit and at rest, shared by the cache kinds."""

from __future__ import annotations

from enum import Enum

from aws_cdk import aws_kms as kms
from constructs import Construct

from constructs_lib import rules
from constructs_lib.facts.engines import TLS_MODES, EngineVersion
from constructs_lib.validation import Issues


class TransitEncryption(Enum):
    """TLS between clients and the cache."""

    REQUIRED = "required"
    """Only TLS connections are accepted (the default)."""
    PREFERRED = "preferred"
    """TLS and plain connections are both accepted: only for migrating clients to TLS."""
    DISABLED = "disabled"
    """No TLS at all: an explicit opt-out that also rules out AUTH tokens and user groups."""

    @property
    def enabled(self) -> bool:
        return self is not TransitEncryption.DISABLED


def check_encryption(
    issues: Issues,
    engine_version: EngineVersion | None,
    transit_encryption: object,
    at_rest_encryption: object,
    encryption_key: object,
) -> None:
    """Types and combinations of the encryption settings of a node-based Valkey / Redis OSS cache."""
    issues.enum("transit_encryption", transit_encryption, TransitEncryption)
    at_rest_ok = issues.switch("at_rest_encryption", at_rest_encryption, optional=False)
    key_ok = issues.interface(
        "encryption_key", encryption_key, "a kms.IKey (kms.Key, or kms.Key.from_key_arn for an existing key)", "key_arn"
    )
    if at_rest_ok and key_ok and encryption_key is not None:
        issues.require(
            rules.KEY_NEEDS_AT_REST,
            bool(at_rest_encryption),
            "encryption_key",
            "unset when at_rest_encryption is False (a KMS key needs at-rest encryption)",
            encryption_key,
        )
    if transit_encryption is TransitEncryption.PREFERRED and engine_version is not None:
        issues.require(
            rules.ENGINE_FEATURE,
            engine_version.supports(TLS_MODES),
            "transit_encryption",
            f"REQUIRED or DISABLED on {engine_version.label} (PREFERRED needs {TLS_MODES.requirement()})",
            transit_encryption,
        )


def transit_encryption_mode(transit_encryption: TransitEncryption, engine_version: EngineVersion) -> str | None:
    """``TransitEncryptionMode``; engines before Redis OSS 7.0 know no mode (TLS on means TLS only)."""
    if transit_encryption.enabled and engine_version.supports(TLS_MODES):
        return transit_encryption.value
    return None


def new_key(scope: Construct, description: str) -> kms.Key:
    """A customer-managed key with yearly rotation, for data at rest and the cache's secrets."""
    return kms.Key(scope, "Key", description=f"Encrypts {description}", enable_key_rotation=True)
