"""Secure-by-default ElastiCache (Valkey, Redis OSS, Memcached) constructs for AWS CDK v2.

The constructs are imported lazily (PEP 562): ``from constructs_lib import ReplicationGroup`` loads
aws-cdk-lib, while ``import constructs_lib.facts`` (what ``elasticache-verify`` reads) does not.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from constructs_lib.auth import CacheAuth
    from constructs_lib.base import CacheBase, CacheEndpoint, ICache
    from constructs_lib.encryption import TransitEncryption
    from constructs_lib.errors import ElastiCacheValidationError, ValidationIssue
    from constructs_lib.facts.engines import Engine, EngineVersion
    from constructs_lib.facts.parameters import EvictionPolicy
    from constructs_lib.facts.serverless import ServerlessEngine
    from constructs_lib.memcached import AzMode, MemcachedCluster, MemcachedClusterBase
    from constructs_lib.parameter_group import ParameterGroup
    from constructs_lib.replication_group import ReplicationGroup
    from constructs_lib.serverless import ServerlessCache, ServerlessCacheBase
    from constructs_lib.serverless_settings import UsageLimits
    from constructs_lib.users import IamUser, IUser, IUserGroup, PasswordUser, UserGroup

_EXPORTS = {
    "CacheAuth": "constructs_lib.auth",
    "CacheBase": "constructs_lib.base",
    "CacheEndpoint": "constructs_lib.base",
    "ICache": "constructs_lib.base",
    "TransitEncryption": "constructs_lib.encryption",
    "ElastiCacheValidationError": "constructs_lib.errors",
    "ValidationIssue": "constructs_lib.errors",
    "Engine": "constructs_lib.facts.engines",
    "EngineVersion": "constructs_lib.facts.engines",
    "EvictionPolicy": "constructs_lib.facts.parameters",
    "AzMode": "constructs_lib.memcached",
    "MemcachedCluster": "constructs_lib.memcached",
    "MemcachedClusterBase": "constructs_lib.memcached",
    "ParameterGroup": "constructs_lib.parameter_group",
    "ReplicationGroup": "constructs_lib.replication_group",
    "ServerlessCache": "constructs_lib.serverless",
    "ServerlessCacheBase": "constructs_lib.serverless",
    "ServerlessEngine": "constructs_lib.facts.serverless",
    "UsageLimits": "constructs_lib.serverless_settings",
    "IamUser": "constructs_lib.users",
    "IUser": "constructs_lib.users",
    "IUserGroup": "constructs_lib.users",
    "PasswordUser": "constructs_lib.users",
    "UserGroup": "constructs_lib.users",
}

__all__ = [
    "AzMode",
    "CacheAuth",
    "CacheBase",
    "CacheEndpoint",
    "ElastiCacheValidationError",
    "Engine",
    "EngineVersion",
    "EvictionPolicy",
    "ICache",
    "IUser",
    "IUserGroup",
    "IamUser",
    "MemcachedCluster",
    "MemcachedClusterBase",
    "ParameterGroup",
    "PasswordUser",
    "ReplicationGroup",
    "ServerlessCache",
    "ServerlessCacheBase",
    "ServerlessEngine",
    "TransitEncryption",
    "UsageLimits",
    "UserGroup",
    "ValidationIssue",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'constructs_lib' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
