"""A small reader for the MySQL DDL of the national platform's exchange tables.

Test utility only: it understands the subset of MySQL that the copies under
``tests/data/platform-ddl/`` use (``CREATE TABLE `name` ( ... ) ... COMMENT='...';``
with one column per line), and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Column", "Table", "parse_ddl", "read_ddl"]


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    length: int | None
    not_null: bool
    default: str | None
    comment: str
    auto_increment: bool = False


@dataclass
class Table:
    name: str
    comment: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()

    def required(self) -> list[str]:
        """Columns that are NOT NULL and have no default."""
        return [c.name for c in self.columns.values() if c.not_null and c.default is None]


# A quoted SQL string: '...' with '' or \' as escapes.
_STRING = r"'(?:[^'\\]|\\.|'')*'"

_CREATE = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(?P<name>\w+)`?\s*\(",
    re.IGNORECASE,
)
_COLUMN = re.compile(
    r"""^\s*`(?P<name>\w+)`\s+
        (?P<type>[a-z]+)
        (?:\s*\(\s*(?P<length>\d+)(?:\s*,\s*\d+)?\s*\))?
        (?P<rest>.*?)\s*,?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_PRIMARY = re.compile(r"^\s*PRIMARY\s+KEY\s*\((?P<cols>[^)]*)\)", re.IGNORECASE)
_NOT_NULL = re.compile(r"\bNOT\s+NULL\b", re.IGNORECASE)
_DEFAULT = re.compile(rf"\bDEFAULT\s+(?P<value>{_STRING}|[^\s,]+)", re.IGNORECASE)
_COMMENT = re.compile(rf"\bCOMMENT\s*=?\s*(?P<value>{_STRING})", re.IGNORECASE)
_AUTO = re.compile(r"\bAUTO_INCREMENT\b", re.IGNORECASE)


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", body)


def _split_body(text: str, start: int) -> tuple[str, str]:
    """Split at the parenthesis closing the one just before ``start``.

    Returns (body, tail) where tail runs to the statement's ``;``.
    """
    depth = 1
    i = start
    in_string = False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == "'":
                in_string = False
        elif ch == "'":
            in_string = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                end = text.find(";", i)
                tail = text[i + 1 : end if end >= 0 else len(text)]
                return text[start:i], tail
        i += 1
    raise ValueError("unterminated CREATE TABLE")


def _parse_column(line: str) -> Column | None:
    m = _COLUMN.match(line)
    if m is None:
        return None
    rest = m.group("rest")
    default_match = _DEFAULT.search(rest)
    default: str | None = None
    if default_match is not None:
        value = default_match.group("value")
        if value.upper() != "NULL":
            default = _unquote(value) if value.startswith("'") else value
    comment_match = _COMMENT.search(rest)
    length = m.group("length")
    return Column(
        name=m.group("name"),
        sql_type=m.group("type").lower(),
        length=int(length) if length is not None else None,
        not_null=_NOT_NULL.search(rest) is not None,
        default=default,
        comment=_unquote(comment_match.group("value")) if comment_match else "",
        auto_increment=_AUTO.search(rest) is not None,
    )


def parse_ddl(text: str) -> dict[str, Table]:
    """Parse every ``CREATE TABLE`` statement in ``text``."""
    tables: dict[str, Table] = {}
    for create in _CREATE.finditer(text):
        body, tail = _split_body(text, create.end())
        comment_match = _COMMENT.search(tail)
        table = Table(
            name=create.group("name"),
            comment=_unquote(comment_match.group("value")) if comment_match else "",
        )
        for line in body.splitlines():
            if not line.strip():
                continue
            primary = _PRIMARY.match(line)
            if primary is not None:
                table.primary_key = tuple(
                    c.strip().strip("`") for c in primary.group("cols").split(",")
                )
                continue
            column = _parse_column(line)
            if column is not None:
                table.columns[column.name] = column
        if table.name in tables:
            raise ValueError(f"table {table.name} defined twice")
        tables[table.name] = table
    return tables


def read_ddl(path: str | Path) -> dict[str, Table]:
    """Read the tables in a ``.sql`` file, or in every ``*.sql`` of a directory."""
    path = Path(path)
    if path.is_dir():
        tables: dict[str, Table] = {}
        for file in sorted(path.glob("*.sql")):
            for name, table in read_ddl(file).items():
                if name in tables:
                    raise ValueError(f"table {name} defined twice under {path}")
                tables[name] = table
        return tables
    return parse_ddl(path.read_text(encoding="utf-8"))
