"""The recipes' jobs run as their CI services run them, step by step in bash with each step's
environment, in a fresh copy of the project, against moto's server: the real `make synth` with the
nag gate, `elasticache-verify guard`, `cdk deploy` (the pinned CLI, AWS_ENDPOINT_URL at moto) and
`elasticache-verify check` / `failover-drill`. What stands in for the CI service: the checkout and
setup-python actions (the copy and this .venv), configure-aws-credentials (the variables it exports)
and GitLab's OIDC token (any JWT: moto's STS does not verify it). `make install` runs as
`make --question install`, which fails unless the install is already done and does nothing.

moto gaps, worked around here only:
- `cdk bootstrap`'s stack is replaced by what `cdk deploy` reads of it (conftest.fake_bootstrap);
- moto's CloudFormation creates no ElastiCache resources (and cannot list a stack whose security
  group names its VPC through Fn::GetStackOutput), so `check --stack` cannot find the caches the
  deploy made: the verify step is run and must reach each stack in its region, and the checks
  themselves, with the same JUnit options, run in the fleet job on caches created through moto's
  ElastiCache API;
- moto's ElastiCache has no DescribeEvents, from which the drill counts the test failovers used
  today, so on moto every drill plan is refused: the drill step is shown to try every group of both
  regions (and to name the one whose failover is off); the plans themselves are tested with
  botocore's Stubber in tests/postdeploy/test_drill.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.ci.commands import BIN, CDK
from tests.ci.conftest import copy_checkout, fake_bootstrap, job_env
from tests.ci.recipes import Step, github_expression, github_steps, gitlab_step
from tests.postdeploy.fleet import ACCOUNT, VARIANT, build_network, client, create_group, reset, zones_of

pytestmark = pytest.mark.cli

STACKS = {
    "ElastiCacheKit-Network": "us-east-1",
    "ElastiCacheKit-ReplicationGroup": "us-east-1",
    "ElastiCacheKit-Sharded": "us-east-1",
    "ElastiCacheKit-Serverless": "us-east-1",
    "ElastiCacheKit-Memcached": "us-east-1",
    "ElastiCacheKit-GlobalPrimary": "us-east-1",
    "ElastiCacheKit-SecondaryNetwork": "us-west-2",
    "ElastiCacheKit-GlobalSecondary": "us-west-2",
}
WITHOUT_CACHES = {"ElastiCacheKit-Network", "ElastiCacheKit-SecondaryNetwork"}
CONFIGURE_AWS_CREDENTIALS = "aws-actions/configure-aws-credentials@"


def run_step(step: Step, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # Both services run scripts in bash with errexit and pipefail (GitHub: `shell: bash`).
    script = "make --question install" if step.script.strip() == "make install" else step.script
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**env, **step.env},
        capture_output=True,
        text=True,
        timeout=900,
    )


def run_github_job(job: str, env: dict[str, str], cwd: Path) -> dict[str, subprocess.CompletedProcess[str] | None]:
    """Each step's result by name; None for a step GitHub would skip after a failure."""
    results: dict[str, subprocess.CompletedProcess[str] | None] = {}
    env = {**env, "GITHUB_STEP_SUMMARY": str(cwd / "step-summary.md")}
    failed = False
    for step in github_steps(job):
        if isinstance(step, dict):
            if step["uses"].startswith(CONFIGURE_AWS_CREDENTIALS):
                region = (
                    github_expression(step["with"]["aws-region"])
                    if "vars." in step["with"]["aws-region"]
                    else "us-east-1"
                )
                env.update(assumed_role_credentials(region))
            continue
        if failed and step.condition is None:
            results[step.name] = None
            continue
        results[step.name] = result = run_step(step, env, cwd)
        failed = failed or result.returncode != 0
    return results


def assumed_role_credentials(region: str) -> dict[str, str]:
    """What configure-aws-credentials exports for the rest of the job after AssumeRoleWithWebIdentity."""
    return {
        "AWS_ACCESS_KEY_ID": "ASIATESTING",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }


def gitlab_variables(tmp_path: Path) -> dict[str, str]:
    """GitLab's predefined variables the recipe reads, the job's ID token, and the project's
    CI/CD variables (role ARNs)."""
    return {
        "CI_BUILDS_DIR": str(tmp_path),
        "CI_JOB_ID": "4242",
        "CI_PROJECT_ID": "77",
        "AWS_ID_TOKEN": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6cGxhdGZvcm0vY2FjaGVzIn0.c2lnbmF0dXJl",
        "AWS_DEPLOY_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/elasticache-deploy",
        "AWS_READONLY_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/elasticache-readonly",
    }


def deployed_stacks(endpoint: str) -> dict[str, str]:
    return {
        stack["StackName"]: region
        for region in sorted(set(STACKS.values()))
        for stack in client("cloudformation", endpoint, region).describe_stacks()["Stacks"]
    }


def assert_verify_reached_every_stack_with_caches(output: str) -> None:
    assert "Usage:" not in output
    assert "No such option" not in output
    for stack, region in STACKS.items():
        assert (f"stack {stack} in {region}" in output) == (stack not in WITHOUT_CACHES), stack


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return copy_checkout(tmp_path / "checkout")


def new_account(endpoint: str) -> str:
    """An account with nothing deployed yet, bootstrapped for the CDK."""
    reset(endpoint.replace("localhost", "127.0.0.1"))
    fake_bootstrap(endpoint)
    return endpoint


@pytest.fixture
def fresh_account(moto_endpoint: str) -> str:
    return new_account(moto_endpoint)


@dataclass(frozen=True)
class Deployed:
    """What the GitHub deploy job left: its checkout (with the assembly its synth step wrote), each
    step's result, and the stacks it deployed (read before any other test resets the server)."""

    workspace: Path
    results: dict[str, subprocess.CompletedProcess[str] | None]
    stacks: dict[str, str]


@pytest.fixture(scope="module")
def deployed(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    """The GitHub deploy job, run once into a fresh account. The guard test starts from the
    assembly its synth step wrote instead of synthesizing again (a third of a minute)."""
    account = new_account(moto_endpoint)
    tmp = tmp_path_factory.mktemp("github-deploy")
    workspace = copy_checkout(tmp / "checkout")
    results = run_github_job("deploy", job_env(tmp, account), workspace)
    return Deployed(workspace, results, deployed_stacks(account))


def cdk_deploy_exclusively(app: Path, stack: str, env: dict[str, str], cwd: Path) -> None:
    deployed = subprocess.run(
        [str(CDK), "deploy", "--app", str(app), "--require-approval", "never", "--exclusively", stack],
        cwd=cwd,
        env={**env, "PATH": os.pathsep.join([str(BIN), env["PATH"]])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deployed.returncode == 0, deployed.stderr


def test_github_deploy_job_synthesizes_guards_deploys_and_verifies(deployed: Deployed) -> None:
    results, workspace = deployed.results, deployed.workspace
    assert {name: r.returncode if r else None for name, r in results.items()} == {
        "Install from the locks": 0,
        "Synthesize with the cdk-nag gate": 0,
        "Guard the caches against replacement": 0,
        "Deploy": 0,
        "Verify what was deployed": 2,  # moto: no caches behind the stacks (module docstring)
        "Publish the test report": 0,
    }
    manifest = json.loads((workspace / "cdk.out" / "manifest.json").read_text())
    assert {a for a, v in manifest["artifacts"].items() if v["type"] == "aws:cloudformation:stack"} == set(STACKS)
    guard = results["Guard the caches against replacement"]
    assert guard is not None
    assert guard.stderr.splitlines() == [
        f"note: {stack} is not deployed in {region} yet: nothing to compare" for stack, region in STACKS.items()
    ]
    assert deployed.stacks == STACKS
    verify = results["Verify what was deployed"]
    assert verify is not None
    assert_verify_reached_every_stack_with_caches(verify.stderr)
    assert (workspace / "step-summary.md").read_text().startswith("### elasticache-verify\n")


def test_github_guard_step_fails_the_job_on_a_replacement(
    deployed: Deployed, fresh_account: str, tmp_path: Path
) -> None:
    """A stack deployed with another replication group id: the synthesized template (the deploy
    job's synth step wrote it) would replace the group, and the guard step, run as the deploy job
    runs it, fails before the deploy."""
    workspace = deployed.workspace
    credentials = {**job_env(tmp_path, fresh_account), **assumed_role_credentials("us-east-1")}
    guard = next(
        s for s in github_steps("deploy") if isinstance(s, Step) and s.name == "Guard the caches against replacement"
    )
    # What was deployed before: the same assembly with another group id, deployed by the CLI (moto's
    # CreateStack fails on the template's Fn::GetStackOutput; a change set, as the CLI makes, does not).
    earlier = tmp_path / "cdk.earlier"
    shutil.copytree(workspace / "cdk.out", earlier)
    template_file = earlier / "ElastiCacheKit-ReplicationGroup.template.json"
    template = json.loads(template_file.read_text())
    (group,) = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    template["Resources"][group]["Properties"]["ReplicationGroupId"] = "orders-cache"
    template_file.write_text(json.dumps(template))
    cdk_deploy_exclusively(earlier, "ElastiCacheKit-ReplicationGroup", credentials, workspace)
    result = run_step(guard, credentials, workspace)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"BLOCKED  {group} (AWS::ElastiCache::ReplicationGroup) would be replaced: ReplicationGroupId: "
        '"orders-cache" -> "app-redis"; create-only property',
        "guard against stack ElastiCacheKit-ReplicationGroup in us-east-1: 1 change(s) would replace or "
        "delete a stateful cache, or make the update fail",
    ]
    # With the finding acknowledged, as the step's comment says, the step passes.
    script = guard.script.replace('--region "$region"', f'--region "$region" --allow {group}')
    assert run_step(replace(guard, script=script), credentials, workspace).returncode == 0


def test_gitlab_deploy_job_assumes_the_role_from_its_id_token(
    fresh_account: str, workspace: Path, tmp_path: Path
) -> None:
    variables = gitlab_variables(tmp_path)
    step = gitlab_step("deploy", variables)
    assert "AWS_ACCESS_KEY_ID" not in step.env
    assert step.env["AWS_ROLE_ARN"] == variables["AWS_DEPLOY_ROLE_ARN"]
    result = run_step(step, job_env(tmp_path, fresh_account), workspace)
    # Every line ran up to the verify loop, which moto cannot satisfy (module docstring).
    assert result.returncode == 2, result.stdout + result.stderr
    token_file = tmp_path / ".aws-web-identity-token-4242"
    assert token_file.read_text() == variables["AWS_ID_TOKEN"]
    assert deployed_stacks(fresh_account) == STACKS
    assert (workspace / "reports" / "checked-stacks.txt").read_text().splitlines() == [
        f"{stack} {region} cdk.out/{stack}.template.json"
        for stack, region in STACKS.items()
        if stack not in WITHOUT_CACHES
    ]
    assert_verify_reached_every_stack_with_caches(result.stderr)


@pytest.fixture
def fleet(moto_endpoint: str) -> dict[str, str]:
    """Replication groups in both regions: two that can fail over, one that cannot."""
    reset(moto_endpoint.replace("localhost", "127.0.0.1"))
    groups = {
        "secure-east": ("us-east-1", "secure"),
        "no-failover-east": ("us-east-1", "no-failover"),
        "secure-west": ("us-west-2", "secure"),
    }
    for region in ("us-east-1", "us-west-2"):
        build_network(
            client("ec2", moto_endpoint, region), client("elasticache", moto_endpoint, region), zones_of(region)
        )
    for group_id, (region, variant) in groups.items():
        create_group(client("elasticache", moto_endpoint, region), group_id, VARIANT[variant])
    return {group_id: region for group_id, (region, _) in groups.items()}


def junit_statuses(report: Path) -> dict[tuple[str, str], str]:
    """(suite, check) -> the outcome element's tag, or "pass"."""
    statuses = {}
    for suite in ET.parse(report).getroot().findall("testsuite"):
        for case in suite.findall("testcase"):
            outcome = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "pass")
            statuses[(suite.get("name", ""), case.get("name", ""))] = outcome
    return statuses


def assert_fleet_checked(reports: Path, fleet: dict[str, str]) -> None:
    statuses = junit_statuses(reports / "fleet.xml")
    groups = {name.split("/")[-1] for name, _ in statuses if "/replication-group/" in name}
    assert groups == set(fleet)
    assert statuses[(f"{ACCOUNT}/us-east-1/replication-group/no-failover-east", "automatic-failover")] == "failure"
    assert statuses[(f"{ACCOUNT}/us-west-2/replication-group/secure-west", "automatic-failover")] == "pass"


def assert_every_group_drilled(output: str) -> None:
    """Each group of both regions asked for its plan (refused on moto: module docstring)."""
    refusals = [line for line in output.splitlines() if line.startswith("refused: ")]
    assert sorted(refusals) == [
        *["refused: DescribeEvents: the endpoint's answer is not an AWS API response (it could not be parsed)"] * 2,
        "refused: replication group no-failover-east: AutomaticFailover is disabled",
    ]


def test_github_fleet_job_checks_every_region_and_plans_drills(
    fleet: dict[str, str], moto_endpoint: str, workspace: Path, tmp_path: Path
) -> None:
    results = run_github_job("fleet", job_env(tmp_path, moto_endpoint), workspace)
    outcome = {name: r.returncode if r else None for name, r in results.items()}
    # A failing check and a refused drill each fail the job; the drill and the report still run.
    assert outcome == {
        "Install from the locks": 0,
        "Check the fleet": 1,
        "Failover drill dry run": 1,
        "Publish the test report": 0,
    }
    drill = results["Failover drill dry run"]
    assert drill is not None
    assert_every_group_drilled(drill.stderr)
    assert_fleet_checked(workspace / "reports", fleet)
    summary = (workspace / "step-summary.md").read_text()
    assert "| failure | 123456789012/us-east-1/replication-group/no-failover-east | automatic-failover |" in summary


@pytest.mark.parametrize("job", ["fleet-checks", "fleet-drill-plan"])
def test_gitlab_fleet_jobs_run_on_the_read_only_role(
    job: str, fleet: dict[str, str], moto_endpoint: str, workspace: Path, tmp_path: Path
) -> None:
    step = gitlab_step(job, gitlab_variables(tmp_path))
    assert step.env["AWS_ROLE_ARN"].endswith(":role/elasticache-readonly")
    result = run_step(step, job_env(tmp_path, moto_endpoint), workspace)
    assert result.returncode == 1, result.stderr
    reports = workspace / "reports"
    if job == "fleet-checks":
        assert {p.name for p in reports.iterdir()} == {"fleet.xml"}
        assert_fleet_checked(reports, fleet)
    else:
        listed = (reports / "replication-groups.txt").read_text().splitlines()
        assert sorted(listed) == sorted(f"{group} {region}" for group, region in fleet.items())
        assert_every_group_drilled(result.stderr)
