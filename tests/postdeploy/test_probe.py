"""`elasticache-verify probe` against real redis-servers on loopback: a TLS primary and its
replica with a CA the test makes, a plaintext server, an open one and a one-node cluster. The
secret comes from Secrets Manager (moto); each finding is shown to pass and to fail.

Tests skip with the reason when redis-server is not installed (tests/redis_server.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from moto import mock_aws

from postdeploy import cli
from postdeploy.aws import Aws
from postdeploy.probe.commands import PROBE_COMMANDS
from tests.conftest import ROOT
from tests.postdeploy.fleet import REGION, cli_env, client, reset
from tests.postdeploy.tcp_switch import TcpSwitch
from tests.redis_server import Server, command, keys_left, redis_server, replicate

PASSWORD = "app-password-0123456789-abcdefghij"
"""The application user's password: it must appear in no output."""
APP_ACCESS = "on ~elasticache-verify:* -@all +@read +@write +ping"
"""What the application user may do; it denies ROLE, INFO, EVAL, PUBLISH, TIME, READONLY ... ."""
DENIED_BY_APP_ACCESS = ["role", "lastsave", "info", "eval", "publish", "time", "readonly"]
PROBE_IDS = [
    "probe-tls",
    "probe-no-credentials-refused",
    "probe-wrong-password-refused",
    "probe-login",
    "probe-acl-enforced",
    "probe-latency",
    "probe-read-after-write",
    "probe-replica-lag",
]


@dataclass
class Cache:
    """A TLS primary and its replica, as one cluster-mode-disabled replication group."""

    primary: Server
    replica: Server

    @property
    def ca(self) -> str:
        assert self.primary.tls is not None
        return str(self.primary.tls.ca)

    def add_user(self, name: str, password: str, rules: str) -> None:
        # ElastiCache applies a user group's users to every node; ACLs do not replicate.
        for server in (self.primary, self.replica):
            server.add_user(name, password, rules)

    def keys_left(self) -> int:
        return keys_left(self.primary, self.replica)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cache]:
    directory = tmp_path_factory.mktemp("cache")
    with redis_server(directory / "primary", tls=True) as primary:
        assert primary.tls is not None
        with redis_server(directory / "replica", tls=primary.tls) as replica:
            replicate(replica, primary)
            cache = Cache(primary, replica)
            cache.add_user("app", PASSWORD, APP_ACCESS)
            yield cache


@pytest.fixture
def moto(aws: Aws) -> Iterator[Aws]:
    """Secrets Manager from moto, in process; the ``aws`` fixture hands the CLI its session."""
    with mock_aws():
        yield aws


def put_secret(name: str, value: str) -> str:
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=name, SecretString=value)
    return name


def invoke(*arguments: str) -> Result:
    return CliRunner().invoke(cli.main, ["probe", *arguments])


def statuses(result: Result) -> dict[str, str]:
    return {r["check_id"]: r["status"] for r in json.loads(result.stdout)["results"]}


def messages(result: Result) -> dict[str, str]:
    return {r["check_id"]: r["message"] for r in json.loads(result.stdout)["results"]}


def at(server: Server, cache: Cache, *more: str) -> list[str]:
    """Options that reach ``server`` on loopback and check its certificate against localhost."""
    return [
        "--host",
        "127.0.0.1",
        "--port",
        str(server.port),
        "--server-name",
        "localhost",
        "--ca-file",
        cache.ca,
        *more,
    ]


def app_secret() -> str:
    return put_secret("app-user", json.dumps({"username": "app", "password": PASSWORD}))


def test_a_secure_primary_and_replica_pass_every_finding(moto: Aws, cache: Cache) -> None:
    result = invoke(
        *at(cache.primary, cache),
        "--reader-host",
        "127.0.0.1",
        "--reader-port",
        str(cache.replica.port),
        "--secret-id",
        app_secret(),
        "--access-string",
        APP_ACCESS,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert statuses(result) == dict.fromkeys(PROBE_IDS, "PASS")
    found = messages(result)
    endpoint = f"endpoint 127.0.0.1:{cache.primary.port}"
    assert found["probe-tls"].startswith(f"{endpoint}: TLSv1.3, certificate for localhost verified")
    assert found["probe-acl-enforced"].endswith(
        f"{len(DENIED_BY_APP_ACCESS)} command(s) '{APP_ACCESS}' denies were refused: {', '.join(DENIED_BY_APP_ACCESS)}"
    )
    assert " over 100 PINGs to 127.0.0.1:" in found["probe-latency"]
    assert f"the write was read from 127.0.0.1:{cache.replica.port} after " in found["probe-replica-lag"]
    assert PASSWORD not in result.output
    assert cache.keys_left() == 0


def test_the_table_names_the_endpoint_and_the_latency_figures(moto: Aws, cache: Cache) -> None:
    result = invoke(
        *at(cache.primary, cache), "--secret-id", app_secret(), "--access-string", APP_ACCESS, "--pings", "20"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "account 123456789012, region us-east-1"
    latency = next(line for line in lines if "probe-latency" in line)
    assert latency.startswith(f"PASS    low       endpoint/127.0.0.1:{cache.primary.port}  probe-latency")
    assert " p50 " in latency
    assert lines[-1] == "7 PASS, 0 FAIL, 0 ERROR, 1 SKIP (8 results)"  # no reader given


def test_a_wrong_server_name_fails_tls_and_the_secret_is_not_sent(moto: Aws, cache: Cache) -> None:
    arguments = at(cache.primary, cache, "--secret-id", app_secret(), "--format", "json")
    arguments[arguments.index("localhost")] = "cache.example.com"
    result = invoke(*arguments)
    assert result.exit_code == 1
    found = statuses(result)
    assert (found["probe-tls"], found["probe-login"], found["probe-read-after-write"]) == ("FAIL", "ERROR", "ERROR")
    assert "Hostname mismatch, certificate is not valid for 'cache.example.com'" in messages(result)["probe-tls"]
    assert messages(result)["probe-login"].endswith("the secret was not sent: the certificate did not verify")
    # Refusing a client needs no secret: those findings still run, over the unverified connection.
    assert (found["probe-no-credentials-refused"], found["probe-wrong-password-refused"]) == ("PASS", "PASS")


def test_a_certificate_from_another_ca_fails_tls(moto: Aws, cache: Cache, tmp_path: Path) -> None:
    with redis_server(tmp_path / "other", tls=True) as other:
        assert other.tls is not None
        arguments = at(cache.primary, cache, "--format", "json")
        arguments[arguments.index(cache.ca)] = str(other.tls.ca)
        result = invoke(*arguments)
    assert result.exit_code == 1
    # Both test CAs carry the same name, so OpenSSL finds the other CA and rejects its signature.
    assert messages(result)["probe-tls"].endswith("certificate refused for localhost: certificate signature failure")


@pytest.fixture(scope="module")
def plaintext(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with redis_server(tmp_path_factory.mktemp("plaintext")) as server:
        server.add_user("app", PASSWORD, APP_ACCESS)
        yield server


def test_a_plaintext_server_is_reported_as_tls_off_and_gets_no_secret(moto: Aws, plaintext: Server) -> None:
    result = invoke(
        "--host", "localhost", "--port", str(plaintext.port), "--secret-id", app_secret(), "--format", "json"
    )
    assert result.exit_code == 1
    assert statuses(result)["probe-tls"] == "FAIL"
    assert messages(result)["probe-tls"].endswith(f"TLS off: localhost:{plaintext.port} answers PING in plaintext")
    assert messages(result)["probe-login"].endswith("the secret was not sent: TLS is off")


def test_an_endpoint_that_also_answers_in_plaintext_fails_tls(moto: Aws, cache: Cache, plaintext: Server) -> None:
    """TransitEncryptionMode preferred: TLS and plaintext on one port (a switch that routes by the
    first byte stands for it). TLS verifies, yet a client could talk in the clear."""
    with TcpSwitch(cache.primary.port, plaintext_port=plaintext.port).running() as preferred:
        result = invoke("--host", "localhost", "--port", str(preferred.port), "--ca-file", cache.ca, "--format", "json")
    assert result.exit_code == 1
    assert statuses(result)["probe-tls"] == "FAIL"
    assert messages(result)["probe-tls"].endswith("but the endpoint also answers PING in plaintext")
    assert "TLSv1.3, certificate for localhost verified" in messages(result)["probe-tls"]


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A cache anyone can use: the default user on, without a password."""
    with redis_server(tmp_path_factory.mktemp("open"), tls=True) as server:
        server.add_user("default", "unused-password-0123456789", "on nopass ~* &* +@all")
        yield server


def test_an_open_server_fails_both_authentication_findings(open_server: Server) -> None:
    assert open_server.tls is not None
    result = invoke(
        "--host",
        "localhost",
        "--port",
        str(open_server.port),
        "--ca-file",
        str(open_server.tls.ca),
        "--access-string",
        "on ~* &* +@all",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    found, said = statuses(result), messages(result)
    assert (found["probe-no-credentials-refused"], found["probe-wrong-password-refused"]) == ("FAIL", "FAIL")
    assert "a client without credentials ran PING" in said["probe-no-credentials-refused"]
    assert "the server checks no password" in said["probe-wrong-password-refused"]
    # Without a secret the probe goes on unauthenticated, as the server lets it ...
    assert found["probe-login"] == "SKIP"
    assert (found["probe-latency"], found["probe-read-after-write"]) == ("PASS", "PASS")
    # ... and the default user's access string allows everything: a finding, not a silent pass.
    assert found["probe-acl-enforced"] == "FAIL"
    assert "allows every command" in said["probe-acl-enforced"]


def test_a_refused_secret_fails_login(moto: Aws, cache: Cache) -> None:
    secret = put_secret("stale", json.dumps({"username": "app", "password": "rotated-away-0123456789"}))
    result = invoke(*at(cache.primary, cache, "--secret-id", secret, "--format", "json"))
    assert result.exit_code == 1
    found = statuses(result)
    assert found["probe-login"] == "FAIL"
    assert messages(result)["probe-login"].endswith(
        "user app is refused: AuthenticationError: invalid username-password pair or user is disabled."
    )
    assert {found[c] for c in ("probe-acl-enforced", "probe-latency", "probe-read-after-write")} == {"ERROR"}


def test_a_server_that_ignores_the_access_string_fails_the_acl_finding(moto: Aws, cache: Cache) -> None:
    """ElastiCache says the user may not run dangerous commands, but the server lets it."""
    cache.add_user("lax", PASSWORD, "on ~* +@all")
    secret = put_secret("lax", json.dumps({"username": "lax", "password": PASSWORD}))
    result = invoke(
        *at(cache.primary, cache, "--secret-id", secret, "--access-string", "on ~* +@all -@dangerous"),
        "--format",
        "json",
    )
    assert result.exit_code == 1
    assert statuses(result)["probe-acl-enforced"] == "FAIL"
    assert messages(result)["probe-acl-enforced"].endswith("yet the server ran role, lastsave, info")


def test_an_access_string_that_allows_everything_is_a_finding(moto: Aws, cache: Cache) -> None:
    cache.add_user("admin-app", PASSWORD, "on ~* &* +@all")
    secret = put_secret("admin-app", json.dumps({"username": "admin-app", "password": PASSWORD}))
    result = invoke(
        *at(cache.primary, cache, "--secret-id", secret, "--access-string", "on ~* &* +@all"), "--format", "json"
    )
    assert result.exit_code == 1
    assert statuses(result)["probe-acl-enforced"] == "FAIL"


def test_an_unknown_access_string_is_an_error_not_a_pass(moto: Aws, cache: Cache) -> None:
    result = invoke(*at(cache.primary, cache, "--secret-id", app_secret(), "--format", "json"))
    assert result.exit_code == 0  # an ERROR fails the run only with --fail-on-error
    assert statuses(result)["probe-acl-enforced"] == "ERROR"
    assert messages(result)["probe-acl-enforced"].endswith("pass --access-string")
    again = invoke(*at(cache.primary, cache, "--secret-id", "app-user", "--fail-on-error", "--format", "json"))
    assert again.exit_code == 1


def test_latency_above_the_limit_fails(moto: Aws, cache: Cache) -> None:
    result = invoke(
        *at(cache.primary, cache, "--secret-id", app_secret(), "--p99-limit-ms", "0.0001", "--pings", "10"),
        "--format",
        "json",
    )
    assert result.exit_code == 1
    assert statuses(result)["probe-latency"] == "FAIL"
    assert messages(result)["probe-latency"].endswith(
        "over 10 PINGs to 127.0.0.1:" + str(cache.primary.port) + ": p99 above the 0.0001 ms limit"
    )


def test_an_endpoint_that_leads_to_a_replica_fails_read_after_write(moto: Aws, cache: Cache) -> None:
    result = invoke(*at(cache.replica, cache, "--secret-id", app_secret(), "--format", "json"))
    assert result.exit_code == 1
    assert statuses(result)["probe-read-after-write"] == "FAIL"
    assert "the endpoint leads to a replica" in messages(result)["probe-read-after-write"]


def test_a_reader_that_does_not_replicate_fails_replica_lag(moto: Aws, cache: Cache, tmp_path: Path) -> None:
    assert cache.primary.tls is not None
    with redis_server(tmp_path / "stray", tls=cache.primary.tls) as stray:
        stray.add_user("app", PASSWORD, APP_ACCESS)
        result = invoke(
            *at(cache.primary, cache, "--secret-id", app_secret()),
            "--reader-host",
            "127.0.0.1",
            "--reader-port",
            str(stray.port),
            "--replica-lag-limit-ms",
            "200",
            "--format",
            "json",
        )
    assert result.exit_code == 1
    assert statuses(result)["probe-replica-lag"] == "FAIL"
    assert messages(result)["probe-replica-lag"].endswith(f"was not seen on 127.0.0.1:{stray.port} within 200 ms")
    assert cache.keys_left() == 0


def test_a_cluster_is_probed_through_its_configuration_endpoint(moto: Aws, tmp_path: Path) -> None:
    """A one-node cluster announcing itself by name, as ElastiCache's TLS clusters do. A cluster
    client must be allowed CLUSTER SLOTS to find the shards (and redis-py COMMAND, to route keys);
    without CLUSTER SLOTS, the probe says so."""
    cluster_access = f"{APP_ACCESS} +cluster|slots +command"
    with redis_server(tmp_path / "cluster", tls=True, cluster=True) as node:
        assert node.tls is not None
        node.add_user("app", PASSWORD, cluster_access)
        node.add_user("narrow", PASSWORD, APP_ACCESS)
        narrow_secret = put_secret("narrow", json.dumps({"username": "narrow", "password": PASSWORD}))

        def probe(secret: str, access: str) -> Result:
            return invoke(
                "--host",
                "localhost",
                "--port",
                str(node.port),
                "--cluster-mode",
                "--ca-file",
                str(node.tls.ca if node.tls else ""),
                "--secret-id",
                secret,
                "--access-string",
                access,
                "--format",
                "json",
            )

        result, narrow = probe(app_secret(), cluster_access), probe(narrow_secret, APP_ACCESS)
        left = node.admin().dbsize()
    assert result.exit_code == 0, result.output
    assert statuses(result) == {**dict.fromkeys(PROBE_IDS, "PASS"), "probe-replica-lag": "SKIP"}
    assert left == 0
    assert statuses(narrow)["probe-read-after-write"] == "ERROR"
    assert messages(narrow)["probe-read-after-write"].endswith(
        "the user may not run CLUSTER SLOTS (this user has no permissions to run the 'cluster|slots' command), "
        "which a cluster client needs to find the shards"
    )


def test_a_tunnel_into_a_cluster_is_refused(moto: Aws) -> None:
    result = invoke("--host", "127.0.0.1", "--server-name", "clustercfg.example.com", "--cluster-mode")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: cluster mode through another address or name")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "error: choose what to probe: --replication-group ID, --serverless-cache NAME or --host HOST"),
        (
            ["--replication-group", "a", "--serverless-cache", "b"],
            "error: --replication-group and --serverless-cache exclude each other",
        ),
        (
            ["--host", "localhost", "--key-prefix", "{probe}:"],
            "error: Invalid value for '--key-prefix': must not contain { or }",
        ),
    ],
)
def test_usage_errors(aws: Aws, arguments: list[str], message: str) -> None:
    result = invoke(*arguments)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n")
    assert aws.calls == {}


def test_the_probe_sends_only_commands_whose_categories_the_server_confirms(cache: Cache) -> None:
    """The categories the probe reasons with are the ones a real server reports (COMMAND INFO)."""
    admin = cache.primary.admin()
    for probe_command in PROBE_COMMANDS:
        info = command(admin, "COMMAND", "INFO", probe_command.name)[probe_command.name]
        assert {c.removeprefix("@") for c in info["acl_categories"]} == probe_command.categories, probe_command.name


# --- as a user runs it: the installed entry point, against moto's server ----------------------------


def run(endpoint: str | None, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(endpoint) if endpoint else {k: v for k, v in cli_env("").items() if not k.startswith("AWS_")}
    # This checkout's code, not that of the checkout the virtual environment was installed from.
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [str(Path(sys.executable).parent / "elasticache-verify"), "probe", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def token_group(endpoint: str, cache: Cache, token: str) -> None:
    """An AUTH-token group in moto, its token in a secret, and the token on the server's default user."""
    reset(endpoint)
    client("elasticache", endpoint).create_replication_group(
        ReplicationGroupId="orders",
        ReplicationGroupDescription="token",
        ReplicasPerNodeGroup=1,
        AutomaticFailoverEnabled=True,
        TransitEncryptionEnabled=True,
        AuthToken=token,
    )
    client("secretsmanager", endpoint).create_secret(Name="orders-token", SecretString=token)
    cache.primary.add_user("default", token, "on ~* &* +@all")


def test_an_auth_token_group_as_a_process(moto_endpoint: str, cache: Cache) -> None:
    """ElastiCache (moto) names the group and the secret holds its token: the token logs in as the
    default user, whose access string allows everything, which is the one finding."""
    token = "orders-token-0123456789-abcdefghij"
    token_group(moto_endpoint, cache, token)
    try:
        result = run(
            moto_endpoint,
            "--replication-group",
            "orders",
            *at(cache.primary, cache, "--secret-id", "orders-token", "--format", "json"),
        )
    finally:
        cache.primary.add_user("default", "unused-password-0123456789", "off")
    assert result.returncode == 1, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    found = {r["check_id"]: r["status"] for r in document["results"]}
    assert found == {**dict.fromkeys(PROBE_IDS, "PASS"), "probe-acl-enforced": "FAIL", "probe-replica-lag": "SKIP"}
    acl = next(r for r in document["results"] if r["check_id"] == "probe-acl-enforced")
    assert (acl["resource_type"], acl["resource_id"]) == ("replication-group", "orders")
    assert acl["message"].startswith("replication group orders: no user group: clients log in as the default user")
    assert token not in result.stdout + result.stderr


def test_junit_as_a_process(moto_endpoint: str, cache: Cache, tmp_path: Path) -> None:
    reset(moto_endpoint)
    client("secretsmanager", moto_endpoint).create_secret(
        Name="app-user", SecretString=json.dumps({"username": "app", "password": PASSWORD})
    )
    report = tmp_path / "probe.xml"
    result = run(
        moto_endpoint,
        *at(cache.primary, cache, "--secret-id", "app-user", "--access-string", APP_ACCESS),
        "--format",
        "junit",
        "--output",
        str(report),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"7 PASS, 0 FAIL, 0 ERROR, 1 SKIP (8 results); report written to {report}\n"
    assert (
        f'<testsuite name="123456789012/us-east-1/endpoint/127.0.0.1:{cache.primary.port}" tests="8"'
        in report.read_text()
    )


def test_an_unreachable_endpoint_is_exit_code_2_without_aws(tmp_path: Path) -> None:
    result = run(None, "--host", "127.0.0.1", "--port", "1")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: cannot reach 127.0.0.1:1: Connection refused\n"


def test_a_group_that_does_not_exist_is_exit_code_2(moto_endpoint: str) -> None:
    reset(moto_endpoint)
    result = run(moto_endpoint, "--replication-group", "ghost")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: replication group ghost not found in us-east-1\n"
