"""Test configuration: make the shared strategies importable and pin hypothesis' profile."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import attrs
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

# CI explores a fixed set of examples, so a run on a clean clone gives the verdict the same
# commit got before it was submitted; local runs keep exploring new ones.
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).parent.parent


def copy_catalogue(tmp_path: Path) -> Path:
    """A copy of the bundled catalogue, its guides and ledger, to change in a test."""
    copy = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", copy / "guides")
    shutil.copy(ROOT / "registry" / "codes.jsonl", copy / "codes.jsonl")
    return copy


def without_codes(guide):  # type: ignore[no-untyped-def]
    """The guide as it stands before a build has given it codes."""
    return attrs.evolve(
        guide,
        catalog_code=None,
        implementation_code=None,
        materials=tuple(attrs.evolve(m, code=None) for m in guide.materials),
        handling_items=tuple(attrs.evolve(i, code=None) for i in guide.handling_items),
    )
