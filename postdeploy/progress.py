"""One self-rewriting progress line on a terminal, for runs over many regions and accounts."""

from __future__ import annotations

import threading
from typing import TextIO


class Progress:
    """Counts (account, region) pairs and resources as workers finish them.

    :param stream: where the line goes (stderr, so reports on stdout stay clean).
    :param enabled: False keeps it silent: output is not a terminal, or it is JSON / JUnit.
    :param accounts: how many accounts the run covers.
    :param units: how many (account, region) pairs.
    """

    def __init__(self, stream: TextIO, *, enabled: bool, accounts: int, units: int) -> None:
        self.stream = stream
        self.enabled = enabled
        self.accounts, self.units = accounts, units
        self.done = self.resources = 0
        self._lock = threading.Lock()
        self._width = 0

    def tick(self, resources: int) -> None:
        with self._lock:
            self.done += 1
            self.resources += resources
            self._show(
                f"checked {self.done}/{self.units} region(s) in {self.accounts} account(s), "
                f"{self.resources} resource(s)"
            )

    def finish(self) -> None:
        """Wipe the line, so what is printed next starts on a clean one."""
        with self._lock:
            self._show("")

    def _show(self, line: str) -> None:
        if not self.enabled:
            return
        self.stream.write("\r" + line.ljust(self._width) + ("\r" if not line else ""))
        self.stream.flush()
        self._width = len(line)
