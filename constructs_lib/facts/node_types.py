"""Cache node types (``cache.<family>.<size>``): which exist in which region, and the rules that
hang on a node's family and size.

Which types exist comes from ``data/node_types.json``, a copy of the per-region lists cfn-lint
generates from the AWS pricing API (see ``refresh.py``), not from a list typed here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

NODE_TYPE_FORMAT = "'cache.<family>.<size>', for example 'cache.r7g.large'"
_NODE_TYPE = re.compile(r"^cache\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$")

SIZES = (
    "micro",
    "small",
    "medium",
    "large",
    "xlarge",
    "2xlarge",
    "4xlarge",
    "8xlarge",
    "10xlarge",
    "12xlarge",
    "16xlarge",
    "24xlarge",
)

DATA_TIERING_FAMILIES = frozenset({"r6gd"})
"""Memory plus local NVMe SSD; r6gd nodes must run with ``DataTieringEnabled`` [S][EC:data-tiering]."""
NO_FAILOVER_WITHOUT_CLUSTER_MODE = frozenset({"t1", "t2"})
"""Automatic failover is not offered on T1, and on T2 only with cluster mode enabled [EC:AutoFailover]."""
AUTO_SCALING_FAMILIES = frozenset({"r7g", "r6g", "r6gd", "r5", "m7g", "m6g", "m5", "c7gn"})
AUTO_SCALING_SIZES = frozenset({"large", "xlarge", "2xlarge"})
"""[EC:AutoScaling] prerequisites, English page (translated pages list more families)."""
GLOBAL_DATASTORE_FAMILIES = frozenset({"m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g", "c7gn"})
"""[EC:Redis-Global-Datastores-Getting-Started]; size large or above."""
DURABILITY_FAMILIES = frozenset({"r7g", "r6g", "m7g", "m6g", "c7gn"})
"""[EC:Durability.Limitations], English page."""
_PREVIOUS_GENERATION = re.compile(r"(^|\.)([cmr][1-3]|cc2|cg1|cr1|g2|hi1|hs1|i2|t1)($|\.)")
"""cfn-lint I3100's pattern for previous-generation node types."""


@dataclass(frozen=True)
class NodeType:
    family: str
    size: str

    @property
    def name(self) -> str:
        return f"cache.{self.family}.{self.size}"

    @property
    def size_rank(self) -> int:
        return SIZES.index(self.size) if self.size in SIZES else -1

    @property
    def requires_data_tiering(self) -> bool:
        return self.family in DATA_TIERING_FAMILIES

    @property
    def supports_failover_without_cluster_mode(self) -> bool:
        return self.family not in NO_FAILOVER_WITHOUT_CLUSTER_MODE

    @property
    def supports_auto_scaling(self) -> bool:
        return self.family in AUTO_SCALING_FAMILIES and self.size in AUTO_SCALING_SIZES

    @property
    def supports_global_datastore(self) -> bool:
        return self.family in GLOBAL_DATASTORE_FAMILIES and self.size_rank >= SIZES.index("large")

    @property
    def supports_durability(self) -> bool:
        return self.family in DURABILITY_FAMILIES

    @property
    def previous_generation(self) -> bool:
        return bool(_PREVIOUS_GENERATION.search(self.name))


def parse_node_type(text: object) -> NodeType | None:
    """The family and size of a well-formed node type name; ``None`` otherwise."""
    match = _NODE_TYPE.match(text) if isinstance(text, str) else None
    return NodeType(*match.groups()) if match else None


@cache
def _data() -> dict[str, list[str]]:
    text = resources.files("constructs_lib.facts").joinpath("data", "node_types.json").read_text()
    regions: dict[str, list[str]] = json.loads(text)["regions"]
    return regions


def regions() -> list[str]:
    """The regions the node-type data covers."""
    return sorted(_data())


def offered(region: str | None = None) -> frozenset[str]:
    """Node types offered in ``region``, or in any region when it is ``None`` or not covered."""
    data = _data()
    if region is not None and region in data:
        return frozenset(data[region])
    return frozenset(t for types in data.values() for t in types)


def regions_offering(node_type: str) -> list[str]:
    return [region for region, types in sorted(_data().items()) if node_type in types]


def closest(node_type: str, region: str | None = None) -> list[str]:
    """Offered types of the same family, to suggest in an error message."""
    parsed = parse_node_type(node_type)
    if parsed is None:
        return []
    same_family = [t for t in offered(region) if t.split(".")[1] == parsed.family]
    return sorted(same_family, key=lambda t: SIZES.index(t.split(".")[2]) if t.split(".")[2] in SIZES else 99)
