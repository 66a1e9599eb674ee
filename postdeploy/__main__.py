"""`python -m postdeploy` is the same as the `elasticache-verify` command."""

from postdeploy.cli import main

main()
