"""Rotation of the credentials a cache generates, through Secrets Manager rotation.

One function per secret (``handler.py``, shipped with the library, bundled with redis-py from the
synthesizing environment), in the cache's subnets so its test step can log in. Its role holds only
what the four steps need, in a customer-managed policy (no inline policy, no AWS-managed policy).

The function must reach the Secrets Manager and ElastiCache APIs from the cache's subnets: through
a NAT gateway, or interface endpoints for ``secretsmanager`` and ``elasticache`` in the VPC (the
reference network stack creates them).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, Duration, ILocalBundling, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from constructs_lib import nag, rules
from constructs_lib.log_delivery import admit_cloudwatch_logs
from constructs_lib.validation import Issues

# The credential kinds the handler knows (its CREDENTIAL_KIND variable). Written here again rather
# than imported: importing handler.py loads boto3 and redis-py, a fifth of a second of every synth.
# tests/constructs_lib/test_rotation_handler.py holds the two together.
AUTH_TOKEN = "auth-token"
USER_PASSWORD = "user-password"

HANDLER = Path(__file__).resolve().parent / "handler.py"
DEFAULT_SCHEDULE = Duration.days(30)


@jsii.implements(ILocalBundling)
class _Bundle:
    """The handler and the installed redis-py, copied into the asset (no Docker needed)."""

    def try_bundle(self, output_dir: str, *_: object, **__: object) -> bool:
        shutil.copy(HANDLER, Path(output_dir) / "handler.py")
        spec = util.find_spec("redis")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("redis-py must be installed to bundle the rotation function (pip install redis)")
        shutil.copytree(next(iter(spec.submodule_search_locations)), Path(output_dir) / "redis", dirs_exist_ok=True)
        return True


def _code() -> lambda_.Code:
    digest = hashlib.sha256(HANDLER.read_bytes() + metadata.version("redis").encode()).hexdigest()
    return lambda_.Code.from_asset(
        str(HANDLER.parent),
        asset_hash=digest,
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(image=DockerImage.from_registry("scratch"), local=_Bundle()),
    )


def check_schedule(issues: Issues, schedule: object) -> None:
    """Secrets Manager rotates every 1 to 1000 days [API:secretsmanager RotateSecret]."""
    allowed = "a Duration of whole days from 1 to 1000, or None for no rotation"
    if schedule is None or not issues.instance("credential_rotation", schedule, Duration, allowed):
        return
    assert isinstance(schedule, Duration)
    days = schedule.to_days(integral=False)
    issues.require(
        rules.ROTATION, days == int(days) and 1 <= days <= 1000, "credential_rotation", allowed, f"{days:g} days"
    )


@dataclass(frozen=True)
class RotationTarget:
    """What the function rotates and where it tests the new credential."""

    kind: str
    resource_arn: str
    identifier_env: dict[str, str]
    host: str
    port: int
    tls: bool


def add_rotation(
    scope: Construct,
    id: str,
    *,
    secret: secretsmanager.Secret,
    target: RotationTarget,
    vpc: ec2.IVpc,
    subnets: ec2.SubnetSelection,
    cache_connections: ec2.Connections,
    encryption_key: kms.IKey | None,
    schedule: Duration,
    removal_policy: RemovalPolicy,
    logs_removal_policy: RemovalPolicy,
) -> lambda_.Function:
    """A rotation function for ``secret`` and its schedule, under ``scope``/``id``."""
    holder = Construct(scope, id)
    # CloudWatch Logs encrypts with the key itself: without a statement for it in the key's policy,
    # CloudFormation cannot create the log group (the cache's log delivery adds the same statement
    # only when it creates log groups).
    admit_cloudwatch_logs(holder, encryption_key)
    log_group = logs.LogGroup(
        holder,
        "Logs",
        encryption_key=encryption_key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=logs_removal_policy,
    )
    role = iam.Role(holder, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    statements = [
        iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]),
        iam.PolicyStatement(
            # Lambda manages the network interfaces of a function in a VPC; these actions have no
            # resource-level permissions.
            actions=[
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            actions=[
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
            ],
            resources=[secret.secret_arn],
        ),
        iam.PolicyStatement(actions=["secretsmanager:GetRandomPassword"], resources=["*"]),
        iam.PolicyStatement(
            actions=["elasticache:ModifyReplicationGroup", "elasticache:DescribeReplicationGroups"]
            if target.kind == AUTH_TOKEN
            else ["elasticache:ModifyUser", "elasticache:DescribeUsers"],
            resources=[target.resource_arn],
        ),
    ]
    if encryption_key is not None:
        stack = Stack.of(scope)
        statements.append(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[encryption_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}"}},
            )
        )
    policy = iam.ManagedPolicy(holder, "Policy", roles=[role], statements=statements)
    group = ec2.SecurityGroup(
        holder,
        "SecurityGroup",
        vpc=vpc,
        description="Credential rotation of an ElastiCache cache",
        allow_all_outbound=False,
    )
    group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "Secrets Manager and ElastiCache APIs")
    group.apply_removal_policy(removal_policy)
    cache_connections.allow_default_port_from(group, "Credential rotation test login")
    function = lambda_.Function(
        holder,
        "Function",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="handler.handler",
        code=_code(),
        role=role.without_policy_updates(),
        timeout=Duration.minutes(15),
        memory_size=256,
        reserved_concurrent_executions=1,
        vpc=vpc,
        vpc_subnets=subnets,
        security_groups=[group],
        log_group=log_group,
        environment={
            "CREDENTIAL_KIND": target.kind,
            "CACHE_HOST": target.host,
            "CACHE_PORT": str(target.port),
            "CACHE_TLS": "true" if target.tls else "false",
            **target.identifier_env,
        },
        description=f"Rotates {target.kind} credentials of an ElastiCache cache",
    )
    # Lambda checks ec2:CreateNetworkInterface when it creates a function in a VPC, so the policy
    # granting it must be attached first (the role alone is referenced, the policy is not).
    function.node.add_dependency(policy)
    secret.add_rotation_schedule("Rotation", rotation_lambda=function, automatically_after=schedule)
    nag.acknowledge(
        holder,
        "A function in a VPC needs ec2:CreateNetworkInterface and its companions, which have no "
        "resource-level permissions, and secretsmanager:GetRandomPassword applies to no resource. Every "
        "other action is limited to this secret, its key (through Secrets Manager only) and this cache.",
        "AwsSolutions-IAM5[Resource::*]",
    )
    nag.acknowledge(
        holder,
        "Secrets Manager invokes the rotation function synchronously and records a failed step in the "
        "secret's rotation status, from where it retries the rotation; a dead-letter queue only receives "
        "failed asynchronous invocations, so it would stay empty. Failures also show in the function's logs.",
        "HIPAA.Security-LambdaDLQ",
        "NIST.800.53.R5-LambdaDLQ",
    )
    return function


__all__ = ["AUTH_TOKEN", "DEFAULT_SCHEDULE", "USER_PASSWORD", "RotationTarget", "add_rotation", "check_schedule"]
