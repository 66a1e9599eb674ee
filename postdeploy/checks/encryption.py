"""Encryption at rest and in transit, and who holds the key."""

from __future__ import annotations

from constructs_lib.facts.engines import TLS_MODES, Engine
from postdeploy.checks.base import Check, Context, Outcome, SettingCheck, failed, guide, passed, security_hub
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity


class EncryptionAtRest(SettingCheck):
    id = "encryption-at-rest"
    title = "Data is encrypted at rest"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.4", "elasticache-repl-grp-encrypted-at-rest", "CT.ELASTICACHE.PR.4")
    reference = security_hub(4)
    remediation = "Recreate the group with AtRestEncryptionEnabled (fixed at creation); restore from a snapshot."
    setting, wanted, default = "AtRestEncryptionEnabled", True, False


class EncryptionInTransit(SettingCheck):
    id = "encryption-in-transit"
    title = "Connections are encrypted in transit (TLS)"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.5", "elasticache-repl-grp-encrypted-in-transit", "CT.ELASTICACHE.PR.5")
    reference = security_hub(5)
    remediation = "Turn on TransitEncryptionEnabled (mode preferred, move clients to TLS, then required)."
    setting, wanted, default = "TransitEncryptionEnabled", True, False


class TlsRequired(Check):
    id = "tls-required"
    title = "TLS is required, not merely preferred"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    reference = guide("in-transit-encryption")
    remediation = "Set TransitEncryptionMode to required once every client connects with TLS."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if not resource.data.get("TransitEncryptionEnabled"):
            return failed(f"{resource.name}: TransitEncryptionEnabled is false, so plaintext connections are accepted")
        mode = resource.data.get("TransitEncryptionMode")
        if mode == "required":
            return passed(f"{resource.name}: TransitEncryptionMode is required")
        if mode is None and context.engine(resource) == Engine.REDIS.value:
            # Before Redis OSS 7.0 there is no mode: TLS on means TLS only.
            version = context.engine_version(resource)
            if not TLS_MODES.available(Engine.REDIS, version):
                return passed(f"{resource.name}: TLS is on and Redis OSS {version} accepts only TLS")
        return failed(f"{resource.name}: TransitEncryptionMode is {mode or 'unset'}, which also accepts plaintext")


class CustomerManagedKey(Check):
    """Ours; the approved-key list mirrors AWS Config's ``approvedKMSKeyIds`` parameter of
    ``elasticache-repl-grp-encrypted-at-rest``."""

    id = "customer-managed-key"
    title = "Data at rest is encrypted with a customer-managed KMS key"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.SERVERLESS_CACHE})
    reference = guide("at-rest-encryption")
    remediation = "Recreate with KmsKeyId set to a customer-managed key (fixed at creation); restore from a snapshot."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        at_rest = resource.kind is ResourceKind.SERVERLESS_CACHE or resource.data.get("AtRestEncryptionEnabled")
        if not at_rest:
            return failed(f"{resource.name}: not encrypted at rest, so no KMS key protects it")
        key = resource.data.get("KmsKeyId")
        if not key:
            return failed(f"{resource.name}: KmsKeyId is unset, so an AWS-owned key encrypts it")
        approved = context.settings.approved_kms_keys
        if approved and not any(key == a or key.endswith(f"/{a}") or a.endswith(f"/{key}") for a in approved):
            return failed(f"{resource.name}: KmsKeyId {key} is not one of the approved keys")
        return passed(f"{resource.name}: KmsKeyId is {key}")
