"""A replication group's shape: cluster mode, shards, replicas, failover, Multi-AZ, zones, data
tiering and durability, and the rules that tie them together."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from aws_cdk import aws_ec2 as ec2

from constructs_lib import rules
from constructs_lib.facts.engines import CLUSTER_MODE_MIGRATION, DATA_TIERING, DURABILITY, Engine, EngineVersion
from constructs_lib.facts.limits import CLUSTER_MODE_STEPS, MAX_REPLICAS, MAX_SHARDS
from constructs_lib.facts.node_types import DURABILITY_FAMILIES, NodeType
from constructs_lib.network import distinct_availability_zones
from constructs_lib.validation import Issues, is_token

MAX_NODES = 500
"""Nodes per cluster-mode-enabled group, with a quota increase [API:CreateReplicationGroup]."""


class ClusterMode(Enum):
    """``ClusterMode``: whether the keyspace is split over shards.

    A group created without shards can move ``DISABLED`` -> ``COMPATIBLE`` -> ``ENABLED``, one step
    per stack update and never back [EC:modify-cluster-mode].
    """

    DISABLED = "disabled"
    COMPATIBLE = "compatible"
    ENABLED = "enabled"


_NEXT = {ClusterMode(before): ClusterMode(after) for before, after in CLUSTER_MODE_STEPS.items()}


class Durability(Enum):
    """``Durability`` (Valkey 9.0+, cluster mode enabled): a Multi-AZ transaction log.

    ``SYNC`` acknowledges a write once it is in the log (single-digit milliseconds); ``ASYNC``
    before (up to about 10 seconds of writes may be lost). Turning it on or off is fixed at
    creation; only ``SYNC`` <-> ``ASYNC`` changes in place [EC:Durability.Limitations].
    """

    SYNC = "sync"
    ASYNC = "async"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Topology:
    mode: ClusterMode
    shards: int | None
    """``None``: the single-shard layout (``NumCacheClusters``); a number: ``NumNodeGroups``."""
    replicas: int
    failover: bool
    multi_az: bool
    counted: bool = True
    """False when the replica or shard count was invalid (its checks are then skipped, not cascaded)."""

    @property
    def sharded(self) -> bool:
        return self.shards is not None

    @property
    def cluster_enabled(self) -> bool:
        """Whether the parameter group must say ``cluster-enabled=yes``."""
        return self.mode is not ClusterMode.DISABLED

    @property
    def nodes(self) -> int:
        return (self.shards or 1) * (self.replicas + 1)

    def member_cluster_ids(self, base: str) -> list[str]:
        """ElastiCache's names for the member clusters: ``<id>-001`` in one shard, ``<id>-0001-001`` with shards."""
        if self.shards is None:
            return [f"{base}-{n:03d}" for n in range(1, self.replicas + 2)]
        return [f"{base}-{s:04d}-{n:03d}" for s in range(1, self.shards + 1) for n in range(1, self.replicas + 2)]


def check_topology(
    issues: Issues,
    *,
    version: EngineVersion | None,
    replicas: object,
    shards: object,
    cluster_mode: object,
    migrate_from: object,
    automatic_failover: object,
    multi_az: object,
) -> Topology:
    counted = issues.whole(rules.REPLICAS, "replicas", replicas, 0, MAX_REPLICAS, synth=True)
    replica_count = replicas if counted and isinstance(replicas, int) else 1
    sharded = shards is not None
    if sharded and not issues.whole(rules.SHARDS, "shards", shards, 1, MAX_SHARDS, synth=True):
        shards = 1
        counted = False
    mode = _check_mode(issues, version, cluster_mode, migrate_from, sharded)
    failover_ok = issues.switch("automatic_failover", automatic_failover)
    multi_az_ok = issues.switch("multi_az", multi_az)
    has_replica = replica_count > 0
    if mode is ClusterMode.ENABLED and sharded:
        failover = True
        if failover_ok and automatic_failover is False:
            issues.add(
                rules.CLUSTER_MODE,
                "automatic_failover",
                "True or unset with shards (cluster mode enabled always fails over automatically)",
                automatic_failover,
            )
    else:
        failover = bool(has_replica if automatic_failover is None or not failover_ok else automatic_failover)
    # Multi-AZ follows automatic failover by default: it needs it.
    multi = bool(has_replica and failover if multi_az is None or not multi_az_ok else multi_az)
    if counted and multi_az_ok and failover_ok:
        if multi_az is True and not has_replica:
            issues.add(
                rules.MULTI_AZ_NEEDS_REPLICA,
                "multi_az",
                "False when there is no replica (Multi-AZ places a replica in another zone)",
                multi_az,
            )
        if automatic_failover is True and not has_replica and not sharded:
            issues.add(
                rules.FAILOVER_NEEDS_REPLICA,
                "automatic_failover",
                "False when there is no replica (failover promotes a replica)",
                automatic_failover,
            )
        if multi and has_replica and not failover:
            issues.add(
                rules.MULTI_AZ_NEEDS_FAILOVER,
                "multi_az",
                "False when automatic_failover is False (Multi-AZ needs automatic failover)",
                multi,
            )
        if mode is not ClusterMode.DISABLED and not sharded and not (failover and has_replica):
            issues.add(
                rules.CLUSTER_MODE,
                "cluster_mode",
                "DISABLED unless the group fails over automatically to at "
                "least one replica (a prerequisite of cluster mode migration)",
                mode,
            )
    topology = Topology(
        mode, shards if sharded and isinstance(shards, int) else None, replica_count, failover, multi, counted
    )
    if topology.sharded:
        issues.require(
            rules.SHARDS,
            topology.nodes <= MAX_NODES,
            "shards",
            f"at most {MAX_NODES} nodes in all (shards x (replicas + 1))",
            f"{topology.shards} x {replica_count + 1} = {topology.nodes}",
        )
    return topology


def _check_mode(
    issues: Issues, version: EngineVersion | None, cluster_mode: object, migrate_from: object, sharded: bool
) -> ClusterMode:
    if not issues.enum("cluster_mode", cluster_mode, ClusterMode, optional=True):
        cluster_mode = None
    if not issues.enum("migrate_from", migrate_from, ClusterMode, optional=True):
        migrate_from = None
    default = ClusterMode.ENABLED if sharded else ClusterMode.DISABLED
    mode = cluster_mode if isinstance(cluster_mode, ClusterMode) else default
    if sharded and mode is not ClusterMode.ENABLED:
        issues.add(rules.CLUSTER_MODE, "cluster_mode", "ENABLED or unset with shards", mode)
        return ClusterMode.ENABLED
    if not sharded and mode is not ClusterMode.DISABLED and version is not None:
        issues.require(
            rules.ENGINE_FEATURE,
            version.supports(CLUSTER_MODE_MIGRATION),
            "cluster_mode",
            f"DISABLED on {version.label} (cluster mode migration needs {CLUSTER_MODE_MIGRATION.requirement()})",
            mode,
        )
    if isinstance(migrate_from, ClusterMode):
        issues.require(
            rules.CLUSTER_MODE,
            _NEXT.get(migrate_from) is mode,
            "cluster_mode",
            f"{_NEXT[migrate_from].name if migrate_from in _NEXT else 'unchanged'} when migrating from "
            f"{migrate_from.name} (ElastiCache moves one step per update: DISABLED -> COMPATIBLE -> ENABLED, never "
            "back)",
            mode,
        )
    return mode


def check_failover_node_family(
    issues: Issues, node: NodeType | None, topology: Topology, version: EngineVersion | None
) -> None:
    """Replicas without shards need automatic failover on Redis OSS (CloudFormation's own validation
    refuses Redis OSS groups with ``NumCacheClusters`` > 1 and failover off), and T2 nodes have
    failover only with cluster mode enabled [EC:AutoFailover]: so T2 takes no replicas there."""
    if topology.sharded or not topology.counted or topology.replicas == 0:
        return
    if node is not None and not node.supports_failover_without_cluster_mode:
        issues.add(
            rules.FAILOVER_NODE_FAMILY,
            "node_type",
            "a family other than T2 for replicas without shards (T2 fails over only in cluster mode, and "
            "Redis OSS and Valkey replicas need automatic failover), or replicas=0",
            node.name,
        )
        return
    if version is not None and version.engine is Engine.REDIS:
        issues.require(
            rules.FAILOVER_NEEDS_REPLICA_FAILOVER,
            topology.failover,
            "automatic_failover",
            "True or unset when a Redis OSS group has replicas (CloudFormation refuses NumCacheClusters > 1 "
            "without automatic failover for engine redis)",
            topology.failover,
        )


def check_data_tiering(
    issues: Issues, node: NodeType | None, data_tiering: object, version: EngineVersion | None
) -> bool:
    """Data tiering on and only on r6gd nodes; returns whether it is on."""
    if not issues.switch("data_tiering", data_tiering):
        return False
    if node is None:
        return bool(data_tiering)
    tiering = node.requires_data_tiering if data_tiering is None else bool(data_tiering)
    if node.requires_data_tiering:
        issues.require(
            rules.DATA_TIERING,
            tiering,
            "data_tiering",
            f"True for {node.name} (r6gd nodes require data tiering)",
            data_tiering,
        )
    else:
        issues.require(
            rules.DATA_TIERING,
            not tiering,
            "data_tiering",
            f"False for {node.name} (data tiering needs r6gd nodes)",
            data_tiering,
        )
    if tiering and version is not None:
        issues.require(
            rules.ENGINE_FEATURE,
            version.supports(DATA_TIERING),
            "engine_version",
            f"{DATA_TIERING.requirement()} for data tiering",
            version,
        )
    return tiering


def check_durability(
    issues: Issues,
    durability: object,
    *,
    version: EngineVersion | None,
    topology: Topology,
    node: NodeType | None,
    tiering: bool,
    tls: bool | None,
) -> None:
    """Durability's prerequisites [S][EC:durability][EC:Durability.Limitations]."""
    if durability is None or not issues.enum("durability", durability, Durability):
        return
    if durability is Durability.DISABLED:
        return
    if version is not None:
        issues.require(
            rules.ENGINE_FEATURE,
            version.supports(DURABILITY),
            "durability",
            f"unset on {version.label} (durability needs {DURABILITY.requirement()})",
            durability,
        )
    needs = [
        (topology.sharded, "shards (cluster mode enabled)"),
        (topology.multi_az and topology.replicas >= 1, "Multi-AZ with at least one replica per shard"),
        (tls is not False, "TLS"),
        (
            node is None or node.family in DURABILITY_FAMILIES,
            "a node family of " + ", ".join(sorted(DURABILITY_FAMILIES)),
        ),
        (not tiering, "no data tiering"),
    ]
    missing = [what for ok, what in needs if not ok]
    issues.require(
        rules.DURABILITY, not missing, "durability", "unset unless the group has " + ", ".join(missing), durability
    )


def check_zones(
    issues: Issues,
    subnets: ec2.SelectedSubnets | None,
    topology: Topology,
    preferred: object,
) -> None:
    if subnets is None:
        return
    zones = distinct_availability_zones(subnets)
    known = not any(is_token(zone) for zone in zones)
    if topology.multi_az and known:
        issues.require(
            rules.MULTI_AZ_NEEDS_ZONES,
            len(zones) >= 2,
            "vpc_subnets",
            "subnets in at least two availability zones for Multi-AZ",
            zones,
        )
    if not isinstance(preferred, (list, tuple)) or not all(isinstance(z, str) for z in preferred):
        return
    if topology.sharded:
        issues.add(
            rules.EXCLUSIVE,
            "preferred_availability_zones",
            "unset with shards (ElastiCache spreads each shard's nodes over the subnet group's zones)",
            list(preferred),
        )
        return
    if topology.counted and not is_token(list(preferred)):
        issues.require(
            rules.ZONE_COUNT,
            len(preferred) == topology.nodes,
            "preferred_availability_zones",
            f"one zone per node: {topology.nodes} (replicas + 1)",
            list(preferred),
        )
    unknown = [zone for zone in preferred if not is_token(zone) and zone not in zones]
    if known:
        issues.require(
            rules.ZONE_UNKNOWN,
            not unknown,
            "preferred_availability_zones",
            f"zones of the selected subnets: {', '.join(zones)}",
            unknown,
        )
