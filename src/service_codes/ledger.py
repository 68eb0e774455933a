"""The append-only ledger file behind the registry: lines of events, chained by hashes.

One UTF-8 JSON object per line. Each line holds ``prev``, the hash of the line
before it, and ends with ``hash``, the SHA-256 of the line's bytes before that
field, so an edited, deleted or reordered line breaks the chain. The head file
(``codes.head``) records the number of lines and the last hash after every
acknowledged append, so a deleted last line is noticed too.

Writers hold a file lock, read what others appended, then write a batch with one
``write`` and ``fsync`` it before anything is acknowledged. A crash can only leave
a torn last line, which :meth:`Ledger.repair` cuts off; nothing earlier is ever
rewritten. A snapshot of the registry's index (``codes.snapshot``, derived data)
spares re-reading a large ledger on every open.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import struct
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs
import orjson
from filelock import FileLock

from service_codes.errors import RegistryCorrupt, RegistryError

GENESIS: Final = "0" * 64
_SUFFIX_LEN: Final = len(b',"hash":"') + 64 + len(b'"}')
_SNAPSHOT_FORMAT: Final = f"service-codes snapshot 2 {sys.version}"
_SNAPSHOT_HEADER: Final = struct.Struct("<QI")  # payload length, CRC-32
Event = dict[str, Any]


def seal(event: Event, prev: str) -> tuple[bytes, str]:
    """The line (with newline) of ``event`` chained after ``prev``, and the line's hash."""
    try:
        body = orjson.dumps({**event, "prev": prev}, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as error:  # a lone surrogate in a name, say
        raise RegistryError(
            f"the event cannot be written as UTF-8 JSON: {error}",
            f"事件无法写成 UTF-8 JSON：{error}",
        ) from None
    digest = hashlib.sha256(body).hexdigest()
    return body[:-1] + b',"hash":"' + digest.encode() + b'"}\n', digest


def _corrupt(number: int, en: str, zh: str, *, torn: bool = False) -> RegistryCorrupt:
    return RegistryCorrupt(
        f"ledger line {number}: {en}", f"登记簿第 {number} 行：{zh}", line=number, torn=torn
    )


def _parse(line: bytes, number: int) -> Event:
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise _corrupt(number, "not valid JSON", "不是有效的 JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("hash"), str):
        raise _corrupt(number, "not a sealed event", "不是带哈希的事件")
    return event


def _is_sealed(line: bytes, prev: str) -> bool:
    """Whether ``line`` (without newline) is a whole sealed event chained after ``prev``."""
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return (
        isinstance(event, dict)
        and event.get("prev") == prev
        and hashlib.sha256(line[:-_SUFFIX_LEN] + b"}").hexdigest() == event.get("hash")
    )


@attrs.frozen
class Repair:
    """What :meth:`Ledger.repair` did: bytes cut off, or a whole last line completed."""

    removed: int
    completed: bool


@contextmanager
def no_gc() -> Iterator[None]:
    """Reading a million small events triggers the cycle collector over and over; they
    hold no cycles, so it is paused while they are read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


class Ledger:
    """Reading and appending the lines of ``FOLDER/codes.jsonl``; knows nothing of codes."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "codes.jsonl"
        self.head_path = folder / "codes.head"
        self.snapshot_path = folder / "codes.snapshot"
        self.lock = FileLock(folder / "codes.lock")
        self._reset()

    def _reset(self) -> None:
        self.offset = 0  # bytes read so far
        self.lines = 0  # lines read so far
        self.last_hash = GENESIS
        self.last_start = 0  # where the last line read starts

    def create_if_absent(self) -> None:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab"):
                pass
            _fsync_dir(self.path.parent)

    def read_new(self) -> Iterator[Event]:
        """The events appended since the last read (all of them on the first read).

        Call with the lock held, and consume the whole iterator: the read position
        advances at its end. Raises :class:`RegistryCorrupt` for a torn last line, a
        line that is not JSON, or a first new line that does not chain on.
        """
        with open(self.path, "rb") as file:
            size = file.seek(0, os.SEEK_END)
            if size < self.offset or not self._still_ends_with_last_line(file):
                raise RegistryCorrupt(
                    "the ledger was cut short or replaced since it was read; open it again",
                    "登记簿在读取后被截短或替换，请重新打开",
                    line=self.lines,
                )
            if size == self.offset:
                return
            file.seek(size - 1)
            if file.read(1) != b"\n":
                file.seek(self.offset)
                number = self.lines + file.read().count(b"\n") + 1
                raise _corrupt(
                    number,
                    "half-written (a crash during an append);"
                    " `service-codes registry repair` cuts it off",
                    "写入不完整（追加时中断）；可用 service-codes registry repair 截去",
                    torn=True,
                )
            file.seek(self.offset)
            number, start, event = self.lines, self.offset, None
            for line in file:  # streamed: a million events need not be in memory at once
                number += 1
                event = _parse(line, number)
                if number == self.lines + 1 and event.get("prev") != self.last_hash:
                    raise _corrupt(
                        number, "does not chain on the line before it", "与上一行的哈希链不符"
                    )
                yield event
                start += len(line)
            assert event is not None
            self.last_start = start - len(line)
            self.offset, self.lines, self.last_hash = start, number, event["hash"]

    def _still_ends_with_last_line(self, file: BinaryIO) -> bool:
        if self.lines == 0:
            return True
        file.seek(self.last_start)
        line = file.read(self.offset - self.last_start)
        # A sealed line ends with its 64-digit hash, a quote, a brace and the newline.
        return line.endswith(b'"}\n') and line[-67:-3] == self.last_hash.encode()

    def make_durable(self) -> None:
        """fsync lines that were read but may not be on disk yet, and record them in the head.

        A writer killed between its write and its fsync leaves lines that other processes
        can read; they must reach the disk before anything built on them is acknowledged.
        """
        head = self.head()
        if self.lines and (head is None or head[0] < self.lines):
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _replace_atomically(self.head_path, f"{self.lines} {self.last_hash}\n".encode())

    def append(self, events: list[Event]) -> None:
        """Seal and append a batch with one write and one fsync; call with the lock held."""
        chunks, prev = [], self.last_hash
        for event in events:
            line, prev = seal(event, prev)
            chunks.append(line)
        data = b"".join(chunks)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            written = os.write(fd, data)
            while written < len(data):  # a regular file takes it whole; never assume it
                written += os.write(fd, data[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        self.last_start = self.offset + len(data) - len(chunks[-1])
        self.offset += len(data)
        self.lines += len(chunks)
        self.last_hash = prev
        _replace_atomically(self.head_path, f"{self.lines} {self.last_hash}\n".encode())

    def head(self) -> tuple[int, str] | None:
        """(lines, last hash) as of the last acknowledged append, if recorded."""
        try:
            lines, digest = self.head_path.read_text("ascii").split()
            return int(lines), digest
        except (OSError, ValueError):
            return None

    def verified_events(self) -> Iterator[Event]:
        """Every event, checking each line's own hash, the chain and the head record."""
        head = self.head()
        prev, number = GENESIS, 0
        with open(self.path, "rb") as file:
            for number, raw in enumerate(file, start=1):
                if not raw.endswith(b"\n"):
                    raise _corrupt(number, "half-written", "写入不完整", torn=True)
                line = raw[:-1]
                event = _parse(line, number)
                digest = event.pop("hash")
                if hashlib.sha256(line[:-_SUFFIX_LEN] + b"}").hexdigest() != digest:
                    raise _corrupt(
                        number, "was altered: its hash does not match", "被改动：哈希不符"
                    )
                if event.pop("prev", None) != prev:
                    raise _corrupt(
                        number, "is out of place: the chain breaks here", "位置不对：哈希链在此断开"
                    )
                prev = digest
                if head and number == head[0] and digest != head[1]:
                    raise _corrupt(number, "differs from the head record", "与登记簿头记录不符")
                yield event
        if number and head is None:
            raise RegistryCorrupt(
                "the head record codes.head is missing or unreadable",
                "登记簿头记录 codes.head 缺失或无法读取",
            )
        if head and head[0] > number:
            raise _corrupt(
                number + 1,
                f"is missing: the head records {head[0]} lines",
                f"缺失：头记录为 {head[0]} 行",
            )

    def repair(self) -> Repair:
        """Mend a torn last line; call with the lock held.

        A last line that is whole and sealed but lost its newline gets the newline back;
        anything else after the last newline is cut off, unless the head record says
        that line was acknowledged, which only version control can restore.
        """
        size = self.path.stat().st_size
        with open(self.path, "rb") as file:
            newlines = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
            file.seek(max(0, size - (1 << 20)))
            tail = file.read()
        if size == 0 or tail.endswith(b"\n"):
            return Repair(0, completed=False)
        last_newline = tail.rfind(b"\n")
        if last_newline < 0 and size > len(tail):
            raise RegistryCorrupt(
                "the torn tail is too long to be a half-written line", "不完整的尾部过长"
            )
        torn = tail[last_newline + 1 :]
        prev = tail[last_newline - 66 : last_newline - 2].decode() if last_newline > 0 else GENESIS
        if _is_sealed(torn, prev):
            with open(self.path, "ab") as file:
                file.write(b"\n")
                file.flush()
                os.fsync(file.fileno())
            return Repair(0, completed=True)
        head = self.head()
        if head is not None and head[0] > newlines:
            raise _corrupt(
                newlines + 1,
                "is damaged but was acknowledged; restore the ledger from version control",
                "已损坏但已确认写入；请从版本库恢复登记簿",
            )
        cut = size - len(tail) + last_newline + 1
        os.truncate(self.path, cut)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return Repair(size - cut, completed=False)

    def load_snapshot(self) -> Any | None:
        """The index state saved with :meth:`save_snapshot`, if it still fits the ledger."""
        try:
            raw = self.snapshot_path.read_bytes()
            header, payload = raw[: _SNAPSHOT_HEADER.size], raw[_SNAPSHOT_HEADER.size :]
            # marshal is not made to read damaged data: check it is whole before loading.
            if _SNAPSHOT_HEADER.unpack(header) != (len(payload), zlib.crc32(payload)):
                return None
            format_, offset, lines, last_hash, last_start, state = marshal.loads(payload)
            if format_ != _SNAPSHOT_FORMAT or offset > self.path.stat().st_size:
                return None
            with open(self.path, "rb") as file:
                file.seek(last_start)
                last_line = file.read(offset - last_start)
            if lines and orjson.loads(last_line).get("hash") != last_hash:
                return None
        except (OSError, ValueError, EOFError, TypeError, struct.error, orjson.JSONDecodeError):
            return None
        self.offset, self.lines, self.last_hash, self.last_start = (
            offset,
            lines,
            last_hash,
            last_start,
        )
        return state

    def save_snapshot(self, state: Any) -> None:
        """Save derived index state; a failure to write it only costs a slower open.

        Not fsynced: a snapshot lost or torn in a crash fails its check and is rebuilt.
        """
        data = (_SNAPSHOT_FORMAT, self.offset, self.lines, self.last_hash, self.last_start, state)
        payload = marshal.dumps(data)
        tmp = self.snapshot_path.with_name(f".{self.snapshot_path.name}.tmp")
        with suppress(OSError):
            tmp.write_bytes(_SNAPSHOT_HEADER.pack(len(payload), zlib.crc32(payload)) + payload)
            tmp.replace(self.snapshot_path)
