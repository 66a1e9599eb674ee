"""Regenerate the data files under ``facts/data`` from the installed cfn-lint package.

    python -m constructs_lib.facts.refresh        # or: make facts

cfn-lint's maintainers regenerate its node-type lists from the AWS pricing API
(``update_specs_from_pricing``); we copy them rather than type them, and
``tests/constructs_lib/test_facts.py`` fails when the copy and the installed cfn-lint disagree.
cfn-lint is a development dependency only: the library reads the copy, never cfn-lint.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
NODE_TYPES = DATA / "node_types.json"


def node_types_from_cfn_lint() -> dict[str, Any]:
    """The per-region node types of cfn-lint's E3647 rule, and where they came from."""
    import cfnlint  # type: ignore[import-untyped]  # a development tool, imported only to regenerate
    from cfnlint.version import __version__  # type: ignore[import-untyped]

    schemas = resources.files(cfnlint).joinpath("data", "schemas")
    enum = json.loads(
        schemas.joinpath("extensions", "aws_elasticache_cachecluster", "cachenodetype_enum.json").read_text()
    )
    schema_date = json.loads(schemas.joinpath("version.json").read_text())["schema_date"]
    return {
        "source": f"cfn-lint {__version__} cfnlint/data/schemas/extensions/aws_elasticache_cachecluster/"
        "cachenodetype_enum.json (rule E3647, from the AWS pricing API)",
        "schema_date": schema_date,
        "regions": {region: sorted(spec["enum"]) for region, spec in sorted(enum.items()) if isinstance(spec, dict)},
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def main() -> int:
    NODE_TYPES.write_text(render(node_types_from_cfn_lint()))
    print(f"wrote {NODE_TYPES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
