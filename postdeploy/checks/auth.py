"""Who may connect to a cache."""

from __future__ import annotations

from constructs_lib.facts.engines import AUTH_WITHOUT_TOKEN_RISK, RBAC
from postdeploy.checks.base import (
    Check,
    Context,
    Outcome,
    config_rule,
    failed,
    guide,
    has_feature,
    passed,
    security_hub,
    skipped,
)
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity


class AuthBeforeRedis6(Check):
    id = "auth-token-before-redis-6"
    title = "Redis OSS before 6.0 uses an AUTH token"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.6", "elasticache-repl-grp-redis-auth-enabled", "CT.ELASTICACHE.PR.7")
    reference = security_hub(6)
    remediation = "Upgrade to Redis OSS 6.0+ or Valkey and use RBAC, or set an AUTH token (needs TLS)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        rbac_era, shown = has_feature(AUTH_WITHOUT_TOKEN_RISK, resource, context)
        if rbac_era:
            return skipped(f"{resource.name}: {shown} has RBAC; the control covers Redis OSS before 6.0")
        if resource.data.get("AuthTokenEnabled"):
            return passed(f"{resource.name}: {shown} with AuthTokenEnabled")
        return failed(f"{resource.name}: {shown} without an AUTH token")


class RbacAuthentication(Check):
    """AWS Config's definition (Control Tower CT.ELASTICACHE.PR.8 asks the same without an allow
    list): from Redis OSS 6.0, and on every Valkey, a user group must be attached."""

    id = "rbac-auth"
    title = "Redis OSS 6.0+ and Valkey authenticate through an RBAC user group"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    follows = Authority.CONFIG
    controls = ("elasticache-rbac-auth-enabled", "CT.ELASTICACHE.PR.8")
    reference = config_rule("elasticache-rbac-auth-enabled")
    remediation = "Attach an RBAC user group (UserGroupIds), one from --allowed-user-group when given."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        applies, shown = has_feature(RBAC, resource, context)
        if not applies:
            return skipped(f"{resource.name}: {shown} predates RBAC ({RBAC.requirement()})")
        groups = list(resource.data.get("UserGroupIds") or [])
        if not groups:
            return failed(f"{resource.name}: {shown} has no user group (UserGroupIds is empty)")
        allowed = context.settings.allowed_user_groups
        unapproved = [g for g in groups if allowed and g not in allowed]
        if unapproved:
            return failed(f"{resource.name}: user group {', '.join(unapproved)} is not one of the allowed groups")
        return passed(f"{resource.name}: {shown} authenticates through user group {', '.join(groups)}")


class Authentication(Check):
    id = "authentication"
    title = "Clients must authenticate (RBAC user group or AUTH token)"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    reference = guide("auth")
    remediation = "Attach an RBAC user group, or set an AUTH token (Redis OSS before 6.0)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        user_groups = resource.data.get("UserGroupIds") or []
        if user_groups:
            return passed(f"{resource.name}: RBAC through user groups {', '.join(user_groups)}")
        if resource.data.get("AuthTokenEnabled"):
            return passed(f"{resource.name}: AuthTokenEnabled is true")
        return failed(f"{resource.name}: no user group and no AUTH token, so any client that reaches it is in")


class ServerlessUserGroup(Check):
    id = "serverless-user-group"
    title = "Serverless cache restricts access with a user group"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.SERVERLESS_CACHE})
    reference = guide("Clusters.RBAC")
    remediation = "Set UserGroupId on the serverless cache (a redis group for a Redis OSS cache)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: user groups apply to Valkey and Redis OSS only")
        group = resource.data.get("UserGroupId")
        if group:
            return passed(f"{resource.name}: UserGroupId is {group}")
        return failed(f"{resource.name}: UserGroupId is unset, so the default user needs no password")
