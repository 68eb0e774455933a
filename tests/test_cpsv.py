"""CPSV-AP: every bundled guide conforms to the official 3.2.0 shapes, what the shapes require
is reported where it is missing, and the meaning reads back with rdflib."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
import rdflib
from click.testing import CliRunner
from conftest import ROOT
from rdflib.namespace import DCTERMS, RDF, SKOS

from service_codes.build import build
from service_codes.cli import main
from service_codes.errors import InvalidGuide
from service_codes.formats import read_guide
from service_codes.formats.cpsv import to_cpsv
from service_codes.formats.shacl import _parts, check
from service_codes.formats.uris import concept_scheme, service_uri
from service_codes.matter_types import Declared, Family, MatterTypes
from service_codes.model import Guide

CPSV = rdflib.Namespace("http://purl.org/vocab/cpsv#")
CV = rdflib.Namespace("http://data.europa.eu/m8g/")


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> list[Guide]:
    """The bundled guides with their codes, as a build gives them."""
    root = tmp_path_factory.mktemp("cpsv")
    shutil.copytree(ROOT / "registry", root / "catalogue", ignore=shutil.ignore_patterns("*.lock"))
    build(root / "catalogue", root / "out")
    return [read_guide(p.read_bytes()) for p in sorted((root / "out" / "guides").glob("*.json"))]


@pytest.fixture(scope="module")
def exported(coded: list[Guide]) -> bytes:
    return to_cpsv(coded)


def test_every_bundled_guide_conforms_to_the_official_shapes(
    coded: list[Guide], exported: bytes
) -> None:
    assert check(exported) == []
    graph = rdflib.Graph().parse(data=exported, format="json-ld")
    assert len(set(graph.subjects(RDF.type, CPSV.PublicService))) == len(coded) == 34


@pytest.mark.parametrize(
    ("term", "path"),
    [
        ("PublicService.hasCompetentAuthority", CV.hasCompetentAuthority),
        ("PublicService.identifier", DCTERMS.identifier),
        ("PublicService.name", DCTERMS.title),
    ],
)
def test_a_missing_required_property_is_reported_at_its_service(
    coded: list[Guide], exported: bytes, term: str, path: rdflib.URIRef
) -> None:
    document = json.loads(exported)
    focus = service_uri(coded[5])
    node = next(n for n in document["@graph"] if n["@id"] == focus)
    del node[term]
    found = check(json.dumps(document, ensure_ascii=False).encode())
    assert [(v.focus, v.path, v.severity) for v in found] == [(focus, str(path), "Violation")]


def test_the_meaning_reads_back(coded: list[Guide], exported: bytes) -> None:
    graph = rdflib.Graph().parse(data=exported, format="json-ld")
    for guide in coded:
        service = rdflib.URIRef(service_uri(guide))
        assert str(graph.value(service, DCTERMS.identifier)) == str(guide.implementation_code)
        title = str(graph.value(service, DCTERMS.title))
        assert title.startswith(guide.name)
        agency = graph.value(service, CV.hasCompetentAuthority)
        assert str(graph.value(agency, DCTERMS.identifier)) == guide.agency.uscc
        assert str(graph.value(agency, SKOS.prefLabel)) == guide.agency.name
        inputs = {str(graph.value(e, DCTERMS.title)) for e in graph.objects(service, CPSV.hasInput)}
        assert inputs == {m.name for m in guide.materials}
        costs = {
            str(graph.value(c, DCTERMS.description)).split("\n")[0]
            for c in graph.objects(service, CV.hasCost)
        }
        assert costs == {f"{f.name}：{f.standard}" for f in guide.fees}


def test_contacts_channels_status_and_departments_read_back(
    coded: list[Guide], exported: bytes
) -> None:
    graph = rdflib.Graph().parse(data=exported, format="json-ld")
    adms_status = rdflib.URIRef("http://www.w3.org/ns/adms#status")
    for guide in coded:
        service = rdflib.URIRef(service_uri(guide))
        status = graph.value(service, adms_status)
        assert str(status).endswith(f":state:{guide.state.value}")
        assert (status, RDF.type, SKOS.Concept) in graph
        description = str(graph.value(service, DCTERMS.description))
        assert f"法定办结时限：{guide.legal_limit.value}个" in description
        assert guide.consultation in description and guide.supervision in description
        phones = {
            str(t)
            for point in graph.objects(service, CV.contactPoint)
            for t in graph.objects(point, CV.telephone)
        }
        digits = "".join(c for c in guide.consultation + guide.supervision if c.isdigit())
        assert phones and all(p.replace("-", "") in digits for p in phones)
        channels = set(graph.objects(service, CV.hasChannel))
        assert {rdflib.URIRef(u) for u in guide.online_urls} <= channels
        for url in guide.online_urls:
            assert str(graph.value(rdflib.URIRef(url), DCTERMS.type)).endswith(":web")
        hours = {
            str(graph.value(h, DCTERMS.description))
            for c in channels
            for h in graph.objects(c, CV.openingHours)
        }
        assert hours == ({guide.hours} if "counter" in guide.handling_forms else set())
        participants = [
            str(graph.value(graph.value(p, CV.hasParticipant), DCTERMS.title))
            for p in graph.objects(service, CV.hasParticipation)
        ]
        named = [guide.competent_department, guide.entrusting_department, *guide.joint_agencies]
        assert sorted(participants) == sorted(n for n in named if n)
        laws = set(graph.objects(service, CV.hasLegalResource))
        assert len(laws) == len(guide.legal_basis)


def test_an_online_address_that_is_no_absolute_url_is_kept_in_the_web_channel(
    coded: list[Guide],
) -> None:
    guide = attrs.evolve(coded[1], online_urls=("zwfw.example.cn/item", "https://a.example/"))
    document = to_cpsv([guide])
    assert check(document) == []
    graph = rdflib.Graph().parse(data=document, format="json-ld")
    channels = set(graph.objects(rdflib.URIRef(service_uri(guide)), CV.hasChannel))
    assert rdflib.URIRef("https://a.example/") in channels
    described = {str(graph.value(c, DCTERMS.description)) for c in channels}
    assert "网上办理地址：zwfw.example.cn/item" in described


def test_a_check_in_two_processes_finds_what_one_finds(exported: bytes) -> None:
    document = json.loads(exported)
    graph = document["@graph"]
    identified = [n for n in graph if n["@type"] in ("Requirement", "Evidence", "Rule")]
    broken = [identified[3], identified[len(identified) // 2], identified[-3]]  # each share
    for node in broken:
        for key in [k for k in node if k.endswith(".identifier")]:
            del node[key]
    data = json.dumps(document, ensure_ascii=False).encode()
    assert len(_parts(data, None, 2)) == 2
    alone = check(data)
    assert [v.focus for v in alone] == sorted(n["@id"] for n in broken)
    assert check(data, workers=2) == alone


def _embedded_second_identifier(exported: bytes) -> dict[str, Any]:
    """The export where the last requirement is also said, embedded in the first service,
    with a second identifier: a violation at a node of the other share."""
    document = json.loads(exported)
    graph = document["@graph"]
    last = next(n for n in reversed(graph) if n["@type"] == "Requirement")
    graph[0]["PublicService.holdsRequirement"] = [
        {"@id": last["@id"], "Requirement.identifier": "second"}
    ]
    return document


@pytest.mark.parametrize(
    "change",
    [
        _embedded_second_identifier,
        lambda e: {**json.loads(e), "@included": [{"@id": "urn:x", "@type": "Cost"}]},
        lambda e: {**json.loads(e), "@context": [json.loads(e)["@context"], {"id": "@id"}]},
    ],
    ids=["embedded node", "included node", "keyword alias"],
)
def test_a_graph_that_is_not_flat_is_checked_whole(
    exported: bytes, change: Callable[[bytes], dict[str, Any]]
) -> None:
    data = json.dumps(change(exported), ensure_ascii=False).encode()
    assert _parts(data, None, 2) == []
    assert check(data, workers=2) == check(data)


def test_the_embedded_node_case_has_its_violation(exported: bytes) -> None:
    data = json.dumps(_embedded_second_identifier(exported), ensure_ascii=False).encode()
    assert [(v.path, v.severity) for v in check(data, workers=2)] == [
        ("http://purl.org/dc/terms/identifier", "Violation")
    ]


def test_uris_are_made_from_codes_so_they_never_change(coded: list[Guide]) -> None:
    def services(guides: list[Guide]) -> dict[str, str]:
        graph = json.loads(to_cpsv(guides))["@graph"]
        return {
            n["PublicService.identifier"]: n["@id"]
            for n in graph
            if "@type" in n and n["@type"] == "PublicService"
        }

    whole = services(coded)
    assert services(coded[5:9]) == {c: whole[c] for c in services(coded[5:9])}
    assert services(list(reversed(coded[:7]))) == {c: whole[c] for c in services(coded[:7])}
    assert all(uri == f"urn:service-codes:service:{code}" for code, uri in whole.items())


def test_a_guide_without_its_code_or_two_of_one_code_are_refused(coded: list[Guide]) -> None:
    with pytest.raises(InvalidGuide) as uncoded:
        to_cpsv([attrs.evolve(coded[0], implementation_code=None)])
    assert [(p.path, p.rule) for p in uncoded.value.problems] == [
        ("/implementation_code", "cpsv.uncoded")
    ]
    twin = attrs.evolve(coded[1], implementation_code=coded[0].implementation_code)
    with pytest.raises(InvalidGuide) as repeated:
        to_cpsv([coded[0], twin])
    assert [p.rule for p in repeated.value.problems] == ["cpsv.repeated"]


def test_the_concept_scheme_names_the_declared_types_of_the_catalogue() -> None:
    declared = Declared("60", "区级特色事项", Family.PUBLIC_SERVICE)
    labels = {
        n["@id"]: n[f"{SKOS}prefLabel"][0]["@value"]
        for n in concept_scheme(MatterTypes.of({"60": declared}))
        if n["@type"] == "Concept"
    }
    assert labels["urn:service-codes:concept:matter-type:60"] == "区级特色事项"
    assert "urn:service-codes:concept:matter-type:60" not in {n["@id"] for n in concept_scheme()}


def test_check_goes_with_cpsv_ap_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--lang", "en", "export", str(ROOT / "registry"), "--format", "json", "--check",
               "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "--check checks CPSV-AP linked data: it goes with --format cpsv-ap, not json" in (
        result.output
    )
    assert not (tmp_path / "out").exists()


def test_export_writes_the_published_guides_and_checks_them(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry", catalogue, ignore=shutil.ignore_patterns("*.lock"))
    hidden = catalogue / "guides" / "divorce-registration.json"
    data = json.loads(hidden.read_text("utf-8"))
    data["publicity"] = {"disclosure": "withheld", "reason": "内部事务", "ground": "第十四条"}
    hidden.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "--lang",
            "en",
            "export",
            str(catalogue),
            "--format",
            "cpsv-ap",
            "--check",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "write: 33 guides published of 34 as CPSV-AP" in result.output
    assert "check: 0 violations of the CPSV-AP 3.2.0 shapes" in result.output
    graph = rdflib.Graph().parse(out / "catalogue.jsonld", format="json-ld")
    titles = {
        str(t)
        for s in graph.subjects(RDF.type, CPSV.PublicService)
        for t in graph.objects(s, DCTERMS.title)
    }
    assert len(titles) == 33 and "内地居民婚姻登记（内地居民离婚登记）" not in titles
