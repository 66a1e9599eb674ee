"""How the probe talks to a cache: what TLS the endpoint speaks, and redis-py clients over it.

TLS is examined with the standard library first (a verified handshake; if that fails, whether the
certificate or the protocol was refused), so the verdict does not depend on how redis-py reports
errors. Secrets travel only over TLS whose certificate verified: a cache that speaks plaintext, or
whose certificate does not match, gets no password from the probe.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

from postdeploy.probe.target import Credentials, Endpoint

Client = redis.Redis | RedisCluster
"""A client for one endpoint, or for a cluster found through its configuration endpoint."""


class UnreachableError(Exception):
    """Nothing answers at the endpoint: no check can run (exit code 2)."""


class TlsState(StrEnum):
    VERIFIED = "verified"
    """TLS, with a certificate that chains to a trusted CA and carries the server name."""
    UNVERIFIED = "unverified"
    """TLS, but the certificate was refused (unknown CA, wrong name, expired ...)."""
    PLAINTEXT = "plaintext"
    """No TLS: the server answered a plaintext PING."""


@dataclass(frozen=True)
class Tls:
    state: TlsState
    detail: str
    plaintext_too: bool = False
    """TLS verified, yet the same port answers a plaintext PING (TransitEncryptionMode preferred)."""


@dataclass(frozen=True)
class Transport:
    """How connections are made once TLS has been examined."""

    tls: bool
    verified: bool
    ca_file: Path | None
    timeout: float

    @property
    def carries_secrets(self) -> bool:
        return self.tls and self.verified


def _context(ca_file: Path | None, verify: bool = True) -> ssl.SSLContext:
    """The system's trust store, or only ``ca_file`` when given (as ElastiCache's Amazon Root CA)."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _dial(endpoint: Endpoint, timeout: float) -> socket.socket:
    try:
        return socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)
    except OSError as error:
        raise UnreachableError(f"cannot reach {endpoint}: {error.strerror or error}") from error


def examine_tls(endpoint: Endpoint, ca_file: Path | None, timeout: float) -> Tls:
    """Whether ``endpoint`` speaks TLS with a certificate valid for its server name."""
    with _dial(endpoint, timeout) as sock:
        try:
            with _context(ca_file).wrap_socket(sock, server_hostname=endpoint.server_name) as tls:
                certificate = tls.getpeercert() or {}
                detail = (
                    f"{tls.version()}, certificate for {endpoint.server_name} verified, valid until "
                    f"{certificate.get('notAfter', 'an unreported date')}"
                )
            return Tls(TlsState.VERIFIED, detail, plaintext_too=_answers_plaintext(endpoint, timeout))
        except ssl.SSLCertVerificationError as error:
            return Tls(TlsState.UNVERIFIED, f"certificate refused for {endpoint.server_name}: {error.verify_message}")
        except (ssl.SSLError, ConnectionError, TimeoutError) as error:
            handshake_error = error
    if _answers_plaintext(endpoint, timeout):
        return Tls(TlsState.PLAINTEXT, f"{endpoint} answers PING in plaintext")
    raise UnreachableError(f"{endpoint} completes no TLS handshake ({handshake_error}) and answers no plaintext PING")


def _answers_plaintext(endpoint: Endpoint, timeout: float) -> bool:
    """A RESP reply to an inline PING: ``+PONG``, or an error such as ``-NOAUTH``. A TLS-only
    server drops the connection at once: the bytes are no TLS record."""
    with _dial(endpoint, timeout) as sock:
        try:
            sock.sendall(b"PING\r\n")
            return sock.recv(64)[:1] in (b"+", b"-")
        except OSError:
            return False


def exchange(endpoint: Endpoint, transport: Transport, *commands: tuple[str, ...]) -> list[str]:
    """Send ``commands`` on one fresh connection and return the first line of each reply (``+OK``,
    ``-NOAUTH ...``). For commands with one-line replies whose effect on the connection matters:
    redis-py closes a connection on an authentication error, or replays the error."""
    with _dial(endpoint, transport.timeout) as sock:
        stream = (
            _context(transport.ca_file, transport.verified).wrap_socket(sock, server_hostname=endpoint.server_name)
            if transport.tls
            else sock
        )
        with stream, stream.makefile("rb") as replies:
            lines = []
            for command in commands:
                stream.sendall(_resp(command))
                lines.append(replies.readline().decode("utf-8", "replace").rstrip("\r\n"))
            return lines


def _resp(command: tuple[str, ...]) -> bytes:
    parts = [f"*{len(command)}\r\n".encode()]
    for argument in command:
        encoded = argument.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(encoded), encoded))
    return b"".join(parts)


def transport_for(tls: Tls, ca_file: Path | None, timeout: float) -> Transport:
    return Transport(
        tls=tls.state is not TlsState.PLAINTEXT,
        verified=tls.state is TlsState.VERIFIED,
        ca_file=ca_file,
        timeout=timeout,
    )


class ServerNameTls(redis.SSLConnection):
    """TLS whose certificate is checked against ``server_name`` rather than the address dialled:
    the endpoint's own name when it is reached through a tunnel. redis-py checks ``host`` and has
    no option for another name; ``_wrap_socket_with_ssl`` is where it turns the TCP socket into
    TLS, so that is the one method replaced."""

    def __init__(self, *, server_name: str, ca_file: Path | None, verify: bool, **kwargs: Any) -> None:
        self.server_name = server_name
        self.context = _context(ca_file, verify)
        super().__init__(**kwargs)

    def _wrap_socket_with_ssl(self, sock: socket.socket) -> ssl.SSLSocket:
        return self.context.wrap_socket(sock, server_hostname=self.server_name)


RESP_VERSION = 2
"""RESP2, which every engine version ElastiCache runs speaks (RESP3 came with Redis OSS 6), and
which keeps a refused login a plain NOAUTH / WRONGPASS rather than a failed HELLO."""


def _no_retries() -> Retry:
    """Each attempt is observed: redis-py would otherwise hide failures behind its own retries."""
    return Retry(NoBackoff(), 0)


def node_client(endpoint: Endpoint, transport: Transport, credentials: Credentials | None) -> redis.Redis:
    """A client of one endpoint; ``credentials`` are sent only over verified TLS (callers check
    ``transport.carries_secrets``)."""
    settings: dict[str, Any] = {
        "host": endpoint.host,
        "port": endpoint.port,
        "socket_timeout": transport.timeout,
        "socket_connect_timeout": transport.timeout,
        "retry": _no_retries(),
        "protocol": RESP_VERSION,
        "decode_responses": True,
    }
    if credentials is not None:
        settings.update(username=credentials.username, password=credentials.password)
    if transport.tls:
        pool = redis.ConnectionPool(
            connection_class=ServerNameTls,
            server_name=endpoint.server_name,
            ca_file=transport.ca_file,
            verify=transport.verified,
            **settings,
        )
    else:
        pool = redis.ConnectionPool(**settings)
    return redis.Redis(connection_pool=pool)


def cluster_client(endpoint: Endpoint, transport: Transport, credentials: Credentials | None) -> RedisCluster:
    """A cluster client found through the configuration endpoint. Each node's certificate is checked
    against the name the cluster announces for it (ElastiCache announces host names with TLS), so
    the dialled address and the server name must be the same."""
    return RedisCluster(
        host=endpoint.host,
        port=endpoint.port,
        username=credentials.username if credentials else None,
        password=credentials.password if credentials else None,
        ssl=transport.tls,
        ssl_ca_certs=str(transport.ca_file) if transport.ca_file else None,
        ssl_cert_reqs="required" if transport.verified else "none",
        ssl_check_hostname=transport.verified,
        ssl_min_version=ssl.TLSVersion.TLSv1_2,
        socket_timeout=transport.timeout,
        socket_connect_timeout=transport.timeout,
        retry=_no_retries(),
        protocol=RESP_VERSION,
        decode_responses=True,
    )


def client(endpoint: Endpoint, transport: Transport, credentials: Credentials | None, cluster_mode: bool) -> Client:
    if cluster_mode:
        return cluster_client(endpoint, transport, credentials)
    return node_client(endpoint, transport, credentials)
