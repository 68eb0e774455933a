"""Benchmark of the formats: to_json, from_json, to_xml, from_xml on synthetic guides,
each beside its floor: orjson.dumps of the same plain data, a bare lxml tree of the same
fields, and orjson.loads / lxml parsing without any checks.

Then CPSV-AP: 1,000 coded guides exported as one JSON-LD document beside to_json of the same
guides, and that document checked against the official shapes with pyshacl.

to_json is also timed beside cattrs' preconfigured orjson converter, given the hooks it needs
to write the same text (checked byte for byte).

Run: python bench/formats.py [--quick]
Targets (issue 4): to_xml >= 10,000/s, parsing back at least half of to_json's 40,000/s.
(issue 16): to_json >= 60,000/s and no slower than the preconfigured converter.
(issue 15): a 1,000-guide CPSV-AP export plus its SHACL check in under 10 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
import synth
from timing import SMALL, rate

from service_codes import Registry, from_json, from_xml, to_json, to_xml
from service_codes.codes import CatalogCode, HandlingItemCode, ImplementationCode, MaterialCode
from service_codes.convert import guide_to_data
from service_codes.formats.json import data_to_json
from service_codes.matter_types import AnyMatterType, ExtensionType


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


def preconf_to_json() -> Callable[[Any], bytes]:
    """cattrs' preconfigured orjson converter, with the hooks it needs to write our text."""
    from cattrs.preconf.orjson import make_converter

    preconf = make_converter(omit_if_default=True)  # dates, enums and floats: its own
    for code_type in (CatalogCode, ImplementationCode, HandlingItemCode, MaterialCode):
        preconf.register_unstructure_hook(code_type, str)
    preconf.register_unstructure_hook(ExtensionType, attrgetter("code"))
    preconf.register_unstructure_hook(AnyMatterType, attrgetter("value"))
    layout = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    return lambda guide: preconf.dumps(guide, option=layout)


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
        ("to_json", to_json, "orjson.dumps of the plain data", data_to_json, guide_to_data, 60_000),
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
        if label == "to_json":
            peer_json = preconf_to_json()
            same = all(peer_json(g).decode() == to_json(g) for g in guides)
            theirs = rate(peer_json, guides)
            print(
                f"{'':<10} cattrs' preconfigured orjson converter: {theirs:>9,.0f} guides/s"
                f" ({'the same text' if same else 'NOT THE SAME TEXT'}; ours"
                f" {ours / theirs:.2f}x theirs): {'ok' if ours >= theirs and same else 'SLOWER'}"
            )
    cpsv()


def cpsv(count: int = 1_000) -> None:
    """The CPSV-AP export and its SHACL check, each in guides/s, and their sum against 10 s."""
    from service_codes.formats.cpsv import to_cpsv
    from service_codes.formats.shacl import check

    with tempfile.TemporaryDirectory() as scratch:
        registry = Registry.open(scratch, create=True)
        guides = [registry.assign(g) for g in synth.guides(count, materials=SMALL)]
        registry.close()
    start = time.perf_counter()
    document = to_cpsv(guides)
    exported = time.perf_counter() - start
    peer = rate(to_json, guides, rounds=1)
    workers = os.cpu_count() or 1
    start = time.perf_counter()
    violations = check(document, workers=workers)
    checked = time.perf_counter() - start
    start = time.perf_counter()
    alone = check(document)
    one = time.perf_counter() - start
    total = exported + checked
    print(
        f"cpsv-ap export {count / exported:>9,.0f} guides/s   to_json of the same guides:"
        f" {peer:>9,.0f}/s   SHACL check {count / checked:>7,.0f} guides/s on {workers}"
        f" processes, {count / one:,.0f}/s on one ({len(violations)} violations,"
        f" {'the same' if alone == violations else 'NOT THE SAME'})"
        f"   {count:,} export + check {total:.1f} s,"
        f" target < 10 s: {'ok' if total < 10 and not violations else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
