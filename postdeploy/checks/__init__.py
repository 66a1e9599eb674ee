"""Every check: importing a check module registers its classes (see ``base.Check``).

``ALL_CHECKS`` lists them as ``elasticache-verify checks`` does: Security Hub's controls in their
order, then AWS Config's and Control Tower's, then ours, each group by id.
"""

from __future__ import annotations

from postdeploy.checks import (  # noqa: F401  (imported to register their checks)
    auth,
    availability,
    backups,
    encryption,
    engine,
    global_datastore,
    memcached,
    network,
    scaling,
    users,
)
from postdeploy.checks.base import REGISTRY, Check, Context, Settings
from postdeploy.model import Authority

_AUTHORITIES = list(Authority)

ALL_CHECKS: tuple[Check, ...] = tuple(
    check() for check in sorted(REGISTRY.values(), key=lambda c: (_AUTHORITIES.index(c.follows), c.controls[:1], c.id))
)

__all__ = ["ALL_CHECKS", "Check", "Context", "Settings"]
