"""The command line as users run it: usage, credential and connection errors exit 2 with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postdeploy.fleet import CREDENTIALS, REGION, cli_env

BIN = Path(sys.executable).parent


def run(*args: str, env: dict[str, str] | None = None, module: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "postdeploy", *args] if module else [str(BIN / "elasticache-verify"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No credentials anywhere: no variables, no shared files, no instance metadata."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        **extra,
    )
    return env


def test_module_and_script_are_the_same_command() -> None:
    for module in (False, True):
        result = run("--version", module=module)
        assert result.returncode == 0
        assert "version 0.1.0" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--stack", "app", "--all"),
        ("--replication-group", "a", "--stack", "b"),
    ],
)
def test_check_needs_exactly_one_kind_of_target(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run("check", *args, env=bare_env(tmp_path))
    assert result.returncode == 2
    assert "Error: choose what to check: --stack NAME" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--all", "--format", "yaml", env=bare_env(tmp_path))
    assert result.returncode == 2
    assert "Invalid value for '--format'" in result.stderr


def test_no_credentials(tmp_path: Path) -> None:
    result = run("--all", env=bare_env(tmp_path, AWS_REGION=REGION))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: AWS credentials: Unable to locate credentials\n"


def test_no_region(tmp_path: Path) -> None:
    result = run("--all", env=bare_env(tmp_path, **CREDENTIALS))
    assert (result.returncode, result.stderr) == (2, "error: no AWS region: pass --region or set AWS_REGION\n")


def test_unknown_profile(tmp_path: Path) -> None:
    result = run("--all", "--profile", "nobody", env=bare_env(tmp_path, AWS_REGION=REGION))
    assert result.returncode == 2
    assert result.stderr == "error: AWS credentials: The config profile (nobody) could not be found\n"


def test_no_connection(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    env = bare_env(tmp_path, AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_REGION=REGION, **CREDENTIALS)
    result = run("--all", env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == 'error: cannot reach AWS: Could not connect to the endpoint URL: "http://127.0.0.1:9/"\n'


def test_missing_stack_is_a_usage_error(moto_endpoint: str) -> None:
    result = run("--stack", "no-such-stack", env=cli_env(moto_endpoint))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"error: stack no-such-stack in {REGION}: ValidationError: Stack with id no-such-stack"
    )


def test_list_checks_names_every_check() -> None:
    result = run("list-checks")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 21
    assert lines[0].split()[:3] == ["backup-retention", "high", "ElastiCache.1"]
