"""Who may connect."""

from __future__ import annotations

from constructs_lib.facts.engines import AUTH_WITHOUT_TOKEN_RISK, Engine
from postdeploy.checks.base import Check, Context, Outcome, failed, passed, skipped
from postdeploy.inventory import CheckError
from postdeploy.model import CacheResource, ResourceKind, Severity


class AuthBeforeRedis6(Check):
    id = "auth-token-before-redis-6"
    title = "Redis OSS before 6.0 uses an AUTH token"
    severity = Severity.MEDIUM
    controls = ("ElastiCache.6",)
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        context.clusters(resource)
        version = resource.engine_version
        if version is None:
            raise CheckError(f"{resource.name}: its member clusters report no engine version")
        if resource.engine != "redis" or AUTH_WITHOUT_TOKEN_RISK.available(Engine.REDIS, version):
            return skipped(f"{resource.name}: {resource.engine} {version} is 6.0 or later (RBAC available)")
        if resource.data.get("AuthTokenEnabled"):
            return passed(f"{resource.name}: Redis OSS {version} with AuthTokenEnabled")
        return failed(f"{resource.name}: Redis OSS {version} without an AUTH token")


class Authentication(Check):
    id = "authentication"
    title = "Clients must authenticate (RBAC user group or AUTH token)"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})

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

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.engine == "memcached":
            return skipped(f"{resource.name}: user groups apply to Valkey and Redis OSS only")
        group = resource.data.get("UserGroupId")
        if group:
            return passed(f"{resource.name}: UserGroupId is {group}")
        return failed(f"{resource.name}: UserGroupId is unset, so the default user needs no password")
