"""Benchmark of the formats: to_json, from_json, to_xml, from_xml on synthetic guides,
each beside its floor: orjson.dumps of the same plain data, a bare lxml tree of the same
fields, and orjson.loads / lxml parsing without any checks.

Run: python bench/formats.py [--quick]
Targets (issue 4): to_json >= 40,000/s, to_xml >= 10,000/s, parsing back at least half those.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
import synth
from timing import SMALL, rate

from service_codes import from_json, from_xml, to_json, to_xml
from service_codes.convert import guide_to_data
from service_codes.formats.json import data_to_json


def bare_tree(data: dict[str, Any]) -> bytes:
    """The same fields as elements, with no namespace, order or typing rules: the floor."""

    def fill(parent: etree._Element, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                fill(etree.SubElement(parent, key), item)
        elif isinstance(value, list):
            for item in value:
                fill(etree.SubElement(parent, "item"), item)
        else:
            parent.text = str(value)

    root = etree.Element("guide")
    fill(root, data)
    return etree.tostring(root, encoding="UTF-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer guides, same output")
    count = 2_000 if parser.parse_args().quick else 10_000
    guides = list(synth.guides(count, materials=SMALL))
    size = sum(len(orjson.dumps(guide_to_data(g))) for g in guides) / count / 1024
    print(f"{count:,} synthetic guides, {size:.1f} KB each as compact JSON")
    # Each row keeps only its own inputs alive, as a reader or writer would: a heap
    # holding every other data set too would tax the cycle collector on every row.
    rows: list[tuple[str, Callable[[Any], object], str, Callable[[Any], object], Any, int]] = [
        # The floor writes the same layout as to_json (two-space indent, final newline).
        ("to_json", to_json, "orjson.dumps of the plain data", data_to_json, guide_to_data, 40_000),
        ("from_json", from_json, "orjson.loads", orjson.loads, to_json, 20_000),
        ("to_xml", to_xml, "bare lxml tree of the same fields", bare_tree, guide_to_data, 10_000),
        ("from_xml", from_xml, "lxml parse alone", etree.fromstring, to_xml, 5_000),
    ]
    for label, action, peer_label, peer, prepare, target in rows:
        if label.startswith("to_"):
            ours = rate(action, guides)
            floor = rate(peer, [prepare(g) for g in guides])
        else:
            inputs = [prepare(g) for g in guides]
            ours, floor = rate(action, inputs), rate(peer, inputs)
            del inputs
        verdict = "ok" if ours >= target else "below target"
        print(
            f"{label:<10} {ours:>9,.0f} guides/s   {peer_label}: {floor:>9,.0f}/s"
            f" ({floor / ours:.1f}x ours)   target >= {target:,}: {verdict}"
        )


if __name__ == "__main__":
    main()
