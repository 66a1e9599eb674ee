"""ElastiCache facts, free of CDK: engines and the versions where features start, node types,
name rules, windows, ACL syntax and numeric limits, each with its source.

Both the constructs (``constructs_lib``) and the post-deploy checker (``postdeploy``) read these, so
a threshold lives in one place. Importing this package never loads aws-cdk-lib (or its Node.js
process): ``constructs_lib/__init__.py`` imports its constructs lazily.

Source keys used in the docstrings: **[S]** the CloudFormation resource schema cfn-lint ships;
**[L]** a cfn-lint rule; **[API:Op]** the ElastiCache API reference; **[EC:Page]** the ElastiCache
user guide page docs.aws.amazon.com/AmazonElastiCache/latest/dg/Page.html; **[AAS]** the
Application Auto Scaling guide; **[alpha]** aws-cdk's aws-elasticache-alpha module.
"""
