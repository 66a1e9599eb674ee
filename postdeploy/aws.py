"""boto3 clients for the checker: the standard AWS environment, standard retries, counted calls.

Credentials, profile, region and endpoint come from the usual places (``AWS_PROFILE``,
``AWS_REGION``, ``AWS_ENDPOINT_URL`` ...), so the tool runs unchanged against moto's server.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

T = TypeVar("T")

# Throttling and transient faults back off and retry (standard mode, 3 attempts unless
# AWS_MAX_ATTEMPTS says otherwise); everything else surfaces.
RETRY_CONFIG = Config(retries={"mode": "standard"}, connect_timeout=10, read_timeout=60)

_CREDENTIAL_ERROR_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "InvalidAccessKeyId",
    }
)


class FatalAwsError(Exception):
    """No credentials, no region or no connection: nothing can be checked (exit code 2)."""


class RequestError(Exception):
    """One API call failed (access denied, not found ...); its message says which and why."""


def guarded(what: str, call: Callable[[], T]) -> T:
    """Run ``call``; errors that doom every call become FatalAwsError, others RequestError."""
    try:
        return call()
    except Exception as error:
        cause = fatal_cause(error)
        if cause:
            raise FatalAwsError(cause) from error
        raise RequestError(f"{what}: {describe(error)}") from error


def fatal_cause(error: Exception) -> str | None:
    """The one-line reason when ``error`` makes every further call pointless, else ``None``."""
    if isinstance(error, (NoCredentialsError, PartialCredentialsError, ProfileNotFound)):
        return f"AWS credentials: {error}"
    if isinstance(error, NoRegionError):
        return "no AWS region: pass --region or set AWS_REGION"
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError, ReadTimeoutError)):
        return f"cannot reach AWS: {error}"
    if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _CREDENTIAL_ERROR_CODES:
        return f"AWS credentials rejected: {describe(error)}"
    return None


def describe(error: Exception) -> str:
    """A short, single-line account of an AWS error for result messages."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'Error')}: {details.get('Message', '')}".strip().rstrip(":")
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first_line}"[:200]


class Aws:
    """One boto3 session, clients cached per service and region, and a count of API calls.

    :param profile: a named profile; default: the standard environment.
    """

    def __init__(self, profile: str | None = None) -> None:
        try:
            self.session = boto3.session.Session(profile_name=profile)
        except ProfileNotFound as error:
            raise FatalAwsError(f"AWS credentials: {error}") from error
        self.calls: Counter[str] = Counter()
        self._clients: dict[tuple[str, str], Any] = {}
        # before-parameter-build fires once per API call, before any handler (such as a Stubber) answers it.
        self.session.events.register("before-parameter-build", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[f"{model.service_model.service_name}:{model.name}"] += 1

    @property
    def default_region(self) -> str | None:
        """AWS_REGION (the variable shared by the AWS SDKs, which botocore does not read), else
        botocore's own resolution: AWS_DEFAULT_REGION, then the profile's region."""
        return os.environ.get("AWS_REGION") or self.session.region_name

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            # The stubs type each service by a literal name; this one is chosen at run time.
            self._clients[key] = self.session.client(service, region_name=region, config=RETRY_CONFIG)  # type: ignore[call-overload]
        return self._clients[key]

    def stack_resources(self, stack: str, region: str) -> list[dict[str, Any]]:
        """Every resource of a CloudFormation stack (raises RequestError when it cannot be read)."""
        return guarded(
            f"stack {stack} in {region}",
            lambda: self.paginate(
                "cloudformation", region, "list_stack_resources", "StackResourceSummaries", StackName=stack
            ),
        )

    def paginate(self, service: str, region: str, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of ``key`` over all pages of ``operation``."""
        paginator = self.client(service, region).get_paginator(operation)
        items: list[dict[str, Any]] = []
        for page in paginator.paginate(**params):
            items.extend(page.get(key, []))
        return items
