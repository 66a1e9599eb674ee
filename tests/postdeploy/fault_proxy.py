"""A small HTTP proxy in front of moto's server: it answers chosen (region, action) requests with
an AWS error, a number of times or always, can add a round-trip delay, and counts what it sees.

The CLI then runs as a user runs it (a process, AWS_ENDPOINT_URL pointing at the proxy) while
throttling or HTTP 5xx hit one region's listing, and botocore's own retries meet them.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


@dataclass
class Fault:
    status: int
    code: str
    message: str
    remaining: int | None
    """How many more requests get the fault; ``None``: all of them."""


class FaultProxy:
    """Forward to ``upstream`` except where a fault is planted; ``requests`` counts (region, action)."""

    def __init__(self, upstream: str, *, latency: float = 0.0) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.latency = latency
        self.requests: Counter[tuple[str, str]] = Counter()
        self._faults: dict[tuple[str, str], Fault] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail(self, region: str, action: str, status: int, code: str, message: str, times: int | None = None) -> None:
        with self._lock:
            self._faults[(region, action)] = Fault(status, code, message, times)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def _fault_for(self, key: tuple[str, str]) -> Fault | None:
        with self._lock:
            self.requests[key] += 1
            fault = self._faults.get(key)
            if fault is None or fault.remaining == 0:
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                region_match = _REGION.search(self.headers.get("Authorization", ""))
                region = region_match.group(1) if region_match else ""
                target = self.headers.get("X-Amz-Target", "")
                action = (
                    target.split(".")[-1] if target else urllib.parse.parse_qs(body.decode()).get("Action", [""])[0]
                )
                if proxy.latency:
                    time.sleep(proxy.latency)
                fault = proxy._fault_for((region, action))
                if fault is not None:
                    self._answer(fault.status, {"Content-Type": "text/xml"}, _error_xml(fault).encode())
                    return
                connection = http.client.HTTPConnection(proxy.upstream.netloc, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                connection.request("POST", self.path, body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
                self._answer(answer.status, dict(answer.getheaders()), payload)
                connection.close()

            def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    @contextmanager
    def running(self) -> Iterator[FaultProxy]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=10)


def _error_xml(fault: Fault) -> str:
    """An error in the query protocol's shape (ElastiCache, STS and CloudFormation answer this way)."""
    return (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{fault.code}</Code><Message>{fault.message}</Message>"
        "</Error><RequestId>injected-fault</RequestId></ErrorResponse>"
    )
