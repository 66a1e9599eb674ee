"""RBAC users and user groups: who can connect without a password, and IAM users on engines that take them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.facts.acl_effect import grants_commands, is_on
from constructs_lib.facts.engines import IAM_AUTH
from postdeploy.checks.base import Check, Context, Outcome, failed, guide, has_feature, passed, skipped
from postdeploy.inventory import CheckError
from postdeploy.model import CacheResource, ResourceKind, Severity

DEFAULT_USER_NAME = "default"
"""The user a client is when it does not authenticate [EC:Clusters.RBAC]."""


def _harmless(user: Mapping[str, Any]) -> bool:
    """A user that is off, or on without a single command, lets nobody do anything."""
    access = str(user.get("AccessString", ""))
    return not is_on(access) or not grants_commands(access)


class DefaultUserDisabled(Check):
    id = "default-user-disabled"
    title = "The user group's default user is disabled or has no access"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.USER_GROUP})
    reference = guide("Clusters.RBAC")
    remediation = "Put a default user with access string 'off -@all' in the group (constructs_lib UserGroup does)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        users = context.inventory(resource).users()
        members = [users.get(user_id) for user_id in resource.data.get("UserIds", [])]
        if None in members:
            unknown = [u for u, m in zip(resource.data.get("UserIds", []), members, strict=True) if m is None]
            raise CheckError(f"{resource.name}: users {', '.join(unknown)} not found")
        defaults = [m for m in members if m and m.get("UserName") == DEFAULT_USER_NAME]
        if not defaults:
            return passed(f"{resource.name}: has no default user, so a client must authenticate")
        open_defaults = [d for d in defaults if not _harmless(d)]
        if open_defaults:
            shown = "; ".join(f"{d['UserId']} is '{d.get('AccessString')}'" for d in open_defaults)
            return failed(f"{resource.name}: default user {shown}, so clients that do not authenticate get in")
        return passed(f"{resource.name}: default user {', '.join(d['UserId'] for d in defaults)} is disabled")


class UserPassword(Check):
    id = "user-password"
    title = "Every enabled user authenticates (password or IAM)"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.USER})
    reference = guide("Clusters.RBAC")
    remediation = "Give the user a password (AuthenticationMode password) or IAM authentication, or turn it off."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if not resource.data.get("UserGroupIds"):
            # Such as the built-in default user every region has: it reaches no cache until grouped.
            return skipped(f"{resource.name}: in no user group, so it reaches no cache")
        authentication = resource.data.get("Authentication", {})
        kind = authentication.get("Type")
        if kind == "iam":
            return passed(f"{resource.name}: authenticates with IAM")
        if kind == "password":
            count = int(authentication.get("PasswordCount") or 0)
            if count:
                return passed(f"{resource.name}: authenticates with {count} password(s)")
            return failed(f"{resource.name}: password authentication with no password set")
        if _harmless(resource.data):
            return passed(f"{resource.name}: needs no password but is off or may run no command")
        return failed(
            f"{resource.name}: needs no password and is on with '{resource.data.get('AccessString')}', "
            "so anyone who names it gets in"
        )


class IamUserEngine(Check):
    """IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+, and the user's name equal to its
    id [EC:auth-iam]; the caches are those the user's groups are attached to."""

    id = "iam-user-engine"
    title = "IAM users reach only caches whose engine takes IAM authentication"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.USER})
    reference = guide("auth-iam")
    remediation = "Upgrade the caches to Valkey 7.2+ or Redis OSS 7.0+, or give the user a password."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.data.get("Authentication", {}).get("Type") != "iam":
            return skipped(f"{resource.name}: does not authenticate with IAM")
        problems = []
        if resource.data.get("UserName") != resource.id:
            problems.append(f"UserName {resource.data.get('UserName')} differs from its id, which IAM needs")
        groups = set(resource.data.get("UserGroupIds", []))
        inventory = context.inventory(resource)
        caches = [
            cache
            for kind in (ResourceKind.REPLICATION_GROUP, ResourceKind.SERVERLESS_CACHE)
            for cache in inventory.resources(kind)
            if groups & {*cache.data.get("UserGroupIds", []), cache.data.get("UserGroupId")}
        ]
        for cache in caches:
            takes_iam, shown = has_feature(IAM_AUTH, cache, context)
            if not takes_iam:
                problems.append(f"{cache.name} runs {shown} ({IAM_AUTH.requirement()} needed)")
        if problems:
            return failed(f"{resource.name}: " + "; ".join(problems))
        return passed(f"{resource.name}: IAM authentication on {len(caches)} cache(s) that take it")
