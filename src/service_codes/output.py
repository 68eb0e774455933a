"""Writing output without destroying what a person made: the one safe-write rule.

Every command that writes goes through an :class:`Output` over its output folder. A
file there may be overwritten or removed only when service-codes wrote it and it has not
changed since; anything else (a file a person put there, a guide edited by hand after an
import, a filled-in template) is refused, all of them at once, unless the caller forces it.

What service-codes wrote is recorded in the folder's mark, ``.service-codes``, written
last: the digest of each file written one by one, and the folders written whole (a
build's ``guides/``), whose files count as written when no newer than the mark, as git
trusts a file no newer than its index. Writes go through a temporary file and a rename,
so a reader never sees half a file.

An output folder may not lie inside a source folder (:func:`refuse_nested`): the next
run would read the output as source.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import Final, Literal

import attrs

from service_codes.errors import ServiceCodesError
from service_codes.model import Guide

MARK: Final = ".service-codes"
Risk = Literal["changed", "foreign"]


class UnsafeWrite(ServiceCodesError):
    """Writing would overwrite or remove files service-codes did not write, or that changed.

    ``files`` lists each such file with why it is at risk (``changed`` or ``foreign``).
    """

    default_message = "refusing to overwrite files that service-codes did not write"
    default_message_zh = "拒绝覆盖不是 service-codes 写出的文件"

    def __init__(self, files: Sequence[tuple[Path, Risk]]) -> None:
        self.files = tuple(files)
        shown = ", ".join(f"{path} ({risk})" for path, risk in self.files[:5])
        more = f" and {len(self.files) - 5} more" if len(self.files) > 5 else ""
        zh = {"changed": "写出后已修改", "foreign": "非本工具写出"}
        shown_zh = "、".join(f"{path}（{zh[risk]}）" for path, risk in self.files[:5])
        more_zh = f" 等 {len(self.files)} 个" if len(self.files) > 5 else ""
        super().__init__(
            f"refusing to overwrite or remove {len(self.files)} file(s) that service-codes did"
            f" not write or that changed since: {shown}{more}; use force to overwrite",
            f"拒绝覆盖或删除不是 service-codes 写出或写出后已修改的文件：{shown_zh}{more_zh}",
        )


class NestedOutput(ServiceCodesError):
    """The output folder lies inside a source folder."""

    def __init__(self, out: Path, source: Path) -> None:
        self.out, self.source = out, source
        super().__init__(
            f"the output folder {out} lies inside the source folder {source}",
            f"输出目录 {out} 位于源目录 {source} 之内",
        )


def digest(data: bytes) -> str:
    """The content digest the mark records (also the build manifest's)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@attrs.frozen
class Mark:
    """What the last command wrote into a folder; ``mtime_ns`` is 0 where there is none."""

    files: dict[str, str] = attrs.field(factory=dict)  # relative path -> digest
    folders: tuple[str, ...] = ()  # relative folders written whole
    mtime_ns: int = 0

    @classmethod
    def read(cls, root: Path) -> Mark:
        try:
            stat = (root / MARK).stat()
            data = json.loads((root / MARK).read_text("utf-8"))
            return cls(dict(data["files"]), tuple(data["folders"]), stat.st_mtime_ns)
        except (OSError, ValueError, KeyError, TypeError):
            return cls()  # no mark, or a damaged one: nothing counts as written


def risk(root: Path, mark: Mark, relative: str) -> Risk | None:
    """Why overwriting or removing ``root/relative`` would lose something, or None."""
    found = state(root, mark, relative)
    return found if found == "changed" or found == "foreign" else None


def state(root: Path, mark: Mark, relative: str) -> Risk | Literal["missing", "kept"]:
    """What ``root/relative`` is: missing, kept as the last command wrote it, or at risk
    (one stat of the file, or a read when the mark records its digest)."""
    path = root / relative
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return "missing"
    if not S_ISREG(stat.st_mode):
        return "foreign"  # a folder or device where a file of ours belongs
    if path.name.startswith(".") and path.name.endswith(".tmp"):
        return "kept"  # a write of ours a crash cut short (write_file's name for it)
    recorded = mark.files.get(relative)
    if recorded is not None:
        return "kept" if digest(path.read_bytes()) == recorded else "changed"
    parent = relative.rpartition("/")[0]
    if mark.mtime_ns and parent in mark.folders:
        # Strictly older than the mark: a file written in the mark's own clock tick may
        # be an edit made just after it (git's "racy" case), so it is compared as changed.
        return "kept" if stat.st_mtime_ns < mark.mtime_ns else "changed"
    return "foreign"


class Output:
    """Safe writes into one output folder (see the module's docstring).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "mine.txt").write_text("a person's notes")
    16
    >>> out = Output(root)
    >>> out.guard(["mine.txt"])
    Traceback (most recent call last):
    ...
    service_codes.output.UnsafeWrite: refusing to overwrite or remove 1 file(s) ...
    """

    def __init__(self, root: Path, *, force: bool = False) -> None:
        self.root, self.force = root, force
        self.mark = Mark.read(root)
        self._written: dict[str, str] = {}
        self._removed: set[str] = set()
        self._changed = False  # whether a file's bytes changed or one was removed

    def at_risk(self, relatives: Iterable[str]) -> list[tuple[Path, Risk]]:
        """The files among ``relatives`` that may not be overwritten or removed."""
        found = []
        for relative in relatives:
            why = risk(self.root, self.mark, relative)
            if why is not None:
                found.append((self.root / relative, why))
        return found

    def guard(self, relatives: Iterable[str], *, also: Iterable[tuple[Path, Risk]] = ()) -> None:
        """Raise :class:`UnsafeWrite` naming every file at risk, unless forced."""
        found = [*also, *self.at_risk(relatives)]
        if found and not self.force:
            raise UnsafeWrite(found)

    def write(self, relative: str, data: bytes) -> None:
        """Write ``root/relative`` atomically and note it for the mark."""
        (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
        self._changed |= write_file(self.root / relative, data)
        self._written[relative] = digest(data)

    def remove(self, relative: str) -> None:
        """Remove ``root/relative`` (guarded before like any write)."""
        (self.root / relative).unlink(missing_ok=True)
        self._changed = True
        self._removed.add(relative)
        self._written.pop(relative, None)

    def close(self, folders: Sequence[str] = ()) -> None:
        """Write the mark: the files written since opening and ``folders`` written whole.

        The mark's time is pushed past the clock tick of the last write, so that every
        file written before it is strictly older and an edit made after it is not.
        """
        kept = {} if folders else dict(self.mark.files)  # a whole build replaces the record
        for relative in self._removed:
            kept.pop(relative, None)
        kept.update(self._written)
        data = json.dumps({"files": kept, "folders": list(folders)}, ensure_ascii=False, indent=0)
        mark = self.root / MARK
        # Nothing written, file by file (a folder written whole may hold files written
        # elsewhere, which the mark's time must follow): the mark stays, its time included.
        if not folders and not self._changed and _holds(mark, data.encode()):
            return
        write_file(mark, data.encode())
        # Now, not the time of the mark's bytes: write_file leaves a mark that holds them alone.
        os.utime(mark)
        written = mark.stat().st_mtime_ns
        while mark.stat().st_mtime_ns <= written:  # file times move in ticks of a few ms
            time.sleep(0.001)
            os.utime(mark)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def write_file(path: Path, data: bytes) -> bool:
    """Write through a temporary file so a reader never sees half a file; whether it wrote.

    A file that already holds ``data`` is left alone: reading it is far cheaper than
    creating a file, and a rebuild mostly writes what is there.
    """
    if _holds(path, data):
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half file behind
        raise
    return True


def stale(folder: Path, names: list[str], suffixes: tuple[str, ...]) -> list[str]:
    """Guides (``.json``/``.xml``) in ``folder`` whose source is not in ``names``
    (``STEM.json``) or whose format is not among ``suffixes``: what a build removes."""
    found = []
    sources = set(names)  # the names' own strings: a table, no copies
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                stem, _, suffix = entry.name.rpartition(".")
                if suffix not in ("json", "xml") or not entry.is_file():
                    continue
                if f".{suffix}" not in suffixes or f"{stem}.json" not in sources:
                    found.append(entry.name)
    except FileNotFoundError:
        pass
    return sorted(found)


def refuse_nested(out: Path, sources: Iterable[Path]) -> None:
    """Raise :class:`NestedOutput` when ``out`` is, or lies inside, one of ``sources``."""
    where = out.resolve()
    for source in sources:
        inside = source.resolve()
        if where == inside or inside in where.parents:
            raise NestedOutput(out, source)


def index_line(stem: str, formats: Sequence[str], guide: Guide) -> str:
    """The entry of ``index.json`` for a coded guide written as ``guides/STEM.FORMAT``."""
    entry = {
        "file": f"guides/{stem}.{formats[0]}",
        "files": [f"guides/{stem}.{f}" for f in formats],
        "name": guide.name,
        "sub_name": guide.sub_name,
        "matter_type": guide.matter_type.value,
        "agency": guide.agency.name,
        "uscc": guide.agency.uscc,
        "catalog_code": str(guide.catalog_code),
        "implementation_code": str(guide.implementation_code),
        "version": guide.version,
        "state": guide.state.value,
    }
    return json.dumps(entry, ensure_ascii=False)
