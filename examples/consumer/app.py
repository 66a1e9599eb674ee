#!/usr/bin/env python3
"""A separate CDK app that uses elasticache-cdk-kit as an installed package.

pip install elasticache-cdk-kit
cdk synth
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam

from constructs_lib import EngineVersion, EvictionPolicy, ReplicationGroup


class SessionStoreStack(cdk.Stack):
    def __init__(self, scope: cdk.App, id: str, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=3,
            nat_gateways=1,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            ],
        )
        web = ec2.SecurityGroup(self, "Web", vpc=vpc)
        sessions = ReplicationGroup(
            self,
            "Sessions",
            vpc=vpc,
            engine_version=EngineVersion.VALKEY_9_0,
            node_type="cache.m7g.large",
            replicas=2,
            eviction_policy=EvictionPolicy.VOLATILE_TTL,
        )
        sessions.connections.allow_default_port_from(web)
        role = iam.Role(self, "WebRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        sessions.grant_read_auth_secret(role)  # the application user's password: secret read + KMS decrypt
        cdk.CfnOutput(self, "Endpoint", value=sessions.endpoint.address)


app = cdk.App()
SessionStoreStack(app, "SessionStore")
app.synth()
