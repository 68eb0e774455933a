"""Checking linked data against the official SHACL shapes shipped in ``service_codes/vocab``.

Needs the ``linked-data`` extra (pyshacl and rdflib): ``pip install 'service-codes[linked-data]'``.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from typing import Any, Final
from urllib.parse import urljoin

import attrs

CPSV_SHAPES: Final = "vocab/cpsv-ap-3.2.0/cpsv-ap-SHACL.ttl"
# The release's ranges.ttl lists a property shape it never defines (DatasetShape/4918ff7a...),
# which pyshacl rightly refuses to run, so the shapes file alone is checked.
DCAT_SHAPES: Final = "vocab/dcat-ap-3.0.1/dcat-ap-SHACL.ttl"


@attrs.frozen
class Violation:
    """One result of a SHACL check: the node, the property path, what the shape says."""

    focus: str
    path: str | None
    message: str
    severity: str  # Violation, Warning or Info


def check(
    data: bytes,
    shapes: str = CPSV_SHAPES,
    data_format: str = "json-ld",
    base: str | None = None,
    workers: int = 1,
) -> list[Violation]:
    """Every violation of ``shapes`` (a file of the package) in the graph ``data`` holds,
    warnings included; empty when it conforms. ``base`` is the URL the document was read
    from, against which its relative URLs resolve. With ``workers`` > 1 a JSON-LD document
    of named nodes is checked in that many processes, each a share of its nodes."""
    parts = _parts(data, base, workers) if data_format == "json-ld" and workers > 1 else []
    if not parts:
        return _check(data, shapes, data_format, base, frozenset())
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(len(parts), mp_context=context) as pool:
        shares = [pool.submit(_check, p, shapes, data_format, base, s) for p, s in parts]
        return sorted((v for share in shares for v in share.result()), key=_order)


def _order(v: Violation) -> tuple[str, str, str]:
    return (v.focus, v.path or "", v.message)


def _check(
    data: bytes, shapes: str, data_format: str, base: str | None, stubs: frozenset[str]
) -> list[Violation]:
    """The violations in ``data`` but those of ``stubs``, nodes stated there only by type."""
    import pyshacl
    import rdflib
    from rdflib.namespace import RDF, SH

    graph = rdflib.Graph().parse(data=data, format=data_format, publicID=base)
    shapes_text = resources.files("service_codes").joinpath(shapes).read_text("utf-8")
    shapes_graph = rdflib.Graph().parse(data=shapes_text, format="turtle")
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, inference="none")
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode))
        if focus in stubs:
            continue
        path = results.value(result, SH.resultPath)
        severity = str(results.value(result, SH.resultSeverity)).rpartition("#")[2]
        found.append(
            Violation(
                focus,
                None if path is None else str(path),
                str(results.value(result, SH.resultMessage)),
                severity,
            )
        )
    return sorted(found, key=_order)


def _parts(data: bytes, base: str | None, count: int) -> list[tuple[bytes, frozenset[str]]]:
    """The document cut into ``count`` documents, each with a share of the nodes and the
    other nodes they link by their type alone (a shape's ``sh:class`` reads the types of
    linked nodes), with the IRIs of those stubs; empty unless a flat graph of named nodes.

    The official shapes' constraints read a node's own triples and the types of the nodes it
    links, so the shares' violations, stubs' left out, are the whole document's."""
    document: Any = json.loads(data)
    graph = document.get("@graph") if isinstance(document, dict) else None
    if not isinstance(graph, list) or len(graph) < 2 * count:
        return []
    if not all(isinstance(n, dict) and isinstance(n.get("@id"), str) for n in graph):
        return []
    ids = [n["@id"] for n in graph]
    if any(i.startswith("_:") or (base is None and ":" not in i) for i in ids):
        return []  # a blank node's label, or a relative IRI without a base
    types = {n["@id"]: n["@type"] for n in graph if "@type" in n}
    # A node said twice is in one share; each share takes a run of the graph's nodes.
    order = list(dict.fromkeys(ids))
    share = {node: number * count // len(order) for number, node in enumerate(order)}
    parts = []
    for number in range(count):
        own = [n for n in graph if share[n["@id"]] == number]
        linked = set(_strings(own)) & types.keys()
        stubs = [{"@id": i, "@type": types[i]} for i in sorted(linked) if share[i] != number]
        stated = {**document, "@graph": own + stubs}
        resolved = frozenset(urljoin(base or "", s["@id"]) for s in stubs)
        parts.append((json.dumps(stated, ensure_ascii=False).encode(), resolved))
    return parts


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value: the IRIs a node links are among them."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
