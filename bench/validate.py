"""Benchmark of validation: `validate` on valid guides, the JSON Schema layer alone, and a
compiled validator of the same schema file (fastjsonschema) as the peer.

Run: python bench/validate.py [--quick]
Target (issue 4): validate >= 15,000 valid guides/s on ~2.5 KB guides.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import fastjsonschema

sys.path.insert(0, str(Path(__file__).parent))
import synth
from timing import SMALL, rate

from service_codes import validate
from service_codes.convert import guide_to_data
from service_codes.schemas import guide_schema
from service_codes.validation import schema_problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer guides, same output")
    count = 2_000 if parser.parse_args().quick else 10_000
    guides = list(synth.guides(count, materials=SMALL))
    documents = [guide_to_data(g) for g in guides]
    size = sum(
        len(json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode()) for d in documents
    )
    assert all(validate(g).ok for g in guides[:100]), "the synthetic guides must be valid"
    compiled = fastjsonschema.compile(guide_schema())
    peer = rate(compiled, documents)
    print(f"{count:,} synthetic guides, {size / count / 1024:.1f} KB each as compact JSON")
    print(f"peer  fastjsonschema (compiled schema) {peer:>10,.0f} guides/s")
    for label, action, items in (
        ("schema layer alone (data)", schema_problems, documents),
        ("validate(plain data)", validate, documents),
        ("validate(Guide record)", validate, guides),
    ):
        guides_per_s = rate(action, items)  # type: ignore[arg-type]
        print(
            f"{label:<35} {guides_per_s:>10,.0f} guides/s"
            f"  ({peer / guides_per_s:.2f}x the peer's time)"
        )
    print("target: validate >= 15,000 valid guides/s")


if __name__ == "__main__":
    main()
