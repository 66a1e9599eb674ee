"""Post-deploy verification of ElastiCache with boto3: checks, failover drills, drift and a replacement guard."""
