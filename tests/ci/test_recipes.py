"""The CI recipes as files: valid for their services' published schemas, pinned, credentials by
OIDC only, and every project command they call exists as called."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.ci.commands import BIN, problems
from tests.ci.recipes import GITHUB, GITLAB, github_steps, gitlab_job, gitlab_jobs, load, project_commands, scripts
from tests.conftest import ROOT

# (file, check-jsonschema's vendored schema for it, and the data transform GitLab files need for
# their YAML tags such as !reference).
SCHEMAS = [
    (GITHUB, ["--builtin-schema", "vendor.github-workflows"]),
    (GITLAB, ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci"]),
]
DEAD_PROXY = "http://127.0.0.1:9"


def check_jsonschema(path: Path, schema: list[str]) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with a schema it ships (--builtin-schema: nothing to download; neither has
    a remote $ref), and every proxy pointed at a closed port, so that any download would fail."""
    offline = {"HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY}
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--color", "never", *schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(BIN), **offline},
    )


@pytest.mark.parametrize(("path", "schema"), SCHEMAS, ids=["github", "gitlab"])
def test_recipes_match_their_published_schemas(path: Path, schema: list[str]) -> None:
    result = check_jsonschema(path, schema)
    assert (result.returncode, result.stdout.strip()) == (0, "ok -- validation done"), result.stdout + result.stderr


@pytest.mark.parametrize(("path", "schema"), SCHEMAS, ids=["github", "gitlab"])
def test_schema_validation_can_fail(path: Path, schema: list[str], tmp_path: Path) -> None:
    """A job with a misspelt key is rejected by the same command."""
    document = load(path)
    job = "synth"
    jobs = document["jobs"] if path == GITHUB else document
    jobs[job]["timeout_minutes"] = 5
    broken = tmp_path / path.name
    broken.write_text(json.dumps(document))
    result = check_jsonschema(broken, schema)
    assert result.returncode == 1, result.stdout
    assert "timeout_minutes" in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    uses = re.findall(r"uses: (\S+)(.*)", GITHUB.read_text())
    assert {action.split("@")[0] for action, _ in uses} == {
        "actions/checkout",
        "actions/setup-python",
        "aws-actions/configure-aws-credentials",
        "actions/upload-artifact",
    }
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{action}: no version comment"


def test_the_gitlab_image_names_a_patch_release() -> None:
    assert re.fullmatch(r"python:3\.\d+\.\d+-bookworm(@sha256:[0-9a-f]{64})?", load(GITLAB)["image"])


def test_aws_credentials_come_from_oidc_role_assumption_only() -> None:
    workflow = load(GITHUB)
    for name, job in workflow["jobs"].items():
        assuming = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert bool(assuming) == (job.get("permissions", {}).get("id-token") == "write"), name
        for step in assuming:
            assert set(step["with"]) == {"role-to-assume", "role-session-name", "aws-region"}
            assert step["with"]["role-to-assume"].startswith("${{ vars.")
    for job in gitlab_jobs():
        definition = gitlab_job(job)
        if "AWS_ROLE_ARN" in definition.get("variables", {}):
            assert definition["id_tokens"]["AWS_ID_TOKEN"] == {"aud": "sts.amazonaws.com"}
            assert definition["variables"]["AWS_WEB_IDENTITY_TOKEN_FILE"].startswith("$CI_BUILDS_DIR/")
    for text in (GITHUB.read_text(), GITLAB.read_text()):
        assert not re.search(r"AWS_(SECRET_)?ACCESS_KEY|secrets\.", text)


def test_deploying_jobs_hold_credentials_only_where_they_need_them() -> None:
    jobs = load(GITHUB)["jobs"]
    assert "id-token" not in jobs["synth"].get("permissions", {})
    assert load(GITHUB)["permissions"] == {"contents": "read"}
    assert "AWS_ROLE_ARN" not in gitlab_job("synth").get("variables", {})
    assert gitlab_job("deploy")["variables"]["AWS_ROLE_ARN"] == "$AWS_DEPLOY_ROLE_ARN"
    assert gitlab_job("fleet-checks")["variables"]["AWS_ROLE_ARN"] == "$AWS_READONLY_ROLE_ARN"


def test_the_default_stack_prefix_is_the_apps() -> None:
    prefix = json.loads((ROOT / "cdk.json").read_text())["context"]["stackPrefix"]
    assert load(GITLAB)["variables"]["STACK_PREFIX"] == prefix
    (synth_step,) = [s for s in github_steps("deploy") if getattr(s, "name", "") == "Synthesize with the cdk-nag gate"]
    assert not isinstance(synth_step, dict)
    assert synth_step.env["STACK_PREFIX"] == prefix


def test_run_steps_use_no_expressions() -> None:
    """Expressions expanded into a script are a script-injection risk; the steps read env instead."""
    for job in load(GITHUB)["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")


def test_the_recipes_call_the_project_commands_we_expect() -> None:
    called = {(c[0], c[1]) for _, script in scripts() for c in project_commands(script)}
    assert called == {
        ("make", "install"),
        ("make", "synth"),
        ("make", "deploy"),
        ("python", "examples/ci/targets.py"),
        ("python", "examples/ci/junit_summary.py"),
        ("elasticache-verify", "guard"),
        ("elasticache-verify", "check"),
        ("elasticache-verify", "failover-drill"),
    }


def test_every_project_command_exists_as_called(checkout: Path) -> None:
    found = {
        f"{where}: {' '.join(command)}: {problem}"
        for where, script in scripts()
        for command in project_commands(script)
        for problem in problems(command, checkout)
    }
    assert found == set()


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("make lint synthesize", "make lint synthesize: make: *** No rule to make target 'synthesize'.  Stop."),
        ('make deploy CDK_ARGS="--app cdk.out --approval never"', "cdk deploy has no option --approval"),
        ("cdk deploys --all", "cdk has no subcommand deploys"),
        ("elasticache-verify guard --template t.json --stacks S", "elasticache-verify guard has no option --stacks"),
        (".venv/bin/elasticache-verify inspect --stack S", "elasticache-verify has no subcommand inspect"),
        ("elasticache-verify --stack S --format junit --ouput r.xml", "elasticache-verify check has no option --ouput"),
        ("python examples/ci/target.py stacks cdk.out", "no script examples/ci/target.py"),
    ],
)
def test_a_command_that_does_not_exist_is_reported(checkout: Path, script: str, expected: str) -> None:
    (command,) = project_commands(script)
    assert problems(command, checkout) == [expected]


def test_commands_are_found_in_loops_pipes_and_redirections() -> None:
    script = (
        "status=0\n"
        'while read -r stack region; do X=1 .venv/bin/elasticache-verify check --stack "$stack" \\\n'
        '  --region "$region" > "reports/$stack.txt" || status=$?; done < list.txt\n'
        "echo done | make -n verify STACK=x  # a comment\n"
    )
    assert list(project_commands(script)) == [
        ["elasticache-verify", "check", "--stack", "$stack", "--region", "$region"],
        ["make", "-n", "verify", "STACK=x"],
    ]
