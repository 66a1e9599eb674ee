"""Numeric limits and character rules of ElastiCache settings, each with its source."""

from __future__ import annotations

import string

MAX_REPLICAS = 5
"""Replicas per shard: ``NumCacheClusters`` 1-6 and ``ReplicasPerNodeGroup`` 0-5 [S]."""
MAX_SHARDS = 500
"""``NumNodeGroups``: 90 by default, up to 500 with a quota increase [API:CreateReplicationGroup]."""
DEFAULT_SHARD_QUOTA = 90
MAX_BACKUP_RETENTION_DAYS = 35
"""``SnapshotRetentionLimit`` 0-35; 0 turns automatic backups off [API:CreateReplicationGroup]."""
MIN_WINDOW_MINUTES = 60
"""Maintenance and snapshot windows are at least 60 minutes [API:CreateReplicationGroup]."""
PORT_RANGE = (1, 65535)
DEFAULT_PORTS = {"valkey": 6379, "redis": 6379, "memcached": 11211}
CLUSTER_MODE_STEPS = {"disabled": "compatible", "compatible": "enabled"}
"""``ClusterMode`` of a group created without shards moves one step per update, disabled ->
compatible -> enabled, and never back [EC:modify-cluster-mode]."""
MAX_MEMCACHED_NODES = 40
"""``NumCacheNodes`` 1-40 [API:CreateCacheCluster] (the scaling guide's 60 needs a limit request)."""
MIN_CROSS_AZ_MEMCACHED_NODES = 2
"""``AZMode: cross-az`` needs at least two nodes [TF] aws_elasticache_cluster ``az_mode`` (terraform-aws-modules
elasticache says the same); one node has nowhere to spread."""

SECRET_SPECIAL_CHARACTERS = "!&#$^<>-"
"""The only special characters CreateReplicationGroup allows in an AUTH token [API]; we use the same
set for generated RBAC passwords, which forbid ``, " / @`` [EC:Clusters.RBAC]."""
SECRET_EXCLUDED_CHARACTERS = "".join(c for c in string.punctuation if c not in SECRET_SPECIAL_CHARACTERS)
AUTH_TOKEN_LENGTH = (16, 128)
"""AUTH tokens: 16-128 printable characters [API:CreateReplicationGroup]."""
PASSWORD_LENGTH = (16, 128)
"""RBAC user passwords: 16-128 characters [EC:Clusters.RBAC]."""
MAX_PASSWORDS_PER_USER = 2
"""Up to two passwords per user [API:CreateUser]."""

SERVERLESS_DATA_STORAGE_GB = (1, 5000)
SERVERLESS_ECPU_PER_SECOND = (1000, 15_000_000)
SERVERLESS_SNAPSHOT_RETENTION_DAYS = (1, 35)
"""[alpha] serverless-cache.ts and [TF] validation; the schema [S] states no ranges."""
SERVERLESS_DESCRIPTION_MAX = 255
"""ServerlessCache ``Description``: at most 255 characters, no ``<`` or ``>`` [API:CreateServerlessCache]."""

GLOBAL_DATASTORE_MAX_SECONDARIES = 2
"""A primary and secondaries in up to two other regions [EC:Redis-Global-Datastores-Getting-Started]."""
