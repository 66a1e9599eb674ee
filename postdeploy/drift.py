"""Drift: the settings that matter, as synthesized in a template and as the API reports them.

CloudFormation's own drift detection misses changes made through the ElastiCache API to
write-only properties (engine version, maintenance window, parameter group) and cannot see
parameter values; this compares them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from postdeploy.aws import Aws, RequestError
from postdeploy.inventory import CheckError, RegionInventory

NOT_COMPARABLE = object()
"""A template value that only CloudFormation can evaluate (Fn::Join, Fn::Select ...)."""


@dataclass(frozen=True)
class Difference:
    logical_id: str
    physical_id: str
    setting: str
    template: Any
    deployed: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "logical_id": self.logical_id,
            "physical_id": self.physical_id,
            "setting": self.setting,
            "template": self.template,
            "deployed": self.deployed,
        }


class DriftError(Exception):
    """The stack or what it deployed cannot be read."""


class _Resolver:
    """Evaluates the intrinsics whose value the stack's resources reveal: Ref and GetAtt Arn/Id."""

    def __init__(self, physical_ids: Mapping[str, str]) -> None:
        self.physical_ids = physical_ids

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or not next(iter(value)).startswith(("Ref", "Fn::")):
            return {key: self(item) for key, item in value.items()}
        if "Ref" in value and value["Ref"] in self.physical_ids:
            return self.physical_ids[value["Ref"]]
        if "Fn::GetAtt" in value:
            target, attribute = value["Fn::GetAtt"]
            if target in self.physical_ids and attribute in ("Arn", "KeyId", "GroupId"):
                return self.physical_ids[target]
        return NOT_COMPARABLE


def _same(expected: Any, deployed: Any, setting: str) -> bool:
    if setting == "EngineVersion":
        return deployed == expected or str(deployed).startswith(f"{expected}.")
    if setting == "KmsKeyId":
        # The template names the key by id (a Ref) or ARN; the API reports its ARN.
        return deployed == expected or str(deployed).endswith(f"/{expected}")
    if isinstance(expected, str) and isinstance(deployed, str):
        return expected.lower() == deployed.lower()
    return bool(expected == deployed)


def _replication_group(
    props: Mapping[str, Any], group: Mapping[str, Any], members: Sequence[Mapping[str, Any]]
) -> dict[str, tuple[Any, Any]]:
    """Each compared setting: (template value, deployed value). CloudFormation defaults included."""
    shards = group.get("NodeGroups", [])
    member = members[0] if members else {}
    endpoint = group.get("ConfigurationEndpoint") or (shards[0].get("PrimaryEndpoint") if shards else None) or {}
    compared: dict[str, tuple[Any, Any]] = {
        "AtRestEncryptionEnabled": (
            props.get("AtRestEncryptionEnabled", False),
            group.get("AtRestEncryptionEnabled", False),
        ),
        "TransitEncryptionEnabled": (
            props.get("TransitEncryptionEnabled", False),
            group.get("TransitEncryptionEnabled", False),
        ),
        "AuthToken (enabled)": ("AuthToken" in props, group.get("AuthTokenEnabled", False)),
        "UserGroupIds": (sorted(props.get("UserGroupIds", [])), sorted(group.get("UserGroupIds", []))),
        "AutomaticFailoverEnabled": (
            props.get("AutomaticFailoverEnabled", False),
            group.get("AutomaticFailover") == "enabled",
        ),
        "MultiAZEnabled": (props.get("MultiAZEnabled", False), group.get("MultiAZ") == "enabled"),
        "SnapshotRetentionLimit": (props.get("SnapshotRetentionLimit", 0), group.get("SnapshotRetentionLimit", 0)),
        "NumNodeGroups": (props.get("NumNodeGroups", 1), len(shards)),
    }
    optional = {
        "TransitEncryptionMode": group.get("TransitEncryptionMode"),
        "KmsKeyId": group.get("KmsKeyId"),
        "CacheNodeType": group.get("CacheNodeType"),
        "NumCacheClusters": len(group.get("MemberClusters", [])),
        "ReplicasPerNodeGroup": max((len(s.get("NodeGroupMembers", [])) - 1 for s in shards), default=None),
        "SnapshotWindow": group.get("SnapshotWindow"),
        "Port": endpoint.get("Port"),
        "Engine": group.get("Engine"),
        "EngineVersion": member.get("EngineVersion"),
        "PreferredMaintenanceWindow": member.get("PreferredMaintenanceWindow"),
        "CacheParameterGroupName": member.get("CacheParameterGroup", {}).get("CacheParameterGroupName"),
    }
    compared.update({name: (props[name], deployed) for name, deployed in optional.items() if name in props})
    return compared


def _serverless(props: Mapping[str, Any], cache: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    limits, deployed_limits = props.get("CacheUsageLimits", {}), cache.get("CacheUsageLimits", {})
    pairs = {
        "Engine": cache.get("Engine"),
        "MajorEngineVersion": cache.get("MajorEngineVersion"),
        "KmsKeyId": cache.get("KmsKeyId"),
        "SnapshotRetentionLimit": cache.get("SnapshotRetentionLimit"),
        "DailySnapshotTime": cache.get("DailySnapshotTime"),
        "UserGroupId": cache.get("UserGroupId"),
    }
    compared = {name: (props[name], deployed) for name, deployed in pairs.items() if name in props}
    for limit in ("DataStorage", "ECPUPerSecond"):
        for bound in ("Minimum", "Maximum"):
            if bound in limits.get(limit, {}):
                compared[f"CacheUsageLimits.{limit}.{bound}"] = (
                    limits[limit][bound],
                    deployed_limits.get(limit, {}).get(bound),
                )
    return compared


def compare(aws: Aws, region: str, stack: str, template: Mapping[str, Any]) -> list[Difference]:
    """Every difference between ``template`` and what stack ``stack`` runs."""
    try:
        summaries = aws.stack_resources(stack, region)
    except RequestError as error:
        raise DriftError(str(error)) from error
    physical_ids = {s["LogicalResourceId"]: s.get("PhysicalResourceId", "") for s in summaries}
    resolve = _Resolver(physical_ids)
    inventory = RegionInventory(aws, region)
    differences: list[Difference] = []
    for logical_id, resource in template.get("Resources", {}).items():
        reader = _READERS.get(resource.get("Type"))
        if reader is None:
            continue
        physical_id = physical_ids.get(logical_id)
        if not physical_id:
            differences.append(Difference(logical_id, "", "resource", "present in the template", "not in the stack"))
            continue
        props = {k: resolve(v) for k, v in resource.get("Properties", {}).items()}
        try:
            compared = reader(inventory, physical_id, props)
        except CheckError as error:
            raise DriftError(str(error)) from error
        for setting, (expected, deployed) in compared.items():
            if expected is not NOT_COMPARABLE and not _same(expected, deployed, setting):
                differences.append(Difference(logical_id, physical_id, setting, expected, deployed))
    return differences


def _read_replication_group(
    inventory: RegionInventory, physical_id: str, props: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    group = inventory.replication_groups().get(physical_id)
    if group is None:
        return {"resource": ("present", "missing")}
    inventory.cache_clusters()  # a failed listing raises here rather than comparing against nothing
    return _replication_group(props, group, inventory.members(group))


def _read_parameter_group(
    inventory: RegionInventory, physical_id: str, props: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    values = inventory.parameters(physical_id)
    expected = props.get("Properties", {})
    if expected is NOT_COMPARABLE:
        return {}
    return {f"Properties.{name}": (value, values.get(name)) for name, value in expected.items()}


def _read_serverless(inventory: RegionInventory, physical_id: str, props: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    cache = inventory.serverless_caches().get(physical_id)
    if cache is None:
        return {"resource": ("present", "missing")}
    return _serverless(props, cache)


_READERS: dict[str, Callable[[RegionInventory, str, dict[str, Any]], dict[str, tuple[Any, Any]]]] = {
    "AWS::ElastiCache::ReplicationGroup": _read_replication_group,
    "AWS::ElastiCache::ParameterGroup": _read_parameter_group,
    "AWS::ElastiCache::ServerlessCache": _read_serverless,
}
