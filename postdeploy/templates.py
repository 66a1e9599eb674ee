"""CloudFormation templates from a file or from a deployed stack, JSON or YAML.

YAML (with its short intrinsic tags such as ``!Ref``) is read with cfn-lint's own decoder, the
one the replacement guard's schemas come from; JSON needs nothing but the standard library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from postdeploy.aws import Aws, RequestError


class TemplateError(Exception):
    """A template cannot be read or parsed (exit code 2)."""


def parse(text: str, where: str) -> dict[str, Any]:
    """A template from its JSON or YAML text; ``where`` names it in errors."""
    try:
        document = json.loads(text)
    except ValueError:
        document = _yaml(text, where)
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"{where} is not a CloudFormation template (no Resources section)")
    return document


def _yaml(text: str, where: str) -> Any:
    try:
        from cfnlint.decode import decode_str  # type: ignore[import-untyped]  # only YAML needs it
    except ImportError as error:  # pragma: no cover - cfn-lint is installed with the toolkit's tests
        raise TemplateError(f"{where} is not JSON, and reading YAML needs cfn-lint (pip install cfn-lint)") from error
    document, problems = decode_str(text)
    if document is None:
        reason = problems[0].message if problems else "unreadable"
        raise TemplateError(f"cannot parse {where}: {reason}")
    # cfn-lint's nodes remember line numbers; plain dicts and lists are all that is needed here.
    return json.loads(json.dumps(document))


def from_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as error:
        raise TemplateError(f"cannot read template {path}: {error.strerror or error}") from error
    return parse(text, f"template {path}")


def deployed(aws: Aws, stack: str, region: str) -> dict[str, Any]:
    """The template stack ``stack`` was last deployed with (CloudFormation GetTemplate)."""
    try:
        body = aws.deployed_template(stack, region)
    except RequestError as error:
        raise TemplateError(str(error)) from error
    where = f"the deployed template of stack {stack}"
    # botocore hands a JSON template over already decoded; a YAML one arrives as text.
    return parse(body, where) if isinstance(body, str) else parse(json.dumps(body), where)
