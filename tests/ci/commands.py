"""Whether a command the recipes call exists as called: the make target (and what `make -n` turns
it into), the cdk subcommand and its options, the elasticache-verify subcommand and its options, the
helper script. Each function returns the problems found, empty when there are none."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import click

from postdeploy.cli import main as verify_cli
from tests.ci.recipes import project_commands
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"


def clean_env() -> dict[str, str]:
    """The environment without what an enclosing `make test` passes to sub-makes, with the venv's
    Node.js first on PATH for the cdk CLI."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    return env


def problems(command: list[str], checkout: Path) -> list[str]:
    program, args = command[0], command[1:]
    if program == "make":
        return make_problems(args, checkout)
    if program == "cdk":
        return cdk_problems(args)
    if program == "elasticache-verify":
        return verify_problems(args)
    if not (checkout / args[0]).is_file():
        return [f"no script {args[0]}"]
    return []


def make_problems(args: list[str], checkout: Path) -> list[str]:
    """`make -n` of the targets: an unknown target fails it; the commands it prints are checked in turn."""
    result = subprocess.run(
        ["make", "-n", *args], cwd=checkout, env=clean_env(), capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        return [f"make {' '.join(args)}: {result.stderr.strip()}"]
    found = []
    for command in project_commands(result.stdout):
        found += problems(command, checkout)
    return found


@functools.cache
def cdk_help(subcommand: str | None) -> str:
    argv = [str(CDK), *([subcommand] if subcommand else []), "--help"]
    return subprocess.run(argv, env=clean_env(), capture_output=True, text=True, timeout=120, check=True).stdout


def cdk_problems(args: list[str]) -> list[str]:
    subcommand = next((a for a in args if not a.startswith("-")), None)
    if subcommand is None:
        return ["cdk without a subcommand"]
    if not re.search(rf"^  cdk {re.escape(subcommand)}\b", cdk_help(None), re.MULTILINE):
        return [f"cdk has no subcommand {subcommand}"]
    known = set(re.findall(r"^\s+(--[\w-]+)", cdk_help(subcommand), re.MULTILINE))
    known |= set(re.findall(r"^\s+--[\w-]+, (--[\w-]+)", cdk_help(subcommand), re.MULTILINE))
    found = []
    for arg in args:
        if not arg.startswith("--"):
            continue
        name = arg.split("=", 1)[0]
        negated = "--" + name.removeprefix("--no-")
        if name not in known and negated not in known:
            found.append(f"cdk {subcommand} has no option {name}")
    return found


def verify_problems(args: list[str]) -> list[str]:
    assert isinstance(verify_cli, click.Group)
    subcommand = args[0] if args and not args[0].startswith("-") else "check"
    command = verify_cli.commands.get(subcommand)
    if command is None:
        return [f"elasticache-verify has no subcommand {subcommand}"]
    known = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    return [
        f"elasticache-verify {subcommand} has no option {arg.split('=', 1)[0]}"
        for arg in args
        if arg.startswith("-") and arg.split("=", 1)[0] not in known
    ]
