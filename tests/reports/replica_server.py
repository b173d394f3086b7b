"""A real streaming replica of the test PostgreSQL, started for one test and always stopped.

pg_basebackup -R copies the primary's cluster (the test database with it) into a temporary folder
and writes the standby's connection to the primary; pg_ctl starts it on a free port of 127.0.0.1.
PostgreSQL refuses to run as root: as root (CI, this machine) the folder is given to the
`postgres` OS user and the binaries run through `runuser -u postgres`; as another user they run
as that user. The primary must accept replication connections from 127.0.0.1
(scripts/pg_allow_replication.sh, run by .ci/run, adds the pg_hba.conf line)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# Standby settings that may not be lower than the primary's (PostgreSQL refuses to replay).
COPIED = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class ReplicaUnavailable(Exception):
    """The replica cannot be started here; the message says why (the test is skipped)."""


def pg_bindir(server_version_num: int) -> Path | None:
    """The binaries of the primary's major version (a basebackup needs the same version)."""
    path = Path(f"/usr/lib/postgresql/{server_version_num // 10000}/bin")
    if (path / "pg_basebackup").exists() and (path / "pg_ctl").exists():
        return path
    found = [shutil.which(name) for name in ("pg_basebackup", "pg_ctl")]
    return Path(found[1]).parent if all(found) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamingReplica:
    def __init__(self, *, bindir: Path, host: str, port: int, user: str, settings: dict[str, str]):
        self.bindir = bindir
        self.primary = (host or "127.0.0.1", int(port or 5432), user or "postgres")
        self.settings = settings
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="epms-replica-"))
        self.data = self.root / "data"
        self.log = self.root / "replica.log"
        self.as_postgres = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    def start(self) -> None:
        if self.as_postgres:
            if shutil.which("runuser") is None:
                raise ReplicaUnavailable("running as root and runuser is not installed")
            shutil.chown(self.root, "postgres", "postgres")
        host, port, user = self.primary
        backup = self._run(
            self.bindir / "pg_basebackup",
            *("-h", host, "-p", str(port), "-U", user, "-D", self.data),
            *("-R", "-X", "stream", "-c", "fast", "--no-sync"),
        )
        if backup.returncode != 0:
            raise ReplicaUnavailable(
                "pg_basebackup failed (does pg_hba.conf allow replication from 127.0.0.1? "
                f"run scripts/pg_allow_replication.sh): {backup.stderr.strip()[-400:]}"
            )
        # Debian keeps postgresql.conf and pg_hba.conf under /etc: the copy gets its own.
        conf = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.root}'",
            "hot_standby = on",
            "fsync = off",
            "shared_buffers = 32MB",
            "wal_receiver_status_interval = 1s",
            *(f"{name} = {value}" for name, value in self.settings.items()),
        ]
        self._write(self.data / "postgresql.conf", "\n".join(conf) + "\n")
        self._write(
            self.data / "pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        self._write(self.data / "pg_ident.conf", "")
        started = self._run(
            self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "start"
        )
        self.started = True  # even a failed start may leave a postmaster: stop() tries anyway
        if started.returncode != 0:
            tail = self.log.read_text()[-800:] if self.log.exists() else started.stderr
            raise RuntimeError(f"the replica did not start: {tail}")

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self.as_postgres:
            shutil.chown(path, "postgres", "postgres")

    def stop(self) -> None:
        try:
            if self.started:
                self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def wait_until(check, *, timeout: float = 30.0, what: str, why: list | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {why or ''}")
