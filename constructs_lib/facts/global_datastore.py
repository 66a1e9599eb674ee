"""Global Datastore: the id prefix of each primary region and the regions that take part.

A Global Datastore's id is ``<prefix>-<suffix>``, the prefix fixed by the region of the primary
[EC:Redis-Global-Datastores-CLI]. Regions missing here fail closed: we never guess a prefix.
"""

from __future__ import annotations

ID_PREFIXES = {
    "us-east-1": "ldgnf",
    "us-east-2": "fpkhr",
    "us-west-1": "virxk",
    "us-west-2": "sgaui",
    "ca-central-1": "bxodz",
    "ap-south-1": "erpgt",
    "ap-northeast-1": "quwsw",
    "ap-northeast-2": "lfqnh",
    "ap-northeast-3": "nlapn",
    "ap-southeast-1": "vlqxn",
    "ap-southeast-2": "vbgxd",
    "eu-central-1": "iudkw",
    "eu-west-1": "gxeiz",
    "eu-west-2": "okuqm",
    "eu-west-3": "fgjhi",
    "sa-east-1": "juxlw",
    "cn-north-1": "emvgo",
    "cn-northwest-1": "ckbem",
    "ap-east-1": "knjmp",
}
"""[EC:Redis-Global-Datastores-CLI], the prefixes of the regions that page lists."""

REGIONS = frozenset(
    {
        "af-south-1",  # Cape Town
        "ap-east-1",  # Hong Kong
        "ap-south-2",  # Hyderabad
        "ap-southeast-3",  # Jakarta
        "ap-southeast-5",  # Malaysia
        "ap-southeast-4",  # Melbourne
        "ap-south-1",  # Mumbai
        "ap-northeast-3",  # Osaka
        "ap-northeast-2",  # Seoul
        "ap-southeast-1",  # Singapore
        "ap-southeast-2",  # Sydney
        "ap-southeast-7",  # Thailand
        "ap-northeast-1",  # Tokyo
        "ca-central-1",  # Canada Central
        "ca-west-1",  # Calgary
        "cn-north-1",  # Beijing
        "cn-northwest-1",  # Ningxia
        "eu-central-1",  # Frankfurt
        "eu-west-2",  # London
        "eu-west-1",  # Ireland
        "eu-south-1",  # Milan
        "eu-west-3",  # Paris
        "eu-south-2",  # Spain
        "eu-north-1",  # Stockholm
        "eu-central-2",  # Zurich
        "us-gov-west-1",  # GovCloud (US-West)
        "us-gov-east-1",  # GovCloud (US-East)
        "il-central-1",  # Tel Aviv
        "me-south-1",  # Bahrain
        "me-central-1",  # UAE
        "us-east-1",  # N. Virginia
        "us-east-2",  # Ohio
        "us-west-1",  # N. California
        "us-west-2",  # Oregon
        "mx-central-1",  # Mexico (Central)
        "sa-east-1",  # Sao Paulo
    }
)
"""Regions where Global Datastore is offered [EC:Redis-Global-Datastores-Getting-Started], by the
names that page gives, mapped to region codes."""

CHINA = frozenset({"cn-north-1", "cn-northwest-1"})
"""In China a Global Datastore spans only Beijing and Ningxia."""


def partition_group(region: str) -> str:
    """Members must share a partition: ``aws``, ``aws-cn`` or ``aws-us-gov``."""
    if region in CHINA:
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def global_datastore_id(primary_region: str, suffix: str) -> str | None:
    """The id ElastiCache gives the datastore, or ``None`` for a region whose prefix we do not know."""
    prefix = ID_PREFIXES.get(primary_region)
    return f"{prefix}-{suffix}" if prefix else None
