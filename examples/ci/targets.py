#!/usr/bin/env python3
"""What a pipeline acts on, one per line, for the shell loops of the CI recipes beside this file.

    python examples/ci/targets.py stacks cdk.out                 # STACK REGION TEMPLATE, every stack
    python examples/ci/targets.py stacks --deployed cdk.out      # only those CloudFormation has
    python examples/ci/targets.py stacks --with-caches cdk.out   # only those `check --stack` can check
    python examples/ci/targets.py replication-groups --region us-east-1 --region us-west-2   # GROUP REGION

Stack names, regions and template files come from the cloud assembly's manifest, so they follow the
app's context (stackPrefix, region, secondaryRegion) with no list to keep in step. AWS is asked only
for --deployed and replication-groups, through boto3's standard environment (credentials, profile,
AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from postdeploy.runner import STACK_RESOURCE_KINDS

STACK_ARTIFACT = "aws:cloudformation:stack"
# A change set created but never executed leaves a stack in this status with nothing deployed.
NOTHING_DEPLOYED = "REVIEW_IN_PROGRESS"


@dataclass(frozen=True)
class Stack:
    name: str
    region: str
    template: Path

    def line(self) -> str:
        return f"{self.name} {self.region} {self.template}"


def assembly_stacks(assembly: Path) -> list[Stack]:
    """Every CloudFormation stack of a cloud assembly (`cdk synth`'s output folder), in manifest order.

    An environment-agnostic stack (region unknown-region) deploys to the CLI's region, AWS_REGION."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    stacks = []
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != STACK_ARTIFACT:
            continue
        properties = artifact.get("properties", {})
        region = artifact["environment"].rsplit("/", 1)[-1]
        if region == "unknown-region":
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
            if not region:
                raise SystemExit(f"error: {artifact_id} names no region and AWS_REGION is not set")
        stacks.append(Stack(properties.get("stackName", artifact_id), region, assembly / properties["templateFile"]))
    return stacks


def holds_caches(stack: Stack) -> bool:
    """Whether the template has a resource `elasticache-verify check --stack` checks."""
    resources: dict[str, Any] = json.loads(stack.template.read_text()).get("Resources", {})
    return any(resource.get("Type") in STACK_RESOURCE_KINDS for resource in resources.values())


def is_deployed(stack: Stack) -> bool:
    cloudformation = boto3.client("cloudformation", region_name=stack.region)
    try:
        (found,) = cloudformation.describe_stacks(StackName=stack.name)["Stacks"]
    except ClientError as error:
        # What CloudFormation answers for a stack it does not have (or has deleted).
        if error.response["Error"]["Code"] == "ValidationError" and "does not exist" in str(error):
            return False
        raise
    return str(found["StackStatus"]) != NOTHING_DEPLOYED


def replication_groups(region: str) -> Iterator[str]:
    elasticache = boto3.client("elasticache", region_name=region)
    for page in elasticache.get_paginator("describe_replication_groups").paginate():
        for group in page["ReplicationGroups"]:
            yield group["ReplicationGroupId"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    stacks = commands.add_parser("stacks", help="the stacks of a cloud assembly: STACK REGION TEMPLATE")
    stacks.add_argument("assembly", type=Path, help="the cloud assembly folder, e.g. cdk.out")
    stacks.add_argument("--deployed", action="store_true", help="only stacks CloudFormation already has")
    stacks.add_argument("--with-caches", action="store_true", help="only stacks with ElastiCache resources")
    groups = commands.add_parser("replication-groups", help="the replication groups of regions: GROUP REGION")
    groups.add_argument("--region", action="append", required=True, help="an AWS region; repeat for several")
    args = parser.parse_args(argv)

    if args.command == "replication-groups":
        for region in args.region:
            for group_id in replication_groups(region):
                print(group_id, region)
        return 0
    for stack in assembly_stacks(args.assembly):
        if args.with_caches and not holds_caches(stack):
            continue
        if args.deployed and not is_deployed(stack):
            print(f"note: {stack.name} is not deployed in {stack.region} yet: nothing to compare", file=sys.stderr)
            continue
        print(stack.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
