"""Ready-to-deploy compositions of constructs_lib: the network and the reference replication group."""
