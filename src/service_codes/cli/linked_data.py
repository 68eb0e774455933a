"""Checking the linked data a command wrote against the official SHACL shapes (--check)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final, Literal

from service_codes.cli.common import Failure, Say
from service_codes.formats.shacl import CPSV_SHAPES, DCAT_SHAPES

# The shapes of each kind of document, and the name a message gives them.
SHAPES: Final = {
    "cpsv": (CPSV_SHAPES, "CPSV-AP 3.2.0"),
    "dcat": (DCAT_SHAPES, "DCAT-AP 3.0.1"),
}


def needs_linked_data(say: Say) -> None:
    """Refuse a --check before any work when the linked-data extra is not installed."""
    try:
        import pyshacl  # noqa: F401
        import rdflib  # noqa: F401
    except ImportError:
        raise Failure(say.text("export.needs-linked-data")) from None


def check_shapes(say: Say, document: Path, kind: Literal["cpsv", "dcat"]) -> None:
    """Check a written JSON-LD document, one process per usable core; print each violation
    and exit 1 on one. Its relative URLs resolve against its own file's URL."""
    from service_codes.formats.shacl import check

    shapes, name = SHAPES[kind]
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    found = check(document.read_bytes(), shapes, base=document.resolve().as_uri(), workers=workers)
    for violation in found:
        say(
            "export.shacl-result",
            err=True,
            focus=violation.focus,
            path=violation.path or "-",
            severity=violation.severity,
            message=violation.message,
        )
    say("export.shacl", violations=len(found), shapes=name)
    if found:
        sys.exit(1)
