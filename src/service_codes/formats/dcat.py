"""The open data of a published site described as a DCAT-AP 3.0.1 catalogue (JSON-LD).

``data/catalog.jsonld`` holds one ``dcat:Catalog`` with a ``dcat:Dataset`` per table (and
one for each guide format), each with a ``dcat:Distribution``: its access URL, media type,
licence, download URLs (each file of a folder); every one issued at the first release and
modified at this one, published by this release's publisher.
URLs are relative to the document, so they resolve wherever the site is served; a harvester
reads them against the URL it fetched the document from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from service_codes.formats.uris import DCT, zh

_DCAT: Final = "http://www.w3.org/ns/dcat#"
_FOAF: Final = "http://xmlns.com/foaf/0.1/"
_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_MEDIA: Final = "http://www.iana.org/assignments/media-types/"
DOCUMENT: Final = "catalog.jsonld"


def _time(value: str) -> list[dict[str, str]]:
    return [{"@value": value, "@type": f"{_XSD}dateTime"}]


def to_dcat(
    *,
    title: str,
    publisher: str,
    issued: str,
    modified: str,
    licence: str,
    files: Sequence[tuple[str, str, str]],
    downloads: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The catalogue of ``files`` (path relative to the data folder, title, media type, such
    as ``text/csv``) by ``publisher``, first issued at ``issued`` and last released at
    ``modified`` (ISO 8601). A folder's distribution downloads the files ``downloads`` lists
    for its path (a harvester cannot list a folder)."""
    downloads = downloads or {}
    agent = "#publisher"
    graph: list[dict[str, Any]] = [
        {"@id": agent, "@type": [f"{_FOAF}Agent"], f"{_FOAF}name": zh(publisher)},
        {"@id": licence, "@type": [f"{DCT}LicenseDocument"]},
    ]
    datasets = []
    for path, name, media in files:
        dataset, distribution = f"#dataset-{path}", f"#distribution-{path}"
        datasets.append({"@id": dataset})
        graph.append(
            {
                "@id": dataset,
                "@type": [f"{_DCAT}Dataset"],
                f"{DCT}title": zh(name),
                f"{DCT}description": zh(f"{title}：{name}（{path}）"),
                f"{DCT}publisher": [{"@id": agent}],
                f"{DCT}issued": _time(issued),
                f"{DCT}modified": _time(modified),
                f"{_DCAT}distribution": [{"@id": distribution}],
            }
        )
        graph.append(
            {
                "@id": distribution,
                "@type": [f"{_DCAT}Distribution"],
                f"{_DCAT}accessURL": [{"@id": path}],
                f"{_DCAT}downloadURL": [{"@id": f} for f in downloads.get(path, [path])],
                f"{_DCAT}mediaType": [{"@id": f"{_MEDIA}{media}"}],
                f"{DCT}license": [{"@id": licence}],
                f"{DCT}issued": _time(issued),
                f"{DCT}modified": _time(modified),
            }
        )
        graph.append({"@id": f"{_MEDIA}{media}", "@type": [f"{DCT}MediaType"]})
    graph.insert(
        0,
        {
            "@id": "#catalog",
            "@type": [f"{_DCAT}Catalog"],
            f"{DCT}title": zh(title),
            f"{DCT}description": zh(f"{title}的开放数据"),
            f"{DCT}publisher": [{"@id": agent}],
            f"{DCT}issued": _time(issued),
            f"{DCT}modified": _time(modified),
            f"{DCT}license": [{"@id": licence}],
            f"{_DCAT}dataset": datasets,
        },
    )
    # A media type said by several distributions is one node.
    unique = list({node["@id"]: node for node in graph}.values())
    return (json.dumps({"@graph": unique}, ensure_ascii=False, indent=1) + "\n").encode()
