"""The accounts and regions a run covers: the caller's account or one per assumed role, and the
given regions or every region EC2 says is enabled for the account.

An account that cannot be entered (AssumeRole refused) or whose regions cannot be listed is not
silently dropped: it becomes an ERROR result that names it, which fails the run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from postdeploy.aws import ROLE_ARN, Aws, FatalAwsError, RequestError, guarded, known_regions
from postdeploy.model import ASSUME_ROLE_CHECK, ResourceKind, Result
from postdeploy.runner import Account, unlisted


class ScopeError(Exception):
    """A region or role ARN the user gave is not valid (exit code 2)."""


@dataclass(frozen=True)
class Scope:
    accounts: tuple[Account, ...]
    errors: tuple[Result, ...] = field(default=())


def check_regions(regions: Iterable[str]) -> tuple[str, ...]:
    """The regions as given, refused when botocore knows no ElastiCache endpoint for one (a typo
    would otherwise be 'checked' and found empty)."""
    regions = tuple(dict.fromkeys(regions))
    unknown = [r for r in regions if r not in known_regions()]
    if unknown:
        raise ScopeError(f"unknown region {', '.join(unknown)}: not an ElastiCache region botocore knows")
    return regions


def read_role_arns(given: Iterable[str], files: Iterable[Path]) -> tuple[str, ...]:
    """Role ARNs from the command line and from files (one a line; blank lines and # comments skipped)."""
    arns = list(given)
    for path in files:
        try:
            lines = path.read_text().splitlines()
        except OSError as error:
            raise ScopeError(f"cannot read role ARNs from {path}: {error.strerror or error}") from error
        arns += [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]
    malformed = [arn for arn in arns if not ROLE_ARN.match(arn)]
    if malformed:
        raise ScopeError(f"not an IAM role ARN: {', '.join(malformed)} (arn:aws:iam::123456789012:role/NAME)")
    return tuple(dict.fromkeys(arns))


def resolve(base: Aws, *, regions: tuple[str, ...], all_regions: bool, role_arns: tuple[str, ...]) -> Scope:
    """The accounts and regions to check; ``base`` acts for the caller and assumes the roles."""
    home = regions[0] if regions else base.default_region
    if home is None:
        raise FatalAwsError("no AWS region: pass --region or set AWS_REGION")
    check_regions([home])
    errors: list[Result] = []
    sessions: list[Aws] = []
    if not role_arns:
        base.identify(home)
        sessions.append(base)
    for arn in role_arns:
        try:
            sessions.append(base.assume(arn, home))
        except RequestError as error:
            account = ROLE_ARN.match(arn)
            account_id = account.group(1) if account else arn
            errors.append(
                replace(
                    unlisted(account_id, home, ResourceKind.ACCOUNT, account_id, f"account {account_id}: {error}"),
                    check_id=ASSUME_ROLE_CHECK,
                    title="Assume the role in the account",
                )
            )
    accounts = []
    for aws in sessions:
        if not all_regions:
            accounts.append(Account(aws, regions or (home,)))
            continue
        try:
            accounts.append(Account(aws, enabled_regions(aws, home)))
        except RequestError as error:
            reason = f"account {aws.account_id}: regions not listed: {error}"
            errors.append(unlisted(aws.account_id, home, ResourceKind.ACCOUNT, aws.account_id, reason))
    return Scope(tuple(accounts), tuple(errors))


def enabled_regions(aws: Aws, home: str) -> tuple[str, ...]:
    """The regions enabled for the account (EC2 DescribeRegions answers with exactly those)."""
    answer = guarded(f"EC2 DescribeRegions in {home}", lambda: aws.client("ec2", home).describe_regions())
    return tuple(sorted(region["RegionName"] for region in answer["Regions"]))
