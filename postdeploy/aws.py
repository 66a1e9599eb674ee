"""boto3 for the checker: one session per account, clients shared safely between threads, retries
within a budget, counted calls, and one-line accounts of every AWS error.

Credentials, profile, region and endpoint come from the usual places (``AWS_PROFILE``,
``AWS_REGION``, ``AWS_ENDPOINT_URL`` ...), so the tool runs unchanged against moto's server.
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar, get_args

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
from botocore.parsers import ResponseParserError
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

T = TypeVar("T")

RetryMode = Literal["standard", "adaptive"]
RETRY_MODES: tuple[str, ...] = get_args(RetryMode)
DEFAULT_MAX_ATTEMPTS = 10
"""Standard mode's back-off doubles from 1 s (throttling) to at most 20 s between attempts: ten
attempts wait out up to about two minutes of throttling, where botocore's default of three gives
up within seconds."""
ROLE_SESSION_NAME = "elasticache-verify"
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")

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
# botocore's own judgement of throttling, the one its retries use: no list of codes kept here.
_THROTTLING = ThrottledRetryableChecker()


class FatalAwsError(Exception):
    """No credentials, no region or no connection: nothing can be checked (exit code 2)."""


class RequestError(Exception):
    """One API call failed (access denied, throttled past the budget ...); its message says which and why."""


@dataclass(frozen=True)
class RetryBudget:
    """botocore's retry mode and how many attempts each call may make (first one included)."""

    mode: RetryMode = "standard"
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def config(self) -> Config:
        return Config(
            retries={"mode": self.mode, "total_max_attempts": self.max_attempts},
            connect_timeout=10,
            read_timeout=60,
        )


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
        code = str(details.get("Code", "Error"))
        text = f"{code}: {details.get('Message', '')}".strip().rstrip(":")
        metadata = error.response.get("ResponseMetadata", {})
        attempts = int(metadata.get("RetryAttempts", 0)) + 1
        status = int(metadata.get("HTTPStatusCode", 0))
        if status == 429 or _THROTTLING.is_retryable(
            RetryContext(attempt_number=attempts, parsed_response=error.response)
        ):
            return f"{text} (throttled on all {attempts} attempts; raise --max-attempts)"
        if status >= 500:
            return f"{text} (HTTP {status} on all {attempts} attempts)"
        return text
    if isinstance(error, ResponseParserError):
        # botocore's message carries the whole raw body; what matters is that it was no API answer.
        return "the endpoint's answer is not an AWS API response (it could not be parsed)"
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first_line}"[:200]


@cache
def known_regions() -> frozenset[str]:
    """Every region botocore knows for ElastiCache, in every partition."""
    session = boto3.session.Session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("elasticache", partition_name=partition)
    )


class Aws:
    """One account: a boto3 session, clients per service and region, and a count of API calls.

    boto3 sessions are not thread-safe and clients are: clients are created under a lock and then
    shared. Each region is checked by one worker thread, so in practice a region's clients serve
    one thread; the Global Datastore checks read other regions' cached listings.

    :param profile: a named profile; default: the standard environment.
    :param retries: retry mode and attempt budget of every client.
    :param session: an existing session (one with an assumed role's credentials).
    :param account_id: the account, when known (from a role ARN); otherwise STS is asked once.
    :param calls: a counter to share with other accounts' instances.
    """

    def __init__(
        self,
        profile: str | None = None,
        *,
        retries: RetryBudget | None = None,
        session: boto3.session.Session | None = None,
        account_id: str | None = None,
        calls: Counter[str] | None = None,
    ) -> None:
        try:
            self.session = session or boto3.session.Session(profile_name=profile)
        except ProfileNotFound as error:
            raise FatalAwsError(f"AWS credentials: {error}") from error
        self.retries = retries or RetryBudget()
        self.calls: Counter[str] = Counter() if calls is None else calls
        self._account_id = account_id
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._identity_lock = threading.Lock()
        # before-parameter-build fires once per API call, before any handler (such as a Stubber) answers it.
        self.session.events.register("before-parameter-build", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[f"{model.service_model.service_name}:{model.name}"] += 1

    @property
    def default_region(self) -> str | None:
        """AWS_REGION (the variable shared by the AWS SDKs, which botocore does not read), else
        botocore's own resolution: AWS_DEFAULT_REGION, then the profile's region."""
        return os.environ.get("AWS_REGION") or self.session.region_name

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                # The stubs type each service by a literal name; this one is chosen at run time.
                self._clients[key] = self.session.client(  # type: ignore[call-overload]
                    service, region_name=region, config=self.retries.config()
                )
            return self._clients[key]

    @property
    def account_id(self) -> str:
        """The account these credentials act in (STS GetCallerIdentity, asked once)."""
        return self.identify(self.default_region or "us-east-1")

    def identify(self, region: str) -> str:
        """Ask STS in ``region`` once which account this is; without an answer nothing can be checked."""
        with self._identity_lock:
            if self._account_id is None:
                try:
                    identity = guarded(
                        f"STS GetCallerIdentity in {region}", lambda: self.client("sts", region).get_caller_identity()
                    )
                except RequestError as error:
                    raise FatalAwsError(str(error)) from error
                self._account_id = str(identity["Account"])
            return self._account_id

    def assume(self, role_arn: str, region: str) -> Aws:
        """The same tool acting in another account, through STS AssumeRole (raises RequestError)."""
        match = ROLE_ARN.match(role_arn)
        if not match:
            raise RequestError(f"{role_arn} is not an IAM role ARN")
        answer = guarded(
            f"STS AssumeRole {role_arn}",
            lambda: self.client("sts", region).assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME),
        )
        credentials = answer["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region,
        )
        return Aws(session=session, retries=self.retries, account_id=match.group(1), calls=self.calls)

    def stack_resources(self, stack: str, region: str) -> list[dict[str, Any]]:
        """Every resource of a CloudFormation stack (raises RequestError when it cannot be read)."""
        return guarded(
            f"stack {stack} in {region}",
            lambda: self.paginate(
                "cloudformation", region, "list_stack_resources", "StackResourceSummaries", StackName=stack
            ),
        )

    def deployed_template(self, stack: str, region: str) -> Any:
        """The template a stack was last deployed with (CloudFormation GetTemplate, as submitted).

        botocore decodes a JSON template into a dict; a YAML one stays a string."""
        answer = guarded(
            f"stack {stack} in {region}",
            lambda: self.client("cloudformation", region).get_template(StackName=stack, TemplateStage="Original"),
        )
        return answer["TemplateBody"]

    def paginate(self, service: str, region: str, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of ``key`` over all pages of ``operation``."""
        paginator = self.client(service, region).get_paginator(operation)
        items: list[dict[str, Any]] = []
        for page in paginator.paginate(**params):
            items.extend(page.get(key, []))
        return items
