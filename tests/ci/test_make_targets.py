"""The make targets beside synth and test: what `make -n` prints for each, and verify's guard."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.ci.commands import clean_env


def make_n(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-n", *args], cwd=checkout, env=clean_env(), capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["synth"], "cdk synth --quiet"),
        (["diff"], "cdk diff"),
        (["diff", "STACKS=ElastiCacheKit-Memcached"], "cdk diff ElastiCacheKit-Memcached"),
        (["deploy"], "cdk deploy --all"),
        (
            ["deploy", "STACKS=ElastiCacheKit-Network ElastiCacheKit-Memcached", "CDK_ARGS=--require-approval never"],
            "cdk deploy ElastiCacheKit-Network ElastiCacheKit-Memcached --require-approval never",
        ),
        (
            ["verify", "STACK=ElastiCacheKit-ReplicationGroup"],
            "elasticache-verify check --stack ElastiCacheKit-ReplicationGroup --fail-on-error",
        ),
        (
            ["verify", "STACK=ElastiCacheKit-Serverless", "VERIFY_ARGS=--format junit --output verify.xml"],
            "elasticache-verify check --stack ElastiCacheKit-Serverless --fail-on-error "
            "--format junit --output verify.xml",
        ),
    ],
)
def test_make_n_prints_the_command(checkout: Path, args: list[str], expected: str) -> None:
    """The checkout's install is done (its files are older than its stamps), so `make -n` prints
    the target's own command only."""
    result = make_n(checkout, *args)
    assert result.returncode == 0, result.stderr
    assert [" ".join(line.split()) for line in result.stdout.splitlines()] == [expected]


@pytest.mark.parametrize("stack", [None, "STACK=", "STACK=  "])
def test_verify_without_a_stack_stops_with_a_clear_message(checkout: Path, stack: str | None) -> None:
    result = subprocess.run(
        ["make", "verify", *([stack] if stack else [])],
        cwd=checkout,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith(
        "*** make verify needs STACK=<stack name>, e.g. make verify STACK=ElastiCacheKit-ReplicationGroup.  Stop.\n"
    )


def test_the_pinned_cli_runs(checkout: Path) -> None:
    """diff and deploy take cdk from node_modules/.bin (first on make's PATH), the locked version."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "which-cdk"],
        input="which-cdk:\n\t@command -v cdk\n",
        cwd=checkout,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == str(checkout / "node_modules" / ".bin" / "cdk")
