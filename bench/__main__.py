"""`make bench`: synthesis against an L1-only app, the checker's API calls over large fleets, and the
set-up of a fresh clone with pip and with uv."""

from __future__ import annotations

import argparse
import sys

from bench import install, synth, verify


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["synth", "verify", "install"], help="run one benchmark")
    parser.add_argument("--rounds", type=int, default=7, help="synthesis runs per app and measurement (default: 7)")
    args = parser.parse_args()
    if args.only in (None, "synth"):
        synth.run(args.rounds)
    if args.only in (None, "verify"):
        verify.run()
    if args.only in (None, "install"):
        install.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
