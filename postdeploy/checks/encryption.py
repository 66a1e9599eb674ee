"""Encryption at rest and in transit, and who holds the key."""

from __future__ import annotations

from constructs_lib.facts.engines import TLS_MODES, Engine
from postdeploy.checks.base import Check, Context, Outcome, SettingCheck, failed, passed, skipped
from postdeploy.inventory import CheckError
from postdeploy.model import CacheResource, ResourceKind, Severity


class EncryptionAtRest(SettingCheck):
    id = "encryption-at-rest"
    title = "Data is encrypted at rest"
    severity = Severity.MEDIUM
    controls = ("ElastiCache.4",)
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    setting, wanted, default = "AtRestEncryptionEnabled", True, False


class EncryptionInTransit(SettingCheck):
    id = "encryption-in-transit"
    title = "Connections are encrypted in transit (TLS)"
    severity = Severity.MEDIUM
    controls = ("ElastiCache.5",)
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    setting, wanted, default = "TransitEncryptionEnabled", True, False


class TlsRequired(Check):
    id = "tls-required"
    title = "TLS is required, not merely preferred"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if not resource.data.get("TransitEncryptionEnabled"):
            return failed(f"{resource.name}: TransitEncryptionEnabled is false, so plaintext connections are accepted")
        mode = resource.data.get("TransitEncryptionMode")
        if mode == "required":
            return passed(f"{resource.name}: TransitEncryptionMode is required")
        if mode is None and resource.engine == "redis":
            # Before Redis OSS 7.0 there is no mode: TLS on means TLS only.
            version = resource.engine_version
            if version is None:
                raise CheckError(f"{resource.name}: engine version unknown, so TLS without a mode cannot be judged")
            if not TLS_MODES.available(Engine.REDIS, version):
                return passed(f"{resource.name}: TLS is on and Redis OSS {version} accepts only TLS")
        return failed(f"{resource.name}: TransitEncryptionMode is {mode or 'unset'}, which also accepts plaintext")


class CustomerManagedKey(Check):
    id = "customer-managed-key"
    title = "Data at rest is encrypted with a customer-managed KMS key"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.SERVERLESS_CACHE})

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


class GlobalEncryptionConsistent(Check):
    id = "global-datastore-encryption"
    title = "Global Datastore members are encrypted alike in every region"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.GLOBAL_DATASTORE})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        members = resource.data.get("Members", [])
        if not members:
            return skipped(f"{resource.name}: has no members")
        settings = ("AtRestEncryptionEnabled", "TransitEncryptionEnabled")
        expected = {s: bool(resource.data.get(s)) for s in settings}
        differences = [f"{s} is {v} on the datastore" for s, v in expected.items() if not v]
        for member in members:
            region, group_id = member["ReplicationGroupRegion"], member["ReplicationGroupId"]
            group = context.inventories[region].replication_groups().get(group_id)
            if group is None:
                raise CheckError(f"{resource.name}: member {group_id} not found in {region}")
            differences += [
                f"{s} is {bool(group.get(s))} on {group_id} ({region})"
                for s in settings
                if bool(group.get(s)) != expected[s]
            ]
        if differences:
            return failed(f"{resource.name}: " + "; ".join(differences))
        return passed(f"{resource.name}: at-rest and in-transit encryption on in all {len(members)} members")
