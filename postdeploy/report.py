"""Results as a terminal table, JSON or JUnit XML, and the exit code they imply."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence

from postdeploy.model import UNLISTED_CHECKS, Result, Severity, Status

STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2, Status.SKIP: 3}
SEVERITY_ORDER = {severity: index for index, severity in enumerate(Severity)}
DEFAULT_WIDTH = 120
MIN_MESSAGE_WIDTH = 40
DETAIL_INDENT = 4


def summary(results: Sequence[Result]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {status.value: counts.get(status, 0) for status in Status}


def summary_line(results: Sequence[Result]) -> str:
    counts = summary(results)
    return ", ".join(f"{count} {status}" for status, count in counts.items()) + f" ({len(results)} results)"


def exit_code(results: Sequence[Result], *, fail_on_error: bool) -> int:
    """1 when a check failed, something could not be listed, or a check could not read what it
    looks at (or, with ``fail_on_error``, any check could not run); 0 otherwise. Nothing that was
    not looked at passes."""
    statuses = {r.status for r in results}
    unlisted = any(r.status is Status.ERROR and (r.check_id in UNLISTED_CHECKS or r.unread) for r in results)
    failing = Status.FAIL in statuses or unlisted or (fail_on_error and Status.ERROR in statuses)
    return 1 if failing else 0


def ordered(results: Sequence[Result]) -> list[Result]:
    """Failures first, the most severe first, then by where they are."""
    return sorted(
        results,
        key=lambda r: (
            STATUS_ORDER[r.status],
            SEVERITY_ORDER[r.severity],
            r.account,
            r.region,
            r.resource,
            r.check_id,
        ),
    )


def to_json(results: Sequence[Result]) -> str:
    return json.dumps({"results": [r.as_dict() for r in results], "summary": summary(results)}, indent=2) + "\n"


def _table_message(result: Result) -> str:
    """The message without the resource's name in front: the RESOURCE column carries it."""
    prefix = f"{result.resource_type.label} {result.resource_id}: "
    return result.message.removeprefix(prefix)


def to_table(results: Sequence[Result], width: int = DEFAULT_WIDTH) -> str:
    """One row per result, no line wider than ``width`` (unless a URL or ARN alone is wider); FAIL
    and ERROR rows are followed by what to do and where the definition is. Account and region get
    columns only when the results span several; otherwise the first line names them."""
    rows = ordered(results)
    accounts = sorted({r.account for r in rows})
    regions = sorted({r.region for r in rows})
    columns: list[tuple[str, Callable[[Result], str]]] = [
        ("STATUS", lambda r: r.status.value),
        ("SEVERITY", lambda r: r.severity.value),
    ]
    if len(accounts) > 1:
        columns.append(("ACCOUNT", lambda r: r.account))
    if len(regions) > 1:
        columns.append(("REGION", lambda r: r.region))
    columns += [("RESOURCE", lambda r: r.resource), ("CHECK", lambda r: r.check_id)]
    widths = [max(len(title), *(len(cell(r)) for r in rows)) for title, cell in columns]
    indent = sum(widths) + 2 * len(widths)
    # Too little room beside the columns: each message goes under its row instead.
    inline = width - indent >= MIN_MESSAGE_WIDTH
    message_indent = indent if inline else DETAIL_INDENT
    lines = []
    if rows and (len(accounts) == 1 or len(regions) == 1):
        lines.append(_scope_line(accounts, regions))
    lines.append((_cells([title for title, _ in columns], widths) + ("MESSAGE" if inline else "")).rstrip())
    for result in rows:
        wrapped = textwrap.wrap(
            _table_message(result), width - message_indent, break_long_words=False, break_on_hyphens=False
        ) or [""]
        row = _cells([cell(result) for _, cell in columns], widths)
        lines += [row + wrapped.pop(0)] if inline else [row.rstrip()]
        lines += [" " * message_indent + rest for rest in wrapped]
        # The fix is for what a check found wrong; an ERROR of a check says only why it could not
        # judge, and the remediation of the resource would mislead there. Listing and role errors
        # carry their own fix (read access, retries).
        if result.status is Status.FAIL or (result.status is Status.ERROR and result.check_id in UNLISTED_CHECKS):
            lines += textwrap.wrap(
                f"fix: {result.remediation}",
                width,
                initial_indent=" " * DETAIL_INDENT,
                subsequent_indent=" " * (DETAIL_INDENT + 5),
            )
            if result.reference:
                lines.append(" " * DETAIL_INDENT + f"see: {result.reference}")
    lines += ["", summary_line(results)]
    return "\n".join(lines) + "\n"


def _scope_line(accounts: list[str], regions: list[str]) -> str:
    parts = []
    if len(accounts) == 1:
        parts.append(f"account {accounts[0]}")
    if len(regions) == 1:
        parts.append(f"region {regions[0]}")
    return ", ".join(parts)


def _cells(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "".join(cell.ljust(w) + "  " for cell, w in zip(cells, widths, strict=True))


def _details(result: Result) -> str:
    lines = [
        f"severity: {result.severity.value}",
        f"controls: {', '.join(result.controls) or '-'}",
        f"remediation: {result.remediation}",
    ]
    if result.reference:
        lines.append(f"reference: {result.reference}")
    return "\n".join(lines)


def to_junit(results: Sequence[Result]) -> str:
    """One test suite per resource, one test case per check: FAIL as failure, ERROR as error,
    each with the remediation and the link to the definition as its text."""
    counts = summary(results)
    root = ET.Element(
        "testsuites",
        name="elasticache-verify",
        tests=str(len(results)),
        failures=str(counts["FAIL"]),
        errors=str(counts["ERROR"]),
        skipped=str(counts["SKIP"]),
    )
    suites: dict[tuple[str, str, str, str], list[Result]] = {}
    for result in results:
        key = (result.account, result.region, result.resource_type.value, result.resource_id)
        suites.setdefault(key, []).append(result)
    for (account, region, kind, resource_id), members in suites.items():
        suite_counts = summary(members)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{account}/{region}/{kind}/{resource_id}",
            tests=str(len(members)),
            failures=str(suite_counts["FAIL"]),
            errors=str(suite_counts["ERROR"]),
            skipped=str(suite_counts["SKIP"]),
        )
        for result in members:
            case = ET.SubElement(suite, "testcase", classname=f"{kind}.{resource_id}", name=result.check_id)
            if result.status is Status.FAIL:
                ET.SubElement(case, "failure", message=result.message, type=result.severity.value).text = _details(
                    result
                )
            elif result.status is Status.ERROR:
                ET.SubElement(case, "error", message=result.message).text = _details(result)
            elif result.status is Status.SKIP:
                ET.SubElement(case, "skipped", message=result.message)
            else:
                ET.SubElement(case, "system-out").text = result.message
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


RENDERERS: dict[str, Callable[[Sequence[Result]], str]] = {"table": to_table, "json": to_json, "junit": to_junit}
