"""Real redis-server processes on loopback for data-plane tests, with TLS from a CA the test makes.

Debian's redis-server 7.0 is built with TLS; `.ci/run` installs it, so these tests always run in
CI. Where it is missing, the tests that need it are skipped with the reason (pytest -ra lists it).
Every server started here is stopped when its context ends.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


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
        )


@contextmanager
def redis_server(directory: Path, *, tls: bool = False, extra: list[str] | None = None) -> Iterator[Server]:
    """A redis-server on loopback with an ``admin`` user for the test harness and the ``default``
    user switched off, as ElastiCache's RBAC leaves it; stopped when the block ends."""
    binary = redis_server_binary()
    port = free_port()
    certificates = make_certificates(directory) if tls else None
    admin_password = "admin-password-for-tests-only"
    directory.mkdir(parents=True, exist_ok=True)
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
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
