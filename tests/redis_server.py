"""Real redis-server processes on loopback for data-plane tests, with TLS from a CA the test makes.

Debian's redis-server 7.0 is built with TLS; `.ci/run` installs it, so these tests always run in
CI. Where it is missing, the tests that need it are skipped with the reason (pytest -ra lists it).
Every server started here is stopped when its context ends.

Servers can share one CA (pass the ``Certificates`` of the first), replicate one another
(``replicate``, ``promote``) and run as a one-node cluster that announces itself by name, as
ElastiCache's TLS clusters do (``cluster=True``).
"""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SKIP_REASON = "redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)"


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(SKIP_REASON)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def make_certificates(directory: Path, hostname: str = "localhost") -> Certificates:
    """A CA and a server certificate for ``hostname`` signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "elasticache-cdk-kit test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        # redis-py's cluster client dials "localhost" as 127.0.0.1 (ClusterNode resolves it), so
        # loopback certificates carry that address too; ElastiCache's nodes are dialled by name.
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(hostname), x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


ADMIN_PASSWORD = "admin-password-for-tests-only"


def command(client: redis.Redis, *arguments: str) -> Any:
    """A raw command; redis-py leaves ``execute_command`` untyped."""
    run: Callable[..., Any] = client.execute_command
    return run(*arguments)


@dataclass
class Server:
    """A running redis-server; ``admin`` is a client that bypasses the ACLs under test."""

    port: int
    tls: Certificates | None
    process: subprocess.Popen[bytes]
    admin_password: str

    def admin(self) -> redis.Redis:
        return redis.Redis(
            host="localhost",
            port=self.port,
            username="admin",
            password=self.admin_password,
            ssl=self.tls is not None,
            ssl_ca_certs=str(self.tls.ca) if self.tls else None,
            socket_timeout=5,
            decode_responses=True,
        )

    def add_user(self, name: str, password: str, rules: str) -> None:
        """An ACL user, as ElastiCache creates one from an access string and a password."""
        command(self.admin(), "ACL", "SETUSER", name, "reset", f">{password}", *rules.split())

    def replication(self) -> dict[str, str]:
        info: dict[str, str] = {k: str(v) for k, v in self.admin().info("replication").items()}
        return info


def replicate(replica: Server, primary: Server, timeout: float = 10) -> None:
    """Make ``replica`` a replica of ``primary`` and wait until the link is up and in sync."""
    replica.admin().replicaof("localhost", primary.port)
    deadline = time.monotonic() + timeout
    while replica.replication().get("master_link_status") != "up":
        if time.monotonic() > deadline:
            raise TimeoutError(f"replica on {replica.port} did not connect to {primary.port}")
        time.sleep(0.05)


def keys_left(*servers: Server) -> int:
    """Keys on all ``servers`` once every primary among them has its replica caught up (WAIT), so
    that deletes still on their way to a replica are not counted as left behind."""
    for server in servers:
        if server.replication().get("role") == "master" and int(server.replication().get("connected_slaves", 0)):
            command(server.admin(), "WAIT", "1", "5000")
    return sum(int(server.admin().dbsize()) for server in servers)


def promote(server: Server) -> None:
    """What a failover does to the chosen replica: it stops replicating and takes writes."""
    server.admin().replicaof("NO", "ONE")


@contextmanager
def redis_server(
    directory: Path,
    *,
    tls: bool | Certificates = False,
    cluster: bool = False,
    extra: list[str] | None = None,
) -> Iterator[Server]:
    """A redis-server on loopback with an ``admin`` user for the test harness and the ``default``
    user switched off, as ElastiCache's RBAC leaves it; stopped when the block ends.

    :param tls: ``True`` for a new CA and certificate for ``localhost``, or the certificates of
        another server, so that both share a CA (and replicate over TLS).
    :param cluster: a one-node cluster holding every slot, announcing itself as ``localhost``.
    """
    binary = redis_server_binary()
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    certificates = tls if isinstance(tls, Certificates) else make_certificates(directory) if tls else None
    admin_password = ADMIN_PASSWORD
    (directory / "users.acl").write_text(f"user admin on >{admin_password} ~* &* +@all\nuser default off\n")
    arguments = [
        binary,
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
        "--aclfile",
        str(directory / "users.acl"),
        "--bind",
        "127.0.0.1",
        # A replica logs in to its primary as the harness's admin, and a primary streams its first
        # sync at once rather than after the default 5 s wait for more replicas.
        "--masteruser",
        "admin",
        "--masterauth",
        admin_password,
        "--repl-diskless-sync-delay",
        "0",
    ]
    if cluster:
        arguments += [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            str(directory / "nodes.conf"),
            # The bus defaults to the port plus 10000, past 65535 for many free ports.
            "--cluster-port",
            str(free_port()),
            "--cluster-announce-hostname",
            "localhost",
            "--cluster-preferred-endpoint-type",
            "hostname",
        ]
    if certificates is not None:
        arguments += [
            "--port",
            "0",
            "--tls-port",
            str(port),
            "--tls-cert-file",
            str(certificates.cert),
            "--tls-key-file",
            str(certificates.key),
            "--tls-ca-cert-file",
            str(certificates.ca),
            "--tls-auth-clients",
            "no",
            "--tls-replication",
            "yes",
            *(["--tls-cluster", "yes"] if cluster else []),
        ]
    else:
        arguments += ["--port", str(port)]
    process = subprocess.Popen([*arguments, *(extra or [])], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = Server(port, certificates, process, admin_password)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                server.admin().ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if cluster:
            _own_every_slot(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _own_every_slot(server: Server) -> None:
    admin = server.admin()
    command(admin, "CLUSTER", "ADDSLOTSRANGE", "0", "16383")
    deadline = time.monotonic() + 10
    while "cluster_state:ok" not in command(admin, "CLUSTER", "INFO"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the cluster on {server.port} did not become ok")
        time.sleep(0.05)
