"""Node types: the check every node-based kind shares (well formed, offered in the stack's region)."""

from __future__ import annotations

from aws_cdk import Stack, Token
from constructs import Construct

from constructs_lib import rules
from constructs_lib.facts import node_types
from constructs_lib.facts.node_types import NodeType
from constructs_lib.validation import Issues, is_token


def check_node_type(issues: Issues, scope: Construct, node_type: object) -> NodeType | None:
    """The parsed node type when it is well formed and offered in the stack's region (in any region
    when the stack's region is a token); ``None`` otherwise, or when it is a token itself."""
    if not issues.text("node_type", node_type, optional=False) or is_token(node_type):
        return None
    assert isinstance(node_type, str)
    parsed = node_types.parse_node_type(node_type)
    if not issues.require(
        rules.NODE_TYPE_FORMAT, parsed is not None, "node_type", node_types.NODE_TYPE_FORMAT, node_type
    ):
        return None
    stack_region = Stack.of(scope).region
    region = None if Token.is_unresolved(stack_region) else stack_region
    if node_type not in node_types.offered(region):
        same_family = node_types.closest(node_type, region)
        where = f"in {region}" if region in node_types.regions() else "in any region"
        hint = f": {', '.join(same_family)}" if same_family else ""
        issues.add(rules.NODE_TYPE_UNKNOWN, "node_type", f"a node type ElastiCache offers {where}{hint}", node_type)
        return None
    return parsed
