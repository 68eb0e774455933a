"""A throwaway PostgreSQL server for the test suite and CI: real binaries, no mocks.

Used two ways:

* from Python (``tests/conftest.py``)::

      with PgServer.start() as server:
          dsn = server.create_database("scratch")

* as a script, so CI can start one server before the virtual environment exists and share
  it with every pytest process through ``SERVICE_CODES_TEST_PG``::

      python3 tests/pgserver.py start DIR   # prints the superuser DSN, nothing else
      python3 tests/pgserver.py stop DIR    # stops the server and removes DIR

Starting, stopping and restarting use only the standard library and the PostgreSQL
binaries; psycopg is imported only by ``create_database``/``drop_database``, so the script
runs under a bare system ``python3``.

The server binaries (``initdb``, ``pg_ctl``, ``postgres``) refuse to run as root. When we
are root they run as the ``postgres`` system user through ``runuser``, and the server's
directory is handed to that user. Client binaries (``pg_isready``, ``psql``) run as
ourselves.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

SUPERUSER = "postgres"
HOST = "127.0.0.1"
# The system account that runs the server binaries when we are root.
SYSTEM_USER = "postgres"
# How long to wait for the server to start, restart or stop, in seconds.
TIMEOUT = 60


# -- finding the binaries -------------------------------------------------------------------


def find_bindir() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and friends, or None.

    ``pg_ctl`` on PATH wins; the symlink is resolved so that a lone ``/usr/local/bin/pg_ctl``
    pointing into Debian's tree still finds ``initdb`` and ``pg_isready`` next to the
    target. Otherwise the newest ``/usr/lib/postgresql/<major>/bin`` (Debian's layout).
    """
    on_path = shutil.which("pg_ctl")
    if on_path:
        bindir = Path(on_path).resolve().parent
        if _complete(bindir):
            return bindir
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    for bindir in sorted(candidates, key=lambda p: int(p.parent.name), reverse=True):
        if _complete(bindir):
            return bindir
    return None


def _complete(bindir: Path) -> bool:
    return all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres", "pg_isready"))


def _is_root() -> bool:
    return os.geteuid() == 0


def binaries_available() -> bool:
    """True when a server can be started here: the binaries exist and, if we are root,
    the ``postgres`` system user and ``runuser`` exist to run them."""
    if find_bindir() is None:
        return False
    if _is_root():
        import pwd

        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return False
        return shutil.which("runuser") is not None
    return True


# -- helpers --------------------------------------------------------------------------------


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Another process may take it before the server binds it; ``PgServer.start`` retries with
    a fresh port when that happens.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _conf_quote(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _url(host: str, port: int, dbname: str, user: str, password: str | None) -> str:
    q = urllib.parse.quote
    auth = q(user, safe="") + (":" + q(password, safe="") if password is not None else "")
    return f"postgresql://{auth}@{host}:{port}/{q(dbname, safe='')}"


def _admin_execute(superuser_dsn: str, query: Any) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    import psycopg  # only here: the start/stop path must not need third-party packages

    with psycopg.connect(superuser_dsn, autocommit=True) as conn:
        conn.execute(query)


def _create_database(server: PgServer | ExistingServer, name: str) -> str:
    from psycopg import sql

    _admin_execute(server.dsn(), sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.dsn(name)


def _drop_database(server: PgServer | ExistingServer, name: str) -> None:
    from psycopg import sql

    query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    _admin_execute(server.dsn(), query)


# -- the server -----------------------------------------------------------------------------


class PgServer:
    """A private PostgreSQL server in its own directory, listening on 127.0.0.1.

    Layout of the directory: ``data/`` (the cluster), ``server.log``, and the Unix socket.
    """

    def __init__(self, base_dir: Path, bindir: Path, port: int, password: str) -> None:
        self.base_dir = base_dir
        self.bindir = bindir
        self.host = HOST
        self.port = port
        self.password = password
        self.datadir = base_dir / "data"
        self.logfile = base_dir / "server.log"
        self._stopped = False

    # -- starting ------------------------------------------------------------------------

    @classmethod
    def start(cls, base_dir: Path | None = None, *, durable: bool = False) -> PgServer:
        """Create a cluster and start a server on a free port.

        ``base_dir`` is the server's directory (created if missing, must be empty); by
        default a fresh temporary directory. ``stop`` removes it either way.
        ``durable=False`` turns off fsync and full_page_writes: faster, and still safe
        across ``restart_immediate`` (the OS page cache survives a server crash), but not
        across a machine crash.
        """
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL binaries: install postgresql-15")
        if base_dir is None:
            base_dir = Path(tempfile.mkdtemp(prefix="pgserver-"))
        else:
            base_dir = Path(base_dir).absolute()
            base_dir.mkdir(parents=True, exist_ok=True)
            if any(base_dir.iterdir()):
                raise RuntimeError(f"{base_dir} is not empty")
        try:
            return cls._start_in(base_dir, bindir, durable=durable)
        except BaseException:
            shutil.rmtree(base_dir, ignore_errors=True)
            raise

    @classmethod
    def _start_in(cls, base_dir: Path, bindir: Path, *, durable: bool) -> PgServer:
        base_dir.chmod(0o700)  # it will hold the password file and the socket
        if _is_root():
            # The server runs as the postgres user: give it the directory, and make sure
            # it can reach it (a 0700 parent owned by root would stop it).
            shutil.chown(base_dir, SYSTEM_USER, SYSTEM_USER)
            reachable = subprocess.run(
                ["runuser", "-u", SYSTEM_USER, "--", "test", "-w", str(base_dir)],
                check=False,
            )
            if reachable.returncode != 0:
                raise RuntimeError(
                    f"the {SYSTEM_USER} user cannot write {base_dir}: "
                    "every parent directory must be searchable by it (chmod o+x)"
                )

        server = cls(base_dir, bindir, port=0, password=secrets.token_urlsafe(24))
        server._initdb(durable=durable)
        server._configure(durable=durable)
        # Retry with a fresh port if something took ours between choosing and binding it.
        for attempt in range(3):
            server.port = _free_port()
            server._write_port()
            try:
                server._pg_ctl("start", "-l", str(server.logfile))
                break
            except RuntimeError:
                if attempt == 2 or "could not bind" not in server._log_tail():
                    raise
        server._wait_ready()
        server._check_login()
        return server

    def _initdb(self, *, durable: bool) -> None:
        # The superuser password goes through a file, never the command line; the file is
        # removed as soon as initdb has read it.
        pwfile = self.base_dir / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if _is_root():
            shutil.chown(pwfile, SYSTEM_USER, SYSTEM_USER)
        try:
            self._run_server_binary(
                "initdb",
                "-D",
                str(self.datadir),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                # A throwaway cluster need not be flushed to disk: about a second saved.
                *([] if durable else ["--no-sync"]),
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _configure(self, *, durable: bool) -> None:
        # Settings go into postgresql.conf rather than ``pg_ctl -o``: no shell quoting of
        # paths, and a restart (or the script's later ``stop``) sees the same settings.
        settings = {
            "listen_addresses": _conf_quote(HOST),
            "unix_socket_directories": _conf_quote(str(self.base_dir)),
            "max_connections": "100",
        }
        if not durable:
            # Speed over crash safety of the *machine*. A crash of the *server*
            # (restart_immediate) still loses nothing: WAL is written to the OS page cache
            # at every commit, and that cache outlives the server process.
            #
            # synchronous_commit stays on deliberately. Off, a commit returns while its WAL
            # is still in the server's shared memory, and an immediate restart within the
            # next ~0.6 s (3 x wal_writer_delay) loses it; test_pgserver's restart test
            # lost every row that way. With fsync off, "on" costs only a write() per commit.
            settings |= {"fsync": "off", "full_page_writes": "off"}
        lines = [f"{key} = {value}" for key, value in settings.items()]
        with (self.datadir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# pgserver.py\n" + "\n".join(lines) + "\n")

    def _write_port(self) -> None:
        # Appended on every attempt: in postgresql.conf the last setting wins.
        with (self.datadir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\n")

    # -- running binaries ----------------------------------------------------------------

    def _run_server_binary(self, name: str, *args: str) -> None:
        """Run initdb/pg_ctl, as the postgres user when we are root.

        The working directory is the server's own, which that user can always enter.
        Output is captured (so the script's stdout stays the DSN alone) and shown on failure.
        """
        command = [str(self.bindir / name), *args]
        if _is_root():
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        result = subprocess.run(
            command,
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{name} {' '.join(args[:1])} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}\n--- server log ---\n{self._log_tail()}"
            )

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._run_server_binary(
            "pg_ctl", action, "-D", str(self.datadir), "-w", "-t", str(TIMEOUT), *args
        )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.logfile.read_text("utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _wait_ready(self) -> None:
        """Wait until the server accepts TCP connections (pg_isready needs no password)."""
        deadline = time.monotonic() + TIMEOUT
        command = [str(self.bindir / "pg_isready"), "-q", "-h", self.host, "-p", str(self.port)]
        while subprocess.run(command, check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {TIMEOUT}s:\n{self._log_tail()}")
            time.sleep(0.05)

    def _check_login(self) -> None:
        """Log in over TCP with the password once, so a broken setup fails here, plainly."""
        psql = self.bindir / "psql"
        if not psql.is_file():
            return
        env = {**os.environ, "PGPASSWORD": self.password}
        result = subprocess.run(
            [str(psql), "-X", "-A", "-t", "-c", "select 1", self.dsn()],
            env=env,
            cwd=self.base_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or result.stdout.strip() != "1":
            raise RuntimeError(f"cannot log in to the new server: {result.stderr}")

    # -- the interface -------------------------------------------------------------------

    def dsn(
        self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """A ``postgresql://`` URL. With no password given, the superuser's is used for the
        superuser and none for anyone else."""
        if password is None and user == SUPERUSER:
            password = self.password
        return _url(self.host, self.port, dbname, user, password)

    def create_database(self, name: str) -> str:
        """Create an empty database; return its superuser DSN. Needs psycopg."""
        return _create_database(self, name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting anyone still in it. Needs psycopg."""
        _drop_database(self, name)

    def restart_immediate(self) -> None:
        """Crash-stop the server (no checkpoint, like a power cut to the server process)
        and start it again; returns once it accepts connections. Committed rows survive:
        crash recovery replays the WAL from the OS page cache, fsync or not (see
        ``_configure`` for why synchronous_commit must stay on for that)."""
        self._pg_ctl("restart", "-m", "immediate", "-l", str(self.logfile))
        self._wait_ready()

    def stop(self) -> None:
        """Stop the server (fast: disconnect clients, checkpoint) and remove its directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            _stop_datadir(self.bindir, self.datadir, self.base_dir)
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<PgServer {self.host}:{self.port} {self.datadir}>"


def _stop_datadir(bindir: Path, datadir: Path, base_dir: Path) -> None:
    """Stop whatever server runs on datadir; escalate to immediate if fast fails."""
    if not (datadir / "postmaster.pid").exists():
        return  # never started, or already stopped
    server = PgServer(base_dir, bindir, port=0, password="")
    try:
        server._pg_ctl("stop", "-m", "fast")
    except RuntimeError:
        server._pg_ctl("stop", "-m", "immediate")


class ExistingServer:
    """A server someone else runs (CI's, from ``SERVICE_CODES_TEST_PG``), reached through
    its superuser URL. Same ``dsn``/``create_database``/``drop_database`` as PgServer;
    it cannot be restarted from here."""

    def __init__(self, superuser_dsn: str) -> None:
        parts = urllib.parse.urlsplit(superuser_dsn)
        if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
            raise ValueError(f"not a postgresql:// URL with a host: {superuser_dsn!r}")
        self._parts = parts
        self.host = parts.hostname
        self.port = parts.port or 5432
        self.user = urllib.parse.unquote(parts.username or SUPERUSER)
        self.password = urllib.parse.unquote(parts.password) if parts.password else None

    def dsn(
        self, dbname: str = "postgres", user: str | None = None, password: str | None = None
    ) -> str:
        """The URL with another database (and user); the rest, e.g. sslmode, is kept."""
        if user is None or user == self.user:
            user = self.user
            password = self.password if password is None else password
        url = _url(self.host, self.port, dbname, user, password)
        return url + (f"?{self._parts.query}" if self._parts.query else "")

    def create_database(self, name: str) -> str:
        return _create_database(self, name)

    def drop_database(self, name: str) -> None:
        _drop_database(self, name)

    def restart_immediate(self) -> None:
        raise NotImplementedError("cannot restart a server this process does not run")


# -- as a script ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: pgserver.py start DIR | stop DIR", file=sys.stderr)
        return 2
    action, directory = argv[0], Path(argv[1]).absolute()
    if action == "start":
        server = PgServer.start(directory, durable=False)
        print(server.dsn(), flush=True)  # the only line on stdout
        return 0
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL binaries: install postgresql-15")
    with contextlib.suppress(FileNotFoundError):
        try:
            _stop_datadir(bindir, directory / "data", directory)
        finally:
            shutil.rmtree(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
