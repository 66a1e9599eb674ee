"""Where a cache is reachable from."""

from __future__ import annotations

from postdeploy.checks.base import Check, Context, Outcome, failed, guide, passed, security_hub
from postdeploy.inventory import CheckError
from postdeploy.model import Authority, CacheResource, ResourceKind, Severity

OPEN_RANGES = {"CidrIp": "0.0.0.0/0", "CidrIpv6": "::/0"}


def _subnet_group_names(resource: CacheResource, context: Context) -> list[str]:
    names = sorted({c["CacheSubnetGroupName"] for c in context.clusters(resource) if c.get("CacheSubnetGroupName")})
    if not names:
        raise CheckError(f"{resource.name}: ElastiCache reported no cache subnet group")
    return names


class DefaultSubnetGroup(Check):
    id = "default-subnet-group"
    title = "The cache does not use the default subnet group"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER})
    follows = Authority.SECURITY_HUB
    controls = ("ElastiCache.7", "elasticache-subnet-group-check", "CT.ELASTICACHE.PR.6")
    reference = security_hub(7)
    remediation = "Recreate the cache in a subnet group of your own over private subnets (fixed at creation)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        names = _subnet_group_names(resource, context)
        if "default" in names:
            return failed(f"{resource.name}: CacheSubnetGroupName is default")
        return passed(f"{resource.name}: CacheSubnetGroupName is {', '.join(names)}")


class PrivateSubnets(Check):
    id = "private-subnets"
    title = "All subnets are private (no route to an internet gateway)"
    severity = Severity.HIGH
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER, ResourceKind.SERVERLESS_CACHE})
    reference = guide("VPCs")
    remediation = "Use subnets whose route tables have no internet gateway route (ReplicationGroup vpc_subnets)."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        inventory = context.inventory(resource)
        if resource.kind is ResourceKind.SERVERLESS_CACHE:
            subnet_ids = list(resource.data.get("SubnetIds", []))
            vpc_ids = {s["VpcId"] for s in inventory.subnets() if s["SubnetId"] in subnet_ids}
            where = "its subnets"
        else:
            groups = inventory.subnet_groups()
            names = _subnet_group_names(resource, context)
            missing = [n for n in names if n not in groups]
            if missing:
                raise CheckError(f"{resource.name}: subnet group {', '.join(missing)} not found")
            subnet_ids = [s["SubnetIdentifier"] for n in names for s in groups[n].get("Subnets", [])]
            vpc_ids = {groups[n]["VpcId"] for n in names}
            where = f"subnet group {', '.join(names)}"
        if not subnet_ids:
            raise CheckError(f"{resource.name}: no subnets reported")
        public = sorted({s for vpc in vpc_ids for s in inventory.public_subnets(vpc, subnet_ids)})
        if public:
            return failed(f"{resource.name}: {where} includes public subnets {', '.join(public)}")
        return passed(f"{resource.name}: the {len(subnet_ids)} subnet(s) of {where} have no internet gateway route")


class OpenSecurityGroups(Check):
    id = "security-groups-not-open"
    title = "No security group admits 0.0.0.0/0 or ::/0"
    severity = Severity.CRITICAL
    kinds = frozenset({ResourceKind.REPLICATION_GROUP, ResourceKind.CACHE_CLUSTER, ResourceKind.SERVERLESS_CACHE})
    reference = guide("elasticache-vpc-accessing")
    remediation = "Replace open ingress rules with rules from the application's security group only."

    def evaluate(self, resource: CacheResource, context: Context) -> Outcome:
        if resource.kind is ResourceKind.SERVERLESS_CACHE:
            group_ids = sorted(resource.data.get("SecurityGroupIds", []))
        else:
            group_ids = sorted(
                {g["SecurityGroupId"] for c in context.clusters(resource) for g in c.get("SecurityGroups", [])}
            )
        if not group_ids:
            raise CheckError(f"{resource.name}: ElastiCache reported no security groups")
        known = context.inventory(resource).security_groups()
        open_rules = []
        for group_id in group_ids:
            if group_id not in known:
                raise CheckError(f"{resource.name}: security group {group_id} not found")
            for permission in known[group_id].get("IpPermissions", []):
                for key, cidr in OPEN_RANGES.items():
                    ranges = permission.get("IpRanges" if key == "CidrIp" else "Ipv6Ranges", [])
                    if any(r.get(key) == cidr for r in ranges):
                        open_rules.append(f"{group_id} admits {cidr} on {_ports(permission)}")
        if open_rules:
            return failed(f"{resource.name}: " + "; ".join(open_rules))
        return passed(f"{resource.name}: security groups {', '.join(group_ids)} admit no open range")


def _ports(permission: dict[str, object]) -> str:
    if permission.get("IpProtocol") == "-1":
        return "all traffic"
    low, high = permission.get("FromPort"), permission.get("ToPort")
    return f"port {low}" if low == high else f"ports {low}-{high}"
