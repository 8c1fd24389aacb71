"""PostgreSQL and Redis as local processes on loopback: for the tests and `make run-cluster`.

Debian's binaries (`apt-get install postgresql redis-server`, which `make test` and `make run-cluster`
do when they are missing). PostgreSQL refuses to run as root, so as root its data directory is
owned by, and the server run as, the `postgres` user that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

REDIS_SERVER = "redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def missing() -> list[str]:
    """What is not installed, as Debian package names."""
    out = []
    if postgres_bin() is None:
        out.append("postgresql")
    if shutil.which(REDIS_SERVER) is None:
        out.append("redis-server")
    return out


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on 127.0.0.1:{port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


class LocalProcess:
    """A server process that can be stopped and started again on the same port and data."""

    what = "server"

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    #: The user the server runs as (None: ours).
    run_as: str | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, user=self.run_as, group=self.run_as,
                                     extra_groups=[] if self.run_as else None)
        _wait_port(self.port, self.proc, self.what)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):  # its own session: the server and its children
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Redis(LocalProcess):
    """redis-server with an append-only file: queued tasks survive a restart of the broker."""

    what = "redis-server"

    def __init__(self, folder: Path, port: int | None = None) -> None:
        super().__init__(port or free_port())
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--protected-mode", "yes"]


class Postgres(LocalProcess):
    """A private PostgreSQL cluster in `folder` (initdb on first start), trust auth on loopback only."""

    what = "postgres"
    user = "accord"

    def __init__(self, folder: Path, port: int | None = None, *, durable: bool = True) -> None:
        super().__init__(port or free_port())
        bindir = postgres_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = bindir
        self.folder = folder
        self.data = folder / "data"
        #: fsync off for throwaway test clusters: faster, and a crash of the machine loses them anyway.
        self.durable = durable
        if os.geteuid() == 0:  # PostgreSQL refuses root: run it as Debian's `postgres` user
            self.run_as = "postgres"

    @property
    def url(self) -> str:
        return self.url_for("accord")

    def url_for(self, dbname: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def _prepare(self) -> None:
        if (self.data / "PG_VERSION").is_file():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            entry = pwd.getpwnam("postgres")
            os.chmod(self.folder, 0o755)
            self.data.mkdir(exist_ok=True)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            # Every folder above must be traversable by `postgres`.
            for parent in self.folder.resolve().parents:
                if parent.stat().st_mode & 0o001 == 0:
                    raise RuntimeError(f"{parent} is not traversable by the postgres user: choose another folder")
        subprocess.run([str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user,
                        "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, user=self.run_as,
                       group=self.run_as, extra_groups=[] if self.run_as else None)

    def command(self) -> list[str]:
        options = ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.data}",
                   "-c", "max_connections=200"]
        if not self.durable:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        return [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), *options]

    def start(self) -> None:
        self._prepare()
        super().start()
        self._wait_ready()
        self.create_database("accord")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> None:
        """SIGINT: PostgreSQL's fast shutdown (open connections are closed)."""
        super().stop(sig, timeout)

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            done = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                                  check=False)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres on :{self.port} not ready within {timeout:.0f} s")
            time.sleep(0.1)

    def create_database(self, dbname: str) -> str:
        """Create `dbname` unless it exists; returns its URL."""
        import psycopg

        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{dbname}"'.encode())
        return self.url_for(dbname)
