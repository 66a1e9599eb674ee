#!/usr/bin/env python3
"""Render JUnit reports as Markdown for a CI job summary, with no third-party action:

    python examples/ci/junit_summary.py reports/*.xml >> "$GITHUB_STEP_SUMMARY"

One row of totals per report, then every failure and error: the test suite (for elasticache-verify,
account/region/kind/resource), the test case (the check) and the message. Reports that are missing
or unreadable are listed as such instead of failing the step, so the summary still shows the rest.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

OUTCOMES = ("failure", "error")


def cell(text: str) -> str:
    """Text that stays in its Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def summarize(reports: Sequence[Path]) -> str:
    totals = ["| report | tests | failures | errors | skipped |", "|---|---|---|---|---|"]
    problems = ["| outcome | suite | case | message |", "|---|---|---|---|"]
    for report in reports:
        try:
            root = ET.parse(report).getroot()
        except (OSError, ET.ParseError) as error:
            totals.append(f"| `{report.name}` | unreadable: {cell(str(error))} | | | |")
            continue
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        counts = {
            key: sum(int(suite.get(key, "0")) for suite in suites) for key in ("tests", "failures", "errors", "skipped")
        }
        totals.append(
            f"| `{report.name}` | {counts['tests']} | {counts['failures']} | {counts['errors']} | {counts['skipped']} |"
        )
        for suite in suites:
            for case in suite.findall("testcase"):
                for outcome in OUTCOMES:
                    for element in case.findall(outcome):
                        problems.append(
                            f"| {outcome} | {cell(suite.get('name', ''))} | {cell(case.get('name', ''))} "
                            f"| {cell(element.get('message', ''))} |"
                        )
    lines = ["### elasticache-verify", "", *totals]
    if len(problems) > 2:
        lines += ["", *problems]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    reports = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    if not reports:
        print("usage: junit_summary.py REPORT.xml ...", file=sys.stderr)
        return 2
    sys.stdout.write(summarize(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
