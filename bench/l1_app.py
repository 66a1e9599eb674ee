"""The baseline: the reference deployment (app.py) written by hand with L1 (Cfn*) constructs only.

One stack per reference stack, in the same regions with the same dependencies and cross-stack
references (weak ones, ``Fn::GetStackOutput``, as cdk.json asks), creating the same resources with
the same properties: no constructs of ours, no validation, no cdk-nag. The values were copied from
the reference templates as synthesized with ``-c nag=false`` and the default context.

Where it deliberately differs, and why:

* Names. Stacks are ``L1-<name>`` instead of ``ElastiCacheKit-<name>``, so descriptions that quote
  a construct path say ``L1-...``; names our constructs derive from the construct path (RBAC user
  and user group ids, the serverless cache name, the Global Datastore suffix and its secret) are
  written out as short ``l1-...`` literals. Logical ids differ (flat construct ids here).
* The function that strips the VPC's default security group (``Custom::VpcRestrictDefaultSG``)
  carries its code inline: aws-cdk-lib ships that handler inside its JavaScript package, out of
  reach of an L1 app. The inline code does what aws-cdk-lib's handler does (revoke the default
  rules, put them back on delete) and answers CloudFormation through ``cfn-response``, so its
  handler is ``index.handler`` instead of ``__entrypoint__.handler``; role, policy, runtime,
  memory, timeout and description are the reference's.
* The credential rotation functions use the same asset approach as the reference: the same
  ``handler.py`` (read from ``constructs_lib/rotation/``, the file, not our constructs) with the
  installed redis-py, copied into the asset by local bundling under the same custom hash, so their
  ``Code`` is the reference's S3 key and the same bundling work is done at synth.
* The dashboards' bodies are built with ``Stack.to_json_string``: the same JSON once deployed,
  but the ``Fn::Join`` may be split differently.
* No cdk-nag suppression metadata (the reference adds it even with ``nag=false``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns

REGION = "us-east-1"
SECONDARY_REGION = "us-west-2"
PREFIX = "L1"
VPC_CIDR = "10.0.0.0/16"
GLOBAL_SUFFIX = "l1-global"
GLOBAL_ID = f"ldgnf-{GLOBAL_SUFFIX}"
"""The Global Datastore's id: ElastiCache prefixes the suffix with one per primary region (us-east-1's)."""
ROTATION_HANDLER = Path(__file__).resolve().parent.parent / "constructs_lib" / "rotation" / "handler.py"
PASSWORD_EXCLUDES = "\"%'()*+,./:;=?@[\\]_`{|}~"
NO_EGRESS = ec2.CfnSecurityGroup.EgressProperty(
    cidr_ip="255.255.255.255/32", description="Disallow all traffic", from_port=252, ip_protocol="icmp", to_port=86
)
RESTRICT_DEFAULT_SG = """
const { EC2 } = require('@aws-sdk/client-ec2');
const response = require('cfn-response');
const ec2 = new EC2({});
const ingress = (id, account) => ({
  GroupId: id, IpPermissions: [{ UserIdGroupPairs: [{ GroupId: id, UserId: account }], IpProtocol: '-1' }],
});
const egress = (id) => ({ GroupId: id, IpPermissions: [{ IpRanges: [{ CidrIp: '0.0.0.0/0' }], IpProtocol: '-1' }] });
const ignoreNotFound = (error) => { if (error.name !== 'InvalidPermission.NotFound') throw error; };
async function restrict(id, account) {
  await ec2.revokeSecurityGroupEgress(egress(id)).catch(ignoreNotFound);
  await ec2.revokeSecurityGroupIngress(ingress(id, account)).catch(ignoreNotFound);
}
async function restore(id, account) {
  await ec2.authorizeSecurityGroupIngress(ingress(id, account));
  await ec2.authorizeSecurityGroupEgress(egress(id));
}
exports.handler = async (event, context) => {
  const { DefaultSecurityGroupId: id, Account: account } = event.ResourceProperties;
  try {
    if (event.RequestType === 'Create') await restrict(id, account);
    if (event.RequestType === 'Delete') await restore(id, account);
    if (event.RequestType === 'Update' && event.OldResourceProperties.DefaultSecurityGroupId !== id) {
      await restore(event.OldResourceProperties.DefaultSecurityGroupId, account);
      await restrict(id, account);
    }
    await response.send(event, context, response.SUCCESS, {});
  } catch (error) {
    await response.send(event, context, response.FAILED, { Error: String(error) });
  }
};
"""

Statement = dict[str, Any]


# Policies ----------------------------------------------------------------------------------------


def account_root() -> dict[str, str]:
    return {"AWS": cdk.Fn.join("", ["arn:aws:iam::", cdk.Aws.ACCOUNT_ID, ":root"])}


def document(*statements: Statement) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def assumed_by(service: str) -> dict[str, Any]:
    return document({"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": service}})


def root_via_secrets_manager(region: str) -> Statement:
    return {
        "Action": [
            "kms:CreateGrant",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
        ],
        "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
        "Effect": "Allow",
        "Principal": account_root(),
        "Resource": "*",
    }


def cloudwatch_logs_may_use(region: str) -> Statement:
    return {
        "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{cdk.Aws.ACCOUNT_ID}:log-group:*"}
        },
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Resource": "*",
    }


def key(
    scope: cdk.Stack,
    id: str,
    description: str,
    *statements: Statement,
    removal: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
) -> kms.CfnKey:
    """A rotated customer-managed key; the account administers it, ``statements`` admit the rest."""
    resource = kms.CfnKey(
        scope,
        id,
        description=description,
        enable_key_rotation=True,
        key_policy=document(
            {"Action": "kms:*", "Effect": "Allow", "Principal": account_root(), "Resource": "*"}, *statements
        ),
    )
    resource.apply_removal_policy(removal)
    return resource


def log_group(scope: cdk.Stack, id: str, encryption: kms.CfnKey) -> logs.CfnLogGroup:
    group = logs.CfnLogGroup(scope, id, kms_key_id=encryption.attr_arn, retention_in_days=365)
    group.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    return group


def managed_policy(scope: cdk.Stack, id: str, role: iam.CfnRole, *statements: Statement) -> iam.CfnManagedPolicy:
    return iam.CfnManagedPolicy(
        scope, id, description="", path="/", roles=[role.ref], policy_document=document(*statements)
    )


def destroy(*resources: cdk.CfnResource) -> None:
    for resource in resources:
        resource.apply_removal_policy(cdk.RemovalPolicy.DESTROY)


# Network pieces ----------------------------------------------------------------------------------


def name_tag(value: str) -> cdk.CfnTag:
    return cdk.CfnTag(key="Name", value=value)


def closed_security_group(
    scope: cdk.Stack, id: str, description: str, vpc_id: str, *, removal: bool = True
) -> ec2.CfnSecurityGroup:
    """No ingress, and an egress rule that matches nothing (so EC2 adds no allow-all rule)."""
    group = ec2.CfnSecurityGroup(
        scope, id, group_description=description, vpc_id=vpc_id, security_group_egress=[NO_EGRESS]
    )
    if removal:
        destroy(group)
    return group


def allow(
    scope: cdk.Stack, id: str, target: ec2.CfnSecurityGroup, source_id: str, ports: tuple[int, int], description: str
) -> None:
    """TCP ``ports`` into ``target`` from security group ``source_id``: its ingress and the source's egress."""
    ec2.CfnSecurityGroupIngress(
        scope,
        f"{id}Ingress",
        group_id=target.attr_group_id,
        source_security_group_id=source_id,
        ip_protocol="tcp",
        from_port=ports[0],
        to_port=ports[1],
        description=description,
    )
    ec2.CfnSecurityGroupEgress(
        scope,
        f"{id}Egress",
        group_id=source_id,
        destination_security_group_id=target.attr_group_id,
        ip_protocol="tcp",
        from_port=ports[0],
        to_port=ports[1],
        description=description,
    )


class Network(cdk.Stack):
    """ElastiCacheKit-Network and -SecondaryNetwork (stacks/network_stack.py): isolated subnets in two
    zones, the default security group stripped, flow logs to an encrypted log group, interface
    endpoints for Secrets Manager and ElastiCache, and the application's security group."""

    def __init__(self, scope: cdk.App, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        region = self.region
        path = f"{id}/Vpc"
        vpc = ec2.CfnVPC(
            self,
            "Vpc",
            cidr_block=VPC_CIDR,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            instance_tenancy="default",
            tags=[name_tag(path)],
        )
        self.vpc_id: str = vpc.ref
        self.subnet_ids: list[str] = []
        for zone in range(2):
            subnet_path = f"{path}/cacheSubnet{zone + 1}"
            subnet = ec2.CfnSubnet(
                self,
                f"Subnet{zone}",
                vpc_id=vpc.ref,
                cidr_block=f"10.0.{zone}.0/24",
                availability_zone=cdk.Fn.select(zone, cdk.Fn.get_azs()),
                map_public_ip_on_launch=False,
                tags=[
                    cdk.CfnTag(key="aws-cdk:subnet-name", value="cache"),
                    cdk.CfnTag(key="aws-cdk:subnet-type", value="Isolated"),
                    name_tag(subnet_path),
                ],
            )
            table = ec2.CfnRouteTable(self, f"RouteTable{zone}", vpc_id=vpc.ref, tags=[name_tag(subnet_path)])
            ec2.CfnSubnetRouteTableAssociation(
                self, f"Association{zone}", route_table_id=table.ref, subnet_id=subnet.ref
            )
            self.subnet_ids.append(subnet.ref)

        default_group = vpc.attr_default_security_group
        role = iam.CfnRole(
            self,
            "RestrictRole",
            assume_role_policy_document=assumed_by("lambda.amazonaws.com"),
            managed_policy_arns=[
                cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
            ],
            policies=[
                iam.CfnRole.PolicyProperty(
                    policy_name="Inline",
                    policy_document=document(
                        {
                            "Effect": "Allow",
                            "Action": [
                                "ec2:AuthorizeSecurityGroupIngress",
                                "ec2:AuthorizeSecurityGroupEgress",
                                "ec2:RevokeSecurityGroupIngress",
                                "ec2:RevokeSecurityGroupEgress",
                            ],
                            "Resource": [f"arn:aws:ec2:{region}:{cdk.Aws.ACCOUNT_ID}:security-group/{default_group}"],
                        }
                    ),
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
        handler.add_resource_dependency(role)
        restrict = cdk.CfnResource(
            self,
            "RestrictDefaultSG",
            type="Custom::VpcRestrictDefaultSG",
            properties={
                "ServiceToken": handler.attr_arn,
                "DefaultSecurityGroupId": default_group,
                "Account": cdk.Aws.ACCOUNT_ID,
            },
        )
        destroy(restrict)

        flow_key = key(self, "FlowLogKey", f"Encrypts the flow logs of {id}", cloudwatch_logs_may_use(region))
        flow_logs = log_group(self, "FlowLogs", flow_key)
        flow_role = iam.CfnRole(
            self, "FlowLogRole", assume_role_policy_document=assumed_by("vpc-flow-logs.amazonaws.com")
        )
        managed_policy(
            self,
            "FlowLogPolicy",
            flow_role,
            {
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Effect": "Allow",
                "Resource": flow_logs.attr_arn,
            },
            {"Action": "iam:PassRole", "Effect": "Allow", "Resource": flow_role.attr_arn},
        )
        ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=vpc.ref,
            resource_type="VPC",
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_group_name=flow_logs.ref,
            deliver_logs_permission_arn=flow_role.attr_arn,
            max_aggregation_interval=60,
            tags=[name_tag(f"{path}/FlowLog")],
        )

        endpoints = ec2.CfnSecurityGroup(
            self,
            "EndpointSecurityGroup",
            group_description="AWS API endpoints",
            vpc_id=vpc.ref,
            security_group_ingress=[
                ec2.CfnSecurityGroup.IngressProperty(
                    cidr_ip=VPC_CIDR, description="HTTPS from the VPC", from_port=443, ip_protocol="tcp", to_port=443
                )
            ],
            security_group_egress=[NO_EGRESS],
        )
        for name, service in (("SecretsManager", "secretsmanager"), ("ElastiCache", "elasticache")):
            ec2.CfnVPCEndpoint(
                self,
                f"{name}Endpoint",
                vpc_id=vpc.ref,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.subnet_ids,
                security_group_ids=[endpoints.attr_group_id],
                tags=[name_tag(path)],
            )
        # As in the reference: no inline egress, its rules come from the cache stacks.
        app = ec2.CfnSecurityGroup(
            self, "AppSecurityGroup", group_description="Application clients of the cache", vpc_id=vpc.ref
        )
        self.app_group_id: str = app.attr_group_id


# Alarms, dashboards and event topics -------------------------------------------------------------


@dataclass(frozen=True)
class Watch:
    """One recommended alarm of a node-based cache: a metric aggregated over the nodes."""

    id: str
    description: str
    metric: str
    function: str
    threshold: float
    periods: int = 3
    period: int = 60
    """Seconds: one minute for levels, five for the counts (evictions, failed AUTHs)."""

    @property
    def statistic(self) -> str:
        return {"MAX": "Maximum", "SUM": "Sum"}[self.function]


NODE_WATCHES = [
    Watch("EngineCpu", "Engine CPU of the busiest node", "EngineCPUUtilization", "MAX", 90),
    Watch(
        "MemoryForEviction",
        "Memory counted for eviction on the fullest node",
        "DatabaseMemoryUsageCountedForEvictPercentage",
        "MAX",
        90,
    ),
    Watch("Evictions", "Keys evicted for lack of memory", "Evictions", "SUM", 1000, period=300),
    Watch("Swap", "Swap used by a node", "SwapUsage", "MAX", 50 * 1024 * 1024),
    Watch("Connections", "Client connections of a node near the 65,000 limit", "CurrConnections", "MAX", 52000),
    Watch("AuthenticationFailures", "Failed AUTH attempts", "AuthenticationFailures", "SUM", 10, periods=1, period=300),
    Watch(
        "Throttled",
        "ElastiCache throttles commands (traffic management active)",
        "TrafficManagementActive",
        "MAX",
        0,
        periods=1,
    ),
    Watch("ReplicationLag", "Seconds the furthest replica trails its primary", "ReplicationLag", "MAX", 30),
    Watch("ReplicationBytes", "Bytes a primary sends its replicas per period", "ReplicationBytes", "MAX", 1024**3),
]
MEMCACHED_WATCHES = [
    Watch("Cpu", "CPU of the busiest Memcached node", "CPUUtilization", "MAX", 90),
    Watch("Swap", "Swap used by a node", "SwapUsage", "MAX", 50 * 1024 * 1024),
    Watch("Evictions", "Items evicted for lack of memory", "Evictions", "SUM", 1000, period=300),
    Watch("Connections", "Client connections of a node near its 65,000 limit", "CurrConnections", "MAX", 52000),
]


@dataclass(frozen=True)
class AlarmSpec:
    id: str
    description: str
    threshold: float
    periods: int
    metric: dict[str, Any]
    """The ``CfnAlarm`` properties naming what it watches: ``metrics``, or a single metric's."""


def query(expression: str, label: str, period: int) -> dict[str, Any]:
    """A Metrics Insights query over ``period`` seconds."""
    series = cloudwatch.CfnAlarm.MetricDataQueryProperty(
        id="expr_1", expression=expression, label=label, period=period, return_data=True
    )
    return {"metrics": [series]}


def insights_queries(function: str, metric: str, members: Sequence[str]) -> list[str]:
    """Metrics Insights queries over the member clusters, split as the reference splits them: at
    2,048 characters, counting each token as its longest value, 40 characters."""
    head = f'SELECT {function}({metric}) FROM SCHEMA("AWS/ElastiCache", CacheClusterId) WHERE '
    groups: list[list[str]] = [[]]
    length = len(head)
    for member in members:
        term = f"CacheClusterId = '{member}'"
        size = len(re.sub(r"\$\{Token\[[^\]]*\]\}", "x" * 40, term)) + len(" OR ")
        if groups[-1] and length + size > 2048:
            groups.append([])
            length = len(head)
        groups[-1].append(term)
        length += size
    return [head + " OR ".join(terms) for terms in groups]


def group_alarms(members: Sequence[str]) -> list[AlarmSpec]:
    """A replication group's alarms: Metrics Insights over every member it has or can scale to."""
    specs = []
    for watch in NODE_WATCHES:
        queries = insights_queries(watch.function, watch.metric, members)
        for n, expression in enumerate(queries, start=1):
            label = f"{watch.metric} ({watch.function.lower()} over the group's nodes)"
            suffix = str(n) if len(queries) > 1 else ""
            specs.append(
                AlarmSpec(
                    watch.id + suffix,
                    watch.description,
                    watch.threshold,
                    watch.periods,
                    query(expression, label, watch.period),
                )
            )
    return specs


def memcached_alarms(cluster_id: str) -> list[AlarmSpec]:
    """Metrics Insights over every node of the cluster (``CacheClusterId`` and ``CacheNodeId``)."""
    return [
        AlarmSpec(
            watch.id,
            watch.description,
            watch.threshold,
            watch.periods,
            query(
                f'SELECT {watch.function}({watch.metric}) FROM SCHEMA("AWS/ElastiCache", CacheClusterId, CacheNodeId) '
                f"WHERE CacheClusterId = '{cluster_id}'",
                f"{watch.metric} ({watch.function.lower()} over the cluster's nodes)",
                watch.period,
            ),
        )
        for watch in MEMCACHED_WATCHES
    ]


def serverless_metric(name: str, cache_name: str, statistic: str) -> dict[str, Any]:
    return {
        "namespace": "AWS/ElastiCache",
        "metric_name": name,
        "dimensions": [cloudwatch.CfnAlarm.DimensionProperty(name="clusterId", value=cache_name)],
        "period": 300,
        "statistic": statistic,
    }


def ssl_only(topic: sns.CfnTopic) -> Statement:
    return {
        "Action": "sns:Publish",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": "*",
        "Resource": topic.ref,
        "Sid": "AllowPublishThroughSSLOnly",
    }


def publish_from(topic: sns.CfnTopic, service: str, **condition: Any) -> Statement:
    return {
        "Action": "sns:Publish",
        **({"Condition": condition} if condition else {}),
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Resource": topic.ref,
        "Sid": "1",
    }


def alarm_topic(scope: cdk.Stack, *, eventbridge: bool = False) -> sns.CfnTopic:
    """The alarms' topic, encrypted with a key CloudWatch and EventBridge may use, TLS required."""
    topic_key = key(
        scope,
        "AlarmTopicKey",
        f"Encrypts the alarm topic {scope.stack_name}/Alarms",
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Effect": "Allow",
            "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
            "Resource": "*",
        },
    )
    topic = sns.CfnTopic(scope, "AlarmTopic", kms_master_key_id=topic_key.attr_arn)
    statements = [ssl_only(topic)] + ([publish_from(topic, "events.amazonaws.com")] if eventbridge else [])
    sns.CfnTopicPolicy(scope, "AlarmTopicPolicy", topics=[topic.ref], policy_document=document(*statements))
    return topic


def events_topic(scope: cdk.Stack) -> sns.CfnTopic:
    """ElastiCache's event notifications: unencrypted (ElastiCache cannot publish to an encrypted
    topic), TLS required, published to by ElastiCache for this account only."""
    topic = sns.CfnTopic(scope, "EventsTopic")
    sns.CfnTopicPolicy(
        scope,
        "EventsTopicPolicy",
        topics=[topic.ref],
        policy_document=document(
            ssl_only(topic),
            publish_from(topic, "elasticache.amazonaws.com", StringEquals={"aws:SourceOwner": cdk.Aws.ACCOUNT_ID}),
        ),
    )
    return topic


def alarms(scope: cdk.Stack, topic: sns.CfnTopic, cache_path: str, specs: Sequence[AlarmSpec]) -> None:
    """The alarms, notifying ``topic`` of alarm and OK, and a dashboard of them, three a row."""
    created = []
    for spec in specs:
        alarm = cloudwatch.CfnAlarm(
            scope,
            f"Alarm{spec.id}",
            alarm_description=f"{spec.description} ({cache_path})",
            comparison_operator="GreaterThanThreshold",
            threshold=spec.threshold,
            evaluation_periods=spec.periods,
            datapoints_to_alarm=spec.periods,
            treat_missing_data="notBreaching",
            alarm_actions=[topic.ref],
            ok_actions=[topic.ref],
            **spec.metric,
        )
        created.append((spec.id, alarm))
    widgets = [
        {
            "type": "metric",
            "width": 8,
            "height": 6,
            "x": 8 * (i % 3),
            "y": 6 * (i // 3),
            "properties": {
                "view": "timeSeries",
                "title": title,
                "region": cdk.Aws.REGION,
                "annotations": {"alarms": [alarm.attr_arn]},
                "yAxis": {},
            },
        }
        for i, (title, alarm) in enumerate(created)
    ]
    cloudwatch.CfnDashboard(scope, "Dashboard", dashboard_body=scope.to_json_string({"widgets": widgets}))


# Caches ------------------------------------------------------------------------------------------


def parameter_group(
    scope: cdk.Stack, family: str, description: str, properties: dict[str, str]
) -> elasticache.CfnParameterGroup:
    group = elasticache.CfnParameterGroup(
        scope, "ParameterGroup", cache_parameter_group_family=family, description=description, properties=properties
    )
    destroy(group)
    return group


def subnet_group(
    scope: cdk.Stack, description: str, subnet_ids: list[str], name: str | None = None
) -> elasticache.CfnSubnetGroup:
    group = elasticache.CfnSubnetGroup(
        scope, "SubnetGroup", description=description, subnet_ids=subnet_ids, cache_subnet_group_name=name
    )
    destroy(group)
    return group


def generated_password(
    scope: cdk.Stack, id: str, description: str, encryption: kms.CfnKey, **props: Any
) -> secretsmanager.CfnSecret:
    secret = secretsmanager.CfnSecret(scope, id, description=description, kms_key_id=encryption.attr_arn, **props)
    destroy(secret)
    return secret


def user_password(scope: cdk.Stack, encryption: kms.CfnKey, cache_path: str) -> secretsmanager.CfnSecret:
    return generated_password(
        scope,
        "AppUserSecret",
        f"Password of ElastiCache user app ({cache_path}/ApplicationUser)",
        encryption,
        generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
            secret_string_template='{"username": "app"}',
            generate_string_key="password",
            password_length=64,
            exclude_characters=PASSWORD_EXCLUDES,
            include_space=False,
        ),
    )


def rbac(
    scope: cdk.Stack, *, engine: str, ids: str, secret: secretsmanager.CfnSecret, default_user: bool = False
) -> tuple[elasticache.CfnUser, elasticache.CfnUserGroup]:
    """The application's user (password from ``secret``) and its user group, with a disabled
    ``default`` user where the engine needs one."""
    app_user = elasticache.CfnUser(
        scope,
        "AppUser",
        engine=engine,
        user_id=f"{ids}-app",
        user_name="app",
        access_string="on ~* &* +@all",
        authentication_mode={
            "Type": "password",
            "Passwords": [f"{{{{resolve:secretsmanager:{secret.ref}:SecretString:password::}}}}"],
        },
    )
    members = [app_user]
    if default_user:
        members.insert(
            0,
            elasticache.CfnUser(
                scope,
                "DefaultUser",
                engine=engine,
                user_id=f"{ids}-default",
                user_name="default",
                access_string="off -@all",
                authentication_mode={"Type": "no-password-required"},
            ),
        )
    group = elasticache.CfnUserGroup(
        scope, "UserGroup", engine=engine, user_group_id=f"{ids}-users", user_ids=[user.ref for user in members]
    )
    destroy(*members, group)
    return app_user, group


def cache_key(
    scope: cdk.Stack, description: str, *, logs: bool = True, rotation: iam.CfnRole | None = None
) -> kms.CfnKey:
    """The cache's key: for Secrets Manager, CloudWatch Logs and the rotation function where present."""
    region = scope.region
    statements = [root_via_secrets_manager(region)]
    if logs:
        statements.append(cloudwatch_logs_may_use(region))
    if rotation is not None:
        statements.append(
            {
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
                "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
                "Effect": "Allow",
                "Principal": {"AWS": rotation.attr_arn},
                "Resource": "*",
            }
        )
    return key(scope, "Key", description, *statements)


def log_delivery(
    scope: cdk.Stack, encryption: kms.CfnKey
) -> list[elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty]:
    """Slow log and engine log, in JSON, to encrypted log groups."""
    return [
        elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty(
            destination_details=elasticache.CfnReplicationGroup.DestinationDetailsProperty(
                cloud_watch_logs_details=elasticache.CfnReplicationGroup.CloudWatchLogsDestinationDetailsProperty(
                    log_group=log_group(scope, name, encryption).ref
                )
            ),
            destination_type="cloudwatch-logs",
            log_format="json",
            log_type=kind,
        )
        for name, kind in (("SlowLog", "slow-log"), ("EngineLog", "engine-log"))
    ]


@jsii.implements(cdk.ILocalBundling)
class _RotationBundle:
    """The rotation handler and the installed redis-py, copied into the asset (the reference's way)."""

    def try_bundle(self, output_dir: str, *_: object, **__: object) -> bool:
        shutil.copy(ROTATION_HANDLER, Path(output_dir) / "handler.py")
        spec = util.find_spec("redis")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("redis-py must be installed to bundle the rotation function (pip install redis)")
        shutil.copytree(next(iter(spec.submodule_search_locations)), Path(output_dir) / "redis", dirs_exist_ok=True)
        return True


def rotation(
    scope: cdk.Stack,
    *,
    role: iam.CfnRole,
    secret: secretsmanager.CfnSecret,
    user: elasticache.CfnUser,
    encryption: kms.CfnKey,
    cache_group: ec2.CfnSecurityGroup,
    host: str,
    network: Network,
    ports: tuple[int, int] = (6379, 6379),
) -> None:
    """A rotation function for the user's password in the cache's subnets, its role's policy, its
    security group (HTTPS out, the cache port to the cache) and the 30-day schedule."""
    region = scope.region
    function_logs = log_group(scope, "RotationLogs", encryption)
    policy = managed_policy(
        scope,
        "RotationPolicy",
        role,
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": function_logs.attr_arn,
        },
        {
            "Action": [
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:UnassignPrivateIpAddresses",
                "secretsmanager:GetRandomPassword",
            ],
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Action": [
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
            ],
            "Effect": "Allow",
            "Resource": secret.ref,
        },
        {
            "Action": ["elasticache:DescribeUsers", "elasticache:ModifyUser"],
            "Effect": "Allow",
            "Resource": f"arn:aws:elasticache:{region}:{cdk.Aws.ACCOUNT_ID}:user:{user.ref}",
        },
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.{cdk.Aws.URL_SUFFIX}"}},
            "Effect": "Allow",
            "Resource": encryption.attr_arn,
        },
    )
    group = ec2.CfnSecurityGroup(
        scope,
        "RotationSecurityGroup",
        group_description="Credential rotation of an ElastiCache cache",
        vpc_id=network.vpc_id,
        security_group_egress=[
            ec2.CfnSecurityGroup.EgressProperty(
                cidr_ip="0.0.0.0/0",
                description="Secrets Manager and ElastiCache APIs",
                from_port=443,
                ip_protocol="tcp",
                to_port=443,
            )
        ],
    )
    destroy(group)
    allow(scope, "FromRotation", cache_group, group.attr_group_id, ports, "Credential rotation test login")
    code = s3_assets.Asset(
        scope,
        "RotationCode",
        path=str(ROTATION_HANDLER.parent),
        asset_hash=hashlib.sha256(ROTATION_HANDLER.read_bytes() + metadata.version("redis").encode()).hexdigest(),
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        bundling=cdk.BundlingOptions(image=cdk.DockerImage.from_registry("scratch"), local=_RotationBundle()),
    )
    function = lambda_.CfnFunction(
        scope,
        "RotationFunction",
        code=lambda_.CfnFunction.CodeProperty(s3_bucket=code.s3_bucket_name, s3_key=code.s3_object_key),
        description="Rotates user-password credentials of an ElastiCache cache",
        environment=lambda_.CfnFunction.EnvironmentProperty(
            variables={
                "CREDENTIAL_KIND": "user-password",
                "CACHE_HOST": host,
                "CACHE_PORT": "6379",
                "CACHE_TLS": "true",
                "USER_ID": user.ref,
            }
        ),
        handler="handler.handler",
        logging_config=lambda_.CfnFunction.LoggingConfigProperty(log_group=function_logs.ref),
        memory_size=256,
        reserved_concurrent_executions=1,
        role=role.attr_arn,
        runtime="python3.14",
        timeout=900,
        vpc_config=lambda_.CfnFunction.VpcConfigProperty(
            security_group_ids=[group.attr_group_id], subnet_ids=network.subnet_ids
        ),
    )
    function.add_resource_dependency(policy)
    invoke = lambda_.CfnPermission(
        scope,
        "RotationInvoke",
        action="lambda:InvokeFunction",
        function_name=function.attr_arn,
        principal="secretsmanager.amazonaws.com",
    )
    invoke.add_resource_dependency(role)
    schedule = secretsmanager.CfnRotationSchedule(
        scope,
        "Rotation",
        secret_id=secret.ref,
        rotation_lambda_arn=function.attr_arn,
        rotation_rules=secretsmanager.CfnRotationSchedule.RotationRulesProperty(schedule_expression="rate(30 days)"),
    )
    schedule.add_resource_dependency(invoke)
    secretsmanager.CfnResourcePolicy(
        scope,
        "SecretPolicy",
        secret_id=secret.ref,
        resource_policy=document(
            {"Action": "secretsmanager:DeleteSecret", "Effect": "Deny", "Principal": account_root(), "Resource": "*"}
        ),
    )


def encrypted_group_settings(
    group: ec2.CfnSecurityGroup, subnets: elasticache.CfnSubnetGroup, params: elasticache.CfnParameterGroup
) -> dict[str, Any]:
    """What every primary replication group of the reference sets the same way."""
    return {
        "cache_subnet_group_name": subnets.ref,
        "security_group_ids": [group.attr_group_id],
        "cache_parameter_group_name": params.ref,
        "port": 6379,
        "transit_encryption_enabled": True,
        "transit_encryption_mode": "required",
        "at_rest_encryption_enabled": True,
        "automatic_failover_enabled": True,
        "multi_az_enabled": True,
        "auto_minor_version_upgrade": True,
        "snapshot_retention_limit": 15,
    }


def rotation_role(scope: cdk.Stack) -> iam.CfnRole:
    return iam.CfnRole(scope, "RotationRole", assume_role_policy_document=assumed_by("lambda.amazonaws.com"))


class ReplicationGroup(cdk.Stack):
    """ElastiCacheKit-ReplicationGroup (stacks/replication_group_stack.py): Redis OSS 7.0 with one
    replica, RBAC users (the default one disabled), the application's password rotated monthly."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        path = f"{id}/Cache"
        group = closed_security_group(self, "SecurityGroup", "Allow Redis from app", network.vpc_id, removal=False)
        allow(self, "FromApp", group, network.app_group_id, (6379, 6379), "Redis from the application")
        params = parameter_group(
            self, "redis7", f"Redis OSS 7.0 parameters ({id}/ParameterGroup)", {"maxmemory-policy": "allkeys-lru"}
        )
        subnets = subnet_group(self, "Redis cache for application", network.subnet_ids, name="app-redis-subnets")
        role = rotation_role(self)
        encryption = cache_key(self, "Encrypts Redis cache for application", rotation=role)
        secret = user_password(self, encryption, path)
        user, users = rbac(self, engine="redis", ids="l1-replicationgroup", secret=secret, default_user=True)
        topic = alarm_topic(self)
        cache = elasticache.CfnReplicationGroup(
            self,
            "Cache",
            replication_group_id="app-redis",
            replication_group_description="Redis cache for application",
            engine="redis",
            engine_version="7.0",
            cache_node_type="cache.r6g.large",
            num_cache_clusters=2,
            user_group_ids=[users.ref],
            kms_key_id=encryption.attr_arn,
            log_delivery_configurations=log_delivery(self, encryption),
            notification_topic_arn=events_topic(self).ref,
            preferred_maintenance_window="sun:03:00-sun:04:00",
            snapshot_window="01:00-02:00",
            tags=[name_tag("app-redis")],
            **encrypted_group_settings(group, subnets, params),
        )
        cache.apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)
        rotation(
            self,
            role=role,
            secret=secret,
            user=user,
            encryption=encryption,
            cache_group=group,
            host=cache.attr_primary_end_point_address,
            network=network,
        )
        alarms(self, topic, path, group_alarms(["app-redis-001", "app-redis-002"]))


class Sharded(cdk.Stack):
    """ElastiCacheKit-Sharded (stacks/sharded_stack.py): Valkey 8.2 in cluster mode, three shards of
    two nodes, auto scaling of shards (2-6) and replicas (1-3), RBAC with a rotated password."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        path = f"{id}/Cluster"
        description = f"Valkey 8.2 replication group {path}"
        subnets = subnet_group(self, description, network.subnet_ids)
        group = closed_security_group(self, "SecurityGroup", "ElastiCache replication group Cluster", network.vpc_id)
        allow(self, "FromApp", group, network.app_group_id, (6379, 6379), "Valkey from the application")
        params = parameter_group(
            self,
            "valkey8",
            f"Valkey 8.2 parameters ({path}/ClusterParameterGroup)",
            {"maxmemory-policy": "volatile-lru", "cluster-enabled": "yes"},
        )
        role = rotation_role(self)
        encryption = cache_key(self, f"Encrypts {description}", rotation=role)
        secret = user_password(self, encryption, path)
        user, users = rbac(self, engine="valkey", ids="l1-sharded", secret=secret)
        topic = alarm_topic(self)
        cache = elasticache.CfnReplicationGroup(
            self,
            "Cache",
            replication_group_description=description,
            engine="valkey",
            engine_version="8.2",
            cache_node_type="cache.r7g.large",
            cluster_mode="enabled",
            num_node_groups=3,
            replicas_per_node_group=1,
            user_group_ids=[users.ref],
            kms_key_id=encryption.attr_arn,
            log_delivery_configurations=log_delivery(self, encryption),
            notification_topic_arn=events_topic(self).ref,
            preferred_maintenance_window="sun:05:00-sun:06:00",
            snapshot_window="03:00-04:00",
            **encrypted_group_settings(group, subnets, params),
        )
        cache.cfn_options.update_policy = cdk.CfnUpdatePolicy(use_online_resharding=True)
        cache.apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)
        rotation(
            self,
            role=role,
            secret=secret,
            user=user,
            encryption=encryption,
            cache_group=group,
            host=cache.attr_configuration_end_point_address,
            network=network,
        )
        for name, dimension, low, high, policy, metric in (
            ("Shard", "NodeGroups", 2, 6, "memory-for-eviction-70", "DatabaseMemoryUsageCountedForEvictPercentage"),
            ("Replica", "Replicas", 1, 3, "replica-engine-cpu-70", "ReplicaEngineCPUUtilization"),
        ):
            target = autoscaling.CfnScalableTarget(
                self,
                f"{name}Scaling",
                service_namespace="elasticache",
                scalable_dimension=f"elasticache:replication-group:{dimension}",
                resource_id=f"replication-group/{cache.ref}",
                min_capacity=low,
                max_capacity=high,
            )
            autoscaling.CfnScalingPolicy(
                self,
                f"{name}ScalingPolicy",
                policy_name=policy,
                policy_type="TargetTrackingScaling",
                scaling_target_id=target.ref,
                target_tracking_scaling_policy_configuration=autoscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                    disable_scale_in=False,
                    predefined_metric_specification=autoscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                        predefined_metric_type=f"ElastiCache{metric}"
                    ),
                    target_value=70,
                ),
            )
        # Every member the scalers can add: shards 0001-0006 of a primary and up to three replicas.
        members = [f"{cache.ref}-{shard:04d}-{node:03d}" for shard in range(1, 7) for node in range(1, 5)]
        alarms(self, topic, path, group_alarms(members))


class Serverless(cdk.Stack):
    """ElastiCacheKit-Serverless (stacks/serverless_stack.py): Valkey 8 serverless within usage
    limits, RBAC, events through EventBridge to the alarm topic."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        path = f"{id}/Cache"
        group = closed_security_group(self, "SecurityGroup", "ElastiCache serverless cache Cache", network.vpc_id)
        allow(self, "FromApp", group, network.app_group_id, (6379, 6380), "Valkey from the application")
        description = f"Valkey 8 (serverless) cache {path}"
        role = rotation_role(self)
        encryption = cache_key(self, f"Encrypts {description}", rotation=role)  # logs: the rotation's
        secret = user_password(self, encryption, path)
        user, users = rbac(self, engine="valkey", ids="l1-serverless", secret=secret)
        cache = elasticache.CfnServerlessCache(
            self,
            "Cache",
            serverless_cache_name="l1-serverless-cache",
            engine="valkey",
            major_engine_version="8",
            description=description,
            cache_usage_limits=elasticache.CfnServerlessCache.CacheUsageLimitsProperty(
                data_storage=elasticache.CfnServerlessCache.DataStorageProperty(maximum=10, unit="GB"),
                ecpu_per_second=elasticache.CfnServerlessCache.ECPUPerSecondProperty(maximum=100000),
            ),
            kms_key_id=encryption.attr_arn,
            subnet_ids=network.subnet_ids,
            security_group_ids=[group.attr_group_id],
            user_group_id=users.ref,
            snapshot_retention_limit=15,
            daily_snapshot_time="03:00",
            final_snapshot_name="l1-serverless-cache-final",
        )
        destroy(cache)
        rotation(
            self,
            role=role,
            secret=secret,
            user=user,
            encryption=encryption,
            cache_group=group,
            host=cache.attr_endpoint_address,
            network=network,
            ports=(6379, 6380),
        )
        topic = alarm_topic(self, eventbridge=True)
        events.CfnRule(
            self,
            "Events",
            description=f"ElastiCache events of the serverless cache {path}",
            event_pattern={
                "detail": {
                    "SourceArn": [f"arn:aws:elasticache:{self.region}:{cdk.Aws.ACCOUNT_ID}:serverlesscache:{cache.ref}"]
                },
                "source": ["aws.elasticache"],
            },
            state="ENABLED",
            targets=[events.CfnRule.TargetProperty(arn=topic.ref, id="Target0")],
        )
        ecpu = cloudwatch.CfnAlarm.MetricDataQueryProperty(
            id="ecpu",
            metric_stat=cloudwatch.CfnAlarm.MetricStatProperty(
                metric=cloudwatch.CfnAlarm.MetricProperty(
                    namespace="AWS/ElastiCache",
                    metric_name="ElastiCacheProcessingUnits",
                    dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="clusterId", value=cache.ref)],
                ),
                period=60,
                stat="Sum",
            ),
            return_data=False,
        )
        per_second = cloudwatch.CfnAlarm.MetricDataQueryProperty(
            id="expr_1", expression="ecpu / PERIOD(ecpu)", label="ECPUs per second", return_data=True
        )
        alarms(
            self,
            topic,
            path,
            [
                AlarmSpec(
                    "Throttled",
                    "Commands throttled: a usage limit is reached or the load grows faster than the cache scales",
                    0,
                    1,
                    serverless_metric("ThrottledCmds", cache.ref, "Sum"),
                ),
                AlarmSpec(
                    "AuthenticationFailures",
                    "Failed AUTH attempts",
                    10,
                    1,
                    serverless_metric("AuthenticationFailures", cache.ref, "Sum"),
                ),
                AlarmSpec(
                    "EcpuPerSecond",
                    "ECPUs per second above 90 % of the 100,000 cap",
                    90000,
                    5,
                    {"metrics": [per_second, ecpu]},
                ),
                AlarmSpec(
                    "DataStorage",
                    "Data stored above 90 % of the 10 GB cap",
                    9_000_000_000,
                    3,
                    serverless_metric("BytesUsedForCache", cache.ref, "Maximum"),
                ),
            ],
        )


class Memcached(cdk.Stack):
    """ElastiCacheKit-Memcached (stacks/memcached_stack.py): Memcached 1.6.22, two nodes across zones, TLS."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        path = f"{id}/Cache"
        subnets = subnet_group(self, f"Memcached 1.6.22 cluster {path}", network.subnet_ids)
        group = closed_security_group(self, "SecurityGroup", "ElastiCache Memcached cluster Cache", network.vpc_id)
        allow(self, "FromApp", group, network.app_group_id, (11211, 11211), "Memcached from the application")
        params = parameter_group(self, "memcached1.6", f"Memcached 1.6.22 parameters ({path}/ParameterGroup)", {})
        topic = alarm_topic(self)
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
            vpc_security_group_ids=[group.attr_group_id],
            cache_parameter_group_name=params.ref,
            transit_encryption_enabled=True,
            notification_topic_arn=events_topic(self).ref,
            preferred_maintenance_window="sun:05:00-sun:06:00",
        )
        destroy(cluster)
        alarms(self, topic, path, memcached_alarms(cluster.ref))


class GlobalPrimary(cdk.Stack):
    """ElastiCacheKit-GlobalPrimary (stacks/global_datastore_stack.py): Valkey 8.2 with a replica and
    an AUTH token replicated to the secondary region, and the Global Datastore."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        path = f"{id}/Primary"
        description = f"Valkey 8.2 replication group {path}"
        subnets = subnet_group(self, description, network.subnet_ids)
        group = closed_security_group(self, "SecurityGroup", "ElastiCache replication group Primary", network.vpc_id)
        allow(self, "FromApp", group, network.app_group_id, (6379, 6379), "Valkey from the application")
        params = parameter_group(
            self, "valkey8", f"Valkey 8.2 parameters ({path}/ParameterGroup)", {"maxmemory-policy": "volatile-lru"}
        )
        encryption = cache_key(self, f"Encrypts {description}")
        token = generated_password(
            self,
            "AuthToken",
            f"AUTH token of {description}",
            encryption,
            name=f"{GLOBAL_SUFFIX}/auth-token",
            replica_regions=[secretsmanager.CfnSecret.ReplicaRegionProperty(region=SECONDARY_REGION)],
            generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
                password_length=64, exclude_characters=PASSWORD_EXCLUDES, include_space=False
            ),
        )
        topic = alarm_topic(self)
        cache = elasticache.CfnReplicationGroup(
            self,
            "Cache",
            replication_group_description=description,
            engine="valkey",
            engine_version="8.2",
            cache_node_type="cache.r7g.large",
            num_cache_clusters=2,
            auth_token=f"{{{{resolve:secretsmanager:{token.ref}:SecretString:::}}}}",
            kms_key_id=encryption.attr_arn,
            log_delivery_configurations=log_delivery(self, encryption),
            notification_topic_arn=events_topic(self).ref,
            preferred_maintenance_window="sun:05:00-sun:06:00",
            snapshot_window="03:00-04:00",
            **encrypted_group_settings(group, subnets, params),
        )
        cache.apply_removal_policy(cdk.RemovalPolicy.SNAPSHOT)
        datastore = elasticache.CfnGlobalReplicationGroup(
            self,
            "Datastore",
            global_replication_group_id_suffix=GLOBAL_SUFFIX,
            global_replication_group_description=f"Global Datastore {GLOBAL_SUFFIX}",
            members=[
                elasticache.CfnGlobalReplicationGroup.GlobalReplicationGroupMemberProperty(
                    replication_group_id=cache.ref, replication_group_region=self.region, role="PRIMARY"
                )
            ],
        )
        cdk.CfnOutput(
            self,
            "DatastoreId",
            value=datastore.ref,
            description=f"Global Datastore id; secondaries were synthesized with {GLOBAL_ID}",
        )
        alarms(self, topic, path, group_alarms([f"{cache.ref}-001", f"{cache.ref}-002"]))


class GlobalSecondary(cdk.Stack):
    """ElastiCacheKit-GlobalSecondary (stacks/global_datastore_stack.py): the Global Datastore's
    secondary in the second region, with its own key, subnet group and security group."""

    def __init__(self, scope: cdk.App, id: str, *, network: Network, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        path = f"{id}/Secondary"
        description = f"Secondary of Global Datastore {GLOBAL_ID} in {self.region}"
        subnets = subnet_group(self, description, network.subnet_ids)
        group = closed_security_group(
            self, "SecurityGroup", "ElastiCache Global Datastore secondary Secondary", network.vpc_id
        )
        allow(self, "FromApp", group, network.app_group_id, (6379, 6379), "Valkey from the application")
        encryption = key(self, "Key", f"Encrypts {description}", removal=cdk.RemovalPolicy.DESTROY)
        topic = alarm_topic(self)
        cache = elasticache.CfnReplicationGroup(
            self,
            "Cache",
            replication_group_description=description,
            global_replication_group_id=GLOBAL_ID,
            num_cache_clusters=2,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[group.attr_group_id],
            kms_key_id=encryption.attr_arn,
            notification_topic_arn=events_topic(self).ref,
        )
        destroy(cache)
        alarms(self, topic, path, group_alarms([f"{cache.ref}-001", f"{cache.ref}-002"]))


def build(app: cdk.App) -> cdk.App:
    """The reference's stacks, same split, regions and dependencies, named ``L1-<name>``."""
    primary_env = cdk.Environment(region=REGION)
    secondary_env = cdk.Environment(region=SECONDARY_REGION)
    network = Network(app, f"{PREFIX}-Network", env=primary_env)
    ReplicationGroup(app, f"{PREFIX}-ReplicationGroup", env=primary_env, network=network)
    Sharded(app, f"{PREFIX}-Sharded", env=primary_env, network=network)
    Serverless(app, f"{PREFIX}-Serverless", env=primary_env, network=network)
    Memcached(app, f"{PREFIX}-Memcached", env=primary_env, network=network)
    primary = GlobalPrimary(app, f"{PREFIX}-GlobalPrimary", env=primary_env, network=network)
    secondary_network = Network(app, f"{PREFIX}-SecondaryNetwork", env=secondary_env)
    secondary = GlobalSecondary(app, f"{PREFIX}-GlobalSecondary", env=secondary_env, network=secondary_network)
    # The secondary joins the datastore by its id, known at synth: an ordering, not a reference.
    secondary.add_stack_dependency(primary)
    return app


def main() -> None:
    build(cdk.App()).synth()


if __name__ == "__main__":
    main()
