"""``export``'s exchange records, workbook and CPSV-AP document as sinks of the one build
(DESIGN.md, "Outputs as sinks"): the build validates and codes the guides; these render them
at its finish.

Both need the whole catalogue before they write a byte: an exchange record carries the
release's batch number, the digest of every guide, and its time, that of the registry's
newest event; a workbook is one file. So they keep the coded guides until the finish,
as ``export`` always has.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from service_codes.codelists import Scheme
from service_codes.errors import ServiceCodesError
from service_codes.formats.cpsv import to_cpsv
from service_codes.formats.exchange import exchange_warnings, release_sync, to_exchange
from service_codes.formats.spreadsheet import without_clock, write_workbook
from service_codes.matter_types import MatterTypes
from service_codes.model import Guide
from service_codes.output import index_line, stale
from service_codes.problems import Problem
from service_codes.publication import published
from service_codes.registry import Registry


class ExchangeRefused(ServiceCodesError):
    """Some guides cannot be written as exchange records; nothing was written.

    ``refused`` holds each such guide's stem and why: an
    :class:`~service_codes.errors.InvalidGuide` whose problems name the values the records
    cannot carry, or the error of a member the chosen scheme has no code for.
    """

    def __init__(self, refused: Sequence[tuple[str, ServiceCodesError]]) -> None:
        self.refused = tuple(refused)
        super().__init__(
            f"{len(self.refused)} guide(s) cannot be written as exchange records;"
            " nothing was written",
            f"{len(self.refused)} 份办事指南无法写为交换记录，未写出任何文件",
        )


class ExchangeSink:
    """Each guide as its exchange record, ``guides/STEM.json``, and ``index.json``.

    ``warnings`` holds, after the finish, each value longer than its column, by stem.
    """

    def __init__(self, scheme: Scheme, types: MatterTypes) -> None:
        self.scheme, self.types = scheme, types
        self.guides: list[tuple[str, Guide]] = []
        self.warnings: list[tuple[str, Problem]] = []

    def files(self, names: Sequence[str]) -> list[str]:
        return [f"guides/{name}" for name in names] + ["index.json"]

    def retired(self, out: Path, names: Sequence[str]) -> list[str]:
        """Records (and guides of an earlier build) whose source is gone."""
        return [f"guides/{name}" for name in stale(out / "guides", list(names), (".json",))]

    def add(self, stem: str, guide: Guide) -> None:
        self.guides.append((stem, guide))

    def finish(self, registry: Registry) -> dict[str, bytes]:
        sync = release_sync((guide for _, guide in self.guides), registry.events())
        files: dict[str, bytes] = {}
        refused: list[tuple[str, ServiceCodesError]] = []
        for stem, guide in self.guides:
            try:
                record = to_exchange(guide, self.scheme, sync, self.types)
            except ServiceCodesError as error:  # InvalidGuide, or a member with no code
                refused.append((stem, error))
                continue
            self.warnings.extend((stem, problem) for problem in exchange_warnings(record))
            text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
            files[f"guides/{stem}.json"] = text.encode()
        if refused:
            raise ExchangeRefused(refused)
        index = [index_line(stem, ["json"], guide) for stem, guide in self.guides]
        files["index.json"] = ("[\n" + ",\n".join(index) + "\n]\n").encode()
        return files


class WorkbookSink:
    """The whole catalogue, codes included, as ``catalogue.xlsx`` in the layout ``import``
    reads, a guide's rows keyed by its stem."""

    FILE = "catalogue.xlsx"

    def __init__(self) -> None:
        self.guides: dict[str, Guide] = {}

    def files(self, names: Sequence[str]) -> list[str]:
        return [self.FILE]

    def retired(self, out: Path, names: Sequence[str]) -> list[str]:
        return []

    def add(self, stem: str, guide: Guide) -> None:
        self.guides[stem] = guide

    def finish(self, registry: Registry) -> dict[str, bytes]:
        with tempfile.TemporaryDirectory() as scratch:
            made = Path(scratch) / self.FILE
            write_workbook(self.guides, made)
            return {self.FILE: without_clock(made.read_bytes())}


class CpsvSink:
    """The published guides as one CPSV-AP 3.2 JSON-LD document, ``catalogue.jsonld``, with the
    concept scheme of the code lists it uses (:mod:`service_codes.formats.cpsv`). It is for
    portals to harvest, so it holds what may be published only."""

    FILE = "catalogue.jsonld"

    def __init__(self, types: MatterTypes) -> None:
        self.types = types
        self.guides: list[Guide] = []

    def files(self, names: Sequence[str]) -> list[str]:
        return [self.FILE]

    def retired(self, out: Path, names: Sequence[str]) -> list[str]:
        return []

    def add(self, stem: str, guide: Guide) -> None:
        public = published(guide)
        if public is not None:
            self.guides.append(public)

    def finish(self, registry: Registry) -> dict[str, bytes]:
        return {self.FILE: to_cpsv(self.guides, self.types)}
