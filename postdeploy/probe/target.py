"""Where the probe connects and as whom.

The endpoint comes from ElastiCache's description of a replication group (primary endpoint and
reader endpoint in cluster mode disabled, the configuration endpoint in cluster mode enabled) or a
serverless cache (always a cluster-mode client), or from the command line. An address given on the
command line (a tunnel) keeps the name ElastiCache reports as the name the certificate must carry.

Credentials come from the cache's Secrets Manager secret, as the constructs write it: JSON
``{"username", "password"}`` for an RBAC user, or the AUTH token as the whole value (or in one JSON
field). The user's access string comes from ElastiCache's users, found by name in the cache's user
groups; an AUTH token logs in as the default user, which may run every command.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.exceptions import ClientError

from postdeploy.aws import Aws, RequestError, guarded
from postdeploy.inventory import FetchError, RegionInventory
from postdeploy.model import ResourceKind

DEFAULT_USER = "default"
"""The user a client is when it authenticates with a token only, or not at all."""
DEFAULT_USER_ACCESS = "on ~* &* +@all"
"""What the default user may do on a cache without RBAC (ElastiCache sets it; it cannot be changed)."""


class TargetError(Exception):
    """The cache, its endpoint or its secret cannot be found or read (exit code 2)."""


@dataclass(frozen=True)
class Endpoint:
    """An address to dial and the name its certificate must carry (they differ through a tunnel)."""

    host: str
    port: int
    server_name: str

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def through(self, host: str | None, port: int | None) -> Endpoint:
        """The same endpoint dialled at another address; the certificate's name stays."""
        return replace(self, host=host or self.host, port=port or self.port)


@dataclass(frozen=True)
class Credentials:
    """A user's password (RBAC), or an AUTH token (``username`` is then ``None``). Never printed."""

    username: str | None
    password: str = field(repr=False)

    @property
    def user(self) -> str:
        return self.username or DEFAULT_USER


@dataclass(frozen=True)
class Access:
    """The access string of the user the probe logs in as; ``None`` when unknown, ``source`` says
    where it comes from or why it is unknown."""

    access_string: str | None
    source: str


@dataclass(frozen=True)
class Described:
    """What ElastiCache says about a cache that the probe needs."""

    kind: ResourceKind
    id: str
    endpoint: Endpoint
    reader: Endpoint | None
    cluster_mode: bool
    user_group_ids: tuple[str, ...]
    transit_encryption: str
    """``required``, ``preferred`` (TLS and plaintext on one port) or ``off``."""


@dataclass(frozen=True)
class Target:
    """Everything the probe needs to connect; ``account`` and ``region`` are ``-`` for an address
    given without any AWS lookup."""

    account: str
    region: str
    kind: ResourceKind
    id: str
    endpoint: Endpoint
    reader: Endpoint | None
    cluster_mode: bool
    credentials: Credentials | None
    access: Access
    transit_encryption: str | None = None
    """What ElastiCache reports (``required``, ``preferred``, ``off``); ``None`` for a bare address."""


def _endpoint(answer: Mapping[str, Any] | None) -> Endpoint | None:
    if not answer or not answer.get("Address"):
        return None
    return Endpoint(str(answer["Address"]), int(answer["Port"]), str(answer["Address"]))


def _not_found(error: RequestError, code: str) -> bool:
    cause = error.__cause__
    return isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") == code


def describe_replication_group(aws: Aws, region: str, group_id: str) -> Described:
    client = aws.client("elasticache", region)
    try:
        answer = guarded(
            f"DescribeReplicationGroups in {region}",
            lambda: client.describe_replication_groups(ReplicationGroupId=group_id),
        )
    except RequestError as error:
        if _not_found(error, "ReplicationGroupNotFoundFault"):
            raise TargetError(f"replication group {group_id} not found in {region}") from error
        raise TargetError(str(error)) from error
    (group,) = answer["ReplicationGroups"]
    cluster_mode = bool(group.get("ClusterEnabled"))
    shards = group.get("NodeGroups", [])
    if cluster_mode:
        endpoint, reader = _endpoint(group.get("ConfigurationEndpoint")), None
    else:
        first = shards[0] if shards else {}
        endpoint = _endpoint(first.get("PrimaryEndpoint"))
        # Without a replica the reader endpoint leads to the primary itself: nothing to learn.
        has_replica = len(first.get("NodeGroupMembers", [])) > 1
        reader = _endpoint(first.get("ReaderEndpoint")) if has_replica else None
    if endpoint is None:
        raise TargetError(f"replication group {group_id} reports no endpoint (status {group.get('Status')})")
    # Groups made before TransitEncryptionMode existed report no mode: they accept TLS only.
    mode = group.get("TransitEncryptionMode", "required") if group.get("TransitEncryptionEnabled") else "off"
    return Described(
        ResourceKind.REPLICATION_GROUP,
        group_id,
        endpoint,
        reader,
        cluster_mode,
        tuple(group.get("UserGroupIds", [])),
        mode,
    )


def describe_serverless_cache(aws: Aws, region: str, name: str) -> Described:
    """A serverless cache takes cluster-mode clients; its reader endpoint serves reads from replicas
    to connections that send READONLY."""
    client = aws.client("elasticache", region)
    try:
        answer = guarded(
            f"DescribeServerlessCaches in {region}",
            lambda: client.describe_serverless_caches(ServerlessCacheName=name),
        )
    except RequestError as error:
        if _not_found(error, "ServerlessCacheNotFoundFault"):
            raise TargetError(f"serverless cache {name} not found in {region}") from error
        raise TargetError(str(error)) from error
    (cache,) = answer["ServerlessCaches"]
    endpoint = _endpoint(cache.get("Endpoint"))
    if endpoint is None:
        raise TargetError(f"serverless cache {name} reports no endpoint (status {cache.get('Status')})")
    user_group = cache.get("UserGroupId")
    return Described(
        ResourceKind.SERVERLESS_CACHE,
        name,
        endpoint,
        _endpoint(cache.get("ReaderEndpoint")),
        True,
        (user_group,) if user_group else (),
        "required",  # serverless caches take TLS only
    )


def read_credentials(aws: Aws, region: str, secret_id: str, json_field: str | None) -> Credentials:
    """The secret's current value as credentials; its content never appears in an error."""
    client = aws.client("secretsmanager", region)
    try:
        answer = guarded(f"secret {secret_id}", lambda: client.get_secret_value(SecretId=secret_id))
    except RequestError as error:
        raise TargetError(str(error)) from error
    if "SecretString" not in answer:
        raise TargetError(f"secret {secret_id} holds binary data, not a password or token")
    return parse_secret(secret_id, answer["SecretString"], json_field)


def parse_secret(secret_id: str, value: str, json_field: str | None) -> Credentials:
    try:
        document = json.loads(value)
    except json.JSONDecodeError:
        document = None
    if json_field is not None:
        if not isinstance(document, dict) or not isinstance(document.get(json_field), str):
            raise TargetError(f"secret {secret_id} is not JSON with a string field {json_field!r}")
        return Credentials(None, document[json_field])
    if isinstance(document, dict):
        if not isinstance(document.get("password"), str):
            raise TargetError(
                f"secret {secret_id} is JSON without a string 'password' (for a token in a field, pass --secret-field)"
            )
        username = document.get("username")
        return Credentials(username if isinstance(username, str) else None, document["password"])
    return Credentials(None, value)


def user_access(aws: Aws, region: str, described: Described, user: str) -> Access:
    """The access string of ``user`` in the cache's user groups, or the default user's without RBAC."""
    if not described.user_group_ids:
        return Access(DEFAULT_USER_ACCESS, "no user group: clients log in as the default user (token or none)")
    inventory = RegionInventory(aws, region)
    try:
        groups, users = inventory.user_groups(), inventory.users()
    except FetchError as error:
        return Access(None, f"the users of {', '.join(described.user_group_ids)} could not be read: {error}")
    for group_id in described.user_group_ids:
        members = (users.get(user_id) for user_id in groups.get(group_id, {}).get("UserIds", []))
        match = next((m for m in members if m and m.get("UserName") == user), None)
        if match is not None:
            return Access(
                str(match.get("AccessString", "")), f"user {match['UserId']} ({user}) of user group {group_id}"
            )
    return Access(None, f"no user named {user} in user group(s) {', '.join(described.user_group_ids)}")
