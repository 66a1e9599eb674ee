"""Where the probe connects and as whom: ElastiCache's answers from botocore's Stubber (moto has
no user groups and no serverless caches; the Stubber checks every answer against the service
model), the secret from moto, and the data plane a real TLS redis-server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner, Result
from moto import mock_aws

from postdeploy import cli
from postdeploy.aws import Aws
from postdeploy.cli_probe import ConnectionOptions, resolve_target
from postdeploy.model import ResourceKind
from postdeploy.probe.checks import DEFAULT_KEY_PREFIX
from postdeploy.probe.target import Described, Endpoint, TargetError, parse_secret
from tests.postdeploy import stubs
from tests.postdeploy.fleet import REGION
from tests.redis_server import Server, redis_server

PASSWORD = "app-password-0123456789-abcdefghij"
ACCESS = "on ~elasticache-verify:* -@all +@read +@write +ping +cluster|slots +command +readonly"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One TLS node, in cluster mode so that it also stands for a serverless cache."""
    with redis_server(tmp_path_factory.mktemp("node"), tls=True, cluster=True) as running:
        running.add_user("app", PASSWORD, ACCESS)
        yield running


@pytest.fixture
def moto(aws: Aws) -> Iterator[Aws]:
    with mock_aws():
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="app-user", SecretString=json.dumps({"username": "app", "password": PASSWORD})
        )
        yield aws


def ca(server: Server) -> str:
    assert server.tls is not None
    return str(server.tls.ca)


def users(stubber: Stubber, *members: dict[str, Any]) -> None:
    """The region's user groups and users, as the inventory lists them (one page each)."""
    stubber.add_response(
        "describe_user_groups", {"UserGroups": [stubs.user_group("app-users", ["default-off", "app-id"])]}
    )
    stubber.add_response("describe_users", {"Users": list(members)})


def statuses(result: Result) -> dict[str, str]:
    return {r["check_id"]: r["status"] for r in json.loads(result.stdout)["results"]}


def messages(result: Result) -> dict[str, str]:
    return {r["check_id"]: r["message"] for r in json.loads(result.stdout)["results"]}


def probe(*arguments: str) -> Result:
    return CliRunner().invoke(cli.main, ["probe", "--secret-id", "app-user", "--format", "json", *arguments])


def test_the_users_access_string_comes_from_the_groups_user_group(moto: Aws, server: Server) -> None:
    """A cluster-mode-disabled group reached through a tunnel: the API's primary endpoint is out of
    reach, so --host and --server-name stand in, and the reader is dropped unless given."""
    group = stubs.replication_group("orders", ClusterEnabled=False)
    with stubs.stubbed(moto, "elasticache", REGION) as stubber:
        stubber.add_response(
            "describe_replication_groups", {"ReplicationGroups": [group]}, {"ReplicationGroupId": "orders"}
        )
        users(
            stubber,
            stubs.user("default-off", name="default", access="off -@all"),
            stubs.user("app-id", name="app", access=ACCESS),
        )
        result = probe(
            "--replication-group", "orders", "--host", "127.0.0.1", "--port", str(server.port),
            "--server-name", "localhost", "--ca-file", ca(server),
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert statuses(result)["probe-acl-enforced"] == "PASS"
    assert messages(result)["probe-acl-enforced"].startswith(
        "replication group orders: user app-id (app) of user group app-users: "
        f"6 command(s) '{ACCESS}' denies were refused"
    )
    assert messages(result)["probe-replica-lag"].endswith(
        "no reader endpoint (cluster mode enabled, no replica, or none given with --reader-host)"
    )
    assert moto.calls == {
        "elasticache:DescribeReplicationGroups": 1,
        "elasticache:DescribeUserGroups": 1,
        "elasticache:DescribeUsers": 1,
        "secretsmanager:GetSecretValue": 1,
    }


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            lambda stubber: users(stubber, stubs.user("app-id", name="someone-else")),
            "no user named app in user group(s) app-users",
        ),
        (
            lambda stubber: stubber.add_client_error("describe_user_groups", "AccessDenied", "not allowed", 403),
            "the users of app-users could not be read: "
            "DescribeUserGroups in us-east-1 failed: AccessDenied: not allowed",
        ),
    ],
)
def test_an_access_string_that_cannot_be_found_is_an_error(moto: Aws, server: Server, answer: Any, reason: str) -> None:
    group = stubs.replication_group("orders", ClusterEnabled=False)
    with stubs.stubbed(moto, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        answer(stubber)
        result = probe(
            "--replication-group", "orders", "--host", "127.0.0.1", "--port", str(server.port),
            "--server-name", "localhost", "--ca-file", ca(server),
        )  # fmt: skip
    assert statuses(result)["probe-acl-enforced"] == "ERROR"
    assert messages(result)["probe-acl-enforced"] == f"replication group orders: the access string is unknown: {reason}"


def test_plaintext_in_front_of_a_tls_cache_means_tls_ends_on_the_way(moto: Aws, tmp_path: Path) -> None:
    """ElastiCache says the group takes TLS only, yet the address given answers in plaintext:
    something between the probe and the cache (a tunnel, a proxy) ends TLS."""
    group = stubs.replication_group("orders", ClusterEnabled=False)
    with redis_server(tmp_path / "plain") as plain, stubs.stubbed(moto, "elasticache", REGION) as stubber:
        stubber.add_response("describe_replication_groups", {"ReplicationGroups": [group]})
        users(stubber, stubs.user("app-id", name="app", access=ACCESS))
        result = probe("--replication-group", "orders", "--host", "127.0.0.1", "--port", str(plain.port))
    assert result.exit_code == 1
    assert messages(result)["probe-tls"] == (
        f"replication group orders: TLS off: 127.0.0.1:{plain.port} answers PING in plaintext "
        "(ElastiCache reports in-transit encryption required), so TLS ends before the cache"
    )


def test_a_serverless_cache_is_probed_with_a_cluster_client(moto: Aws, server: Server) -> None:
    """Serverless caches take cluster-mode clients only; their reader endpoint serves READONLY
    connections. Here both endpoints are the loopback node, named as its certificate says."""
    endpoint = {"Address": "localhost", "Port": server.port}
    cache = stubs.serverless_cache("sessions", Endpoint=endpoint, ReaderEndpoint=endpoint)
    with stubs.stubbed(moto, "elasticache", REGION) as stubber:
        stubber.add_response(
            "describe_serverless_caches", {"ServerlessCaches": [cache]}, {"ServerlessCacheName": "sessions"}
        )
        users(stubber, stubs.user("app-id", name="app", access=ACCESS))
        result = probe("--serverless-cache", "sessions", "--ca-file", ca(server))
    assert result.exit_code == 0, result.output
    assert set(statuses(result).values()) == {"PASS"}
    assert messages(result)["probe-replica-lag"].startswith(
        "serverless cache sessions: the write was read from localhost:"
    )
    assert server.admin().dbsize() == 0


def test_a_serverless_cache_that_does_not_exist_is_exit_code_2(moto: Aws) -> None:
    with stubs.stubbed(moto, "elasticache", REGION) as stubber:
        stubber.add_client_error("describe_serverless_caches", "ServerlessCacheNotFoundFault", "not found", 404)
        result = probe("--serverless-cache", "ghost")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "error: serverless cache ghost not found in us-east-1\n",
    )


def test_a_secret_that_cannot_be_read_is_exit_code_2(moto: Aws) -> None:
    result = CliRunner().invoke(cli.main, ["probe", "--host", "localhost", "--secret-id", "missing"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: secret missing: ResourceNotFoundException: ")


def test_a_binary_secret_is_refused(aws: Aws) -> None:
    answer = {
        "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:bin-AbCdEf",
        "Name": "bin",
        "SecretBinary": b"\x00\x01",
    }
    with stubs.stubbed(aws, "secretsmanager", REGION) as stubber:
        stubber.add_response("get_secret_value", answer, {"SecretId": "bin"})
        result = CliRunner().invoke(cli.main, ["probe", "--host", "localhost", "--secret-id", "bin"])
    assert (result.exit_code, result.stderr) == (2, "error: secret bin holds binary data, not a password or token\n")


@pytest.mark.parametrize(
    ("value", "field", "username", "password"),
    [
        ('{"username": "app", "password": "p-0123456789abcdef"}', None, "app", "p-0123456789abcdef"),
        ('{"password": "p-0123456789abcdef"}', None, None, "p-0123456789abcdef"),
        ("token-0123456789abcdef", None, None, "token-0123456789abcdef"),
        ('{"auth": "token-0123456789abcdef", "host": "x"}', "auth", None, "token-0123456789abcdef"),
    ],
)
def test_secrets_as_the_constructs_write_them(
    value: str, field: str | None, username: str | None, password: str
) -> None:
    credentials = parse_secret("s", value, field)
    assert (credentials.username, credentials.password) == (username, password)
    assert password not in repr(credentials)


@pytest.mark.parametrize(
    ("value", "field", "reason"),
    [
        (
            '{"token": "x"}',
            None,
            "secret s is JSON without a string 'password' (for a token in a field, pass --secret-field)",
        ),
        ("token-0123456789abcdef", "auth", "secret s is not JSON with a string field 'auth'"),
    ],
)
def test_secrets_that_hold_no_credential(value: str, field: str | None, reason: str) -> None:
    with pytest.raises(TargetError, match="^" + reason.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_secret("s", value, field)


def options(**given: Any) -> ConnectionOptions:
    values: dict[str, Any] = dict.fromkeys(
        (
            "host",
            "port",
            "reader_host",
            "reader_port",
            "server_name",
            "ca_file",
            "secret_id",
            "secret_field",
            "access_string",
        )
    )
    return ConnectionOptions(**{**values, "key_prefix": DEFAULT_KEY_PREFIX, "socket_timeout": 2.0, **given})


GROUP = Described(
    ResourceKind.REPLICATION_GROUP,
    "orders",
    Endpoint("master.orders.abc123.use1.cache.amazonaws.com", 6379, "master.orders.abc123.use1.cache.amazonaws.com"),
    Endpoint("replica.orders.abc123.use1.cache.amazonaws.com", 6379, "replica.orders.abc123.use1.cache.amazonaws.com"),
    False,
    (),
    "required",
)


@pytest.mark.parametrize(
    ("given", "endpoint", "reader"),
    [
        ({}, GROUP.endpoint, GROUP.reader),
        (
            {"host": "localhost", "port": 16379},
            Endpoint("localhost", 16379, GROUP.endpoint.server_name),
            None,
        ),
        (
            {"host": "localhost", "port": 16379, "reader_host": "localhost", "reader_port": 16380},
            Endpoint("localhost", 16379, GROUP.endpoint.server_name),
            Endpoint("localhost", 16380, "replica.orders.abc123.use1.cache.amazonaws.com"),
        ),
        (
            {"server_name": "other.example.com"},
            Endpoint(GROUP.endpoint.host, 6379, "other.example.com"),
            Endpoint("replica.orders.abc123.use1.cache.amazonaws.com", 6379, "other.example.com"),
        ),
    ],
)
def test_a_tunnel_keeps_the_name_the_certificate_carries(
    given: dict[str, Any], endpoint: Endpoint, reader: Endpoint | None
) -> None:
    target = resolve_target(options(**given), GROUP, cluster_mode=False, aws=None, region=None)
    assert (target.endpoint, target.reader) == (endpoint, reader)


def test_no_key_is_left_by_a_probe_that_runs_against_a_read_only_user(
    moto: Aws, server: Server, tmp_path: Path
) -> None:
    """A read-only user: the write findings say why they did not run, and nothing is written."""
    server.add_user("reader", PASSWORD, "on ~* -@all +@read +ping +cluster|slots +command")
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="reader", SecretString=json.dumps({"username": "reader", "password": PASSWORD})
    )
    result = CliRunner().invoke(
        cli.main,
        [
            "probe", "--host", "localhost", "--port", str(server.port), "--cluster-mode", "--ca-file", ca(server),
            "--secret-id", "reader", "--access-string", "on ~* -@all +@read +ping", "--format", "json",
        ],
    )  # fmt: skip
    assert statuses(result)["probe-read-after-write"] == "SKIP"
    assert messages(result)["probe-read-after-write"].endswith(
        "the user may not SET, GET and DEL, which the probe needs"
    )
    assert statuses(result)["probe-acl-enforced"] == "PASS"
    assert server.admin().dbsize() == 0
