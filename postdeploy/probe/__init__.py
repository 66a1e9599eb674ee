"""The data-plane probe: connect to a cache as a client would and report what a client sees.

``target`` finds where to connect and as whom (ElastiCache, Secrets Manager, or the command line);
``connect`` examines TLS and builds redis-py clients; ``checks`` runs the one-shot probe as results
in the report model; ``continuous`` writes and reads sequenced keys during a failover drill.
"""
