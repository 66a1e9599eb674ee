"""The replacement guard: would deploying a template replace or delete a stateful cache?

``cdk diff`` shows replacements; nothing stops a pipeline on them. This compares two templates
(the synthesized one and the one deployed, or an earlier file) the way CloudFormation decides:

- a change to a create-only property replaces the resource; which properties are create-only is
  read from the registry schemas cfn-lint ships (``postdeploy.schemas``), for every resource type,
  so a replaced subnet group or KMS key that a cache refers to in a create-only property replaces
  the cache too;
- conditionally create-only properties replace in the cases ``CONDITIONAL_RULES`` describes, each
  with its source (the schemas list them but say when only in prose, or not at all); one the
  schemas list and no rule decides counts as create-only;
- a shard-count change without ``UpdatePolicy: {UseOnlineResharding: true}`` replaces the group;
- a resource missing from the new template is deleted (unless its DeletionPolicy retains it);
- a custom-named resource cannot be replaced at all: CloudFormation fails the update.

Findings on the stateful kinds (replication groups, cache clusters, serverless caches, Global
Datastores) and every custom-name failure on an ElastiCache resource fail the guard.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from constructs_lib.facts.limits import CLUSTER_MODE_STEPS
from postdeploy import schemas

REPLICATION_GROUP = "AWS::ElastiCache::ReplicationGroup"
CACHE_CLUSTER = "AWS::ElastiCache::CacheCluster"
SERVERLESS_CACHE = "AWS::ElastiCache::ServerlessCache"
GLOBAL_DATASTORE = "AWS::ElastiCache::GlobalReplicationGroup"
STATEFUL_TYPES = frozenset({REPLICATION_GROUP, CACHE_CLUSTER, SERVERLESS_CACHE, GLOBAL_DATASTORE})
ELASTICACHE_PREFIX = "AWS::ElastiCache::"
RETAINED = frozenset({"Retain", "RetainExceptOnCreate"})

REPLACE, DELETE, UPDATE_FAILS = "replace", "delete", "fail"
_VERBS = {REPLACE: "would be replaced", DELETE: "would be deleted", UPDATE_FAILS: "cannot be updated"}

Resource = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """One reason a resource would be replaced or deleted, or why its update must fail."""

    logical_id: str
    resource_type: str
    action: str
    property: str
    old: Any
    new: Any
    reason: str
    allowed: bool = False

    def describe(self) -> str:
        change = f"{self.property}: {_shown(self.old)} -> {_shown(self.new)}; " if self.property else ""
        return f"{self.logical_id} ({self.resource_type}) {_VERBS[self.action]}: {change}{self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "logical_id": self.logical_id,
            "resource_type": self.resource_type,
            "action": self.action,
            "property": self.property,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
            "allowed": self.allowed,
        }


def _shown(value: Any) -> str:
    return "(absent)" if value is None else json.dumps(value, separators=(",", ":"), sort_keys=True)


def _at(properties: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted property path, ``None`` when any step is absent."""
    value: Any = properties
    for step in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def references(value: Any) -> set[str]:
    """Logical ids a value refers to through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) else str(item).split(".")[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                found |= set(_SUB_REFERENCE.findall(str(text)))
                found |= references(item[1] if isinstance(item, list) and len(item) > 1 else None)
            else:
                found |= references(item)
    return found


# --- conditionally create-only properties ---------------------------------------------------

Rule = Callable[[str, Resource, Resource], Iterator[Finding]]


def _props(resource: Resource) -> Mapping[str, Any]:
    properties = resource.get("Properties", {})
    return properties if isinstance(properties, Mapping) else {}


def _online_resharding(resource: Resource) -> bool:
    return resource.get("UpdatePolicy", {}).get("UseOnlineResharding") is True


def _auth_token(logical_id: str, old: Resource, new: Resource) -> Iterator[Finding]:
    """Adding or removing ``AuthToken`` replaces the group; changing its value rotates it in place
    ([S] conditionalCreateOnlyProperties; aws-cloudformation/cloudformation-coverage-roadmap#2356
    for the move from an AUTH token to RBAC user groups)."""
    before, after = _props(old).get("AuthToken"), _props(new).get("AuthToken")
    if (before is None) != (after is None):
        yield Finding(
            logical_id,
            REPLICATION_GROUP,
            REPLACE,
            "AuthToken",
            "(set)" if before is not None else None,
            "(set)" if after is not None else None,
            "adding or removing an AUTH token replaces the group; rotating its value does not",
        )


def _node_groups(logical_id: str, old: Resource, new: Resource) -> Iterator[Finding]:
    """Shards: ``NumNodeGroups`` or ``NodeGroupConfiguration`` changes replace the group unless the
    new template sets ``UpdatePolicy: {UseOnlineResharding: true}`` ([CFN]
    aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-useonlineresharding); the schema no
    longer lists NumNodeGroups as create-only, the UpdatePolicy page still says it replaces.
    ``ReplicasPerNodeGroup`` with ``NodeGroupConfiguration`` present replaces ([S] its description)."""
    before, after = _props(old), _props(new)
    if not _online_resharding(new):
        for name in ("NumNodeGroups", "NodeGroupConfiguration"):
            if before.get(name) != after.get(name):
                yield Finding(
                    logical_id,
                    REPLICATION_GROUP,
                    REPLACE,
                    name,
                    before.get(name),
                    after.get(name),
                    "a shard change without UpdatePolicy UseOnlineResharding replaces the group",
                )
    if after.get("NodeGroupConfiguration") is not None and before.get("ReplicasPerNodeGroup") != after.get(
        "ReplicasPerNodeGroup"
    ):
        yield Finding(
            logical_id,
            REPLICATION_GROUP,
            REPLACE,
            "ReplicasPerNodeGroup",
            before.get("ReplicasPerNodeGroup"),
            after.get("ReplicasPerNodeGroup"),
            "changing replicas while NodeGroupConfiguration is set replaces the group",
        )


def _cluster_mode(logical_id: str, old: Resource, new: Resource) -> Iterator[Finding]:
    """``ClusterMode`` moves one step per update, disabled -> compatible -> enabled, never back
    [EC:modify-cluster-mode]: ElastiCache refuses any other change and the update fails. Without the
    property a group is enabled when it has shards (``NumNodeGroups``), else disabled."""
    before, after = _props(old), _props(new)
    mode_before, mode_after = _cluster_mode_of(before), _cluster_mode_of(after)
    if None in (mode_before, mode_after) or mode_before == mode_after:
        return
    if CLUSTER_MODE_STEPS.get(str(mode_before)) != mode_after:
        yield Finding(
            logical_id,
            REPLICATION_GROUP,
            UPDATE_FAILS,
            "ClusterMode",
            mode_before,
            mode_after,
            "cluster mode moves one step per update: disabled -> compatible -> enabled, never back",
        )


def _cluster_mode_of(props: Mapping[str, Any]) -> str | None:
    """The group's cluster mode, or None where a deploy-time value decides it."""
    mode = props.get("ClusterMode")
    if mode is None:
        return "enabled" if "NumNodeGroups" in props or "NodeGroupConfiguration" in props else "disabled"
    return mode if isinstance(mode, str) else None


def _memcached_zones(logical_id: str, old: Resource, new: Resource) -> Iterator[Finding]:
    """``PreferredAvailabilityZones`` places new nodes only: it changes in place when nodes are
    added and the old zones are all kept ([API:ModifyCacheCluster] NewAvailabilityZones);
    otherwise the cluster is replaced ([S] conditionalCreateOnlyProperties)."""
    before, after = _props(old), _props(new)
    zones_before, zones_after = before.get("PreferredAvailabilityZones"), after.get("PreferredAvailabilityZones")
    if zones_before == zones_after:
        return
    grows = int(after.get("NumCacheNodes", 0)) > int(before.get("NumCacheNodes", 0))
    kept = Counter(zones_before or []) <= Counter(zones_after or [])
    if not (grows and kept):
        yield Finding(
            logical_id,
            CACHE_CLUSTER,
            REPLACE,
            "PreferredAvailabilityZones",
            zones_before,
            zones_after,
            "zones of existing nodes cannot move; only nodes being added take new zones",
        )


def _ip_discovery(logical_id: str, old: Resource, new: Resource) -> Iterator[Finding]:
    """``IpDiscovery`` changes in place only on a dual-stack cluster ([API:ModifyCacheCluster]
    IpDiscovery); otherwise the cluster is replaced ([S] conditionalCreateOnlyProperties)."""
    before, after = _props(old).get("IpDiscovery"), _props(new).get("IpDiscovery")
    if before != after and _props(new).get("NetworkType") != "dual_stack":
        yield Finding(
            logical_id,
            CACHE_CLUSTER,
            REPLACE,
            "IpDiscovery",
            before,
            after,
            "IP discovery changes in place only with NetworkType dual_stack",
        )


def _datastore_suffix(logical_id: str, old: Resource, new: Resource) -> Iterator[Finding]:
    """ElastiCache cannot rename a Global Datastore: a new suffix is a new datastore (the rules file,
    section GlobalReplicationGroup; the schema lists no create-only property at all)."""
    before, after = _props(old).get("GlobalReplicationGroupIdSuffix"), _props(new).get("GlobalReplicationGroupIdSuffix")
    if before != after:
        yield Finding(
            logical_id,
            GLOBAL_DATASTORE,
            REPLACE,
            "GlobalReplicationGroupIdSuffix",
            before,
            after,
            "a Global Datastore cannot be renamed; a new suffix makes a new datastore",
        )


CONDITIONAL_RULES: dict[str, tuple[Rule, ...]] = {
    REPLICATION_GROUP: (_auth_token, _node_groups),
    CACHE_CLUSTER: (_memcached_zones, _ip_discovery),
    GLOBAL_DATASTORE: (_datastore_suffix,),
}
DECIDED: dict[str, frozenset[str]] = {
    REPLICATION_GROUP: frozenset({"AuthToken", "NodeGroupConfiguration"}),
    CACHE_CLUSTER: frozenset({"IpDiscovery", "PreferredAvailabilityZones"}),
}
"""The schemas' conditionally create-only properties that ``CONDITIONAL_RULES`` decide. One the
schemas list and no rule decides (a newer cfn-lint's) counts as create-only: the guard fails closed."""


def _undecided(
    logical_id: str, resource_type: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Finding]:
    conditional = _listed(schemas.conditional_create_only, resource_type)
    return [
        Finding(
            logical_id,
            resource_type,
            REPLACE,
            path,
            _at(before, path),
            _at(after, path),
            "conditionally create-only, and this guard has no rule for when: taken as a replacement",
        )
        for path in sorted(conditional - DECIDED.get(resource_type, frozenset()))
        if _at(before, path) != _at(after, path)
    ]


# --- the comparison -------------------------------------------------------------------------


def _listed(listing: Callable[[str], frozenset[str]], resource_type: str) -> frozenset[str]:
    """The property paths a schema lists (``schemas.create_only`` ...), none for a type without one."""
    try:
        return listing(resource_type)
    except schemas.SchemaError:
        return frozenset()  # custom resources and types cfn-lint does not know: nothing to go on


def _replacement_causes(
    logical_id: str, old: Resource, new: Resource, replaced: Mapping[str, list[Finding]]
) -> list[Finding]:
    """Why CloudFormation would replace one resource present in both templates."""
    resource_type = str(new.get("Type"))
    if old.get("Type") != resource_type:
        return [Finding(logical_id, resource_type, REPLACE, "Type", old.get("Type"), resource_type, "a new type")]
    causes = []
    before, after = _props(old), _props(new)
    for path in sorted(_listed(schemas.create_only, resource_type)):
        value_before, value_after = _at(before, path), _at(after, path)
        if value_before != value_after:
            causes.append(
                Finding(logical_id, resource_type, REPLACE, path, value_before, value_after, "create-only property")
            )
            continue
        for target in sorted(references(value_after) & set(replaced)):
            # The reference stays the same text; its value is what changes, as the target's does.
            cause = replaced[target][0]
            causes.append(
                Finding(
                    logical_id,
                    resource_type,
                    REPLACE,
                    path,
                    cause.old,
                    cause.new,
                    f"create-only property that refers to {target}, which is replaced for its {cause.property}",
                )
            )
    for rule in CONDITIONAL_RULES.get(resource_type, ()):
        causes += rule(logical_id, old, new)
    causes += _undecided(logical_id, resource_type, before, after)
    return causes


def _custom_name(logical_id: str, old: Resource, new: Resource) -> Finding | None:
    """CloudFormation replaces by creating the new resource first, which a fixed name forbids."""
    resource_type = str(new.get("Type"))
    identifiers = schemas.resource_schema(resource_type).get("primaryIdentifier", [])
    if len(identifiers) != 1:
        return None
    name = identifiers[0].removeprefix("/properties/")
    if name in schemas.read_only(resource_type):
        return None  # CloudFormation generates this name
    value = _props(new).get(name)
    if value is None or value != _props(old).get(name):
        return None
    return Finding(
        logical_id,
        resource_type,
        UPDATE_FAILS,
        name,
        value,
        value,
        "a custom-named resource cannot be replaced: CloudFormation fails the update; rename it or "
        "remove the name to let CloudFormation replace it",
    )


def replacements(
    before: Mapping[str, Any], after: Mapping[str, Any], allow: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every finding that blocks deploying ``after`` over ``before``: replacements and deletions of
    stateful caches, and custom-named ElastiCache resources that would need replacing. Findings on
    logical ids in ``allow`` are kept, marked allowed."""
    old_resources: Mapping[str, Resource] = before.get("Resources", {})
    new_resources: Mapping[str, Resource] = after.get("Resources", {})
    common = [lid for lid in old_resources if lid in new_resources]
    replaced: dict[str, list[Finding]] = {}
    changed = True
    while changed:  # a replaced resource replaces what refers to it in a create-only property
        changed = False
        for logical_id in common:
            if logical_id in replaced:
                continue
            causes = _replacement_causes(logical_id, old_resources[logical_id], new_resources[logical_id], replaced)
            if causes:
                replaced[logical_id] = causes
                changed = True
    findings: list[Finding] = []
    for logical_id, old in old_resources.items():
        new = new_resources.get(logical_id)
        resource_type = str(old.get("Type"))
        if new is None:
            if resource_type in STATEFUL_TYPES and old.get("DeletionPolicy") not in RETAINED:
                policy = old.get("DeletionPolicy", "Delete")
                findings.append(
                    Finding(
                        logical_id,
                        resource_type,
                        DELETE,
                        "",
                        None,
                        None,
                        f"removed from the template (DeletionPolicy {policy}), so CloudFormation deletes it",
                    )
                )
            continue
        if resource_type == REPLICATION_GROUP == new.get("Type"):
            # Not a replacement: ElastiCache refuses the change and the update fails.
            findings += _cluster_mode(logical_id, old, new)
        if logical_id not in replaced:
            continue
        if new.get("Type") in STATEFUL_TYPES:
            findings += replaced[logical_id]
        if str(new.get("Type")).startswith(ELASTICACHE_PREFIX) and (blocked := _custom_name(logical_id, old, new)):
            findings.append(blocked)
    return [replace(f, allowed=True) if f.logical_id in allow else f for f in findings]
