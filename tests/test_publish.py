"""``publish``: the review gate, the release log, the site's files and its open data."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from conftest import ROOT
from lxml import html
from test_review import ID1, MOBILE, SEEDED, STEM, WRONG1, WRONG2, _seed, _waivers

from service_codes.cli import main
from service_codes.cli.common import Say
from service_codes.cli.linked_data import check_shapes
from service_codes.errors import RegistryCorrupt, ServiceCodesError
from service_codes.formats import read_guide
from service_codes.formats.shacl import DCAT_SHAPES, check
from service_codes.output import Output, UnsafeWrite
from service_codes.publish import ReviewBlocked, publish
from service_codes.registry import Registry
from service_codes.releases import ReleaseLog, content_digest
from service_codes.review import FindingKind, digest

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def catalogue_copy(tmp_path: Path) -> Path:
    """The bundled catalogue as it is checked in: guides, ledger and its head, review file."""
    copy = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry", copy, ignore=shutil.ignore_patterns("*.lock", "*.md"))
    return copy


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def publish_at(catalogue: Path, site: Path, time: dt.datetime = T0, **kw: Any) -> Any:
    return publish(catalogue, site, publisher="区政务服务中心", reviewer="李四", time=time, **kw)


def site_files(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a site but its mark: bytes and modification time."""
    return {
        p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name != ".service-codes"
    }


def edit_guide(catalogue: Path, stem: str, **changes: Any) -> None:
    path = catalogue / "guides" / f"{stem}.json"
    data = json.loads(path.read_text("utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalogue published once; the tests only read it."""
    root = tmp_path_factory.mktemp("bundled")
    publish_at(catalogue_copy(root), root / "site")
    return root / "site"


# --- the release log -----------------------------------------------------------------------


def test_a_changed_guide_is_the_one_change_of_the_next_release_and_no_change_logs_nothing(
    tmp_path: Path,
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    first = publish_at(catalogue, site)
    assert first.appended and first.release.number == 1
    assert len(first.release.added) == len(list((catalogue / "guides").glob("*.json")))
    name = read_guide((catalogue / "guides" / f"{STEM}.json").read_bytes()).name
    edit_guide(catalogue, STEM, hours="工作日 8:30-17:00", version=2)
    second = publish_at(catalogue, site, T0 + dt.timedelta(days=1))
    assert second.appended and second.release.number == 2
    changed = second.release.changed
    assert len(changed) == 1 and not second.release.added and not second.release.withdrawn
    assert second.release.elements == ((changed[0], ("hours",)),)
    page = (site / "guides" / f"{changed[0]}.html").read_text("utf-8")
    assert "工作日 8:30-17:00" in page and name in page
    log = (catalogue / "releases.jsonl").read_bytes()
    before = site_files(site)
    mark = (site / ".service-codes").stat().st_mtime_ns
    third = publish_at(catalogue, site, T0 + dt.timedelta(days=2))
    assert not third.appended and third.release == second.release
    assert (catalogue / "releases.jsonl").read_bytes() == log
    assert site_files(site) == before  # not a byte, not a file time
    assert (site / ".service-codes").stat().st_mtime_ns == mark
    releases = ReleaseLog(catalogue).releases()
    assert [r.number for r in releases] == [1, 2]
    assert releases[1].time == "2026-12-02T09:00:00+00:00"
    assert (releases[1].publisher, releases[1].reviewer) == ("区政务服务中心", "李四")
    digests = {g.code: g.digest for g in releases[1].guides}
    canonical = (site / "data" / "json" / f"{changed[0]}.json").read_bytes()
    assert digests[changed[0]] == content_digest(canonical)
    # The open data was first issued at the first release and modified at the second.
    described = json.loads((site / "data" / "catalog.jsonld").read_bytes())["@graph"]
    dct = "http://purl.org/dc/terms/"
    times = {
        (n[f"{dct}issued"][0]["@value"], n[f"{dct}modified"][0]["@value"])
        for n in described
        if f"{dct}issued" in n
    }
    assert times == {(releases[0].time, releases[1].time)}


def test_a_guide_made_non_public_is_withdrawn_and_its_files_leave_the_site(tmp_path: Path) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    first = publish_at(catalogue, site)
    publicity = {"disclosure": "withheld", "reason": "涉及执法策略", "ground": "《条例》第十四条"}
    edit_guide(catalogue, STEM, publicity=publicity)
    second = publish_at(catalogue, site, T0 + dt.timedelta(days=1))
    (gone,) = second.release.withdrawn
    assert gone in first.release.added and not second.release.added
    assert not list(site.rglob(f"{gone}.*"))
    assert all(gone.encode() not in data for data, _ in site_files(site).values())
    code, out, _ = run("publish", str(catalogue), "--log")
    assert code == 0
    assert f"withdrawn: {gone} " in out and "2 entries, each sealed and chained" in out


def two_releases(tmp_path: Path) -> tuple[Path, Path]:
    """A catalogue published twice, a guide changed in between; the catalogue and the site."""
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    edit_guide(catalogue, STEM, hours="工作日 8:30-17:00")
    publish_at(catalogue, site, T0 + dt.timedelta(days=1))
    return catalogue, site


def test_what_changed_is_not_told_from_a_site_file_the_log_did_not_record(
    tmp_path: Path,
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    guide = read_guide((catalogue / "guides" / f"{STEM}.json").read_bytes())
    (earlier,) = site.glob(f"data/json/*{guide.agency.uscc}*0700001001.json")
    earlier.write_bytes(earlier.read_bytes().replace(b"\n}", b', "faqs": []\n}'))
    edit_guide(catalogue, STEM, hours="工作日 8:30-17:00")
    second = publish_at(catalogue, site, T0 + dt.timedelta(days=1), force=True)
    assert len(second.release.changed) == 1 and second.release.elements == ()


def test_an_edited_release_entry_is_detected(tmp_path: Path) -> None:
    catalogue, site = two_releases(tmp_path)
    path = catalogue / "releases.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0].replace("李四".encode(), "王五".encode())
    path.write_bytes(b"".join(lines))
    with pytest.raises(RegistryCorrupt, match="line 1: was altered"):
        ReleaseLog(catalogue).releases()
    code, _, err = run("publish", str(catalogue), "--log")
    assert code == 2 and "releases.jsonl: ledger line 1: was altered" in err
    # A tampered log is never built on: publishing refuses too, and appends nothing.
    with pytest.raises(RegistryCorrupt):
        publish_at(catalogue, site, T0 + dt.timedelta(days=2))
    edit_guide(catalogue, STEM, hours="工作日 8:00-17:00")
    code, _, err = run(
        "publish", str(catalogue), "--out", str(site), "--publisher", "中心", "--reviewer", "李四"
    )
    assert code == 2 and f"{path}: ledger line 1: was altered" in err
    assert path.read_bytes() == b"".join(lines)
    assert "工作日 8:00-17:00" not in (site / "data" / "matters.csv").read_text("utf-8")


def test_a_removed_last_entry_is_detected_by_the_head_record(tmp_path: Path) -> None:
    catalogue, _ = two_releases(tmp_path)
    path = catalogue / "releases.jsonl"
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    with pytest.raises(RegistryCorrupt, match="missing: the head records 2 lines"):
        ReleaseLog(catalogue).releases()


# --- the review gate ------------------------------------------------------------------------


def _seeded(tmp_path: Path) -> Path:
    catalogue = catalogue_copy(tmp_path)
    path = catalogue / "guides" / f"{STEM}.json"
    texts = {pointer: text for pointer, (text, _) in SEEDED.items()}
    path.write_text(json.dumps(_seed(json.loads(path.read_text("utf-8")), texts)), "utf-8")
    return catalogue


def test_findings_block_publication_until_waived_and_again_after_an_edit(tmp_path: Path) -> None:
    catalogue, site = _seeded(tmp_path), tmp_path / "site"
    with pytest.raises(ReviewBlocked) as blocked:
        publish_at(catalogue, site)
    expected = {(p, kind, match) for p, (_, kinds) in SEEDED.items() for kind, match in kinds}
    assert {(f.pointer, f.kind, f.match) for f in blocked.value.findings} == expected
    assert not any(WRONG1 in f.match or WRONG2 in f.match for f in blocked.value.findings)
    assert not site.exists() and not (catalogue / "releases.jsonl").exists()
    code, out, err = run(
        "publish", str(catalogue), "--out", str(site), "--publisher", "中心", "--reviewer", "李四"
    )
    assert code == 1 and not site.exists()
    assert f'/materials/0/remark: a resident identity number "{ID1}"' in out
    assert f"review has {len(expected)} open findings: nothing was published" in err
    (catalogue / "review.toml").write_text(
        (catalogue / "review.toml").read_text("utf-8") + "\n" + _waivers(out), "utf-8"
    )
    code, out, err = run(
        "publish", str(catalogue), "--out", str(site), "--publisher", "中心", "--reviewer", "李四"
    )
    assert code == 0, err
    assert "release 1 of" in out and (site / "index.html").is_file()
    edit_guide(catalogue, STEM, materials=_materials_with(catalogue, 1, f"电话 {MOBILE}"))
    before = site_files(site)
    with pytest.raises(ReviewBlocked) as blocked:
        publish_at(catalogue, site)
    assert [(f.pointer, f.kind) for f in blocked.value.findings] == [
        ("/materials/1/remark", FindingKind.MOBILE)
    ]
    assert blocked.value.findings[0].digest == digest(f"电话 {MOBILE}")
    assert site_files(site) == before and len(ReleaseLog(catalogue).releases()) == 1


def _materials_with(catalogue: Path, index: int, remark: str) -> list[dict[str, Any]]:
    data = json.loads((catalogue / "guides" / f"{STEM}.json").read_text("utf-8"))
    data["materials"][index]["remark"] = remark
    return data["materials"]  # type: ignore[no-any-return]


def test_an_invalid_catalogue_publishes_nothing(tmp_path: Path) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    edit_guide(catalogue, STEM, visits=-1)
    code, _, err = run(
        "publish", str(catalogue), "--out", str(site), "--publisher", "中心", "--reviewer", "李四"
    )
    assert code == 1 and "1 of" in err and not site.exists()
    assert not (catalogue / "releases.jsonl").exists()


def test_who_publishes_and_who_reviewed_must_be_named(tmp_path: Path) -> None:
    catalogue = catalogue_copy(tmp_path)
    code, _, err = run("publish", str(catalogue), "--out", str(tmp_path / "site"))
    assert code == 2 and "needs --publisher and --reviewer" in err
    for reviewer in (" ", "李四\n王五"):
        with pytest.raises(ServiceCodesError, match="names its reviewer on one line"):
            publish(catalogue, tmp_path / "site", publisher="中心", reviewer=reviewer)
    assert not (tmp_path / "site").exists()


def test_a_file_in_the_site_that_publish_did_not_write_is_refused(tmp_path: Path) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("a person's notes", "utf-8")
    with pytest.raises(UnsafeWrite, match=r"notes\.txt"):
        publish_at(catalogue, site)
    assert (site / "notes.txt").read_text("utf-8") == "a person's notes"
    assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]
    assert not (catalogue / "releases.jsonl").exists()


# --- the site ---------------------------------------------------------------------------------


def test_every_published_guide_has_its_page_data_and_search_entry(bundled: Path) -> None:
    index = json.loads(
        (bundled / "search-index.js")
        .read_text("utf-8")
        .removeprefix("window.SEARCH_INDEX = ")
        .removesuffix(";\n")
    )
    matters = (bundled / "data" / "matters.csv").read_text("utf-8").splitlines()[1:]
    codes = sorted(line.split(",")[0] for line in matters)
    assert sorted(entry[1] for entry in index) == codes
    for entry in index:
        assert (bundled / entry[5]).is_file()
        assert (bundled / "data" / "json" / f"{entry[1]}.json").is_file()
        assert (bundled / "data" / "xml" / f"{entry[1]}.xml").is_file()
    assert len(codes) == len(list((ROOT / "registry" / "guides").glob("*.json")))


def test_every_link_of_every_page_resolves_to_a_file_of_the_site(bundled: Path) -> None:
    pages = sorted(bundled.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        tree = html.fromstring(page.read_bytes())
        for href in tree.xpath("//a/@href | //script/@src | //link/@href"):
            if href.startswith(("http://", "https://", "#", "data:")):
                continue  # the licence, online services, the empty icon: none is a file
            target = (page.parent / href.split("#")[0]).resolve()
            assert target.is_file() and bundled.resolve() in target.parents, (page, href)


def test_no_page_loads_anything_from_elsewhere(bundled: Path) -> None:
    for page in bundled.rglob("*.html"):
        tree = html.fromstring(page.read_bytes())
        assert not tree.xpath("//script[starts-with(@src, 'http')] | //link[@rel='stylesheet']")
        assert not tree.xpath("//img[starts-with(@src, 'http')]")


def test_the_open_data_package_validates_and_a_broken_foreign_key_fails(
    bundled: Path, tmp_path: Path
) -> None:
    checked = subprocess.run(
        [str(FRICTIONLESS), "validate", str(bundled / "data" / "datapackage.json")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
    package = json.loads((bundled / "data" / "datapackage.json").read_text("utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names[:5] == ["matters", "materials", "steps", "fees", "handling_items"]
    assert package["contributors"] == [{"title": "区政务服务中心", "role": "publisher"}]
    assert package["created"] == "2026-12-01T09:00:00+00:00" and package["licenses"]
    broken = tmp_path / "site"
    shutil.copytree(bundled, broken)
    materials = broken / "data" / "materials.csv"
    header, first, *rest = materials.read_text("utf-8").splitlines(keepends=True)
    materials.write_text(header + "X" * 31 + first[first.index(",") :] + "".join(rest), "utf-8")
    checked = subprocess.run(
        [str(FRICTIONLESS), "validate", str(broken / "data" / "datapackage.json")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode != 0 and "foreign-key" in checked.stdout


def test_the_ledger_events_published_are_exactly_those_of_published_codes(
    tmp_path: Path,
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publicity = {"disclosure": "withheld", "reason": "涉及执法策略", "ground": "《条例》第十四条"}
    edit_guide(catalogue, STEM, publicity=publicity)
    publish_at(catalogue, site)
    with (site / "data" / "events.csv").open(encoding="utf-8", newline="") as rows:
        published = list(csv.DictReader(rows))
    assert list(published[0]) == ["position", "event", "code", "date"]
    codes = set()
    for table, columns in (
        ("matters", ("code", "catalog_code")),
        ("materials", ("code",)),
        ("handling_items", ("code",)),
    ):
        with (site / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as rows:
            codes |= {row[c] for row in csv.DictReader(rows) for c in columns if row[c]}
    expected = []
    for position, event in enumerate(Registry.open(catalogue).events(), start=1):
        touched = {event["code"], *event.get("merged", ())}
        touched |= {part["code"] for part in event.get("into", ())}
        if touched <= codes:
            expected.append(str(position))
    assert [row["position"] for row in published] == expected
    hidden = read_guide((catalogue / "guides" / f"{STEM}.json").read_bytes())
    assert len(expected) > 100 and str(hidden.catalog_code) not in {r["code"] for r in published}


# --- what goes wrong ---------------------------------------------------------------------


def test_a_blocked_publication_issues_no_code(tmp_path: Path) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    ledger = (catalogue / "codes.jsonl").read_bytes()
    remarked = _materials_with(catalogue, 0, f"经办人手机 {MOBILE}")
    edit_guide(catalogue, STEM, name="内地居民离婚登记办理", materials=remarked)
    with pytest.raises(ReviewBlocked):
        publish_at(catalogue, site)
    assert (catalogue / "codes.jsonl").read_bytes() == ledger and not site.exists()


def test_a_site_folder_holding_the_catalogue_or_ledger_is_refused_even_forced(
    tmp_path: Path,
) -> None:
    catalogue = catalogue_copy(tmp_path)
    before = sorted(p.name for p in (catalogue / "guides").iterdir())
    ledger = tmp_path / "site" / "ledger"
    shutil.copytree(catalogue, ledger)
    for out, registry in ((tmp_path, catalogue), (catalogue, catalogue), (ledger.parent, ledger)):
        code, _, err = run(
            "publish", str(catalogue), "--out", str(out), "--force", "--registry", str(registry),
            "--publisher", "中心", "--reviewer", "李四",
        )  # fmt: skip
        assert code == 2 and f"holds {registry}" in err
    assert sorted(p.name for p in (catalogue / "guides").iterdir()) == before


def test_a_publish_that_fails_while_writing_is_completed_by_publishing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    edit_guide(catalogue, STEM, hours="工作日 8:30-17:00")
    written = 0
    real_write = Output.write

    def failing_write(self: Output, relative: str, data: bytes) -> None:
        nonlocal written
        written += 1
        if written == 40:
            raise OSError(28, "No space left on device")
        real_write(self, relative, data)

    monkeypatch.setattr(Output, "write", failing_write)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((T0 + dt.timedelta(days=1)).timestamp())))
    code, _, err = run(
        "publish", str(catalogue), "--out", str(site), "--publisher", "中心", "--reviewer", "李四"
    )
    assert code == 2 and "no space left on the disk" in err
    assert "release 2 is logged but its site was not all written: publish again" in err
    assert not list(site.rglob("*.tmp"))
    monkeypatch.undo()
    # The entry was sealed before the first file was written: the log says what the site is.
    assert [r.number for r in ReleaseLog(catalogue).releases()] == [1, 2]
    again = publish_at(catalogue, site, T0 + dt.timedelta(days=2))
    assert not again.appended and again.release.number == 2
    clean = tmp_path / "clean"
    shutil.copytree(catalogue, clean / "catalogue")
    publish_at(clean / "catalogue", clean / "site", T0 + dt.timedelta(days=3))
    assert {k: v[0] for k, v in site_files(site).items()} == {
        k: v[0] for k, v in site_files(clean / "site").items()
    }


def test_a_torn_release_log_is_named_and_repaired(tmp_path: Path) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    path = catalogue / "releases.jsonl"
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"added":["1161')
    code, _, err = run("publish", str(catalogue), "--log")
    assert code == 2 and "releases.jsonl: ledger line 2: half-written" in err
    code, out, _ = run("publish", str(catalogue), "--repair-log")
    assert code == 0 and "removed 15 bytes of a torn last line" in out
    assert path.read_bytes() == whole
    code, out, _ = run("publish", str(catalogue), "--repair-log")
    assert code == 0 and "nothing to repair" in out


def test_a_new_ledger_event_of_a_published_code_is_a_release_of_its_own(tmp_path: Path) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    events = (site / "data" / "events.csv").read_text("utf-8")
    guide = json.loads(next((site / "data" / "json").iterdir()).read_text("utf-8"))
    code, _, err = run(
        "registry", "--registry", str(catalogue), "rename", guide["catalog_code"],
        guide["name"] + "事项", "--reason", "经办人张三要求",
    )  # fmt: skip
    assert code == 0, err
    second = publish_at(catalogue, site, T0 + dt.timedelta(days=1))
    assert second.appended and not (second.release.added or second.release.changed)
    assert second.release.events != ReleaseLog(catalogue).releases()[0].events
    after = (site / "data" / "events.csv").read_text("utf-8")
    assert after.startswith(events) and f",alias,{guide['catalog_code']}," in after
    assert "张三" not in after  # staff's reasons are not reviewed, so not published


def test_a_leftover_temporary_file_of_a_crash_does_not_block_the_next_publish(
    tmp_path: Path,
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    (site / "data" / ".matters.csv.tmp").write_bytes(b"code,catalog_code\n1161")
    publish_at(catalogue, site, T0 + dt.timedelta(days=1))
    assert not (site / "data" / ".matters.csv.tmp").exists()


def test_a_release_time_before_the_last_is_refused_before_any_code_is_issued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    publish_at(catalogue, site)
    edit_guide(catalogue, STEM, name="内地居民离婚登记办理")  # a new matter: a new code
    ledger = (catalogue / "codes.jsonl").read_bytes()
    with pytest.raises(ServiceCodesError, match="is before the last release's"):
        publish_at(catalogue, site, T0 - dt.timedelta(days=1))
    assert (catalogue / "codes.jsonl").read_bytes() == ledger
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    code, _, err = run(
        "publish", str(catalogue), "--out", str(site), "--publisher", "中心", "--reviewer", "李四"
    )
    assert code == 1 and "SOURCE_DATE_EPOCH='tomorrow' is not a time" in err
    assert (catalogue / "codes.jsonl").read_bytes() == ledger


def test_the_log_of_a_catalogue_never_published_says_so(tmp_path: Path) -> None:
    catalogue = catalogue_copy(tmp_path)
    code, out, _ = run("publish", str(catalogue), "--log")
    assert code == 0 and out == f"{catalogue / 'releases.jsonl'}: no release yet\n"
    assert not (catalogue / "releases.jsonl").exists()


def test_the_open_data_is_a_dcat_ap_catalogue_the_official_shapes_accept(bundled: Path) -> None:
    document = (bundled / "data" / "catalog.jsonld").read_bytes()
    base = "https://example.org/site/data/catalog.jsonld"
    assert check(document, DCAT_SHAPES, base=base) == []
    graph = rdflib.Graph().parse(data=document, format="json-ld", publicID=base)
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    urls = {str(u) for u in graph.objects(None, dcat.accessURL)}
    prefix = "https://example.org/site/data/"
    tables = {p.name for p in (bundled / "data").glob("*.csv")}
    assert {u.removeprefix("https://example.org/site/data/") for u in urls} == tables | {
        "json/",
        "xml/",
    }
    downloads = {str(u) for u in graph.objects(None, dcat.downloadURL)}
    files = {p for p in (bundled / "data").rglob("*") if p.is_file()}
    assert {(bundled / "data" / u.removeprefix(prefix)) for u in downloads} == {
        p for p in files if p.parent.name in ("json", "xml") or p.suffix == ".csv"
    }
    data = json.loads(document)
    dataset = next(n for n in data["@graph"] if n["@id"] == "#dataset-matters.csv")
    del dataset["http://purl.org/dc/terms/title"]
    found = check(json.dumps(data, ensure_ascii=False).encode(), DCAT_SHAPES, base=base)
    assert [(v.focus, v.path) for v in found] == [
        ("https://example.org/site/data/catalog.jsonld#dataset-matters.csv",
         "http://purl.org/dc/terms/title")
    ]  # fmt: skip


def test_publish_check_runs_the_dcat_shapes_and_a_violation_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue, site = catalogue_copy(tmp_path), tmp_path / "site"
    args = [
        "publish",
        str(catalogue),
        "--out",
        str(site),
        "--publisher",
        "中心",
        "--reviewer",
        "李四",
    ]
    code, out, err = run(*args, "--check")
    assert code == 0, err
    assert out.splitlines()[-1] == "check: 0 violations of the DCAT-AP 3.0.1 shapes"
    zh = CliRunner().invoke(main, ["--lang", "zh", *args, "--check"])
    assert zh.exit_code == 0 and "校验：违反 DCAT-AP 3.0.1 约束 0 处" in zh.stdout
    document = site / "data" / "catalog.jsonld"
    data = json.loads(document.read_bytes())
    dataset = next(n for n in data["@graph"] if n["@id"] == "#dataset-matters.csv")
    del dataset["http://purl.org/dc/terms/title"]
    document.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(SystemExit) as exited:
        check_shapes(Say("en"), document, "dcat")
    assert exited.value.code == 1
    said = capsys.readouterr()
    assert (
        f"{document.resolve().as_uri()}#dataset-matters.csv: http://purl.org/dc/terms/title:"
        in said.err
    )
    assert said.out.strip() == "check: 1 violation of the DCAT-AP 3.0.1 shapes"
