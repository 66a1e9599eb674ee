"""CloudFormation resource schemas, read from the installed cfn-lint package.

Which properties are create-only (a change replaces the resource), conditionally create-only,
read-only or write-only is read here from the registry schemas cfn-lint ships
(``cfnlint/data/schemas/providers/<region>.json`` maps a type to a hash, the schema is
``cfnlint/data/schemas/resources/<hash>.json``), never typed by hand: upgrading cfn-lint updates
the facts.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_REGION = "us-east-1"


class SchemaError(Exception):
    """cfn-lint has no schema for the type (a custom resource, or a type newer than cfn-lint)."""


class SchemasUnavailableError(Exception):
    """cfn-lint is not installed, so no schema can be read: the guard must not run blind."""


def _schemas() -> Any:
    try:
        import cfnlint  # type: ignore[import-untyped]  # only the guard and tests need it
    except ImportError as error:  # pragma: no cover - the tests run with cfn-lint installed
        raise SchemasUnavailableError(
            "the guard reads CloudFormation schemas from cfn-lint: pip install 'elasticache-cdk-kit[verify]'"
        ) from error
    return resources.files(cfnlint).joinpath("data", "schemas")


@cache
def resource_schema(type_name: str, region: str = DEFAULT_REGION) -> dict[str, Any]:
    """The registry schema of ``type_name`` (``AWS::ElastiCache::ReplicationGroup``)."""
    schemas = _schemas()
    providers = json.loads(schemas.joinpath("providers", f"{region}.json").read_text())
    digest = providers.get(type_name)
    if digest is None:
        raise SchemaError(f"cfn-lint has no schema for {type_name} in {region}")
    schema: dict[str, Any] = json.loads(schemas.joinpath("resources", f"{digest}.json").read_text())
    return schema


def _paths(type_name: str, key: str) -> frozenset[str]:
    """Property paths under ``key`` as dotted names: ``/properties/A/B`` -> ``A.B``."""
    raw = resource_schema(type_name).get(key, [])
    return frozenset(path.removeprefix("/properties/").replace("/", ".") for path in raw)


def create_only(type_name: str) -> frozenset[str]:
    """Properties whose change replaces the resource."""
    return _paths(type_name, "createOnlyProperties")


def conditional_create_only(type_name: str) -> frozenset[str]:
    """Properties whose change replaces the resource in some cases (the schema says which in prose)."""
    return _paths(type_name, "conditionalCreateOnlyProperties")


def read_only(type_name: str) -> frozenset[str]:
    """Properties CloudFormation returns but a template cannot set."""
    return _paths(type_name, "readOnlyProperties")


def write_only(type_name: str) -> frozenset[str]:
    """Properties CloudFormation never reads back (invisible to its drift detection)."""
    return _paths(type_name, "writeOnlyProperties")


def schema_date() -> str:
    date: str = json.loads(_schemas().joinpath("version.json").read_text())["schema_date"]
    return date
