"""The hooks of .pre-commit-hooks.yaml run by pre-commit itself (`pre-commit try-repo` against this
repository) in a throwaway git repository of the app, offline: PRE_COMMIT_HOME in a temporary
folder, proxies at a closed port. The hooks are `language: script`, so pre-commit installs nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ci.commands import BIN
from tests.ci.conftest import copy_checkout
from tests.conftest import ROOT

pytestmark = pytest.mark.cli

DEAD_PROXY = "http://127.0.0.1:9"
STACK = "ElastiCacheKit-ReplicationGroup"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--allow-empty", "-qm", message)


class App:
    """A CDK app's repository (this project's files, its own git history) and pre-commit to run in it."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "PRE_COMMIT_HOME": str(home / "pre-commit"),
            "HTTP_PROXY": DEAD_PROXY,
            "HTTPS_PROXY": DEAD_PROXY,
            "GIT_CONFIG_NOSYSTEM": "1",
        }

    def try_repo(self, hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "pre-commit"), "try-repo", str(ROOT), hook, "--all-files", "--verbose", "--color", "never"],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def deployed(self, template: dict[str, object]) -> None:
        """Commit ``template`` as the stack's template as deployed."""
        folder = self.root / "deployed-templates"
        folder.mkdir(exist_ok=True)
        (folder / f"{STACK}.template.json").write_text(json.dumps(template, indent=1))
        commit_all(self.root, "the templates as deployed")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> App:
    root = copy_checkout(tmp_path_factory.mktemp("app"))
    git(root, "init", "-q")
    commit_all(root, "the app")
    return App(root, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def synthesized(app: App) -> dict[str, object]:
    result = app.try_repo("cdk-synth")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cdk synth (our validation and the cdk-nag packs)" in result.stdout
    template: dict[str, object] = json.loads((app.root / "cdk.out" / f"{STACK}.template.json").read_text())
    return template


def test_the_manifest_declares_script_hooks_that_need_no_install() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [(h["id"], h["language"], h["pass_filenames"]) for h in hooks] == [
        ("cdk-synth", "script", False),
        ("elasticache-guard", "script", False),
    ]
    for hook in hooks:
        assert (ROOT / hook["entry"]).stat().st_mode & 0o111


def test_the_guard_hook_blocks_a_commit_that_replaces_a_deployed_cache(
    app: App, synthesized: dict[str, object]
) -> None:
    earlier = json.loads(json.dumps(synthesized))
    (group,) = [k for k, r in earlier["Resources"].items() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    earlier["Resources"][group]["Properties"]["ReplicationGroupId"] = "orders-cache"
    app.deployed(earlier)
    blocked = app.try_repo("elasticache-guard")
    assert blocked.returncode == 1
    assert (
        f'BLOCKED  {group} (AWS::ElastiCache::ReplicationGroup) would be replaced: ReplicationGroupId: "orders-cache" '
        '-> "app-redis"; create-only property'
    ) in blocked.stdout

    app.deployed(synthesized)
    passed = app.try_repo("elasticache-guard")
    assert passed.returncode == 0, passed.stdout
    assert (
        f"guard against deployed-templates/{STACK}.template.json: no stateful cache would be replaced" in passed.stdout
    )


def test_the_synth_hook_fails_the_commit_on_a_bad_setting(app: App, synthesized: dict[str, object]) -> None:
    cdk_json = app.root / "cdk.json"
    kept = cdk_json.read_text()
    settings = json.loads(kept)
    settings["context"]["replicas"] = 99
    cdk_json.write_text(json.dumps(settings, indent=2))
    commit_all(app.root, "too many replicas")
    try:
        result = app.try_repo("cdk-synth")
    finally:
        cdk_json.write_text(kept)
        commit_all(app.root, "back to the app's replicas")
    assert result.returncode == 1
    assert "error:" in result.stdout
    assert "replicas" in result.stdout


def test_without_deployed_templates_the_guard_says_how_to_start(app: App) -> None:
    shutil.rmtree(app.root / "deployed-templates", ignore_errors=True)
    commit_all(app.root, "no templates as deployed")
    result = app.try_repo("elasticache-guard")
    assert result.returncode == 1
    assert (
        "no deployed-templates/ folder of deployed templates: create it with cp cdk.out/*.template.json"
        in result.stdout
    )
