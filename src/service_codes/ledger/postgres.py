"""The shared ledger: one append-only PostgreSQL table that many service centers write.

Rows hold the same sealed lines as a file ledger (see ``chain``). Writers serialize
through one transaction-level advisory lock: take it, read the rows they have not
seen, append their batch with COPY and commit; a code is acknowledged only after the
COMMIT, so a rolled-back or killed transaction leaves no row and no gap. The database
itself refuses what no client may do (``postgres.sql``): changing or deleting a row,
a row that does not chain on the one before it, a code outside the role's grants.
Needs psycopg 3: ``pip install 'service-codes[postgres]'``.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, NoReturn

import orjson

from service_codes.errors import (
    RegistryCorrupt,
    RegistryError,
    RegistryRefused,
    RegistryUnavailable,
)
from service_codes.ledger.chain import GENESIS, Event, corrupt, hashed_body, seal, unseal

if TYPE_CHECKING:
    import psycopg

SCHEMA_VERSION: Final = 1
# The writers' lock: one advisory lock of the database, held until COMMIT or ROLLBACK.
_LOCK_KEY: Final = 0x5343_4C47  # "SCLG"
# Rows read at a time: larger pages leave the heap of a million-event open fragmented.
_FETCH: Final = 1_000
_SEND: Final = 2_000  # rows sent to COPY at a time
_HASH_SLICE: Final = slice(-3 - 64, -3)  # a sealed line ends: the hash, '"}' and a newline


def _row(number: int) -> tuple[str, str]:
    return f"registry row {number}", f"登记簿第 {number} 条"


class PostgresLedger:
    """The events of ``service_codes.events`` in the database ``dsn`` names."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._settings = _settings(dsn)
        self._conn: psycopg.Connection[Any] | None = None
        self.rewind()

    def rewind(self) -> None:
        self.position = 0
        self.last_hash = GENESIS

    # --- where, and whether it is there ------------------------------------------------

    def describe(self) -> str:
        s = self._settings
        return f"database {s['dbname']} on {s['host']}:{s['port']}"

    def _describe_zh(self) -> str:
        s = self._settings
        return f"{s['host']}:{s['port']} 上的数据库 {s['dbname']}"

    @staticmethod
    def where(number: int) -> tuple[str, str]:
        return _row(number)

    @property
    def head(self) -> tuple[int, str]:
        return self.position, self.last_hash

    def exists(self) -> bool:
        """True when the schema is there in this library's version; else RegistryUnavailable."""
        psycopg = _psycopg()
        with self._translated():
            try:
                row = (
                    self._connection()
                    .execute("SELECT value FROM service_codes.meta WHERE key = 'schema_version'")
                    .fetchone()
                )
            except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
                self._unavailable(
                    "has no service-codes registry: create it with `service-codes registry init`",
                    "中没有编码登记簿：请先运行 service-codes registry init 建立",
                )
        found = int(row[0]) if row and str(row[0]).isdigit() else None
        if found != SCHEMA_VERSION:
            newer = found is not None and found > SCHEMA_VERSION
            self._unavailable(
                f"holds registry schema {found}, this library reads {SCHEMA_VERSION}: "
                + ("upgrade service-codes" if newer else "the schema is not this library's"),
                f"中的登记簿结构版本为 {found}，本程序读取版本 {SCHEMA_VERSION}："
                + ("请升级 service-codes" if newer else "结构与本程序不符"),
            )
        return True

    def create(self) -> None:
        """Create the schema, the roles and their rights, unless the schema is there."""
        psycopg = _psycopg()
        sql = resources.files(__package__).joinpath("postgres.sql").read_text("utf-8")
        with self._translated():
            conn = self._connection()
            try:
                self.exists()
                return
            except RegistryUnavailable:
                present = conn.execute(
                    "SELECT 1 FROM pg_namespace WHERE nspname = 'service_codes'"
                ).fetchone()
                if present:
                    raise
            try:
                with conn.transaction():
                    conn.execute(sql.replace("{version}", str(SCHEMA_VERSION)))
            except (psycopg.errors.DuplicateSchema, psycopg.errors.UniqueViolation):
                pass  # another init won the race: its schema is checked below
        self.exists()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # --- reading and writing -----------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One transaction: the rows read in it are one consistent view."""
        with self._translated(), self._connection().transaction():
            yield

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The writers' lock within one transaction; what is appended is durable at COMMIT."""
        with self._translated():
            conn = self._connection()
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
                yield

    def read_new(self) -> Iterator[Event]:
        """The events after the last one read; call within :meth:`reading` or :meth:`writing`."""
        with self._translated():
            for position, body, digest in self._rows(after=self.position):
                if position != self.position + 1:
                    raise corrupt(_row, self.position + 1, "is missing", "缺失")
                try:
                    event = orjson.loads(body)
                except orjson.JSONDecodeError:
                    raise corrupt(_row, position, "not valid JSON", "不是有效的 JSON") from None
                if event.get("prev") != self.last_hash:
                    raise corrupt(
                        _row,
                        position,
                        "does not chain on the row before it",
                        "与上一条的哈希链不符",
                    )
                event["hash"] = digest
                yield event
                self.position, self.last_hash = position, digest

    def append(self, events: Sequence[Event]) -> None:
        self._copy(self._sealed(events), len(events))

    def _sealed(self, events: Sequence[Event]) -> Iterator[bytes]:
        prev = self.last_hash
        for event in events:
            line, prev = seal(event, prev)
            yield line

    def append_lines(self, lines: Sequence[bytes]) -> None:
        prev = self.last_hash
        for position, line in enumerate(lines, start=self.position + 1):
            prev = unseal(line.rstrip(b"\n"), position, prev, _row)["hash"]
        ended = [line if line.endswith(b"\n") else line + b"\n" for line in lines]
        self._copy(iter(ended), len(ended))

    def _copy(self, lines: Iterator[bytes], count: int) -> None:
        """Append ``count`` sealed lines in one COPY, within :meth:`writing`.

        Sent in chunks as they are sealed, so that the server stores rows while the
        rest are made. COPY's text format is written directly: a JSON body holds no tab
        or newline, and its backslashes are doubled.
        """
        position, line = self.position, b""
        with self._translated():
            copy_sql = "COPY service_codes.events (position, body, hash) FROM STDIN"
            with self._connection().cursor() as cursor, cursor.copy(copy_sql) as copy:
                chunk = []
                for position, line in enumerate(lines, start=self.position + 1):
                    body = hashed_body(line[:-1]).replace(b"\\", b"\\\\")
                    chunk.append(b"%d\t%s\t%s\n" % (position, body, line[_HASH_SLICE]))
                    if len(chunk) == _SEND:
                        copy.write(b"".join(chunk))
                        chunk = []
                copy.write(b"".join(chunk))
        if position != self.position + count:
            raise RegistryError("the batch was not sealed whole", "批次未能完整封存")
        if count:
            self.position, self.last_hash = position, line[_HASH_SLICE].decode()

    def verified(self) -> Iterator[tuple[bytes, Event]]:
        """Every row as the line a file ledger would hold, checking hashes and chain."""
        prev, expected = GENESIS, 1
        with self._translated():
            for position, body, digest in self._rows(after=0):
                if position != expected:
                    raise corrupt(_row, expected, "is missing", "缺失")
                line = body.encode()[:-1] + b',"hash":"' + digest.encode() + b'"}\n'
                event = unseal(line[:-1], position, prev, _row)
                prev = event.pop("hash")
                expected += 1
                yield line, event

    def _rows(self, after: int) -> Iterator[tuple[int, str, str]]:
        """The rows after position ``after``, a page at a time: one round trip for the few
        rows a writer catches up on, bounded memory for a million."""
        conn = self._connection()
        while True:
            page = conn.execute(
                "SELECT position, body, hash FROM service_codes.events"
                " WHERE position > %s ORDER BY position LIMIT %s",
                [after, _FETCH],
            ).fetchall()
            yield from page
            if len(page) < _FETCH:
                return
            after = page[-1][0]

    def load_snapshot(self) -> Any | None:
        return None  # the index is read from the table: no snapshot to trust or keep

    def save_snapshot(self, state: Any) -> None:
        pass

    # --- the connection, and what its errors mean --------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            psycopg = _psycopg()
            try:
                conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
            except psycopg.Error as error:
                self._unavailable(
                    f"cannot be reached: {self._reason(error)}", f"无法连接：{self._reason(error)}"
                )
            self._conn = conn
        return conn

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """psycopg's errors as the registry's: typed, bilingual, never with a password."""
        psycopg = _psycopg()
        try:
            yield
        except psycopg.errors.InsufficientPrivilege as error:
            self._refused(error)
        except psycopg.errors.IntegrityError as error:
            raise RegistryCorrupt(
                f"the {self.describe()} refused the write: {self._reason(error)}",
                f"{self._describe_zh()}拒绝写入：{self._reason(error)}",
            ) from None
        except psycopg.OperationalError as error:
            self._unavailable(
                f"was lost during the call; nothing of it was acknowledged: {self._reason(error)}",
                f"在操作中断开，此次操作未确认：{self._reason(error)}",
            )
        except psycopg.Error as error:
            raise RegistryError(
                f"the {self.describe()} failed: {self._reason(error)}",
                f"{self._describe_zh()}出错：{self._reason(error)}",
            ) from None

    def _refused(self, error: psycopg.Error) -> NoReturn:
        role = self._settings["user"]
        try:
            detail = orjson.loads(error.diag.message_detail or "")
            role, scope = detail["role"], detail["scope"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise RegistryRefused(
                f"the role {role} may not do this in the {self.describe()}: {self._reason(error)}",
                f"角色 {role} 无权在{self._describe_zh()}中执行此操作：{self._reason(error)}",
            ) from None
        if scope == "catalogue":
            en, zh = "issue or change basic catalogue codes", "发放或变更基本目录编码"
        else:
            en, zh = (
                f"issue or change codes of agency {scope}",
                f"发放或变更实施主体 {scope} 的编码",
            )
        raise RegistryRefused(
            f"the role {role} holds no grant to {en} in the {self.describe()}",
            f"角色 {role} 无权{zh}（{self._describe_zh()}）",
        ) from None

    def _unavailable(self, en: str, zh: str) -> NoReturn:
        raise RegistryUnavailable(
            f"the registry {self.describe()} {en}", f"编码登记簿（{self._describe_zh()}）{zh}"
        ) from None

    def _reason(self, error: BaseException) -> str:
        """The first line of the server's or libpq's message, without any password."""
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        text = lines[0] if lines else type(error).__name__
        password = self._settings["password"]
        return text.replace(password, "***") if password else text


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise RegistryUnavailable(
            "a PostgreSQL registry needs psycopg: pip install 'service-codes[postgres]'",
            "使用 PostgreSQL 登记簿需要 psycopg：pip install 'service-codes[postgres]'",
        ) from None
    return psycopg


def _settings(dsn: str) -> dict[str, str]:
    """Host, port, database, user and password the connection will use, as libpq picks them."""
    psycopg = _psycopg()
    try:
        given = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        raise RegistryUnavailable(
            "the registry's connection string cannot be read", "无法解析编码登记簿的连接串"
        ) from None
    env = os.environ
    user = str(given.get("user") or env.get("PGUSER") or getpass.getuser())
    return {
        "host": str(given.get("host") or env.get("PGHOST") or "localhost"),
        "port": str(given.get("port") or env.get("PGPORT") or "5432"),
        "dbname": str(given.get("dbname") or env.get("PGDATABASE") or user),
        "user": user,
        "password": str(given.get("password") or env.get("PGPASSWORD") or ""),
    }
