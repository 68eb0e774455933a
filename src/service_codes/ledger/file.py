"""The file ledger: ``FOLDER/codes.jsonl``, one sealed event per line (see ``chain``).

The release log (``releases.jsonl``) is a file ledger of another name, kept the same way.

An edited, deleted or reordered line breaks the hash chain. The head file
(``codes.head``) records the number of lines and the last hash after every
acknowledged append, so a deleted last line is noticed too.

Writers hold a file lock, read what others appended, then write a batch with one
``write`` and ``fsync`` it before anything is acknowledged. A crash can only leave
a torn last line, which :meth:`Ledger.repair` cuts off; nothing earlier is ever
rewritten. A snapshot of the registry's index (``codes.snapshot``, derived data)
spares re-reading a large ledger on every open.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs
import orjson
from filelock import FileLock

from service_codes.errors import RegistryCorrupt
from service_codes.ledger.chain import (
    GENESIS,
    Event,
    corrupt,
    is_sealed,
    parse,
    seal,
    unseal,
)

_SNAPSHOT_FORMAT: Final = f"service-codes snapshot 2 {sys.version}"
_SNAPSHOT_HEADER: Final = struct.Struct("<QI")  # payload length, CRC-32


def _line(number: int) -> tuple[str, str]:
    return f"ledger line {number}", f"登记簿第 {number} 行"


def _corrupt(number: int, en: str, zh: str, *, torn: bool = False) -> RegistryCorrupt:
    return corrupt(_line, number, en, zh, torn=torn)


@attrs.frozen
class Repair:
    """What :meth:`Ledger.repair` did: bytes cut off, or a whole last line completed."""

    removed: int
    completed: bool


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


class FileLedger:
    """Reading and appending the lines of ``FOLDER/NAME.jsonl``; knows nothing of codes."""

    def __init__(self, folder: Path, name: str = "codes") -> None:
        self.folder = folder
        self.path = folder / f"{name}.jsonl"
        self.head_path = folder / f"{name}.head"
        self.snapshot_path = folder / f"{name}.snapshot"
        self.lock = FileLock(folder / f"{name}.lock")
        self.rewind()

    def rewind(self) -> None:
        """Forget what was read: the next :meth:`read_new` starts from the first line."""
        self.offset = 0  # bytes read so far
        self.lines = 0  # lines read so far
        self.last_hash = GENESIS
        self.last_start = 0  # where the last line read starts

    def describe(self) -> str:
        return str(self.path)

    @staticmethod
    def where(number: int) -> tuple[str, str]:
        return _line(number)

    @property
    def head(self) -> tuple[int, str]:
        """(events, last hash) as last read."""
        return self.lines, self.last_hash

    def exists(self) -> bool:
        return self.path.is_file()

    def create(self) -> None:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab"):
                pass
            _fsync_dir(self.path.parent)

    def close(self) -> None:
        pass

    def reading(self) -> FileLock:
        """Hold the writers' lock while reading, so that no append is seen half-made."""
        return self.lock

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The writers' lock; lines another writer wrote but never fsynced are made durable
        first, since what this writer acknowledges must not rest on them."""
        with self.lock:
            self.make_durable()
            yield

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
                event = parse(line, number, _line)
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
        head = self.recorded_head()
        if self.lines and (head is None or head[0] < self.lines):
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _replace_atomically(self.head_path, f"{self.lines} {self.last_hash}\n".encode())

    def append(self, events: Sequence[Event]) -> None:
        """Seal and append a batch with one write and one fsync; call within :meth:`writing`."""
        chunks, prev = [], self.last_hash
        for event in events:
            line, prev = seal(event, prev)
            chunks.append(line)
        self._write(chunks, prev)

    def append_lines(self, lines: Sequence[bytes]) -> None:
        """Append sealed lines as they are (an imported ledger); call within :meth:`writing`."""
        prev = self.last_hash
        for number, line in enumerate(lines, start=self.lines + 1):
            prev = unseal(line.rstrip(b"\n"), number, prev, _line)["hash"]
        self._write([line if line.endswith(b"\n") else line + b"\n" for line in lines], prev)

    def _write(self, chunks: list[bytes], prev: str) -> None:
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

    def recorded_head(self) -> tuple[int, str] | None:
        """(lines, last hash) as of the last acknowledged append, if recorded."""
        try:
            lines, digest = self.head_path.read_text("ascii").split()
            return int(lines), digest
        except (OSError, ValueError):
            return None

    def verified(self) -> Iterator[tuple[bytes, Event]]:
        """Every line and its event, checking each line's hash, the chain and the head record."""
        head = self.recorded_head()
        prev, number = GENESIS, 0
        with open(self.path, "rb") as file:
            for number, raw in enumerate(file, start=1):
                if not raw.endswith(b"\n"):
                    raise _corrupt(number, "half-written", "写入不完整", torn=True)
                event = unseal(raw[:-1], number, prev, _line)
                prev = event.pop("hash")
                if head and number == head[0] and prev != head[1]:
                    raise _corrupt(number, "differs from the head record", "与登记簿头记录不符")
                yield raw, event
        if number and head is None:
            raise RegistryCorrupt(
                f"the head record {self.head_path.name} is missing or unreadable",
                f"登记簿头记录 {self.head_path.name} 缺失或无法读取",
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
        if is_sealed(torn, prev):
            with open(self.path, "ab") as file:
                file.write(b"\n")
                file.flush()
                os.fsync(file.fileno())
            return Repair(0, completed=True)
        head = self.recorded_head()
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
