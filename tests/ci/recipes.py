"""The CI recipes of examples/ci read as their CI services read them: jobs, steps and scripts, the
environment each step gets, and the project commands (make, cdk, elasticache-verify, our helper
scripts) that the scripts call."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"
PROJECT_COMMANDS = frozenset({"make", "cdk", "elasticache-verify"})
# Words that separate one simple command from the next in the scripts' shell.
CONTROL = frozenset({";", "&&", "||", "|", "&", "(", ")", "do", "done", "then", "else", "fi", "while", "if", "!"})
REDIRECTIONS = frozenset({">", ">>", "<", "2>", "2>&1"})
# GitHub expressions the recipes use in `env:`: a repository variable with a default. Variables are
# unset here, as in a fresh repository, so the default applies.
VARIABLE_WITH_DEFAULT = re.compile(r"^\$\{\{\s*vars\.\w+\s*\|\|\s*'([^']*)'\s*\}\}$")


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict)
    return document


@dataclass(frozen=True)
class Step:
    """One shell step: a GitHub `run:` or a GitLab job's before_script and script, as one script."""

    job: str
    name: str
    script: str
    env: dict[str, str] = field(default_factory=dict)
    condition: str | None = None
    """GitHub's `if:`; without one, a step runs only while every step before it succeeded."""


def github_expression(value: Any) -> str:
    text = str(value)
    if "${{" not in text:
        return text
    match = VARIABLE_WITH_DEFAULT.match(text)
    assert match, f"no stand-in for the expression {text!r}"
    return match.group(1)


def github_steps(job: str) -> list[Step | dict[str, Any]]:
    """The job's steps in order: a Step for each `run:`, the step itself for each `uses:`."""
    workflow = load(GITHUB)
    definition = workflow["jobs"][job]
    env = {k: github_expression(v) for k, v in {**workflow.get("env", {}), **definition.get("env", {})}.items()}
    steps: list[Step | dict[str, Any]] = []
    for step in definition["steps"]:
        if "run" in step:
            step_env = {**env, **{k: github_expression(v) for k, v in step.get("env", {}).items()}}
            steps.append(Step(job, step.get("name", step["run"]), step["run"], step_env, step.get("if")))
        else:
            steps.append(step)
    return steps


def gitlab_job(name: str) -> dict[str, Any]:
    """A job with its `extends` merged as GitLab merges them: hashes deeply, everything else replaced."""
    document = load(GITLAB)

    def merged(job: dict[str, Any]) -> dict[str, Any]:
        parents = job.get("extends", [])
        result: dict[str, Any] = {}
        for parent in [parents] if isinstance(parents, str) else parents:
            result = deep_merge(result, merged(document[parent]))
        return deep_merge(result, {k: v for k, v in job.items() if k != "extends"})

    return merged(document[name])


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def gitlab_jobs() -> list[str]:
    """Every job GitLab would run: top-level keys that are not keywords or hidden (.name) templates."""
    keywords = {"image", "stages", "variables", "default", "include", "workflow", "services", "cache"}
    return [k for k in load(GITLAB) if k not in keywords and not k.startswith(".")]


def gitlab_step(name: str, ci_variables: Mapping[str, str]) -> Step:
    """A job's before_script and script as the one shell script the runner makes of them, with its
    variables expanded the way GitLab expands them (against the global, job and ``ci_variables``)."""
    document = load(GITLAB)
    job = gitlab_job(name)
    env = dict(ci_variables)
    for key, value in {**document.get("variables", {}), **job.get("variables", {})}.items():
        env[key] = expand(str(value), env)
    lines = [*job.get("before_script", []), *job["script"]]
    return Step(name, name, "\n".join(lines), env)


def expand(value: str, env: Mapping[str, str], unknown: str | None = "") -> str:
    """``value`` with $NAME and ${NAME} replaced from ``env``; names not in it become ``unknown``,
    or stay as the bare name when ``unknown`` is None (a stand-in for a loop variable)."""
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(1) if unknown is None else unknown), value)


def scripts() -> Iterator[tuple[str, str]]:
    """(where, script) for every shell script of both recipes."""
    for job, definition in load(GITHUB)["jobs"].items():
        for step in definition["steps"]:
            if "run" in step:
                yield f"github-actions.yml {job}: {step.get('name', '')}", step["run"]
    for job in gitlab_jobs():
        definition = gitlab_job(job)
        for line in [*definition.get("before_script", []), *definition["script"]]:
            yield f"gitlab-ci.yml {job}", line


def simple_commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script, as words, without assignments and redirections."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        words: list[str] = []
        skip_next = False
        for token in lexer:
            if skip_next:
                skip_next = False
            elif token in REDIRECTIONS:
                skip_next = True
            elif token in CONTROL:
                if words:
                    yield words
                words = []
            elif not words and re.match(r"^\w+=", token):
                continue
            else:
                words.append(token)
        if words:
            yield words


def project_commands(script: str) -> Iterator[list[str]]:
    """The commands of ``script`` that run this project's code: make, cdk, elasticache-verify and
    the helper scripts of examples/ci (by any path, .venv/bin/... included)."""
    for words in simple_commands(script):
        program = os.path.basename(words[0])
        if program in PROJECT_COMMANDS or (program.startswith("python") and words[1:2] and is_helper(words[1])):
            yield [program, *words[1:]]


def is_helper(path: str) -> bool:
    return path.startswith("examples/ci/")
