"""Checking linked data against the official SHACL shapes shipped in ``service_codes/vocab``.

Needs the ``linked-data`` extra (pyshacl and rdflib): ``pip install 'service-codes[linked-data]'``.
"""

from __future__ import annotations

from importlib import resources
from typing import Final

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
    data: bytes, shapes: str = CPSV_SHAPES, data_format: str = "json-ld", base: str | None = None
) -> list[Violation]:
    """Every violation of ``shapes`` (a file of the package) in the graph ``data`` holds,
    warnings included; empty when it conforms. ``base`` is the URL the document was read
    from, against which its relative URLs resolve."""
    import pyshacl
    import rdflib
    from rdflib.namespace import RDF, SH

    graph = rdflib.Graph().parse(data=data, format=data_format, publicID=base)
    shapes_text = resources.files("service_codes").joinpath(shapes).read_text("utf-8")
    shapes_graph = rdflib.Graph().parse(data=shapes_text, format="turtle")
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, inference="none")
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        severity = str(results.value(result, SH.resultSeverity)).rpartition("#")[2]
        found.append(
            Violation(
                str(results.value(result, SH.focusNode)),
                None if path is None else str(path),
                str(results.value(result, SH.resultMessage)),
                severity,
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.message))
