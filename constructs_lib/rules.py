"""The validation rules, each with a stable code.

Every ``ValidationIssue`` carries one of these codes; tests and users refer to rules by code (the
README lists them, and a test keeps that table equal to this one). Codes never change meaning; a
retired rule keeps its code unused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str


RULES: dict[str, Rule] = {}


def _rule(code: str, title: str) -> Rule:
    assert code not in RULES, f"duplicate rule code {code}"
    RULES[code] = Rule(code, title)
    return RULES[code]


# Inputs of any kind
TYPE = _rule("EC100", "a value of the wrong type (object, enum member, switch, number, text)")
DEPLOY_TIME = _rule("EC101", "a value that must be known at synth is a deploy-time token")
EXCLUSIVE = _rule("EC102", "options that exclude each other, or need each other, are combined wrongly")
MISSING = _rule("EC103", "a required value is missing or empty")
NAME = _rule("EC110", "an identifier breaks ElastiCache's naming rule")
DESCRIPTION = _rule("EC111", "a description is blank or breaks its resource's limits")

# Topology and placement
REPLICAS = _rule("EC200", "replica count out of range")
FAILOVER_NEEDS_REPLICA = _rule("EC201", "automatic failover without a replica")
MULTI_AZ_NEEDS_REPLICA = _rule("EC202", "Multi-AZ without a replica")
MULTI_AZ_NEEDS_FAILOVER = _rule("EC203", "Multi-AZ without automatic failover")
MULTI_AZ_NEEDS_ZONES = _rule("EC204", "Multi-AZ with subnets in fewer than two zones")
FAILOVER_NODE_FAMILY = _rule("EC205", "automatic failover on a node family that lacks it")
ZONE_COUNT = _rule("EC206", "availability zones listed are not one per node")
ZONE_UNKNOWN = _rule("EC207", "availability zones listed are not zones of the selected subnets")
FAILOVER_NEEDS_REPLICA_FAILOVER = _rule("EC208", "Redis OSS replicas without automatic failover")
SHARDS = _rule("EC210", "shard count out of range, or more nodes than a group may have")
CLUSTER_MODE = _rule("EC211", "cluster mode setting or migration step ElastiCache does not allow")

# Node types and engine versions
NODE_TYPE_FORMAT = _rule("EC220", "node type is not of the form cache.<family>.<size>")
NODE_TYPE_UNKNOWN = _rule("EC221", "node type that ElastiCache does not offer (in the stack's region)")
DATA_TIERING = _rule("EC222", "data tiering without r6gd nodes, or r6gd nodes without data tiering")
ENGINE_FEATURE = _rule("EC230", "a feature the engine or engine version does not have")

# Auto scaling and durability
SCALING_PREREQUISITE = _rule("EC240", "auto scaling on a group that does not meet its prerequisites")
SCALING_CAPACITY = _rule("EC241", "auto scaling capacities out of range or not around the template's count")
SCALING_METRIC = _rule("EC242", "auto scaling metric that does not fit the dimension or the group")
SCALING_TARGET = _rule("EC243", "auto scaling target value out of range")
DURABILITY = _rule("EC250", "durability on a group that does not meet its prerequisites")

# Global Datastore (EC26x)
GLOBAL_DATASTORE_REGION = _rule("EC260", "a Global Datastore member in a region the datastore cannot use")
GLOBAL_DATASTORE_MEMBER = _rule("EC261", "a Global Datastore primary that does not meet the prerequisites")

# Day two: logs, alarms
LOG_DELIVERY = _rule("EC270", "log delivery configured twice for a log type, or to a destination that cannot be")
ALARM_THRESHOLD = _rule("EC271", "an alarm threshold that is not a number of at least 0")
ROTATION = _rule("EC272", "credential rotation schedule out of range")
EVENT_TOPIC = _rule("EC273", "an encrypted SNS topic for ElastiCache's event notifications, which it cannot publish to")

# Encryption and authentication
AUTH_NEEDS_TLS = _rule("EC300", "an AUTH token or user group without TLS")
SECRET_LENGTH = _rule("EC301", "generated AUTH token or password length out of range")
KEY_NEEDS_AT_REST = _rule("EC302", "a KMS key without at-rest encryption")
USER_GROUP_ENGINE = _rule("EC303", "a user group or user whose engine the cache or group cannot take")
ACCESS_STRING = _rule("EC305", "access string that is not valid ACL syntax for ElastiCache")
USER_AUTHENTICATION = _rule("EC306", "a user authentication ElastiCache does not allow")
USER_GROUP_MEMBERS = _rule("EC307", "user group members ElastiCache would refuse")

# Backups and windows
MAINTENANCE_WINDOW = _rule("EC400", "maintenance window not in the weekly format")
SNAPSHOT_WINDOW = _rule("EC401", "snapshot window not in the daily format")
WINDOW_LENGTH = _rule("EC402", "window shorter than 60 minutes")
WINDOW_OVERLAP = _rule("EC403", "snapshot window overlaps the maintenance window")
RETENTION = _rule("EC404", "backup retention out of range")

# Parameters
PARAMETER_GROUP_FAMILY = _rule("EC500", "parameter group of another family than the engine version")
PARAMETER_NAME = _rule("EC501", "parameter name malformed, or set through a typed property")
PARAMETER_VALUE = _rule("EC502", "parameter value of the wrong form or out of range")
CLUSTER_ENABLED = _rule("EC503", "cluster-enabled parameter that contradicts the cluster mode")

# Network
NO_PRIVATE_SUBNETS = _rule("EC600", "a VPC without private subnets")
PUBLIC_SUBNETS = _rule("EC601", "public subnets selected")
SUBNET_SELECTION = _rule("EC602", "a subnet selection that selects nothing or that the VPC cannot satisfy")
SECURITY_GROUPS = _rule("EC603", "an empty list of security groups")
PORT = _rule("EC604", "port out of range")
OTHER_REGION = _rule("EC605", "a key or other resource from another region than the cache")

# Serverless caches (EC7xx)
SERVERLESS_DATA_STORAGE = _rule("EC700", "serverless data storage limit out of range or not in whole gigabytes")
SERVERLESS_ECPU = _rule("EC701", "serverless ECPU-per-second limit out of range")
SERVERLESS_LIMIT_ORDER = _rule("EC702", "serverless usage limit whose minimum is above its maximum")
SERVERLESS_SNAPSHOT_TIME = _rule("EC710", "serverless daily snapshot time not in the HH:MM format (UTC)")
SERVERLESS_AUTH = _rule("EC720", "authentication a serverless cache cannot take (AUTH token; user group on Memcached)")

# Memcached clusters (EC8xx)
MEMCACHED_NODES = _rule("EC800", "Memcached node count out of range")
MEMCACHED_NODE_TYPE = _rule("EC801", "a node type Memcached does not run on (the data-tiering r6gd family)")
MEMCACHED_CROSS_AZ = _rule("EC802", "Memcached nodes spread over zones with one node, or over subnets in one zone")
MEMCACHED_ZONE_MODE = _rule("EC803", "availability zones listed that contradict the Memcached zone mode")

# The app's context keys (app.py)
CONTEXT = _rule("EC900", "a context key (-c key=value) with a value the app cannot use")
