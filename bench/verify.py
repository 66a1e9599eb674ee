"""Checker benchmark: API calls and wall time of `elasticache-verify --all` over fleets of
replication groups in four regions on moto's server, one region at a time versus concurrently.

moto answers on loopback from one Python process, so there the run is bound by CPU (moto's XML
and botocore's parsing, on the same two cores) and threads gain little. AWS answers from far
away: each call waits on the network. The second measurement puts a proxy in front of moto that
holds every call for ``LATENCY`` seconds, a round trip to an AWS endpoint in another region,
which is where checking regions concurrently pays.

The calls are counted through botocore's event hooks (postdeploy.aws.Aws.calls). They must not
grow with the fleet beyond pagination: one paginated describe per resource kind and region.
moto pages like ElastiCache, 100 items per page, so the two listings that grow with the fleet
(replication groups, and their member clusters, two per group here) take ceil(items / 100)
calls per region; every other call is made once per region (STS once per run), whatever the
fleet size.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter

from postdeploy.aws import Aws
from postdeploy.checks import Settings
from postdeploy.runner import Account, Targets, verify
from tests.postdeploy.fault_proxy import FaultProxy
from tests.postdeploy.fleet import CREDENTIALS, REGION, moto_server, populate, reset

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1")
SIZES = (100, 1000)
"""Replication groups per region."""
PAGE = 100
GROUP_LISTING = "elasticache:DescribeReplicationGroups"
CLUSTER_LISTING = "elasticache:DescribeCacheClusters"
WORKERS = {"sequential": 1, "concurrent": len(REGIONS)}
LATENCY = 0.1
"""Seconds the proxy holds each call: about a round trip from us-east-1 to sa-east-1 or Sydney."""


def _measure(workers: int) -> tuple[int, Counter[str], float]:
    aws = Aws()
    started = time.perf_counter()
    results = verify([Account(aws, REGIONS)], Targets(everything=True), Settings(), workers=workers)
    return len(results), aws.calls, time.perf_counter() - started


def run(sizes: tuple[int, ...] = SIZES) -> None:
    print(f"\nelasticache-verify --all in {len(REGIONS)} regions ({', '.join(REGIONS)}) against moto_server")
    print("(calls counted through botocore event hooks; sequential: one region at a time, concurrent: all four)")
    print(
        f"  {'groups':>14}{'results':>9}{'API calls':>11}{'listing pages':>15}{'other calls':>13}{'setup s':>9}"
        f"{'sequential s':>14}{'concurrent s':>14}{f'+{LATENCY * 1000:.0f} ms seq. s':>18}{'conc. s':>9}"
    )
    previous_env = {key: os.environ.get(key) for key in (*CREDENTIALS, "AWS_ENDPOINT_URL", "AWS_REGION")}
    others: set[int] = set()
    paged_as_expected = True
    with moto_server() as endpoint, FaultProxy(endpoint, latency=LATENCY).running() as proxy:
        os.environ.update({**CREDENTIALS, "AWS_REGION": REGION})
        try:
            for size in sizes:
                reset(endpoint)
                started = time.perf_counter()
                for region in REGIONS:
                    populate(endpoint, size, region)
                setup = time.perf_counter() - started
                timings = {}
                for where, url in (("loopback", endpoint), ("far", proxy.endpoint)):
                    os.environ["AWS_ENDPOINT_URL"] = url
                    for mode, workers in WORKERS.items():
                        count, calls, timings[(where, mode)] = _measure(workers)
                pages = calls[GROUP_LISTING] + calls[CLUSTER_LISTING]
                paged_as_expected &= (calls[GROUP_LISTING], calls[CLUSTER_LISTING]) == (
                    len(REGIONS) * math.ceil(size / PAGE),
                    len(REGIONS) * math.ceil(2 * size / PAGE),
                )
                total = sum(calls.values())
                others.add(total - pages)
                print(
                    f"  {f'{len(REGIONS)} x {size}':>14}{count:>9}{total:>11}{pages:>15}{total - pages:>13}"
                    f"{setup:>9.1f}{timings[('loopback', 'sequential')]:>14.2f}"
                    f"{timings[('loopback', 'concurrent')]:>14.2f}{timings[('far', 'sequential')]:>18.2f}"
                    f"{timings[('far', 'concurrent')]:>9.2f}"
                )
                print(f"  {'':>14}calls: " + ", ".join(f"{op.split(':')[1]} {n}" for op, n in sorted(calls.items())))
        finally:
            for key, value in previous_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    flat = paged_as_expected and len(others) == 1
    print(f"  calls beyond pagination independent of fleet size: {'yes' if flat else 'NO'}")
