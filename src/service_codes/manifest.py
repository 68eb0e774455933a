"""The manifest of the last build (``OUT/manifest.tsv``): what an incremental build builds on.

Its first line records what the build depended on (the library's version, the formats, the
ledger's head and the declared matter types); each further line a guide's digest, name and
index entry, in name order. A build whose header differs starts afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, NamedTuple

from service_codes.errors import ServiceCodesError
from service_codes.matter_types import MatterTypes

if TYPE_CHECKING:
    from service_codes.registry import Registry

Format = Literal["json", "xml"]
FORMATS: Final = ("json", "xml")
MANIFEST: Final = "manifest.tsv"


class BuildError(ServiceCodesError):
    """The build cannot go on: no guides, a damaged manifest, or a guide changed while it ran."""


def manifest_header(formats: tuple[Format, ...], registry: Registry, types: MatterTypes) -> str:
    # Declared types change the warnings (and the labels) of the guides: a reason to rebuild.
    declared = [[d.code, d.label_zh, d.family.value] for d in types.declared]
    return json.dumps(
        {
            "library": version("service-codes"),
            "formats": formats,
            "ledger": registry.head,
            "types": declared,
        },
        ensure_ascii=False,
    )


def previous_formats(out: Path) -> tuple[Format, ...] | None:
    """The formats the last build into ``out`` wrote, from its manifest; None if none."""
    try:
        with (out / MANIFEST).open(encoding="utf-8") as file:
            formats = json.loads(file.readline())["formats"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    known = [f for f in formats if f in FORMATS] if isinstance(formats, list) else []
    return tuple(known) or None


class Previous(NamedTuple):
    """One guide in the manifest of the last build."""

    name: str
    digest: str
    entry: str


def read_manifest(out: Path, header: str) -> Iterator[Previous] | None:
    """The last build's guides in name order, if its manifest fits this build; else None."""
    try:
        file = (out / MANIFEST).open(encoding="utf-8")
    except OSError:
        return None
    if file.readline().rstrip("\n") != header:
        file.close()
        return None

    def rows() -> Iterator[Previous]:
        with file:
            for number, line in enumerate(file, start=2):
                try:
                    digest, name, entry = line.rstrip("\n").split("\t")
                    yield Previous(json.loads(name), digest, entry)
                except ValueError:
                    raise BuildError(
                        f"{out / MANIFEST} is damaged at line {number};"
                        " build without --incremental",
                        f"{out / MANIFEST} 第 {number} 行已损坏，请不带 --incremental 重新构建",
                    ) from None

    return rows()


def by_name(rows: Iterator[Previous] | None) -> Callable[[str], Previous | None]:
    """Find rows by name, for names asked in increasing order (a merge join)."""
    pending: Previous | None = None

    def find(name: str) -> Previous | None:
        nonlocal pending
        if rows is None:
            return None
        while pending is None or pending.name < name:
            pending = next(rows, None)
            if pending is None:
                return None
        return pending if pending.name == name else None

    return find
