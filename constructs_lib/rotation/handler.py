"""Secrets Manager rotation of ElastiCache credentials: an AUTH token or an RBAC user's password.

Secrets Manager calls this function four times per rotation, with ``Step`` ``createSecret``,
``setSecret``, ``testSecret`` and ``finishSecret`` (the contract of every rotation function).

AUTH token (``CREDENTIAL_KIND=auth-token``; the secret's whole value is the token):
- createSecret: a new token (letters, digits and ``!&#$^<>-``) as the AWSPENDING version;
- setSecret: ``ModifyReplicationGroup`` with strategy ``ROTATE``: the new token and the old one are
  both accepted, so clients keep working; wait until the group is available;
- testSecret: log in to the cache with the new token (TLS) and ``PING``;
- finishSecret: ``ModifyReplicationGroup`` with strategy ``SET``: only the new token is accepted;
  wait; then move AWSCURRENT to the new version.

User password (``CREDENTIAL_KIND=user-password``; the secret is JSON ``{"username", "password"}``):
the same steps with ``ModifyUser``: setSecret gives the user both passwords, finishSecret keeps
only the new one. Every step is safe to repeat: Secrets Manager retries a failed step.

Environment: ``CREDENTIAL_KIND``; ``REPLICATION_GROUP_ID`` or ``USER_ID``; ``CACHE_HOST`` and
``CACHE_PORT`` (the endpoint the test step logs in to); ``CACHE_TLS`` (``true`` unless the cache
runs without TLS).
"""

from __future__ import annotations

import json
import os
import string
import time
from collections.abc import Callable
from typing import Any

import boto3
import redis

AUTH_TOKEN = "auth-token"
USER_PASSWORD = "user-password"
SPECIAL_CHARACTERS = "!&#$^<>-"
EXCLUDED_CHARACTERS = "".join(c for c in string.punctuation if c not in SPECIAL_CHARACTERS)
LENGTH = 64
WAIT_SECONDS = 15
WAIT_ATTEMPTS = 60


class RotationError(Exception):
    """The secret or the cache is not in a state this step can work from."""


class Rotation:
    """One rotation of one secret; clients and settings are injectable for tests."""

    def __init__(
        self,
        secrets: Any,
        elasticache: Any,
        environment: dict[str, str],
        connect: Callable[..., Any] = redis.Redis,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.secrets = secrets
        self.elasticache = elasticache
        self.kind = environment["CREDENTIAL_KIND"]
        if self.kind not in (AUTH_TOKEN, USER_PASSWORD):
            raise RotationError(f"CREDENTIAL_KIND must be {AUTH_TOKEN} or {USER_PASSWORD}, not {self.kind!r}")
        self.environment = environment
        self.connect = connect
        self.sleep = sleep

    # --- the four steps --------------------------------------------------------------------------

    def run(self, secret_id: str, token: str, step: str) -> None:
        metadata = self.secrets.describe_secret(SecretId=secret_id)
        if not metadata.get("RotationEnabled"):
            raise RotationError(f"rotation is not enabled for {secret_id}")
        stages = metadata.get("VersionIdsToStages", {})
        if token not in stages:
            raise RotationError(f"version {token} of {secret_id} has no stage")
        if "AWSCURRENT" in stages[token]:
            return  # already rotated; Secrets Manager may call again
        if "AWSPENDING" not in stages[token]:
            raise RotationError(f"version {token} of {secret_id} is not AWSPENDING")
        steps = {
            "createSecret": self.create,
            "setSecret": self.set,
            "testSecret": self.test,
            "finishSecret": self.finish,
        }
        if step not in steps:
            raise RotationError(f"unknown step {step!r}")
        steps[step](secret_id, token, stages)

    def create(self, secret_id: str, token: str, stages: dict[str, list[str]]) -> None:
        try:
            self.secrets.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage="AWSPENDING")
            return  # created by an earlier attempt
        except self.secrets.exceptions.ResourceNotFoundException:
            pass
        new = self.secrets.get_random_password(
            PasswordLength=LENGTH, ExcludeCharacters=EXCLUDED_CHARACTERS, IncludeSpace=False
        )["RandomPassword"]
        if self.kind == USER_PASSWORD:
            current = json.loads(self._value(secret_id, "AWSCURRENT"))
            value = json.dumps({**current, "password": new})
        else:
            value = new
        self.secrets.put_secret_value(
            SecretId=secret_id, ClientRequestToken=token, SecretString=value, VersionStages=["AWSPENDING"]
        )

    def set(self, secret_id: str, token: str, stages: dict[str, list[str]]) -> None:
        pending = self._credential(secret_id, "AWSPENDING", token)
        if self.kind == AUTH_TOKEN:
            self._modify_group(pending, "ROTATE")
        else:
            current = self._credential(secret_id, "AWSCURRENT")
            self._modify_user([current, pending] if current != pending else [pending])

    def test(self, secret_id: str, token: str, stages: dict[str, list[str]]) -> None:
        pending = self._credential(secret_id, "AWSPENDING", token)
        username = None
        if self.kind == USER_PASSWORD:
            username = json.loads(self._value(secret_id, "AWSPENDING", token))["username"]
        client = self.connect(
            host=self.environment["CACHE_HOST"],
            port=int(self.environment["CACHE_PORT"]),
            username=username,
            password=pending,
            ssl=self.environment.get("CACHE_TLS", "true") == "true",
            socket_timeout=10,
            socket_connect_timeout=10,
        )
        try:
            if client.ping() is not True:
                raise RotationError("the cache did not answer PING with the new credential")
        finally:
            client.close()

    def finish(self, secret_id: str, token: str, stages: dict[str, list[str]]) -> None:
        pending = self._credential(secret_id, "AWSPENDING", token)
        if self.kind == AUTH_TOKEN:
            self._modify_group(pending, "SET")
        else:
            self._modify_user([pending])
        current = next((version for version, names in stages.items() if "AWSCURRENT" in names), None)
        self.secrets.update_secret_version_stage(
            SecretId=secret_id, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current
        )

    # --- helpers ---------------------------------------------------------------------------------

    def _value(self, secret_id: str, stage: str, token: str | None = None) -> str:
        request: dict[str, str] = {"SecretId": secret_id, "VersionStage": stage}
        if token is not None:
            request["VersionId"] = token
        value: str = self.secrets.get_secret_value(**request)["SecretString"]
        return value

    def _credential(self, secret_id: str, stage: str, token: str | None = None) -> str:
        value = self._value(secret_id, stage, token)
        if self.kind == USER_PASSWORD:
            password: str = json.loads(value)["password"]
            return password
        return value

    def _modify_group(self, token: str, strategy: str) -> None:
        group_id = self.environment["REPLICATION_GROUP_ID"]
        self.elasticache.modify_replication_group(
            ReplicationGroupId=group_id, AuthToken=token, AuthTokenUpdateStrategy=strategy, ApplyImmediately=True
        )
        self.elasticache.get_waiter("replication_group_available").wait(
            ReplicationGroupId=group_id, WaiterConfig={"Delay": WAIT_SECONDS, "MaxAttempts": WAIT_ATTEMPTS}
        )

    def _modify_user(self, passwords: list[str]) -> None:
        user_id = self.environment["USER_ID"]
        self.elasticache.modify_user(UserId=user_id, AuthenticationMode={"Type": "password", "Passwords": passwords})
        for _ in range(WAIT_ATTEMPTS):  # ElastiCache has no waiter for users
            (user,) = self.elasticache.describe_users(UserId=user_id)["Users"]
            if user["Status"] == "active":
                return
            self.sleep(WAIT_SECONDS)
        raise RotationError(f"user {user_id} did not become active")


def handler(event: dict[str, str], context: object) -> None:
    """The Lambda entry point Secrets Manager invokes."""
    Rotation(boto3.client("secretsmanager"), boto3.client("elasticache"), dict(os.environ)).run(
        event["SecretId"], event["ClientRequestToken"], event["Step"]
    )
