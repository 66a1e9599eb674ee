"""Post-deploy verification of ElastiCache resources with boto3 (built in a later release)."""
