"""Application Auto Scaling of sharded replication groups."""

from __future__ import annotations

from constructs_lib.facts import scaling
from constructs_lib.facts.engines import AUTO_SCALING, Engine
from constructs_lib.facts.node_types import parse_node_type
from postdeploy.checks.base import Check, Context, Outcome, failed, guide, passed, skipped
from postdeploy.model import CacheResource, ResourceKind, Severity


class AutoScalingTargets(Check):
    """A scalable target must name a replication-group dimension, keep min <= max, and sit on a
    group that can scale: Valkey 7.2+ / Redis OSS 6.0+, an eligible node type, not a Global
    Datastore member [EC:AutoScaling]."""

    id = "auto-scaling-targets"
    title = "Auto scaling targets of sharded groups are registered correctly"
    severity = Severity.MEDIUM
    kinds = frozenset({ResourceKind.REPLICATION_GROUP})
    reference = guide("AutoScaling")
    remediation = (
        "Register elasticache:replication-group:NodeGroups or :Replicas with MinCapacity <= MaxCapacity "
        "on an eligible group, or deregister the target."
    )

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if not resource.data.get("ClusterEnabled"):
            # ElastiCache scales cluster-mode-enabled groups only, so nothing is fetched for the others.
            return skipped(f"{resource.name}: cluster mode disabled, which ElastiCache does not auto scale")
        resource_id = scaling.replication_group_resource_id(resource.id)
        targets = context.inventory(resource).scalable_targets().get(resource_id, [])
        if not targets:
            return skipped(f"{resource.name}: no scalable target registered")
        problems = []
        for target in targets:
            dimension = target["ScalableDimension"]
            low, high = target["MinCapacity"], target["MaxCapacity"]
            if dimension not in scaling.REPLICATION_GROUP_DIMENSIONS:
                problems.append(f"target on {dimension}, which is no replication-group dimension")
            if low > high:
                problems.append(f"{dimension} MinCapacity {low} exceeds MaxCapacity {high}")
        node_type = parse_node_type(resource.data.get("CacheNodeType"))
        if node_type is None or not node_type.supports_auto_scaling:
            problems.append(f"node type {resource.data.get('CacheNodeType')} cannot auto scale")
        engine, version = context.engine(resource), context.engine_version(resource)
        if engine not in (Engine.VALKEY.value, Engine.REDIS.value) or not AUTO_SCALING.available(
            Engine(engine), version
        ):
            problems.append(f"{engine} {version} cannot auto scale ({AUTO_SCALING.requirement()} needed)")
        if resource.data.get("GlobalReplicationGroupInfo", {}).get("GlobalReplicationGroupId"):
            problems.append("it is a Global Datastore member, which cannot auto scale")
        if problems:
            return failed(f"{resource.name}: " + "; ".join(problems))
        shown = ", ".join(f"{t['ScalableDimension']} {t['MinCapacity']}-{t['MaxCapacity']}" for t in targets)
        return passed(f"{resource.name}: {shown}")
