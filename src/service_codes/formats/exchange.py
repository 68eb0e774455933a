"""Exchange records in the platform's own tables, as its published DDL names them.

A guide becomes one record: a mapping from each table of its family (``exchange_tables``) to
its row (basic, extend) or rows (materials, fees, questions), every value a string: codes of the
platform's lists (service objects in the chosen scheme), ``1``/``0`` flags, ``YYYYMMDD``
dates, comma-joined multi-values, and "" for an absent value. Legal bases, steps and special
procedures, which the tables hold as one text each, are written one per line in a form that
reads back. What the DDL has no table for (situations, penalty discretion, random inspection,
responsibility, intermediary-service fees) goes to this library's own tables beside them
(``exchange_own``); the punish table's ``punishment_method`` is written from the discretion
table. Every row carries the sync columns: a ``row_guid`` derived from the code (the
basic row's is the children's ``task_guid``), and the batch, kind and time of the release.

>>> from service_codes import from_json
>>> from pathlib import Path
>>> guide = from_json(Path("registry/guides/marriage-registration.json").read_bytes())
>>> record = to_exchange(guide)
>>> basic = record["up_task_general_basic"]
>>> basic["task_type"], basic["use_level"], basic["server_type"]
('07', '4', '1')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.codelists import Scheme
from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide
from service_codes.formats.exchange_own import discretion_text, number_text, own_rows
from service_codes.formats.exchange_tables import (
    SINGLE,
    Column,
    FamilyName,
    Table,
    family_of,
    record_family,
    tables,
)
from service_codes.formats.exchange_text import (
    NONE,
    law_line,
    procedure_line,
    reads_back,
    step_line,
)
from service_codes.matter_types import STANDARD, MatterTypes, slot
from service_codes.model import Guide
from service_codes.problems import Problem, Severity

ExchangeRecord = dict[str, Any]
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:service-codes:exchange")
SEPARATOR: Final = {
    **{"list": ",", "codes": ","},
    **{"lines": "\n", "laws": "\n", "steps": "\n", "punishment": "\n"},
}


@attrs.frozen
class Sync:
    """The sync columns of a release: its batch (at most 32 characters), the kind of change
    (``I`` a new or changed record), its time, and the source (by default the province of the
    implementing agency: characters 3-4 of its USCC)."""

    batch: str
    time: dt.datetime
    operation: str = "I"
    source: str | None = None


def default_sync(guide: Guide) -> Sync:
    """A release of one guide: its batch the digest of its content, its time that of
    ``SOURCE_DATE_EPOCH`` (else 1970-01-01), so that the same guide gives the same records."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return Sync(_batch([guide]), dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None))


def release_sync(guides: Iterable[Guide], events: Iterable[Mapping[str, Any]]) -> Sync:
    """The sync columns of one release: its batch the digest of every guide, its time that of
    the registry's newest event, so that exporting the same catalogue again is identical."""
    newest = max((str(e.get("date", "")) for e in events), default="1970-01-01")
    return Sync(_batch(guides), dt.datetime.fromisoformat(newest))


def _batch(guides: Iterable[Guide]) -> str:
    """A release's batch number: the digest of its guides' content, 32 characters."""
    digest = hashlib.sha256()
    for guide in guides:
        digest.update(json.dumps(guide_to_data(guide), sort_keys=True).encode())
    return digest.hexdigest()[:32]


# --- writing -------------------------------------------------------------------------------


def _get(record: object, path: tuple[str, ...]) -> Any:
    for name in path:
        if record is None:
            return None
        record = getattr(record, name)
    return record


def _numbers(enum_type: Any, scheme: Scheme) -> bool:
    """Whether ``scheme`` numbers any member of a list."""
    return any(codelists.has_code(member, scheme) for member in enum_type)


# The lists only the platform numbers (time units, states, ...) are written in its codes.
PLATFORM_ONLY: Final = frozenset(e for e in codelists.ENUMS.values() if not _numbers(e, "gbt39046"))


def scheme_of(enum_type: Any, scheme: Scheme) -> Scheme:
    """The scheme a list is coded in: ``scheme``, or the platform's for a list only it numbers."""
    return "platform" if enum_type in PLATFORM_ONLY else scheme


def _code(member: Any, scheme: Scheme) -> str:
    return codelists.code(member, scheme_of(type(member), scheme))


def _joined(kind: str, items: list[str], where: str) -> str:
    separator = SEPARATOR[kind]
    shown, shown_zh = ("a line break", "换行") if separator == "\n" else (repr(separator),) * 2
    for i, item in enumerate(items):
        if separator in item:
            raise InvalidGuide(
                [
                    Problem(
                        path=f"{where}/{i}",
                        rule="exchange.separator",
                        message=f"{item!r} holds {shown}, which the exchange record uses to"
                        " join values",
                        message_zh=f"{item!r} 含有交换记录用作分隔符的 {shown_zh}",
                    )
                ]
            )
    return separator.join(items)


def _write(column: Column, value: Any, scheme: Scheme, where: str) -> str:
    kind = column.kind
    if kind == "procedures":
        _readable(value, where)
        return "\n".join(map(procedure_line, value)) or NONE
    if value is None:
        return ""
    if kind == "flag":
        return "1" if value else "0"
    if kind == "date":
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if kind == "type":
        return slot(value)
    if kind == "code":
        return _code(value, scheme)
    if kind == "label":
        return codelists.label_zh(value)
    if kind == "number":
        return number_text(value)
    if kind == "codes":
        return ",".join(_code(member, scheme) for member in value)
    if kind == "laws":
        _readable(value, where)
        return _joined(kind, [law_line(b) for b in value], where)
    if kind == "steps":
        _readable(value, where)
        return _joined(kind, [step_line(s) for s in value], where)
    if kind in ("list", "lines"):
        items = [getattr(v, column.part) for v in value] if column.part else list(value)
        return _joined(kind, items, where)
    return str(value)


def _readable(items: Any, where: str) -> None:
    """Refuse an item whose line would read back as another: never a silent change."""
    for i, item in enumerate(items):
        if not reads_back(item):
            raise InvalidGuide(
                [
                    Problem(
                        path=f"{where}/{i}",
                        rule="exchange.ambiguous",
                        message="would not read back from the exchange record as written: its"
                        " text holds a mark the record's line is read by (（ ） ， ： or a law"
                        " not in 《》 with an article), or is 无",
                        message_zh="写入交换记录后无法按原样读回：其文字含有行格式所用的符号"
                        "（（ ） ， ：，或未用《》括起而带条款的法律名称），或为“无”",
                    )
                ]
            )


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _row(
    table: Table, source: object, position: int, guide: Guide, scheme: Scheme, sync: Sync
) -> dict[str, str]:
    task_code = str(guide.implementation_code or "")
    where = "" if table.items is None else f"/{table.items}/{position}"
    if table.items in SINGLE:  # a single record's one row
        where = f"/{table.items}"
    row = {}
    for column in table.columns:
        if column.kind in ("position", "not-said"):  # no field of the guide: a number, a no
            row[column.name] = str(position + 1) if column.kind == "position" else "0"
            continue
        at = f"{where}/{'/'.join(column.path)}"
        if column.kind == "punishment":
            row[column.name] = punishment_method(guide)
            continue
        row[column.name] = _write(column, _get(source, column.path), scheme, at)
    # A guide not yet coded is known by its agency and name (what the rows carry of it).
    basic_guid = _guid(task_code or f"{guide.agency.uscc}/{guide.name}")
    if table.name.endswith("_basic"):
        row["row_guid"] = basic_guid
    else:
        row["row_guid"] = _guid(table.name, basic_guid, str(position))
        row["task_guid"], row["task_code"] = basic_guid, task_code
    row["cd_operation"], row["cd_batch"] = sync.operation, sync.batch
    row["cd_time"] = sync.time.strftime("%Y-%m-%d %H:%M:%S")
    row["data_source"] = sync.source if sync.source is not None else guide.agency.uscc[2:4]
    return row


def punishment_method(guide: Guide) -> str:
    """The punish table's text of a guide: its discretion table, one line a row, or, for a
    guide without one, its conditions (refusing one that holds a line break)."""
    if guide.discretion:
        return discretion_text(guide.discretion)
    return _joined("lines", [c.text for c in guide.conditions], "/conditions")


def to_exchange(
    guide: Guide,
    scheme: Scheme = "platform",
    sync: Sync | None = None,
    types: MatterTypes = STANDARD,
) -> ExchangeRecord:
    """The rows of a guide in the tables of its family, service objects coded in ``scheme``.

    ``types`` are the catalogue's declared matter types (an extension type's family picks its
    tables). Raises :class:`InvalidGuide` for a value the records cannot carry (an item
    holding the separator) and :class:`InvalidCode` for a member ``scheme`` cannot code.
    """
    sync = sync or default_sync(guide)
    record: ExchangeRecord = {}
    family: FamilyName = family_of(guide.matter_type, types)
    for table in tables(family):
        if table.items is None:
            record[table.name] = _row(table, guide, 0, guide, scheme, sync)
        else:
            items = own_rows(guide, table, family) if table.own else getattr(guide, table.items)
            record[table.name] = [
                _row(table, item, i, guide, scheme, sync) for i, item in enumerate(items)
            ]
    return record


def exchange_warnings(record: ExchangeRecord) -> tuple[Problem, ...]:
    """A warning for each value longer than its column in the DDL, at its table and column.

    The value is written whole: cutting it would lose text without a word.
    """
    found = []
    for table in tables(record_family(record)):
        rows = record.get(table.name, [])
        listed = rows if isinstance(rows, list) else [rows]
        for i, row in enumerate(listed):
            at = f"/{table.name}" + (f"/{i}" if isinstance(rows, list) else "")
            for column in table.columns:
                text = row.get(column.name, "")
                if column.length is not None and len(text) > column.length:
                    found.append(
                        Problem(
                            path=f"{at}/{column.name}",
                            rule="exchange.too-long",
                            message=f"holds {len(text)} characters; the platform's column"
                            f" {table.name}.{column.name} takes {column.length}: it is"
                            " written whole, not cut",
                            message_zh=f"有 {len(text)} 个字符，平台字段 {table.name}.{column.name}"
                            f" 只容 {column.length} 个：已完整写出，未截断",
                            severity=Severity.WARNING,
                        )
                    )
    return tuple(found)
