from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest

import app as cdk_app
from postdeploy import cli_common
from postdeploy.aws import Aws
from tests.conftest import new_app
from tests.postdeploy.fleet import ACCOUNT, REGION, moto_server


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto server on loopback, shared by the modules that reset it for their data."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Aws:
    """The Aws the CLI commands will use, with fake credentials, so tests can stub its clients.

    The account is given, as for an assumed role, so no STS call needs stubbing."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    instance = Aws(account_id=ACCOUNT)
    monkeypatch.setattr(cli_common, "aws_factory", lambda profile, retries: instance)
    return instance


Synthesize = Callable[..., dict[str, dict[str, Any]]]


@pytest.fixture(scope="session")
def synthesize() -> Synthesize:
    """Templates by stack name, from the app as `cdk synth` builds it with ``context`` (without
    cdk-nag, which changes no template); each context is synthesized once per session."""

    @cache
    def templates(**context: Any) -> dict[str, dict[str, Any]]:
        assembly = cdk_app.build(new_app(nag=False, **context)).synth()
        return {stack.stack_name: stack.template for stack in assembly.stacks}

    return templates
