"""Set-up benchmark: a fresh clone to its first finished `make synth`, with pip and with uv, side by side.

Each path starts with `git clone` of this repository's committed HEAD into a new temporary directory
and ends when `cdk synth` has written the templates. Caches start empty for both: pip runs with
--no-cache-dir, uv with a new UV_CACHE_DIR, npm with a new cache directory. Both install the same
packages, those of requirements/dev.txt, and the same aws-cdk CLI (npm ci):

* pip: what `make synth` ran before the move to uv (`python -m venv`, `pip install` of the
  requirements, which also compiles every module to bytecode, the editable install, npm ci and
  `cdk synth --quiet`), here with the hashed lock in place of the old requirements-dev.txt;
* uv: `make synth` as it is, run target by target so that the steps can be told apart.

A second `cdk synth` in each clone shows what later runs cost (not in the total).

    make bench               # or: .venv/bin/python -m bench --only install
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The interpreter .venv was made from: each clone makes its own virtual environment with it.
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
STEPS = ("git clone", "Python packages in .venv", "npm ci (aws-cdk CLI)", "first cdk synth")
NEXT = "second cdk synth"


@dataclass
class Setup:
    name: str
    commands: dict[str, list[list[str]]]
    seconds: dict[str, float] = field(default_factory=dict)


def pip_path() -> Setup:
    pip = [".venv/bin/python", "-m", "pip", "install", "--quiet", "--no-cache-dir"]
    return Setup(
        "pip (before)",
        {
            "Python packages in .venv": [
                [BASE_PYTHON, "-m", "venv", ".venv"],
                [*pip, "--require-hashes", "-r", "requirements/dev.txt"],
                [*pip, "--no-deps", "--no-build-isolation", "-e", "."],
            ],
            "npm ci (aws-cdk CLI)": [[".venv/bin/npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]],
            "first cdk synth": [["node_modules/.bin/cdk", "synth", "--quiet"]],
            NEXT: [["node_modules/.bin/cdk", "synth", "--quiet"]],
        },
    )


def uv_path() -> Setup:
    make = ["make", "--no-print-directory", f"PYTHON={BASE_PYTHON}"]
    return Setup(
        "uv (make synth)",
        {
            "Python packages in .venv": [[*make, ".venv/.installed"]],
            "npm ci (aws-cdk CLI)": [[*make, "node_modules/.installed"]],
            "first cdk synth": [[*make, "synth"]],
            NEXT: [[*make, "synth"]],
        },
    )


def clean_env(clone: Path, caches: Path) -> dict[str, str]:
    """The user's environment as a new shell has it: nothing of this checkout's .venv or make run,
    no AWS credentials (synthesis is offline), and empty caches of its own."""
    ours = {str(ROOT / ".venv" / "bin"), str(ROOT / "node_modules" / ".bin"), str(Path(sys.executable).parent)}
    path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry not in ours]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "CDK_", "UV_", "npm_config_", "MAKE", "MFLAGS", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=os.pathsep.join([str(clone / ".venv" / "bin"), str(clone / "node_modules" / ".bin"), *path]),
        UV_CACHE_DIR=str(caches / "uv"),
        # The Makefile installs uv with the interpreter's pip, which would otherwise use the user's cache.
        PIP_CACHE_DIR=str(caches / "pip"),
        npm_config_cache=str(caches / "npm"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return env


def measure(subject: Setup, workdir: Path) -> None:
    clone = workdir / "clone"
    env = clean_env(clone, workdir / "caches")
    commands = {"git clone": [["git", "clone", "--quiet", str(ROOT), str(clone)]], **subject.commands}
    for step, step_commands in commands.items():
        started = time.perf_counter()
        for command in step_commands:
            result = subprocess.run(
                command, cwd=clone if clone.exists() else workdir, env=env, capture_output=True, text=True
            )
            if result.returncode != 0:
                raise SystemExit(f"{subject.name}: {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        subject.seconds[step] = time.perf_counter() - started
    if not list((clone / "cdk.out").glob("*.template.json")):
        raise SystemExit(f"{subject.name}: cdk synth wrote no template")


def run() -> None:
    head = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"\nFresh clone to first `make synth`, empty caches, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"  clone of {head[:72]}")
    subjects = [pip_path(), uv_path()]
    loads = [os.getloadavg()[0]]
    for subject in subjects:
        with tempfile.TemporaryDirectory(prefix="bench-install-") as workdir:
            measure(subject, Path(workdir))
        loads.append(os.getloadavg()[0])
    print(f"  {'step':<36}" + "".join(f"{subject.name:>18}" for subject in subjects))
    for step in STEPS:
        print(f"  {step:<36}" + "".join(f"{subject.seconds[step]:>16.1f} s" for subject in subjects))
    totals = [sum(subject.seconds[step] for step in STEPS) for subject in subjects]
    print(f"  {'total: clone to first synth':<36}" + "".join(f"{total:>16.1f} s" for total in totals))
    print(f"  {NEXT + ' (not in the total)':<36}" + "".join(f"{s.seconds[NEXT]:>16.1f} s" for s in subjects))
    print(f"  uv path: {totals[0] / totals[1]:.1f} times as fast, {totals[0] - totals[1]:.0f} s saved")
    # Other work on the machine stretches both columns: above the number of CPUs, the figures are high.
    print("  1-minute load average at the start, after pip, after uv: " + ", ".join(f"{load:.1f}" for load in loads))
