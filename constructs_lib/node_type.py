"""Cache node types (``cache.<family>.<size>``) and the rules that hang on their family."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NODE_TYPE = re.compile(r"^cache\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$")

NODE_TYPE_FORMAT = "'cache.<family>.<size>', for example 'cache.r7g.large'"

# Data tiering (memory plus local NVMe SSD) exists only on the r6gd family, and r6gd nodes must
# run with it on (CloudFormation DataTieringEnabled; ElastiCache user guide, "Data tiering").
DATA_TIERING_FAMILIES = frozenset({"r6gd"})


@dataclass(frozen=True)
class NodeType:
    family: str
    size: str

    @property
    def supports_data_tiering(self) -> bool:
        return self.family in DATA_TIERING_FAMILIES

    @property
    def supports_failover_without_cluster_mode(self) -> bool:
        """Automatic failover is not offered on T1, and on T2 only with cluster mode enabled."""
        return self.family not in ("t1", "t2")


def parse_node_type(text: str) -> NodeType | None:
    match = _NODE_TYPE.match(text)
    return NodeType(*match.groups()) if match else None
