"""A throwaway checkout of the project, as a CI job starts from, and a moto server for the jobs that
need AWS."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.postdeploy.fleet import ACCOUNT, client, moto_server

# Older than any stamp make leaves in .venv and node_modules, so that in the checkout make always
# finds `install` done and never runs it: run there, it would re-point the shared .venv's editable
# install at the throwaway copy.
OLD = 946684800  # 2000-01-01
BOOTSTRAP_REGIONS = ("us-east-1", "us-west-2")


def copy_checkout(target: Path) -> Path:
    """The project's files (tracked, and new ones not ignored) copied into ``target``, with this
    checkout's .venv and node_modules linked in, as `make install` leaves a CI job's checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():  # deleted in the work tree, not yet in the index
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
        os.utime(target / name, (OLD, OLD))
    for linked in (".venv", "node_modules"):
        (target / linked).symlink_to(ROOT / linked)
    return target


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout to read from (make -n, the helper scripts); tests that write use their own."""
    return copy_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's server, named as localhost: given 127.0.0.1, moto's CloudFormation misreads the S3
    TemplateURL the CDK CLI builds from AWS_ENDPOINT_URL (it takes the host's first label for the
    bucket), a moto gap; `localhost` URLs it reads by path, as S3 serves them."""
    with moto_server() as endpoint:
        yield endpoint.replace("127.0.0.1", "localhost")


def fake_bootstrap(endpoint: str) -> None:
    """What `cdk bootstrap` leaves that `cdk deploy` reads: the version parameter and the assets
    bucket, in both regions of the app (the default synthesizer's qualifier, hnb659fds)."""
    for region in BOOTSTRAP_REGIONS:
        client("ssm", endpoint, region).put_parameter(
            Name="/cdk-bootstrap/hnb659fds/version", Value="30", Type="String", Overwrite=True
        )
        location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        client("s3", endpoint, region).create_bucket(Bucket=f"cdk-hnb659fds-assets-{ACCOUNT}-{region}", **location)


def job_env(tmp_path: Path, endpoint: str) -> dict[str, str]:
    """A CI job's environment on this machine: no AWS settings or credentials of its own, no
    shared config, PATH without this checkout's tools (a job finds them as the recipe says), and
    AWS_ENDPOINT_URL at moto's server, the one thing the recipes do not set."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "CDK_", "GITHUB_", "GITLAB_", "CI_", "MAKE", "MFLAGS", "VIRTUAL_ENV"))
    }
    inherited["PATH"] = os.pathsep.join(
        entry for entry in inherited.get("PATH", "").split(os.pathsep) if not entry.startswith(str(ROOT))
    )
    return {
        **inherited,
        "CI": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": endpoint,
    }
