"""The real tools, as a user's CI runs them: `cdk synth` with no AWS credentials, then cfn-lint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.cli

BIN = Path(sys.executable).parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"


def offline_env(tmp_path: Path) -> dict[str, str]:
    """The environment without any AWS credential or profile, and no shared config files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env.update(
        PATH=os.pathsep.join([str(BIN), env.get("PATH", "")]),
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return env


def cdk_synth(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "-o", str(tmp_path / "cdk.out"), *args],
        cwd=ROOT,
        env=offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )


def templates(out: Path) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text()) for p in sorted(out.glob("*.template.json"))}


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("synth")
    result = cdk_synth(tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "cdk.out"


STACKS = (
    "ElastiCacheKit-Network",
    "ElastiCacheKit-ReplicationGroup",
    "ElastiCacheKit-Sharded",
    "ElastiCacheKit-Serverless",
    "ElastiCacheKit-Memcached",
    "ElastiCacheKit-GlobalPrimary",
    "ElastiCacheKit-SecondaryNetwork",
    "ElastiCacheKit-GlobalSecondary",
)


def test_synth_writes_every_shape_clean_under_the_nag_packs(synthesized: Path) -> None:
    assert set(templates(synthesized)) == {f"{name}.template.json" for name in STACKS}
    report = json.loads((synthesized / "validation-report.json").read_text())
    packs = {plugin["pluginName"]: plugin for plugin in report["pluginReports"]}
    # A pack appears once it has something to say; PCI DSS has only acknowledged-free passes here.
    assert (
        {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"}
        <= set(packs)
        <= {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321"}
    )
    assert all(plugin["conclusion"] == "success" and plugin["violations"] == [] for plugin in packs.values())


def test_the_secondary_region_deploys_after_the_primary(synthesized: Path) -> None:
    """Stacks in two regions from one `cdk synth`; the dependency orders `cdk deploy --all`."""
    manifest = json.loads((synthesized / "manifest.json").read_text())["artifacts"]
    secondary = manifest["ElastiCacheKit-GlobalSecondary"]
    assert secondary["environment"] == "aws://unknown-account/us-west-2"
    assert manifest["ElastiCacheKit-GlobalPrimary"]["environment"] == "aws://unknown-account/us-east-1"
    assert {"ElastiCacheKit-GlobalPrimary", "ElastiCacheKit-SecondaryNetwork"} <= set(secondary["dependencies"])
    template = json.loads((synthesized / "ElastiCacheKit-GlobalSecondary.template.json").read_text())
    (group,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    assert group["Properties"]["GlobalReplicationGroupId"] == "ldgnf-elasticachekit-global"


def test_cfn_lint_finds_nothing(synthesized: Path) -> None:
    files = sorted(str(p) for p in synthesized.glob("*.template.json"))
    result = subprocess.run(
        [str(BIN / "cfn-lint"), "--config-file", str(ROOT / ".cfnlintrc.yaml"), "--", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_cfn_lint_would_report_a_token_from_a_parameter(tmp_path: Path, synthesized: Path) -> None:
    """The lint step can fail: an AuthToken passed as a template parameter is flagged (W1011)."""
    template = templates(synthesized)["ElastiCacheKit-ReplicationGroup.template.json"]
    template["Parameters"]["TokenParameter"] = {"Type": "String", "NoEcho": True}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ElastiCache::ReplicationGroup":
            resource["Properties"]["AuthToken"] = {"Ref": "TokenParameter"}
    broken = tmp_path / "broken.template.json"
    broken.write_text(json.dumps(template))
    result = subprocess.run(
        [str(BIN / "cfn-lint"), "--config-file", str(ROOT / ".cfnlintrc.yaml"), "--", str(broken)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "W1011" in result.stdout


def test_no_secret_in_any_template(synthesized: Path) -> None:
    """Credentials reach templates only as Secrets Manager dynamic references."""
    credentials = []
    for name, template in templates(synthesized).items():
        for logical_id, resource in template["Resources"].items():
            props = resource.get("Properties", {})
            if "AuthToken" in props:
                credentials.append((name, logical_id, props["AuthToken"]))
            for password in props.get("AuthenticationMode", {}).get("Passwords", []):
                credentials.append((name, logical_id, password))
    assert credentials, "the reference deployment's application user has a password"
    for _, _, credential in credentials:
        parts = credential["Fn::Join"][1]
        assert parts[0] == "{{resolve:secretsmanager:"
        assert parts[-1] in (":SecretString:::}}", ":SecretString:password::}}")
        assert all(isinstance(part, dict) for part in parts[1:-1]), "only references between the markers"


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("maxAzs=1", "[EC900] context: maxAzs must be a whole number from 2 to 6; got '1'"),
        (
            "vpcCidr=bogus",
            "[EC900] context: vpcCidr must be an IPv4 network from /16 to /27 (a /28 subnet in each of 2 zones), "
            "such as 10.0.0.0/16; got 'bogus'",
        ),
    ],
)
def test_invalid_setting_fails_synth_with_one_clear_message(tmp_path: Path, context: str, message: str) -> None:
    result = cdk_synth(tmp_path, "-c", context)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3, result.stderr
    assert not (tmp_path / "cdk.out" / "ElastiCacheKit-Network.template.json").exists()


def test_existing_vpc_synthesizes_offline_from_committed_lookup(tmp_path: Path) -> None:
    result = cdk_synth(
        tmp_path, "-c", "vpcId=vpc-0a1b2c3d4e5f60718", "-c", "account=123456789012", "-c", "region=eu-west-1"
    )
    assert result.returncode == 0, result.stderr
    written = templates(tmp_path / "cdk.out")
    assert "ElastiCacheKit-Network.template.json" not in written, "the user's VPC replaces the network stack"
    for name in ("ElastiCacheKit-ReplicationGroup.template.json", "ElastiCacheKit-Memcached.template.json"):
        resources = written[name]["Resources"].values()
        subnet_group = next(r for r in resources if r["Type"] == "AWS::ElastiCache::SubnetGroup")
        assert subnet_group["Properties"]["SubnetIds"][0] == "subnet-0b000000000000000"
