"""Identifier rules of ElastiCache resources, each with its source.

ElastiCache stores most identifiers lower-case; a rule's ``allowed`` text is what error messages
print as "what is allowed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NameRule:
    allowed: str
    pattern: re.Pattern[str]
    max_length: int | None
    source: str
    no_double_hyphen: bool = False
    no_trailing_hyphen: bool = False

    def accepts(self, name: object) -> bool:
        if not isinstance(name, str) or not name or not self.pattern.fullmatch(name):
            return False
        if self.max_length is not None and len(name) > self.max_length:
            return False
        if self.no_double_hyphen and "--" in name:
            return False
        return not (self.no_trailing_hyphen and name.endswith("-"))


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_IDENTIFIER_TEXT = (
    "1-{n} letters, digits or hyphens, starting with a letter, not ending with a hyphen and without two "
    "consecutive hyphens"
)


def _identifier(max_length: int, source: str) -> NameRule:
    return NameRule(
        _IDENTIFIER_TEXT.format(n=max_length),
        _IDENTIFIER,
        max_length,
        source,
        no_double_hyphen=True,
        no_trailing_hyphen=True,
    )


REPLICATION_GROUP_ID = _identifier(40, "[API:CreateReplicationGroup] ReplicationGroupId")
CACHE_CLUSTER_ID = _identifier(50, "[API:CreateCacheCluster] CacheClusterId")
PARAMETER_GROUP_NAME = _identifier(255, "[API:CreateCacheParameterGroup] CacheParameterGroupName")
SUBNET_GROUP_NAME = NameRule(
    "1-255 letters, digits or hyphens",
    re.compile(r"[A-Za-z0-9-]+"),
    255,
    "[API:CreateCacheSubnetGroup] CacheSubnetGroupName",
)
USER_ID = NameRule(
    "1-40 lower-case letters, digits or hyphens, starting with a letter",
    re.compile(r"[a-z][a-z0-9-]*"),
    40,
    "[S] User UserId pattern; 40 is our limit (ids we generate and accept stay short)",
)
USER_NAME = NameRule(
    "1-120 characters without spaces",
    re.compile(r"\S+"),
    120,
    "[S] User UserName min length 1; the 120 cap and no spaces are ours (an ACL user name cannot hold spaces)",
)
USER_GROUP_ID = NameRule(
    "1-40 lower-case letters, digits or hyphens, starting with a letter",
    re.compile(r"[a-z][a-z0-9-]*"),
    40,
    "[S] UserGroup UserGroupId pattern; 40 is our limit",
)
SERVERLESS_CACHE_NAME = NameRule(
    "1-40 lower-case letters, digits or single hyphens, starting with a letter and not ending with a hyphen",
    re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*"),
    40,
    "[S] ServerlessCacheSnapshot ServerlessCacheName pattern; [alpha] 40 characters",
)
SNAPSHOT_NAME = NameRule(
    "letters, digits or single hyphens, starting with a letter and not ending with a hyphen (at most 255)",
    re.compile(r"[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*"),
    255,
    "[alpha] FinalSnapshotName rule",
)
GLOBAL_DATASTORE_SUFFIX = NameRule(
    "letters and digits in groups joined by single hyphens, starting with a letter",
    re.compile(r"[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*"),
    None,
    "[S] GlobalReplicationGroup GlobalReplicationGroupId pattern",
)

AWS_REGION = NameRule(
    "an AWS region name such as eu-west-1",
    re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d"),
    None,
    "AWS region naming (docs.aws.amazon.com/global-infrastructure)",
)
AWS_ACCOUNT = NameRule("a 12-digit AWS account id", re.compile(r"\d{12}"), 12, "AWS account ids")
RESERVED_USER_IDS = frozenset({"default"})
"""ElastiCache's built-in user has the id ``default``; another user cannot take it."""

SECRET_NAME = NameRule(
    "1-512 letters, digits or /_+=.@- characters",
    re.compile(r"[A-Za-z0-9/_+=.@-]+"),
    512,
    "[API:secretsmanager CreateSecret] Name",
)


EC2_SECURITY_GROUP_DESCRIPTION = re.compile(r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]{0,255}")
"""[S] AWS::EC2::SecurityGroup GroupDescription: the characters EC2 accepts, at most 255."""


def safe_security_group_description(text: str) -> str:
    """``text`` with every character EC2 refuses replaced, cut to 255 characters."""
    cleaned = re.sub(r"[^a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]", "-", text)
    return cleaned[:255]
