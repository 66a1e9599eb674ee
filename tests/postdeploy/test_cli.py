"""The command line as users run it: usage, credential and connection errors exit 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from postdeploy import cli
from postdeploy.checks import ALL_CHECKS
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
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: choose what to check: --stack NAME, --replication-group / --serverless-cache / --global-datastore ID, "
        "or --all\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "yaml"), "Invalid value for '--format': 'yaml' is not one of 'json', 'junit', 'table'."),
        (
            ("--backup-threshold-days", "0"),
            "Invalid value for '--backup-threshold-days': 0 is not in the range 1<=x<=35.",
        ),
        (
            ("--backup-threshold-days", "36"),
            "Invalid value for '--backup-threshold-days': 36 is not in the range 1<=x<=35.",
        ),
        (
            ("--minimum-engine-version", "redis7"),
            "Invalid value for --minimum-engine-version: 'redis7' is not ENGINE=VERSION, e.g. redis=7.1.0",
        ),
        (("--region", "us-east-1", "--all-regions"), "--region and --all-regions exclude each other"),
        (("--no-such-option",), "No such option '--no-such-option'."),
    ],
)
def test_usage_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    """In-process for speed; the same main() as the console script (one case runs as a process below)."""
    result = CliRunner().invoke(cli.main, ["--all", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")


def test_a_bad_format_is_one_line_from_the_console_script(tmp_path: Path) -> None:
    result = run("--all", "--format", "yaml", env=bare_env(tmp_path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: Invalid value for '--format': 'yaml' is not one of 'json', 'junit', 'table'.\n"


def test_unknown_region_is_a_usage_error(tmp_path: Path) -> None:
    """A typo would otherwise be checked as an empty region and pass."""
    env = bare_env(tmp_path, AWS_REGION=REGION, **CREDENTIALS)
    for args in (("--region", "eu-wst-1"), ()):
        result = run("--all", *args, env=env if args else {**env, "AWS_REGION": "mars-north-1"})
        unknown = "eu-wst-1" if args else "mars-north-1"
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"error: unknown region {unknown}: not an ElastiCache region botocore knows\n"


@pytest.mark.parametrize(
    ("target", "reason"),
    [("missing-dir/report.json", "no directory missing-dir"), (".", "it is a directory")],
)
def test_unwritable_output_is_a_usage_error(target: str, reason: str, tmp_path: Path) -> None:
    """Refused before any AWS call: no credentials are set, and the error is still about the file."""
    result = subprocess.run(
        [str(BIN / "elasticache-verify"), "--all", "--output", target],
        env=bare_env(tmp_path, AWS_REGION=REGION),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: cannot write --output {target if target != '.' else '.'}: {reason}\n"


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
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once. botocore
    # retries refused connections too; two attempts keep the test short.
    env = bare_env(
        tmp_path, AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_REGION=REGION, AWS_MAX_ATTEMPTS="2", **CREDENTIALS
    )
    result = run("--all", env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == 'error: cannot reach AWS: Could not connect to the endpoint URL: "http://127.0.0.1:9/"\n'


def test_missing_stack_is_a_usage_error(moto_endpoint: str) -> None:
    result = run("--stack", "no-such-stack", env=cli_env(moto_endpoint))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"error: stack no-such-stack in {REGION}: ValidationError: Stack with id no-such-stack"
    )


def test_checks_lists_every_check_with_its_controls() -> None:
    result = run("checks")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CHECK", "SEVERITY", "FOLLOWS", "APPLIES", "TO"]
    assert lines[1].split() == ["backup-retention", "high", "Security", "Hub", "cache-cluster,", "replication-group"]
    assert lines[2] == (
        "    controls: ElastiCache.1, elasticache-redis-cluster-automatic-backup-check, CT.ELASTICACHE.PR.1"
    )
    assert (
        lines[3]
        == "    see: https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-1"
    )
    assert lines[-1] == "30 checks: 7 follow Security Hub, 2 follow AWS Config, 21 follow ours"
    listed = json.loads(run("checks", "--format", "json").stdout)["checks"]
    assert [c["id"] for c in listed] == [c.id for c in ALL_CHECKS]
    rbac = next(c for c in listed if c["id"] == "rbac-auth")
    assert (rbac["follows"], rbac["controls"]) == (
        "AWS Config",
        ["elasticache-rbac-auth-enabled", "CT.ELASTICACHE.PR.8"],
    )
