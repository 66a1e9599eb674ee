"""Secure-by-default ElastiCache (Valkey and Redis OSS) constructs for AWS CDK v2."""

from constructs_lib.auth import CacheAuth
from constructs_lib.cache import CacheBase, CacheEndpoint
from constructs_lib.engine import Engine, EngineVersion
from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue
from constructs_lib.parameter_group import EvictionPolicy, ParameterGroup
from constructs_lib.replication_group import ReplicationGroup, TransitEncryption

__all__ = [
    "CacheAuth",
    "CacheBase",
    "CacheEndpoint",
    "ElastiCacheValidationError",
    "Engine",
    "EngineVersion",
    "EvictionPolicy",
    "ParameterGroup",
    "ReplicationGroup",
    "TransitEncryption",
    "ValidationIssue",
]
