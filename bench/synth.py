"""Synthesis benchmark: the reference app against a hand-written L1-only app, side by side.

Two measurements, each in alternating order so that all apps see the same machine load:

* app process: each app runs as the aws-cdk CLI starts it (same context, same environment
  variables) but without the CLI, so the figures are the apps' own cost;
* cdk synth: the real CLI (`cdk synth --app ...`), which is what a user or CI waits for.

Reported: the median wall time and the median peak memory of the whole process tree (CLI,
Python and the jsii Node.js process), sampled every 5 ms with psutil.

    make bench               # or: .venv/bin/python -m bench --only synth --rounds 9
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"


@dataclass
class Subject:
    name: str
    script: Path
    extra_context: dict[str, object]
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    def reset(self) -> None:
        self.seconds.clear()
        self.peak_mb.clear()


def cli_context(**extra: object) -> dict[str, object]:
    """What `cdk synth` puts into CDK_CONTEXT_JSON for this project."""
    context: dict[str, object] = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update(json.loads((ROOT / "cdk.context.json").read_text()))
    context.update(
        {
            "aws:cdk:enable-path-metadata": True,
            "aws:cdk:enable-asset-metadata": True,
            "aws:cdk:version-reporting": True,
            "aws:cdk:bundling-stacks": ["**"],
            "@aws-cdk/core:failSynthOnValidationErrors": False,
        }
    )
    context.update(extra)
    return context


def base_env() -> dict[str, str]:
    """No AWS credentials or profile: synthesis is offline, as in CI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env.update(
        PATH=os.pathsep.join([str(BIN), env.get("PATH", "")]),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return env


def app_process(subject: Subject, outdir: str) -> tuple[list[str], dict[str, str]]:
    env = {
        **base_env(),
        "CDK_OUTDIR": outdir,
        "CDK_CONTEXT_JSON": json.dumps(cli_context(**subject.extra_context)),
        "CDK_DEFAULT_REGION": "us-east-1",
    }
    return [sys.executable, str(subject.script)], env


def cdk_synth(subject: Subject, outdir: str) -> tuple[list[str], dict[str, str]]:
    context = [arg for key, value in subject.extra_context.items() for arg in ("-c", f"{key}={value}".lower())]
    command = [
        str(CDK),
        "synth",
        "--quiet",
        "--no-notices",
        "--app",
        f"{sys.executable} {subject.script}",
        "-o",
        outdir,
    ]
    return [*command, *context], base_env()


def measure(subject: Subject, launch: Callable[[Subject, str], tuple[list[str], dict[str, str]]]) -> None:
    with tempfile.TemporaryDirectory() as outdir:
        command, env = launch(subject, outdir)
        started = time.perf_counter()
        process = psutil.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = 0
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.005)
        elapsed = time.perf_counter() - started
        stderr = process.stderr.read().decode() if process.stderr else ""
        if process.returncode != 0 or not list(Path(outdir).glob("*.template.json")):
            raise SystemExit(f"{subject.name} failed to synthesize:\n{stderr}")
        subject.seconds.append(elapsed)
        subject.peak_mb.append(peak / 2**20)


def report(title: str, subjects: list[Subject]) -> None:
    base_s, base_mb = statistics.median(subjects[0].seconds), statistics.median(subjects[0].peak_mb)
    print(f"\n{title}")
    print(f"  {'app':<44}{'wall s':>9}{'peak MB':>10}{'time ratio':>12}{'memory ratio':>14}")
    for subject in subjects:
        seconds, peak = statistics.median(subject.seconds), statistics.median(subject.peak_mb)
        print(f"  {subject.name:<44}{seconds:>9.2f}{peak:>10.0f}{seconds / base_s:>12.2f}{peak / base_mb:>14.2f}")


def run(rounds: int) -> None:
    subjects = [
        Subject("L1-only app (bench/l1_app.py)", ROOT / "bench" / "l1_app.py", {}),
        Subject("reference app, cdk-nag off (nag=false)", ROOT / "app.py", {"nag": False}),
        Subject("reference app as shipped (4 cdk-nag packs)", ROOT / "app.py", {}),
    ]
    print(f"Synthesis benchmark: median of {rounds} runs each, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for title, launch in (
        ("app process (CDK_OUTDIR, no CLI)", app_process),
        ("cdk synth (the aws-cdk CLI)", cdk_synth),
    ):
        measure(subjects[0], launch)  # warm-up: file cache and jsii's package cache; not counted
        for subject in subjects:
            subject.reset()
        for _ in range(rounds):
            for subject in subjects:
                measure(subject, launch)
        report(title, subjects)
