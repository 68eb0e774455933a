"""Checking linked data against the official SHACL shapes shipped in ``service_codes/vocab``.

Needs the ``linked-data`` extra (pyshacl and rdflib): ``pip install 'service-codes[linked-data]'``.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import resources
from typing import Any, Final

import attrs

CPSV_SHAPES: Final = "vocab/cpsv-ap-3.2.0/cpsv-ap-SHACL.ttl"
# The release's ranges.ttl links node shapes to property shapes it never defines (five, such
# as DatasetShape/4918ff7a...), which pyshacl rightly refuses to run, so the shapes file alone
# is checked, unmodified.
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
    from, against which its relative URLs resolve.

    With ``workers`` > 1 a flat JSON-LD graph (as :func:`~service_codes.formats.cpsv.to_cpsv`
    writes) is checked in that many processes, each a share of its nodes, with the same
    result; a script that asks for that calls it under ``if __name__ == "__main__":``, as
    for any process pool. Where processes cannot be started it is checked in this one."""
    parts = _parts(data, base, workers) if data_format == "json-ld" and workers > 1 else []
    if parts:
        try:
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(len(parts), mp_context=context) as pool:
                shares = [pool.submit(_check, p, shapes, data_format, base, s) for p, s in parts]
                return sorted((v for share in shares for v in share.result()), key=_order)
        except (BrokenProcessPool, OSError, ValueError, AssertionError):
            pass  # no fork server here, or this process may not have children
    return _check(data, shapes, data_format, base, frozenset())


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
    linked nodes), with the IRIs of those stubs.

    The official shapes' constraints read a node's own triples and the types of the nodes it
    links, so the shares' violations, stubs' left out, are the whole document's. That holds
    for a flat graph: each node said once, under an absolute IRI, its values literals, value
    objects or references. Any other document is checked whole (empty)."""
    document: Any = json.loads(data)
    if not isinstance(document, dict) or set(document) != {"@context", "@graph"}:
        return []
    graph = document["@graph"]
    if not _plain(document["@context"]):
        return []
    if not isinstance(graph, list) or len(graph) < 2 * count or not all(map(_flat, graph)):
        return []
    ids = [n["@id"] for n in graph]
    if len(set(ids)) != len(ids):
        return []
    types = {n["@id"]: n["@type"] for n in graph if "@type" in n}
    parts = []
    for number in range(count):
        own = graph[number * len(graph) // count : (number + 1) * len(graph) // count]
        mine = {n["@id"] for n in own}
        linked = (set(_strings(own)) & types.keys()) - mine
        stubs = [{"@id": i, "@type": types[i]} for i in sorted(linked)]
        stated = {**document, "@graph": own + stubs}
        parts.append((json.dumps(stated, ensure_ascii=False).encode(), frozenset(linked)))
    return parts


# An absolute IRI (RFC 3987's scheme, then a colon), which no base changes; not a blank node.
_ABSOLUTE: Final = re.compile(r"(?!_:)[A-Za-z][A-Za-z0-9+.-]*:")


def _flat(node: Any) -> bool:
    """Whether a graph's node is one flat node: an absolute IRI, a type, and values that
    are literals, value objects or references (no embedded node, no keyword beyond these)."""
    if not isinstance(node, dict) or not isinstance(node.get("@id"), str):
        return False
    if not _ABSOLUTE.match(node["@id"]):
        return False
    for key, value in node.items():
        if key == "@id":
            continue
        if key == "@type":
            if not isinstance(value, str):
                return False
        elif key.startswith("@") or not all(
            map(_leaf, value if isinstance(value, list) else [value])
        ):
            return False
    return True


def _plain(context: Any) -> bool:
    """Whether a context, given inline, defines no term as a keyword or a reverse property
    (which would turn a flat-looking node into another shape)."""
    contexts = context if isinstance(context, list) else [context]
    for one in contexts:
        if not isinstance(one, dict):
            return False  # a context fetched from elsewhere: not read here
        for definition in one.values():
            if isinstance(definition, str) and definition.startswith("@"):
                return False
            if isinstance(definition, dict) and (
                "@reverse" in definition or str(definition.get("@id", "")).startswith("@")
            ):
                return False
    return True


def _leaf(value: Any) -> bool:
    if isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, dict):
        keys = set(value)
        return keys == {"@id"} or ("@value" in keys and keys <= {"@value", "@language", "@type"})
    return False


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
