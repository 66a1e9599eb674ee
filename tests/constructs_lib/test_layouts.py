"""The layouts CDK users have: network, cache and clients in separate stacks, and a cache imported
into another app. Every grant and every ``connections`` call, from either side, must synthesize
without a dependency cycle, and rules and policies must land where they belong."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template

from constructs_lib import (
    CacheAuth,
    ElastiCacheValidationError,
    Engine,
    EngineVersion,
    IamUser,
    PasswordUser,
    ReplicationGroup,
    UserGroup,
)
from tests.conftest import isolated_vpc, new_app

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
ISOLATED = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)


def resources(stack: cdk.Stack, type_name: str) -> list[dict[str, Any]]:
    found = Template.from_stack(stack).find_resources(type_name)
    return [dict(resource) for resource in found.values()]


class Layout:
    """Network, cache and clients in three stacks; the clients read the cache's endpoint."""

    def __init__(self) -> None:
        self.app = app = new_app()
        self.network = cdk.Stack(app, "Network", env=ENV)
        vpc = isolated_vpc(self.network)
        self.app_sg = ec2.SecurityGroup(self.network, "AppSg", vpc=vpc, allow_all_outbound=False)

        self.cache_stack = cdk.Stack(app, "Cache", env=ENV)
        reader = IamUser(self.cache_stack, "Reader", access_string="on ~* -@all +@read")
        app_user = PasswordUser(self.cache_stack, "AppUser", user_name="app", access_string="on ~* +@all")
        users = UserGroup(self.cache_stack, "Users", engine=Engine.VALKEY, users=[app_user, reader])
        self.cache = ReplicationGroup(
            self.cache_stack,
            "Cache",
            vpc=vpc,
            engine_version=EngineVersion.VALKEY_8_2,
            node_type="cache.r7g.large",
            auth=CacheAuth.user_group(users),
        )
        # A client in the network stack, which the cache builds on: the rule stays with the cache.
        self.cache.connections.allow_default_port_from(self.app_sg, "app")

        self.clients = cdk.Stack(app, "Clients", env=ENV)
        self.function = lambda_.Function(
            self.clients,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
            vpc=vpc,
            vpc_subnets=ISOLATED,
            environment={"CACHE_HOST": self.cache.endpoint.address, "CACHE_PORT": str(self.cache.endpoint.port)},
        )
        cluster = ecs.Cluster(self.clients, "Cluster", vpc=vpc)
        task = ecs.FargateTaskDefinition(self.clients, "Task")
        task.add_container(
            "app",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.13-slim"),
            environment={"CACHE_HOST": self.cache.endpoint.address},
        )
        self.service = ecs.FargateService(
            self.clients, "Service", cluster=cluster, task_definition=task, vpc_subnets=ISOLATED
        )
        # From the cache's side and from the client's side; every grant the cache offers.
        self.cache.connections.allow_default_port_from(self.function, "function")
        self.service.connections.allow_to_default_port(self.cache, "service")
        self.cache.grant_read_auth_secret(self.function)
        self.cache.grant_read_auth_secret(task.task_role)
        self.cache.grant_connect(task.task_role)
        self.cache.grant(self.function, "elasticache:DescribeReplicationGroups")
        self.assembly = app.synth()


@pytest.fixture(scope="module")
def layout() -> Layout:
    return Layout()


def test_three_stacks_synthesize_without_a_cycle(layout: Layout) -> None:
    names = {stack.stack_name for stack in layout.assembly.stacks}
    assert names == {"Network", "Cache", "Clients"}
    depends = {s.stack_name: {d.id for d in s.dependencies} for s in layout.assembly.stacks}
    assert "Network" in depends["Cache"]
    assert "Cache" in depends["Clients"]
    assert "Clients" not in depends["Cache"]


def test_rules_for_downstream_clients_live_in_the_clients_stack(layout: Layout) -> None:
    cache_rules = resources(layout.cache_stack, "AWS::EC2::SecurityGroupIngress")
    client_rules = resources(layout.clients, "AWS::EC2::SecurityGroupIngress")
    assert [r["Properties"]["Description"] for r in cache_rules] == ["app"]
    assert sorted(r["Properties"]["Description"] for r in client_rules) == ["function", "service"]
    for rule in client_rules:
        assert (rule["Properties"]["FromPort"], rule["Properties"]["ToPort"]) == (6379, 6379)


def test_grants_are_on_the_principals_policies(layout: Layout) -> None:
    assert resources(layout.cache_stack, "AWS::IAM::Policy") == []
    statements = [
        statement
        for policy in resources(layout.clients, "AWS::IAM::Policy")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {
        "secretsmanager:GetSecretValue",
        "elasticache:Connect",
        "elasticache:DescribeReplicationGroups",
    } <= actions
    connect = next(s for s in statements if s["Action"] == "elasticache:Connect")
    assert len(connect["Resource"]) == 2, "the cache and its IAM user"
    assert sorted(":user:" in str(arn) for arn in connect["Resource"]) == [False, True]


def _imported_app() -> tuple[cdk.Stack, Any, iam.Role]:
    stack = cdk.Stack(new_app(), "Consumer", env=ENV)
    vpc = isolated_vpc(stack)
    cache = ReplicationGroup.from_replication_group_attributes(
        stack,
        "Orders",
        # As a user may write it; ElastiCache stores (and names in ARNs) the id in lower case.
        replication_group_id="Orders",
        endpoint_address="master.orders.abc123.use1.cache.amazonaws.com",
        port=6380,
        security_groups=[ec2.SecurityGroup.from_security_group_id(stack, "OrdersSg", "sg-0123456789abcdef0")],
        engine=Engine.VALKEY,
        auth_secret=secretsmanager.Secret.from_secret_complete_arn(
            stack, "OrdersSecret", "arn:aws:secretsmanager:us-east-1:222222222222:secret:orders-AbCdEf"
        ),
        iam_users=[IamUser.from_user_id(stack, "OrdersReader", "orders-reader")],
        member_cluster_ids=["orders-001", "orders-002"],
        region="us-east-1",
        account="222222222222",
    )
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    client = ec2.SecurityGroup(stack, "Client", vpc=vpc)
    cache.connections.allow_default_port_from(client)
    cache.grant_connect(role)
    cache.grant_read_auth_secret(role)
    return stack, cache, role


def test_a_cache_imported_from_another_region_and_account() -> None:
    stack, cache, _ = _imported_app()
    assert stack.resolve(cache.cache_arn) == "arn:aws:elasticache:us-east-1:222222222222:replicationgroup:orders"
    assert cache.endpoint.socket_address == "master.orders.abc123.use1.cache.amazonaws.com:6380"
    (rule,) = resources(stack, "AWS::EC2::SecurityGroupIngress")
    assert rule["Properties"]["GroupId"] == "sg-0123456789abcdef0"
    assert rule["Properties"]["FromPort"] == 6380
    (policy,) = resources(stack, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    connect = next(s for s in statements if s["Action"] == "elasticache:Connect")
    assert "arn:aws:elasticache:us-east-1:222222222222:replicationgroup:orders" in connect["Resource"]
    metric = cache.metric_engine_cpu_utilization()
    assert stack.resolve(metric.to_metric_config().math_expression.expression) == "MAX([m0, m1])"


def test_an_import_without_security_groups_refuses_connections() -> None:
    stack = cdk.Stack(new_app(), "Bare")
    cache = ReplicationGroup.from_replication_group_id(stack, "Legacy", "legacy")
    with pytest.raises(ElastiCacheValidationError) as raised:
        _ = cache.connections
    assert raised.value.codes == ["EC103"]
    with pytest.raises(ElastiCacheValidationError):
        _ = cache.endpoint
    grant = cache.grant(iam.Role(stack, "R", assumed_by=iam.AccountRootPrincipal()), "elasticache:Describe*")
    assert grant.success
