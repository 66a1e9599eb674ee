"""Checker benchmark: API calls and wall time of `elasticache-verify --all` over fleets on moto's server.

The calls are counted through botocore's event hooks (postdeploy.aws.Aws.calls). They must not
grow with the fleet beyond pagination: one paginated describe per resource kind and region.
moto pages like ElastiCache, 100 items per page, so the two listings that grow with the fleet
(replication groups, and their member clusters, two per group here) take ceil(items / 100)
calls; every other call is made once, whatever the fleet size.
"""

from __future__ import annotations

import math
import os
import time

from postdeploy.aws import Aws
from postdeploy.checks import Settings
from postdeploy.runner import Targets, verify
from tests.postdeploy.fleet import CREDENTIALS, REGION, moto_server, populate, reset

SIZES = (100, 500, 1000)
PAGE = 100
GROUP_LISTING = "elasticache:DescribeReplicationGroups"
CLUSTER_LISTING = "elasticache:DescribeCacheClusters"


def run(sizes: tuple[int, ...] = SIZES) -> None:
    print("\nelasticache-verify --all against moto_server (calls counted through botocore event hooks)")
    print(
        f"  {'groups':>7}{'results':>9}{'API calls':>11}{'listing pages':>15}{'other calls':>13}"
        f"{'setup s':>9}{'verify s':>10}  calls by operation"
    )
    previous_env = {key: os.environ.get(key) for key in (*CREDENTIALS, "AWS_ENDPOINT_URL", "AWS_REGION")}
    others: list[int] = []
    paged_as_expected = True
    with moto_server() as endpoint:
        os.environ.update({**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION})
        try:
            for size in sizes:
                reset(endpoint)
                started = time.perf_counter()
                populate(endpoint, size)
                setup = time.perf_counter() - started
                aws = Aws()
                started = time.perf_counter()
                results = verify(aws, Targets(regions=(REGION,), everything=True), Settings())
                elapsed = time.perf_counter() - started
                pages = aws.calls[GROUP_LISTING] + aws.calls[CLUSTER_LISTING]
                paged_as_expected &= (aws.calls[GROUP_LISTING], aws.calls[CLUSTER_LISTING]) == (
                    math.ceil(size / PAGE),
                    math.ceil(2 * size / PAGE),
                )
                total = sum(aws.calls.values())
                others.append(total - pages)
                by_operation = ", ".join(f"{op.split(':')[1]} {n}" for op, n in sorted(aws.calls.items()))
                print(
                    f"  {size:>7}{len(results):>9}{total:>11}{pages:>15}{total - pages:>13}"
                    f"{setup:>9.1f}{elapsed:>10.2f}  {by_operation}"
                )
        finally:
            for key, value in previous_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    flat = paged_as_expected and len(set(others)) == 1
    print(f"  calls beyond pagination independent of fleet size: {'yes' if flat else 'NO'}")
