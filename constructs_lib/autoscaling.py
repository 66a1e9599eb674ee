"""Application Auto Scaling of a sharded replication group: shards and replicas per shard.

ElastiCache takes target tracking on predefined metrics only (no step scaling) [S][AAS], on two
dimensions with resource id ``replication-group/<id>``. The scalable target names no role, so
Application Auto Scaling uses its service-linked role
``AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG`` (created on first use), as AWS's own
guide does; aws-cdk-lib's ``ScalableTarget`` would create an extra role instead.

How the template's count and the scaler's live together: CloudFormation sends ``NumNodeGroups`` /
``ReplicasPerNodeGroup`` to ElastiCache only when the template's value changes. The scaler moves
the live count between ``min`` and ``max``; as long as you leave ``shards`` / ``replicas`` alone in
the template, stack updates do not touch it. Changing them in the template reshards to that count
at the next deploy, and the scaler then moves it again: change ``min`` and ``max`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from aws_cdk import Duration
from aws_cdk import aws_applicationautoscaling as appscaling
from constructs import Construct

from constructs_lib import rules
from constructs_lib.facts.engines import AUTO_SCALING, AUTO_SCALING_DATA_TIERING, EngineVersion
from constructs_lib.facts.limits import MAX_REPLICAS, MAX_SHARDS
from constructs_lib.facts.node_types import AUTO_SCALING_FAMILIES, AUTO_SCALING_SIZES, NodeType
from constructs_lib.topology import Topology
from constructs_lib.validation import Issues

NAMESPACE = "elasticache"


class ScalingDimension(Enum):
    """Application Auto Scaling's dimensions of a replication group [S enum][AAS]."""

    SHARDS = "elasticache:replication-group:NodeGroups"
    REPLICAS = "elasticache:replication-group:Replicas"


class ScalingMetric(Enum):
    """Predefined metrics for ElastiCache target tracking [EC:AutoScaling-Scaling-Defining-Policy-API]."""

    PRIMARY_ENGINE_CPU = "ElastiCachePrimaryEngineCPUUtilization"
    """Engine CPU of the primaries, percent (shards and replicas)."""
    REPLICA_ENGINE_CPU = "ElastiCacheReplicaEngineCPUUtilization"
    """Engine CPU of the replicas, percent (replicas only)."""
    MEMORY_FOR_EVICTION = "ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage"
    """Memory counted for eviction, percent (shards and replicas)."""
    CAPACITY_FOR_EVICTION = "ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage"
    """Memory and SSD counted for eviction, percent (shards of data-tiering groups)."""


_ALLOWED = {
    ScalingDimension.SHARDS: (
        ScalingMetric.PRIMARY_ENGINE_CPU,
        ScalingMetric.MEMORY_FOR_EVICTION,
        ScalingMetric.CAPACITY_FOR_EVICTION,
    ),
    ScalingDimension.REPLICAS: (
        ScalingMetric.PRIMARY_ENGINE_CPU,
        ScalingMetric.REPLICA_ENGINE_CPU,
        ScalingMetric.MEMORY_FOR_EVICTION,
    ),
}


@dataclass(frozen=True)
class ScalingRequest:
    dimension: ScalingDimension
    minimum: object
    maximum: object
    metric: object
    target_value: object
    disable_scale_in: object
    scale_in_cooldown: object
    scale_out_cooldown: object

    @property
    def prefix(self) -> str:
        return "auto_scale_shards" if self.dimension is ScalingDimension.SHARDS else "auto_scale_replicas"


def check_scaling(
    issues: Issues,
    request: ScalingRequest,
    *,
    topology: Topology,
    version: EngineVersion,
    node: NodeType | None,
    tiering: bool,
    global_member: bool,
    already: bool,
) -> None:
    """Every prerequisite and limit of [EC:AutoScaling] (English page) and [S]."""
    where = request.prefix
    issues.require(rules.EXCLUSIVE, not already, where, "called once per group", "a second call")
    needs = [
        (topology.sharded, "shards (cluster mode enabled)"),
        (not global_member, "not a Global Datastore member"),
    ]
    if node is not None:
        needs.append(
            (node.family in AUTO_SCALING_FAMILIES, "a node family of " + ", ".join(sorted(AUTO_SCALING_FAMILIES)))
        )
        needs.append((node.size in AUTO_SCALING_SIZES, "node size " + ", ".join(sorted(AUTO_SCALING_SIZES))))
    missing = [what for ok, what in needs if not ok]
    issues.require(
        rules.SCALING_PREREQUISITE,
        not missing,
        where,
        "called on a group with " + ", ".join(missing),
        node.name if node else None,
    )
    feature = AUTO_SCALING_DATA_TIERING if tiering else AUTO_SCALING
    issues.require(
        rules.ENGINE_FEATURE,
        version.supports(feature),
        where,
        f"called on {feature.requirement()} ({feature.title})",
        version,
    )
    low, high = (1, MAX_SHARDS) if request.dimension is ScalingDimension.SHARDS else (0, MAX_REPLICAS)
    ok_min = issues.whole(rules.SCALING_CAPACITY, f"{where}.minimum", request.minimum, low, high, synth=True)
    ok_max = issues.whole(rules.SCALING_CAPACITY, f"{where}.maximum", request.maximum, low, high, synth=True)
    current = topology.shards if request.dimension is ScalingDimension.SHARDS else topology.replicas
    if ok_min and ok_max and isinstance(request.minimum, int) and isinstance(request.maximum, int):
        ordered = issues.require(
            rules.SCALING_CAPACITY,
            request.minimum <= request.maximum,
            f"{where}.maximum",
            f"at least minimum ({request.minimum})",
            request.maximum,
        )
        if ordered and current is not None:
            issues.require(
                rules.SCALING_CAPACITY,
                request.minimum <= current <= request.maximum,
                f"{where}.minimum",
                f"at most the template's count ({current}) with maximum at least it, so the scaler "
                "starts inside its range",
                f"{request.minimum}..{request.maximum}",
            )
    if issues.enum(f"{where}.metric", request.metric, ScalingMetric):
        allowed = _ALLOWED[request.dimension]
        if issues.require(
            rules.SCALING_METRIC,
            request.metric in allowed,
            f"{where}.metric",
            "one of " + ", ".join(m.name for m in allowed),
            request.metric,
        ):
            issues.require(
                rules.SCALING_METRIC,
                request.metric is not ScalingMetric.CAPACITY_FOR_EVICTION or tiering,
                f"{where}.metric",
                "CAPACITY_FOR_EVICTION only with data tiering",
                request.metric,
            )
    if isinstance(request.target_value, bool) or not isinstance(request.target_value, (int, float)):
        issues.add(rules.TYPE, f"{where}.target_value", "a number of percent", request.target_value)
    else:
        issues.require(
            rules.SCALING_TARGET,
            0 < request.target_value <= 100,
            f"{where}.target_value",
            "a percentage above 0 and at most 100",
            request.target_value,
        )
    issues.switch(f"{where}.disable_scale_in", request.disable_scale_in, optional=False)
    for name, value in (
        ("scale_in_cooldown", request.scale_in_cooldown),
        ("scale_out_cooldown", request.scale_out_cooldown),
    ):
        issues.instance(f"{where}.{name}", value, Duration, "a Duration")


def add_scaling(
    scope: Construct, id: str, request: ScalingRequest, replication_group_id: str
) -> appscaling.CfnScalableTarget:
    """The scalable target and its target-tracking policy; call after ``check_scaling`` passed."""
    assert isinstance(request.metric, ScalingMetric)
    target = appscaling.CfnScalableTarget(
        scope,
        id,
        service_namespace=NAMESPACE,
        scalable_dimension=request.dimension.value,
        resource_id=f"replication-group/{replication_group_id}",
        min_capacity=request.minimum,  # type: ignore[arg-type]
        max_capacity=request.maximum,  # type: ignore[arg-type]
    )

    def seconds(value: object) -> int | None:
        return int(value.to_seconds()) if isinstance(value, Duration) else None

    appscaling.CfnScalingPolicy(
        scope,
        f"{id}Policy",
        policy_name=f"{request.metric.name.lower().replace('_', '-')}-{request.target_value:g}",
        policy_type="TargetTrackingScaling",
        scaling_target_id=target.ref,
        target_tracking_scaling_policy_configuration=(
            appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                target_value=float(request.target_value),  # type: ignore[arg-type]
                predefined_metric_specification=appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                    predefined_metric_type=request.metric.value
                ),
                disable_scale_in=bool(request.disable_scale_in),
                scale_in_cooldown=seconds(request.scale_in_cooldown),
                scale_out_cooldown=seconds(request.scale_out_cooldown),
            )
        ),
    )
    return target
