"""The rotation function's four steps: Secrets Manager and ElastiCache from moto (Stubber where moto
lacks an API), the data plane a real TLS redis-server whose ACLs follow what the ElastiCache calls
would do: ROTATE adds the new AUTH token beside the old one, SET keeps only the new one; ModifyUser
replaces a user's passwords."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import redis
from botocore.stub import Stubber
from moto import mock_aws
from moto.secretsmanager.models import secretsmanager_backends

from constructs_lib.rotation.handler import AUTH_TOKEN, USER_PASSWORD, Rotation, RotationError
from tests.redis_server import Server, redis_server

REGION = "us-east-1"
ACCOUNT = "123456789012"
OLD_TOKEN = "old-token-0123456789-abcdefghij"
OLD_PASSWORD = "old-password-0123456789-abcdef"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with redis_server(tmp_path_factory.mktemp("redis"), tls=True) as running:
        yield running


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, server: Server) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    assert server.tls is not None
    monkeypatch.setenv("SSL_CERT_FILE", str(server.tls.ca))  # the function trusts the system's CAs
    # moto would try to run the placeholder rotation function in Docker; Secrets Manager's calls are
    # made here by the test itself, step by step.
    with mock_aws(config={"lambda": {"use_docker": False}}):
        yield


def login(server: Server, password: str, username: str | None = None) -> bool:
    assert server.tls is not None
    client = redis.Redis(
        host="localhost",
        port=server.port,
        username=username,
        password=password,
        ssl=True,
        ssl_ca_certs=str(server.tls.ca),
        socket_timeout=5,
    )
    try:
        return bool(client.ping())
    except redis.AuthenticationError:
        return False
    finally:
        client.close()


def start_rotation(secrets: Any, secret_id: str) -> str:
    """Put the secret where Secrets Manager leaves it before ``createSecret``: rotation enabled and
    an empty AWSPENDING version. Returns that version's token."""
    role = boto3.client("iam").create_role(RoleName="rotation", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context):\n    pass\n")
    function = boto3.client("lambda").create_function(
        FunctionName="rotation",
        Runtime="python3.13",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
    )["FunctionArn"]
    secrets.rotate_secret(
        SecretId=secret_id,
        RotationLambdaARN=function,
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )
    stages = secrets.describe_secret(SecretId=secret_id)["VersionIdsToStages"]
    (token,) = [str(version) for version, names in stages.items() if "AWSPENDING" in names]
    # moto pre-fills the pending version with the current value when RotateImmediately is False;
    # Secrets Manager leaves it empty until createSecret. Emptied here, in the test only.
    secret = secretsmanager_backends[ACCOUNT][REGION].secrets[secret_id]
    secret.versions[token].pop("secret_string", None)
    return token


def test_auth_token_rotation_keeps_both_tokens_until_the_last_step(aws: None, server: Server) -> None:
    server.admin().acl_setuser(
        "default", enabled=True, passwords=[f"+{OLD_TOKEN}"], keys=["*"], channels=["*"], commands=["+@all"]
    )
    secrets, elasticache = boto3.client("secretsmanager"), boto3.client("elasticache")
    elasticache.create_replication_group(
        ReplicationGroupId="orders",
        ReplicationGroupDescription="orders",
        Engine="valkey",
        CacheNodeType="cache.r7g.large",
        NumCacheClusters=2,
    )

    def apply(params: dict[str, Any], **_: Any) -> None:
        # What ElastiCache does with the token: ROTATE accepts both, SET only the new one.
        token, strategy = params["AuthToken"], params["AuthTokenUpdateStrategy"]
        if strategy == "SET":
            server.admin().acl_setuser("default", enabled=True, reset_passwords=True, passwords=[f"+{token}"])
        else:
            server.admin().acl_setuser("default", enabled=True, passwords=[f"+{token}"])

    elasticache.meta.events.register("before-parameter-build.elasticache.ModifyReplicationGroup", apply)
    secret_id = "orders/auth-token"
    secrets.create_secret(Name=secret_id, SecretString=OLD_TOKEN)
    token = start_rotation(secrets, secret_id)
    rotation = Rotation(
        secrets,
        elasticache,
        {
            "CREDENTIAL_KIND": AUTH_TOKEN,
            "REPLICATION_GROUP_ID": "orders",
            "CACHE_HOST": "localhost",
            "CACHE_PORT": str(server.port),
            "CACHE_TLS": "true",
        },
        sleep=lambda _: None,
    )

    rotation.run(secret_id, token, "createSecret")
    new = secrets.get_secret_value(SecretId=secret_id, VersionStage="AWSPENDING")["SecretString"]
    assert new != OLD_TOKEN
    assert len(new) == 64
    assert not set(new) - set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!&#$^<>-")
    rotation.run(secret_id, token, "createSecret")  # a retried step changes nothing
    assert secrets.get_secret_value(SecretId=secret_id, VersionStage="AWSPENDING")["SecretString"] == new

    rotation.run(secret_id, token, "setSecret")
    assert login(server, OLD_TOKEN)
    assert login(server, new), "during the switch both tokens work"
    rotation.run(secret_id, token, "testSecret")
    rotation.run(secret_id, token, "finishSecret")
    assert login(server, new)
    assert not login(server, OLD_TOKEN), "after the last step the old token stops working"
    assert secrets.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")["SecretString"] == new
    assert "AWSCURRENT" in secrets.describe_secret(SecretId=secret_id)["VersionIdsToStages"][token]
    rotation.run(secret_id, token, "finishSecret")  # already current: nothing to do


def test_user_password_rotation(aws: None, server: Server) -> None:
    server.admin().acl_setuser("app", enabled=True, passwords=[f"+{OLD_PASSWORD}"], keys=["*"], commands=["+@all"])
    secrets = boto3.client("secretsmanager")
    # moto has no ModifyUser: the ElastiCache answers come from Stubber, checked against the service model.
    elasticache = boto3.client("elasticache")
    stubber = Stubber(elasticache)

    def apply(params: dict[str, Any], **_: Any) -> None:
        passwords = params["AuthenticationMode"]["Passwords"]
        server.admin().acl_setuser("app", enabled=True, reset_passwords=True, passwords=[f"+{p}" for p in passwords])

    elasticache.meta.events.register("before-parameter-build.elasticache.ModifyUser", apply)
    user = {
        "UserId": "orders-app",
        "UserName": "app",
        "Status": "active",
        "Engine": "valkey",
        "AccessString": "on ~* +@all",
        "UserGroupIds": [],
        "Authentication": {"Type": "password", "PasswordCount": 2},
        "ARN": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:user:orders-app",
    }
    for count in (2, 1):
        stubber.add_response(
            "modify_user",
            {**user, "Status": "modifying", "Authentication": {"Type": "password", "PasswordCount": count}},
        )
        stubber.add_response("describe_users", {"Users": [user]}, {"UserId": "orders-app"})
    secret_id = "orders/app"
    secrets.create_secret(Name=secret_id, SecretString=json.dumps({"username": "app", "password": OLD_PASSWORD}))
    token = start_rotation(secrets, secret_id)
    rotation = Rotation(
        secrets,
        elasticache,
        {
            "CREDENTIAL_KIND": USER_PASSWORD,
            "USER_ID": "orders-app",
            "CACHE_HOST": "localhost",
            "CACHE_PORT": str(server.port),
            "CACHE_TLS": "true",
        },
        sleep=lambda _: None,
    )
    with stubber:
        for step in ("createSecret", "setSecret"):
            rotation.run(secret_id, token, step)
        new = json.loads(secrets.get_secret_value(SecretId=secret_id, VersionStage="AWSPENDING")["SecretString"])
        assert new["username"] == "app"
        assert login(server, OLD_PASSWORD, "app")
        assert login(server, new["password"], "app"), "both passwords during the switch"
        rotation.run(secret_id, token, "testSecret")
        rotation.run(secret_id, token, "finishSecret")
    stubber.assert_no_pending_responses()
    assert not login(server, OLD_PASSWORD, "app")
    assert login(server, new["password"], "app")


def test_the_test_step_fails_when_the_cache_refuses_the_new_credential(aws: None, server: Server) -> None:
    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name="refused", SecretString=OLD_TOKEN)
    token = start_rotation(secrets, "refused")
    rotation = Rotation(
        secrets,
        boto3.client("elasticache"),
        {
            "CREDENTIAL_KIND": AUTH_TOKEN,
            "REPLICATION_GROUP_ID": "orders",
            "CACHE_HOST": "localhost",
            "CACHE_PORT": str(server.port),
            "CACHE_TLS": "true",
        },
    )
    rotation.run("refused", token, "createSecret")
    with pytest.raises(redis.AuthenticationError):
        rotation.run("refused", token, "testSecret")  # setSecret never ran: the cache does not know it


def test_refuses_what_secrets_manager_would_never_send(aws: None) -> None:
    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name="plain", SecretString=OLD_TOKEN)
    rotation = Rotation(secrets, boto3.client("elasticache"), {"CREDENTIAL_KIND": AUTH_TOKEN})
    with pytest.raises(RotationError, match="rotation is not enabled"):
        rotation.run("plain", "token", "createSecret")
    token = start_rotation(secrets, "plain")
    with pytest.raises(RotationError, match="unknown step"):
        rotation.run("plain", token, "deleteSecret")
    with pytest.raises(RotationError, match="has no stage"):
        rotation.run("plain", "not-a-version", "createSecret")
    with pytest.raises(RotationError, match="CREDENTIAL_KIND"):
        Rotation(secrets, None, {"CREDENTIAL_KIND": "password"})


def test_the_function_file_is_self_contained() -> None:
    source = (Path(__file__).resolve().parents[2] / "constructs_lib" / "rotation" / "handler.py").read_text()
    assert "aws_cdk" not in source
    assert "constructs_lib" not in source, "it runs in Lambda with only boto3 and the bundled redis-py"


def test_the_construct_sets_the_credential_kinds_the_handler_knows() -> None:
    # The construct writes them into CREDENTIAL_KIND without importing the handler (boto3, redis-py).
    from constructs_lib import rotation

    assert (rotation.AUTH_TOKEN, rotation.USER_PASSWORD) == (AUTH_TOKEN, USER_PASSWORD)
