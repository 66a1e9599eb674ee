from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postdeploy.fleet import moto_server


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto server on loopback, shared by the modules that reset it for their data."""
    with moto_server() as endpoint:
        yield endpoint
