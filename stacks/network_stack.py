"""A VPC for caches: private subnets only, flow logs on, plus the application's security group."""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib import rules
from constructs_lib.log_delivery import allow_cloudwatch_logs
from constructs_lib.validation import Issues


def _subnet_mask(cidr: str, zones: int) -> int:
    """/24 subnets where the range has room, else the largest that gives each zone one."""
    prefix = ipaddress.IPv4Network(cidr, strict=False).prefixlen
    return max(24, prefix + math.ceil(math.log2(zones)))


class NetworkStack(Stack):
    """A VPC with isolated (private, no internet route) subnets in ``max_azs`` zones, VPC flow
    logs into a KMS-encrypted log group, and the security group application clients run in.

    :param cidr: the VPC's IPv4 range. Default: ``10.0.0.0/16``.
    :param max_azs: zones to spread subnets over, at least 2 so a replica can live apart from
        its primary. Default: 2.
    :param flow_log_retention: Default: one year.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cidr: str = "10.0.0.0/16",
        max_azs: int = 2,
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, id, **stack_props)
        issues = Issues(self.node.path)
        issues.whole(
            rules.MULTI_AZ_NEEDS_ZONES, "max_azs", max_azs, 2, 6, what="zones (Multi-AZ needs two)", synth=True
        )
        issues.raise_if_any()

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=max_azs,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="cache", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=_subnet_mask(cidr, max_azs)
                ),
            ],
        )

        key = kms.Key(
            self, "FlowLogKey", description=f"Encrypts the flow logs of {self.node.path}", enable_key_rotation=True
        )
        # CloudWatch Logs encrypts with the key itself, so the key policy must admit the service.
        allow_cloudwatch_logs(key)
        log_group = logs.LogGroup(self, "FlowLogs", encryption_key=key, retention=flow_log_retention)
        # The flow-log service writes with this role. Its permissions sit in a managed policy
        # rather than the inline default policy CDK would generate (HIPAA, NIST and PCI packs
        # reject inline policies); the role is handed over without policy updates for that reason.
        role = iam.Role(self, "FlowLogRole", assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "FlowLogPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    resources=[log_group.log_group_arn],
                ),
                iam.PolicyStatement(actions=["iam:PassRole"], resources=[role.role_arn]),
            ],
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(log_group, role.without_policy_updates()),
            traffic_type=ec2.FlowLogTrafficType.ALL,
            max_aggregation_interval=ec2.FlowLogMaxAggregationInterval.ONE_MINUTE,
        )

        # The caches' credential rotation functions run in these isolated subnets and call the
        # Secrets Manager and ElastiCache APIs through interface endpoints (no NAT gateway). Their
        # security group admits HTTPS from the VPC's range, written out (a token would leave the
        # compliance packs unable to judge the rule).
        endpoints = ec2.SecurityGroup(
            self, "EndpointSecurityGroup", vpc=self.vpc, description="AWS API endpoints", allow_all_outbound=False
        )
        endpoints.add_ingress_rule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "HTTPS from the VPC")
        for name, service in (
            ("SecretsManager", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
            ("ElastiCache", ec2.InterfaceVpcEndpointAwsService.ELASTICACHE),
        ):
            self.vpc.add_interface_endpoint(
                name,
                service=service,
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
                security_groups=[endpoints],
                open=False,
            )

        self.app_security_group = ec2.SecurityGroup(
            self,
            "AppSecurityGroup",
            vpc=self.vpc,
            description="Application clients of the cache",
            allow_all_outbound=False,
        )
