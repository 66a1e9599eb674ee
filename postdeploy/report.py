"""Results as a terminal table, JSON or JUnit XML, and the exit code they imply."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence

from postdeploy.model import Result, Status

STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2, Status.SKIP: 3}


def summary(results: Sequence[Result]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {status.value: counts.get(status, 0) for status in Status}


def exit_code(results: Sequence[Result], *, fail_on_error: bool) -> int:
    statuses = {r.status for r in results}
    return 1 if Status.FAIL in statuses or (fail_on_error and Status.ERROR in statuses) else 0


def to_json(results: Sequence[Result]) -> str:
    return json.dumps({"results": [r.as_dict() for r in results], "summary": summary(results)}, indent=2) + "\n"


def to_table(results: Sequence[Result]) -> str:
    ordered = sorted(
        results, key=lambda r: (STATUS_ORDER[r.status], r.region, r.resource_type.value, r.resource_id, r.check_id)
    )
    rows = [("STATUS", "SEVERITY", "REGION", "CHECK", "CONTROLS", "MESSAGE")] + [
        (r.status.value, r.severity.value, r.region, r.check_id, ",".join(r.controls) or "-", r.message)
        for r in ordered
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)) + "  " + row[5]
        for row in rows
    ]
    counts = summary(results)
    lines.append("")
    lines.append(", ".join(f"{count} {status}" for status, count in counts.items()) + f" ({len(results)} results)")
    return "\n".join(lines) + "\n"


def to_junit(results: Sequence[Result]) -> str:
    """One test suite per resource, one test case per check: FAIL as failure, ERROR as error."""
    counts = summary(results)
    root = ET.Element(
        "testsuites",
        name="elasticache-verify",
        tests=str(len(results)),
        failures=str(counts["FAIL"]),
        errors=str(counts["ERROR"]),
        skipped=str(counts["SKIP"]),
    )
    suites: dict[tuple[str, str, str], list[Result]] = {}
    for result in results:
        suites.setdefault((result.region, result.resource_type.value, result.resource_id), []).append(result)
    for (region, kind, resource_id), members in suites.items():
        suite_counts = summary(members)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{region}/{kind}/{resource_id}",
            tests=str(len(members)),
            failures=str(suite_counts["FAIL"]),
            errors=str(suite_counts["ERROR"]),
            skipped=str(suite_counts["SKIP"]),
        )
        for result in members:
            case = ET.SubElement(suite, "testcase", classname=f"{kind}.{resource_id}", name=result.check_id)
            detail = {"severity": result.severity.value, "controls": ",".join(result.controls)}
            if result.status is Status.FAIL:
                ET.SubElement(case, "failure", message=result.message, type=result.severity.value).text = json.dumps(
                    detail
                )
            elif result.status is Status.ERROR:
                ET.SubElement(case, "error", message=result.message)
            elif result.status is Status.SKIP:
                ET.SubElement(case, "skipped", message=result.message)
            else:
                ET.SubElement(case, "system-out").text = result.message
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


RENDERERS = {"table": to_table, "json": to_json, "junit": to_junit}
