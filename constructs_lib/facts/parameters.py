"""Engine parameters with a closed set of values."""

from __future__ import annotations

from enum import Enum


class EvictionPolicy(Enum):
    """``maxmemory-policy``: what the engine evicts when memory is full."""

    VOLATILE_LRU = "volatile-lru"
    ALLKEYS_LRU = "allkeys-lru"
    VOLATILE_LFU = "volatile-lfu"
    ALLKEYS_LFU = "allkeys-lfu"
    VOLATILE_RANDOM = "volatile-random"
    ALLKEYS_RANDOM = "allkeys-random"
    VOLATILE_TTL = "volatile-ttl"
    NOEVICTION = "noeviction"
