"""What the one build feeds besides its guide files (DESIGN.md, "Outputs as sinks").

A sink takes every coded guide of a build, in source order, and at the end gives the
bytes of its files; the build guards, writes and marks them as it does its own, so a
sink never touches the disk, and a sink that raises at its finish leaves nothing
written. The six lists (:class:`~service_codes.formats.lists_out.ListSink`), the
exchange records and the workbook (:mod:`service_codes.formats.sinks`) are sinks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from service_codes.model import Guide

if TYPE_CHECKING:
    from service_codes.registry import Registry


class Sink(Protocol):
    """An output of the build made from all of its guides."""

    def files(self, names: Sequence[str]) -> Sequence[str]:
        """The files :meth:`finish` will give for the sources ``names`` (``STEM.json``,
        sorted), relative to the output folder."""

    def retired(self, out: Path, names: Sequence[str]) -> Sequence[str]:
        """Files in ``out`` an earlier build may have written for this sink that this one
        does not (a source gone, a format no longer chosen): the build removes them,
        guarded like any write."""

    def add(self, stem: str, guide: Guide) -> None:
        """Take one coded guide, written from the source ``guides/STEM.json``."""

    def finish(self, registry: Registry) -> dict[str, bytes]:
        """The bytes of every file, by its name relative to the output folder; the
        registry is open, as this build left it."""
