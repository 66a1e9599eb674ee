"""examples/consumer: a separate CDK app that uses constructs_lib as an installed package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.cli


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, result.stderr
    return result  # type: ignore[no-any-return]


def test_consumer_app_synthesizes_from_the_wheel(tmp_path: Path) -> None:
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(tmp_path / "dist"),
        str(ROOT),
    )
    (wheel,) = (tmp_path / "dist").glob("elasticache_cdk_kit-*.whl")
    site = tmp_path / "site"
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel))
    assert (site / "constructs_lib" / "py.typed").exists()

    # -S keeps site's .pth files (our editable install among them) out, so constructs_lib can only
    # come from the installed wheel; aws-cdk-lib still comes from the environment's site-packages.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]]),
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    probe = run(
        sys.executable, "-S", "-c", "import constructs_lib; print(constructs_lib.__file__)", env=env, cwd=tmp_path
    )
    assert probe.stdout.strip() == str(site / "constructs_lib" / "__init__.py")

    run(sys.executable, "-S", str(ROOT / "examples" / "consumer" / "app.py"), env=env, cwd=tmp_path)
    template = json.loads((tmp_path / "cdk.out" / "SessionStore.template.json").read_text())
    groups = [
        r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"
    ]
    (group,) = groups
    assert (group["Engine"], group["EngineVersion"], group["NumCacheClusters"]) == ("valkey", "9.0", 3)
    assert "PreferredCacheClusterAZs" not in group
    assert len(group["UserGroupIds"]) == 1
    subnet_group = next(r for r in template["Resources"].values() if r["Type"] == "AWS::ElastiCache::SubnetGroup")
    assert all("appSubnet" in ref["Ref"] for ref in subnet_group["Properties"]["SubnetIds"])
