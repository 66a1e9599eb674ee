from __future__ import annotations

from collections.abc import Iterator

import pytest

from postdeploy import cli
from postdeploy.aws import Aws
from tests.postdeploy.fleet import REGION, moto_server


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto server on loopback, shared by the modules that reset it for their data."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Aws:
    """The Aws the CLI commands will use, with fake credentials, so tests can stub its clients."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    instance = Aws()
    monkeypatch.setattr(cli, "aws_factory", lambda profile: instance)
    return instance
