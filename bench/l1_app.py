"""The baseline: the reference deployment written by hand with L1 (Cfn*) constructs only.

It creates the same resources as app.py, with the same properties, but without our constructs,
validation or cdk-nag. The one difference: the function that strips the VPC's default security
group carries its code inline instead of aws-cdk-lib's bundled asset.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager

REGION = "us-east-1"
NO_EGRESS = ec2.CfnSecurityGroup.EgressProperty(
    cidr_ip="255.255.255.255/32", description="Disallow all traffic", from_port=252, ip_protocol="icmp", to_port=86
)
RESTRICT_DEFAULT_SG = """
const { EC2Client, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand,
        RevokeSecurityGroupEgressCommand } = require('@aws-sdk/client-ec2');
const response = require('cfn-response');
exports.handler = async (event, context) => {
  try {
    if (event.RequestType !== 'Delete') {
      const ec2 = new EC2Client({});
      const id = event.ResourceProperties.DefaultSecurityGroupId;
      const { SecurityGroups: [group] } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
      const revoke = (Command, rules) => rules.length && ec2.send(new Command({ GroupId: id, IpPermissions: rules }));
      await revoke(RevokeSecurityGroupIngressCommand, group.IpPermissions);
      await revoke(RevokeSecurityGroupEgressCommand, group.IpPermissionsEgress);
    }
    await response.send(event, context, response.SUCCESS, {});
  } catch (error) {
    await response.send(event, context, response.FAILED, { Error: String(error) });
  }
};
"""


def key_policy(*extra: dict[str, object]) -> dict[str, object]:
    root = {"AWS": cdk.Fn.join("", ["arn:aws:iam::", cdk.Aws.ACCOUNT_ID, ":root"])}
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "kms:*", "Effect": "Allow", "Principal": root, "Resource": "*"}, *extra],
    }


class Network(cdk.Stack):
    def __init__(self, scope: cdk.App, id: str, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        self.vpc = ec2.CfnVPC(self, "Vpc", cidr_block="10.0.0.0/16", enable_dns_hostnames=True, enable_dns_support=True)
        self.subnets = []
        for i in range(2):
            subnet = ec2.CfnSubnet(
                self,
                f"Subnet{i}",
                vpc_id=self.vpc.ref,
                cidr_block=f"10.0.{i}.0/24",
                availability_zone=cdk.Fn.select(i, cdk.Fn.get_azs()),
                map_public_ip_on_launch=False,
            )
            table = ec2.CfnRouteTable(self, f"RouteTable{i}", vpc_id=self.vpc.ref)
            ec2.CfnSubnetRouteTableAssociation(self, f"Association{i}", route_table_id=table.ref, subnet_id=subnet.ref)
            self.subnets.append(subnet)

        default_sg = self.vpc.attr_default_security_group
        role = iam.CfnRole(
            self,
            "RestrictRole",
            assume_role_policy_document={
                "Version": "2012-10-17",
                "Statement": [
                    {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
                ],
            },
            managed_policy_arns=[
                cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
            ],
            policies=[
                iam.CfnRole.PolicyProperty(
                    policy_name="Inline",
                    policy_document={
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": [
                                    "ec2:DescribeSecurityGroups",
                                    "ec2:RevokeSecurityGroupIngress",
                                    "ec2:RevokeSecurityGroupEgress",
                                ],
                                "Resource": "*",
                            }
                        ],
                    },
                )
            ],
        )
        handler = lambda_.CfnFunction(
            self,
            "RestrictHandler",
            code=lambda_.CfnFunction.CodeProperty(zip_file=RESTRICT_DEFAULT_SG),
            handler="index.handler",
            role=role.attr_arn,
            runtime="nodejs24.x",
            timeout=900,
            memory_size=128,
            description="Lambda function for removing all inbound/outbound rules from the VPC default security group",
        )
        cdk.CfnResource(
            self,
            "RestrictDefaultSG",
            type="Custom::VpcRestrictDefaultSG",
            properties={
                "ServiceToken": handler.attr_arn,
                "DefaultSecurityGroupId": default_sg,
                "Account": cdk.Aws.ACCOUNT_ID,
            },
        )

        key = kms.CfnKey(
            self,
            "FlowLogKey",
            description="Encrypts the flow logs",
            enable_key_rotation=True,
            key_policy=key_policy(
                {
                    "Action": [
                        "kms:Decrypt*",
                        "kms:Describe*",
                        "kms:Encrypt*",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": cdk.Fn.join(
                                "", [f"arn:aws:logs:{REGION}:", cdk.Aws.ACCOUNT_ID, ":log-group:*"]
                            )
                        }
                    },
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
                    "Resource": "*",
                }
            ),
        )
        key.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        log_group = logs.CfnLogGroup(self, "FlowLogs", kms_key_id=key.attr_arn, retention_in_days=365)
        log_group.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        flow_role = iam.CfnRole(
            self,
            "FlowLogRole",
            assume_role_policy_document={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    }
                ],
            },
        )
        iam.CfnManagedPolicy(
            self,
            "FlowLogPolicy",
            roles=[flow_role.ref],
            policy_document={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        "Effect": "Allow",
                        "Resource": log_group.attr_arn,
                    },
                    {"Action": "iam:PassRole", "Effect": "Allow", "Resource": flow_role.attr_arn},
                ],
            },
        )
        ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=self.vpc.ref,
            resource_type="VPC",
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_group_name=log_group.ref,
            deliver_logs_permission_arn=flow_role.attr_arn,
            max_aggregation_interval=60,
        )
        self.app_sg = ec2.CfnSecurityGroup(
            self,
            "AppSecurityGroup",
            group_description="Application clients of the cache",
            vpc_id=self.vpc.ref,
            security_group_egress=[NO_EGRESS],
        )


class Cache(cdk.Stack):
    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        sg = ec2.CfnSecurityGroup(
            self,
            "SecurityGroup",
            group_description="Allow Redis from app",
            vpc_id=network.vpc.ref,
            security_group_egress=[NO_EGRESS],
        )
        app_sg_id = network.app_sg.attr_group_id
        ec2.CfnSecurityGroupIngress(
            self,
            "FromApp",
            group_id=sg.attr_group_id,
            source_security_group_id=app_sg_id,
            ip_protocol="tcp",
            from_port=6379,
            to_port=6379,
            description="Redis from the application",
        )
        ec2.CfnSecurityGroupEgress(
            self,
            "ToCache",
            group_id=app_sg_id,
            destination_security_group_id=sg.attr_group_id,
            ip_protocol="tcp",
            from_port=6379,
            to_port=6379,
            description="Redis from the application",
        )
        params = elasticache.CfnParameterGroup(
            self,
            "ParameterGroup",
            cache_parameter_group_family="redis7",
            description="redis 7.0 parameters",
            properties={"maxmemory-policy": "allkeys-lru"},
        )
        subnets = elasticache.CfnSubnetGroup(
            self,
            "SubnetGroup",
            cache_subnet_group_name="app-redis-subnets",
            description="Redis cache for application",
            subnet_ids=[s.ref for s in network.subnets],
        )
        via_secrets_manager = {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}}
        key = kms.CfnKey(
            self,
            "Key",
            description="Encrypts Redis cache for application",
            enable_key_rotation=True,
            key_policy=key_policy(
                {
                    "Action": [
                        "kms:CreateGrant",
                        "kms:Decrypt",
                        "kms:DescribeKey",
                        "kms:Encrypt",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    "Condition": via_secrets_manager,
                    "Effect": "Allow",
                    "Principal": {"AWS": cdk.Fn.join("", ["arn:aws:iam::", cdk.Aws.ACCOUNT_ID, ":root"])},
                    "Resource": "*",
                }
            ),
        )
        key.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        secret = secretsmanager.CfnSecret(
            self,
            "AppUserSecret",
            description="Password of ElastiCache user app",
            kms_key_id=key.attr_arn,
            generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
                secret_string_template='{"username": "app"}',
                generate_string_key="password",
                password_length=64,
                exclude_characters="\"%'()*+,./:;=?@[\\]_`{|}~",
                include_space=False,
            ),
        )
        default_user = elasticache.CfnUser(
            self,
            "DefaultUser",
            engine="redis",
            user_id="app-redis-default",
            user_name="default",
            access_string="off -@all",
            authentication_mode={"Type": "no-password-required"},
        )
        app_user = elasticache.CfnUser(
            self,
            "AppUser",
            engine="redis",
            user_id="app-redis-app",
            user_name="app",
            access_string="on ~* &* +@all",
            authentication_mode={
                "Type": "password",
                "Passwords": [cdk.Fn.join("", ["{{resolve:secretsmanager:", secret.ref, ":SecretString:password::}}"])],
            },
        )
        user_group = elasticache.CfnUserGroup(
            self,
            "UserGroup",
            engine="redis",
            user_group_id="app-redis-users",
            user_ids=[default_user.ref, app_user.ref],
        )
        for resource in (params, subnets, secret, default_user, app_user, user_group):
            resource.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
        group = elasticache.CfnReplicationGroup(
            self,
            "Cache",
            replication_group_id="app-redis",
            replication_group_description="Redis cache for application",
            engine="redis",
            engine_version="7.0",
            cache_node_type="cache.r6g.large",
            num_cache_clusters=2,
            port=6379,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[sg.attr_group_id],
            cache_parameter_group_name=params.ref,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            user_group_ids=[user_group.ref],
            at_rest_encryption_enabled=True,
            kms_key_id=key.attr_arn,
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            preferred_maintenance_window="sun:03:00-sun:04:00",
            snapshot_window="01:00-02:00",
            snapshot_retention_limit=15,
            auto_minor_version_upgrade=True,
            tags=[cdk.CfnTag(key="Name", value="app-redis")],
        )
        group.apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)


class Serverless(cdk.Stack):
    """The reference serverless Valkey cache (stacks/serverless_stack.py) in L1 constructs."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        sg = ec2.CfnSecurityGroup(
            self,
            "SecurityGroup",
            group_description="ElastiCache serverless cache Cache",
            vpc_id=network.vpc.ref,
            security_group_egress=[NO_EGRESS],
        )
        app_sg_id = network.app_sg.attr_group_id
        description = "Valkey from the application"
        ec2.CfnSecurityGroupIngress(
            self,
            "FromApp",
            group_id=sg.attr_group_id,
            source_security_group_id=app_sg_id,
            ip_protocol="tcp",
            from_port=6379,
            to_port=6380,
            description=description,
        )
        ec2.CfnSecurityGroupEgress(
            self,
            "ToCache",
            group_id=app_sg_id,
            destination_security_group_id=sg.attr_group_id,
            ip_protocol="tcp",
            from_port=6379,
            to_port=6380,
            description=description,
        )
        key = kms.CfnKey(
            self,
            "Key",
            description="Encrypts Valkey 8 (serverless) cache",
            enable_key_rotation=True,
            key_policy=key_policy(
                {
                    "Action": [
                        "kms:CreateGrant",
                        "kms:Decrypt",
                        "kms:DescribeKey",
                        "kms:Encrypt",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}},
                    "Effect": "Allow",
                    "Principal": {"AWS": cdk.Fn.join("", ["arn:aws:iam::", cdk.Aws.ACCOUNT_ID, ":root"])},
                    "Resource": "*",
                }
            ),
        )
        key.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        secret = secretsmanager.CfnSecret(
            self,
            "AppUserSecret",
            description="Password of ElastiCache user app",
            kms_key_id=key.attr_arn,
            generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
                secret_string_template='{"username": "app"}',
                generate_string_key="password",
                password_length=64,
                exclude_characters="\"%'()*+,./:;=?@[\\]_`{|}~",
                include_space=False,
            ),
        )
        app_user = elasticache.CfnUser(
            self,
            "AppUser",
            engine="valkey",
            user_id="app-valkey-app",
            user_name="app",
            access_string="on ~* &* +@all",
            authentication_mode={
                "Type": "password",
                "Passwords": [cdk.Fn.join("", ["{{resolve:secretsmanager:", secret.ref, ":SecretString:password::}}"])],
            },
        )
        user_group = elasticache.CfnUserGroup(
            self, "UserGroup", engine="valkey", user_group_id="app-valkey-users", user_ids=[app_user.ref]
        )
        elasticache.CfnServerlessCache(
            self,
            "Cache",
            serverless_cache_name="app-valkey",
            engine="valkey",
            major_engine_version="8",
            description="Valkey 8 (serverless) cache",
            cache_usage_limits={"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 100000}},
            kms_key_id=key.attr_arn,
            subnet_ids=[s.ref for s in network.subnets],
            security_group_ids=[sg.attr_group_id],
            user_group_id=user_group.ref,
            snapshot_retention_limit=15,
            daily_snapshot_time="03:00",
            final_snapshot_name="app-valkey-final",
        )


class Memcached(cdk.Stack):
    """The reference Memcached cluster (stacks/memcached_stack.py) in L1 constructs."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        sg = ec2.CfnSecurityGroup(
            self,
            "SecurityGroup",
            group_description="ElastiCache Memcached cluster Cache",
            vpc_id=network.vpc.ref,
            security_group_egress=[NO_EGRESS],
        )
        app_sg_id = network.app_sg.attr_group_id
        ec2.CfnSecurityGroupIngress(
            self,
            "FromApp",
            group_id=sg.attr_group_id,
            source_security_group_id=app_sg_id,
            ip_protocol="tcp",
            from_port=11211,
            to_port=11211,
            description="Memcached from the application",
        )
        ec2.CfnSecurityGroupEgress(
            self,
            "ToCache",
            group_id=app_sg_id,
            destination_security_group_id=sg.attr_group_id,
            ip_protocol="tcp",
            from_port=11211,
            to_port=11211,
            description="Memcached from the application",
        )
        params = elasticache.CfnParameterGroup(
            self,
            "ParameterGroup",
            cache_parameter_group_family="memcached1.6",
            description="memcached 1.6.22 parameters",
            properties={},
        )
        subnets = elasticache.CfnSubnetGroup(
            self, "SubnetGroup", description="Memcached 1.6.22 cluster", subnet_ids=[s.ref for s in network.subnets]
        )
        cluster = elasticache.CfnCacheCluster(
            self,
            "Cache",
            engine="memcached",
            engine_version="1.6.22",
            cache_node_type="cache.m6g.large",
            num_cache_nodes=2,
            az_mode="cross-az",
            port=11211,
            cache_subnet_group_name=subnets.ref,
            vpc_security_group_ids=[sg.attr_group_id],
            cache_parameter_group_name=params.ref,
            transit_encryption_enabled=True,
            preferred_maintenance_window="sun:05:00-sun:06:00",
        )
        for resource in (sg, params, subnets, cluster):
            resource.apply_removal_policy(cdk.RemovalPolicy.DESTROY)


def main() -> None:
    app = cdk.App()
    env = cdk.Environment(region=REGION)
    network = Network(app, "L1-Network", env=env)
    Cache(app, "L1-ReplicationGroup", env=env, network=network)
    Serverless(app, "L1-Serverless", env=env, network=network)
    Memcached(app, "L1-Memcached", env=env, network=network)
    app.synth()


if __name__ == "__main__":
    main()
