"""Parameter groups whose family follows from the engine version.

CloudFormation generates a parameter group's name: ``CacheParameterGroupName`` is read-only in the
resource schema, so a parameter group cannot be given a name of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from aws_cdk import RemovalPolicy, Resource
from aws_cdk import aws_elasticache as elasticache
from constructs import Construct

from constructs_lib import rules
from constructs_lib.base import documented_signature
from constructs_lib.facts.engines import EngineVersion
from constructs_lib.facts.parameters import EvictionPolicy
from constructs_lib.validation import Issues, is_token

_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
# Memcached's parameters are spelled with underscores (max_item_size, chunk_size_growth_factor).
_MEMCACHED_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Settings with a typed property of their own; taking them from ``parameters`` as well would let
# two values for one setting disagree.
_TYPED_PARAMETERS = {
    "maxmemory-policy": "eviction_policy",
    "reserved-memory-percent": "reserved_memory_percent",
    "cluster-enabled": "the cache's cluster mode (set by the replication group)",
}


@documented_signature
class ParameterGroup(Resource):
    """An ``AWS::ElastiCache::ParameterGroup`` for one engine version.

    :param engine_version: the engine version the group serves; it fixes the family
        (for example ``VALKEY_8_2`` gives ``valkey8``).
    :param eviction_policy: ``maxmemory-policy`` (Valkey / Redis OSS). Default: ``VOLATILE_LRU``, the
        engine's own default, written out so that the template says what a full cache does.
    :param reserved_memory_percent: ``reserved-memory-percent``, 0-100. Default: the engine's (25).
    :param parameters: any further parameters, by their engine names, as strings.
    :param cluster_enabled: ``cluster-enabled`` (Valkey / Redis OSS): ``yes`` for cluster mode.
        Default: False.
    :param description: Default: derived from the engine version.
    :param removal_policy: Default: ``RemovalPolicy.DESTROY``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        engine_version: EngineVersion,
        eviction_policy: EvictionPolicy | None = None,
        reserved_memory_percent: int | None = None,
        parameters: Mapping[str, str] | None = None,
        cluster_enabled: bool = False,
        description: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        check_parameters(issues, engine_version, eviction_policy, reserved_memory_percent, parameters)
        issues.switch("cluster_enabled", cluster_enabled, optional=False)
        if issues.text("description", description) and description is not None and not is_token(description):
            issues.require(rules.DESCRIPTION, bool(description.strip()), "description", "a non-blank text", description)
        issues.enum("removal_policy", removal_policy, RemovalPolicy)
        if isinstance(engine_version, EngineVersion) and engine_version.engine.value == "memcached":
            for prop, value in (
                ("eviction_policy", eviction_policy),
                ("reserved_memory_percent", reserved_memory_percent),
                ("cluster_enabled", cluster_enabled or None),
            ):
                issues.require(
                    rules.EXCLUSIVE, value is None, prop, "unset for Memcached (a Valkey and Redis OSS setting)", value
                )
        issues.raise_if_any()

        self.engine_version = engine_version
        self.family = engine_version.parameter_group_family
        self.parameters: dict[str, str] = dict(parameters or {})
        if engine_version.engine.value != "memcached":
            self.parameters["maxmemory-policy"] = (eviction_policy or EvictionPolicy.VOLATILE_LRU).value
            if cluster_enabled:
                self.parameters["cluster-enabled"] = "yes"
        if reserved_memory_percent is not None:
            self.parameters["reserved-memory-percent"] = str(reserved_memory_percent)

        self.resource = elasticache.CfnParameterGroup(
            self,
            "Resource",
            cache_parameter_group_family=self.family,
            description=description or f"{engine_version.label} parameters ({self.node.path})",
            properties=self.parameters,
        )
        self.resource.apply_removal_policy(removal_policy)
        self.parameter_group_name: str = self.resource.ref

    @property
    def cluster_enabled(self) -> bool:
        return self.parameters.get("cluster-enabled") == "yes"

    @staticmethod
    def from_parameter_group_name(
        scope: Construct,
        id: str,
        parameter_group_name: str,
        *,
        engine_version: EngineVersion,
        cluster_enabled: bool = False,
    ) -> IParameterGroup:
        """Reference an existing parameter group; its family follows ``engine_version``, and
        ``cluster_enabled`` says whether it sets ``cluster-enabled`` to ``yes``."""
        return _ImportedParameterGroup(
            scope,
            id,
            parameter_group_name=parameter_group_name,
            engine_version=engine_version,
            cluster_enabled=cluster_enabled,
        )


@runtime_checkable
class IParameterGroup(Protocol):
    """A parameter group, created here or imported."""

    @property
    def parameter_group_name(self) -> str: ...

    @property
    def family(self) -> str: ...

    @property
    def parameters(self) -> dict[str, str]:
        """The values known here (an import knows only ``cluster-enabled``)."""
        ...

    @property
    def cluster_enabled(self) -> bool: ...


class _ImportedParameterGroup(Resource):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        parameter_group_name: str,
        engine_version: EngineVersion,
        cluster_enabled: bool,
    ) -> None:
        super().__init__(scope, id)
        issues = Issues(self.node.path)
        issues.text("parameter_group_name", parameter_group_name, optional=False)
        issues.enum("engine_version", engine_version, EngineVersion)
        issues.switch("cluster_enabled", cluster_enabled, optional=False)
        issues.raise_if_any()
        self.parameter_group_name = parameter_group_name
        self.family = engine_version.parameter_group_family
        self.parameters = {"cluster-enabled": "yes"} if cluster_enabled else {}

    @property
    def cluster_enabled(self) -> bool:
        return self.parameters.get("cluster-enabled") == "yes"


def check_parameters(
    issues: Issues,
    engine_version: object,
    eviction_policy: object,
    reserved_memory_percent: object,
    parameters: object,
) -> None:
    """The inputs that make a parameter group's ``Properties``."""
    issues.enum("engine_version", engine_version, EngineVersion)
    issues.enum("eviction_policy", eviction_policy, EvictionPolicy, optional=True)
    if reserved_memory_percent is not None:
        issues.whole(rules.PARAMETER_VALUE, "reserved_memory_percent", reserved_memory_percent, 0, 100, synth=False)
    if not issues.mapping("parameters", parameters, "a mapping of parameter names to string values"):
        return
    assert parameters is None or isinstance(parameters, Mapping)
    memcached = isinstance(engine_version, EngineVersion) and engine_version.engine.value == "memcached"
    pattern = _MEMCACHED_PARAMETER_NAME if memcached else _PARAMETER_NAME
    example = "max_item_size" if memcached else "notify-keyspace-events"
    typed = {} if memcached else _TYPED_PARAMETERS
    for name, value in (parameters or {}).items():
        if name in typed:
            issues.add(rules.PARAMETER_NAME, f"parameters[{name!r}]", f"set through {typed[name]}", value)
        elif not (isinstance(name, str) and pattern.match(name)):
            issues.add(
                rules.PARAMETER_NAME,
                "parameters",
                f"keyed by engine parameter names such as '{example}'",
                name,
            )
        elif not isinstance(value, str):
            issues.add(
                rules.PARAMETER_VALUE,
                f"parameters[{name!r}]",
                "a string, the form ElastiCache stores parameter values in",
                value,
            )
