"""What the one build feeds besides its guide files (DESIGN.md, "Outputs as sinks").

A sink takes every coded guide of a build, in source order, and at the end gives the
bytes of its files; the build guards, writes and marks them as it does its own, so a
sink never touches the disk. The six lists are a sink
(:class:`~service_codes.formats.lists_out.ListSink`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from service_codes.model import Guide


class Sink(Protocol):
    """An output of the build made from all of its guides."""

    def files(self) -> Sequence[str]:
        """The files :meth:`finish` will give, relative to the output folder."""

    def retired(self) -> Sequence[str]:
        """Files an earlier build may have written for this sink that this one does not
        (a format no longer chosen): the build removes them, guarded like any write."""

    def add(self, stem: str, guide: Guide) -> None:
        """Take one coded guide, written from the source ``guides/STEM.json``."""

    def finish(self) -> dict[str, bytes]:
        """The bytes of every file, by its name relative to the output folder."""
