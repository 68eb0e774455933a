from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import attrs
import pytest
from conftest import ROOT, Locations, ledger_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import usccs

from service_codes import (
    Agency,
    CaseType,
    CatalogCode,
    Guide,
    HandlingForm,
    HandlingItem,
    ImplementationCode,
    Level,
    Material,
    MaterialForm,
    MaterialKind,
    MaterialSource,
    MatterType,
    Necessity,
    Registry,
    RegistryError,
    ServiceObject,
    Step,
    TimeLimit,
    TimeUnit,
    from_json,
    numbering,
)
from service_codes.index import matter_identity
from service_codes.matter_types import AnyMatterType, ExtensionType
from service_codes.text import normalize_name

BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))]
DAY = TimeLimit(value=1, unit=TimeUnit.WORKING_DAY)
USCC = "11610113038161643P"


def guide(
    name: str,
    sub_name: str | None = None,
    matter_type: AnyMatterType = MatterType.LICENSING,
    uscc: str = USCC,
    materials: tuple[str, ...] = (),
    items: tuple[str, ...] = (),
    origin: str = "00",
) -> Guide:
    return Guide(
        name=name,
        sub_name=sub_name,
        matter_type=matter_type,
        origin=origin,
        level=Level.COUNTY,
        agency=Agency(name="雁塔区行政审批服务局", uscc=uscc),
        competent_department="部门",
        legal_basis=(),
        conditions=(),
        steps=(Step(order=1, name="受理", actor="窗口"),),
        legal_limit=DAY,
        promised_limit=DAY,
        service_objects=(ServiceObject.ENTERPRISE,),
        case_type=CaseType.PROMISED,
        handling_forms=(HandlingForm.COUNTER,),
        visits=0,
        place="大厅",
        hours="工作日",
        consultation="电话",
        supervision="12345",
        materials=tuple(
            Material(
                order=i,
                name=m,
                kind=MaterialKind.FORM,
                form=MaterialForm.PAPER,
                necessity=Necessity.REQUIRED,
                source=MaterialSource.APPLICANT,
                originals=1,
                copies=0,
            )
            for i, m in enumerate(materials, start=1)
        ),
        handling_items=tuple(HandlingItem(name=i) for i in items),
    )


@pytest.fixture
def location(locations: Locations) -> str:
    """A new registry, of each backend in turn."""
    return locations.new()


@pytest.fixture
def reg(location: str) -> Registry:
    return Registry.open(location, today=lambda: dt.date(2026, 11, 25))


def codes(guides: list[Guide]) -> list[tuple[str, ...]]:
    return [
        (
            str(g.catalog_code),
            str(g.implementation_code),
            *(str(m.code) for m in g.materials),
            *(str(i.code) for i in g.handling_items),
        )
        for g in guides
    ]


def test_open_with_create_makes_the_ledger(tmp_path: Path) -> None:
    Registry.open(tmp_path / "new", create=True)
    assert (tmp_path / "new" / "codes.jsonl").read_bytes() == b""


def test_open_refuses_a_missing_registry_and_creates_nothing(tmp_path: Path) -> None:
    # A mistyped folder must not start an empty ledger that issues other codes.
    Registry.open(tmp_path / "registry", create=True).assign_many(BUNDLED)
    with pytest.raises(RegistryError, match=r"no code ledger in .*registy") as caught:
        Registry.open(tmp_path / "registy")
    assert "create=True" in caught.value.message and "登记簿" in caught.value.message_zh
    assert not (tmp_path / "registy").exists()


def test_codes_follow_the_structure_of_the_standard(reg: Registry) -> None:
    g = reg.assign(guide("食品经营许可", materials=("申请书", "营业执照"), items=("新办",)))
    assert g.catalog_code == CatalogCode("00", MatterType.LICENSING, 1, 0)
    assert g.implementation_code == ImplementationCode(USCC, Level.COUNTY, g.catalog_code)
    assert str(g.implementation_code) == USCC + "4" + "000100001000"
    # Materials are numbered in sorted order of their normalized names.
    assert [str(m.code)[-3:] for m in g.materials] == ["001", "002"]
    assert str(g.handling_items[0].code) == str(g.implementation_code) + "01"
    assert all(m.code and m.code.parent == g.implementation_code for m in g.materials)


def test_main_items_count_within_origin_and_type_and_sub_items_within_main(reg: Registry) -> None:
    out = reg.assign_many(
        [
            guide("甲"),
            guide("乙", "新办"),
            guide("乙", "变更"),
            guide("丙", matter_type=MatterType.PENALTY),
            guide("丁", origin="61"),
            guide("戊", matter_type=ExtensionType("21")),
            guide("己", matter_type=ExtensionType("21")),
        ]
    )
    assert [str(g.catalog_code) for g in out] == [
        "000100002000",  # 甲 sorts after 乙 (code point order)
        "000100001002",  # 乙/新办
        "000100001001",  # 乙/变更 sorts first
        "000200001000",
        "610100001000",
        "002100002000",  # an extension type counts its own main items; 己 sorts before 戊
        "002100001000",
    ]
    assert out[5].catalog_code.matter_type == ExtensionType("21")  # type: ignore[union-attr]


def test_same_identity_and_its_variants_get_the_same_code(reg: Registry) -> None:
    first = reg.assign(guide("（新办）食品经营许可", materials=("申请书",)))
    again = reg.assign(guide("(新办) 食品经营许可", materials=(" 申请书",)))
    assert codes([first]) == codes([again])


def test_other_agency_shares_the_catalog_code_but_not_the_implementation(reg: Registry) -> None:
    uscc = "116101130057276552"
    a, b = reg.assign_many([guide("食品经营许可"), guide("食品经营许可", uscc=uscc)])
    assert a.catalog_code == b.catalog_code
    assert a.implementation_code != b.implementation_code


def test_assign_many_returns_input_order_and_is_invariant_under_permutation(
    locations: Locations,
) -> None:
    shuffled = BUNDLED[:]
    random.Random(1).shuffle(shuffled)
    a, b = Registry.open(locations.new()), Registry.open(locations.new())
    first, second = a.assign_many(BUNDLED), b.assign_many(shuffled)
    by_file = dict(zip(map(id, shuffled), second, strict=True))
    assert [g.name for g in first] == [g.name for g in BUNDLED]
    assert codes(first) == codes([by_file[id(g)] for g in BUNDLED])
    assert ledger_bytes(a) == ledger_bytes(b)


def test_codes_already_present_are_kept_or_refused(reg: Registry) -> None:
    national = CatalogCode.parse("000104002000")
    kept = reg.assign(attrs.evolve(guide("食品经营许可"), catalog_code=national))
    assert kept.catalog_code == national
    assert reg.assign(guide("另一事项")).catalog_code == CatalogCode.parse("000104003000")
    with pytest.raises(RegistryError, match="000104002000"):
        reg.assign(
            attrs.evolve(guide("食品经营许可"), catalog_code=CatalogCode.parse("000104003000"))
        )
    with pytest.raises(RegistryError, match="another identity"):
        reg.assign(attrs.evolve(guide("第三事项"), catalog_code=national))
    wrong = ImplementationCode(USCC, Level.CITY, national)
    with pytest.raises(RegistryError, match="implementation code"):
        reg.assign(attrs.evolve(guide("食品经营许可"), implementation_code=wrong))


def test_a_refused_batch_writes_nothing(reg: Registry, location: str) -> None:
    reg.assign(guide("甲"))
    before = ledger_bytes(reg)
    bad = attrs.evolve(guide("乙"), catalog_code=CatalogCode.parse("000100001000"))
    with pytest.raises(RegistryError):
        reg.assign_many([guide("丙"), bad])
    assert ledger_bytes(Registry.open(location)) == before
    assert reg.assign(guide("丙")).catalog_code == CatalogCode.parse("000100002000")


def test_exhausted_number_spaces_raise(reg: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbering, "_MAIN_MAX", 2)
    reg.assign_many([guide("甲"), guide("乙")])
    with pytest.raises(RegistryError, match="no main item number is left"):
        reg.assign(guide("丙"))
    with pytest.raises(RegistryError, match="no handling_item number is left"):
        reg.assign(guide("甲", items=tuple(f"项{i:03d}" for i in range(100))))
    monkeypatch.setattr(numbering, "_SUB_MAX", 1)
    reg.assign(guide("甲", "一"))
    with pytest.raises(RegistryError, match="no sub-item number is left"):
        reg.assign(guide("甲", "二"))


def test_rename_keeps_the_code_and_the_old_name(reg: Registry) -> None:
    old = reg.assign_many([guide("旧名"), guide("旧名", "新办")])
    reg.rename(old[0].catalog_code, "新名", reason="名称规范")
    assert codes(reg.assign_many([guide("新名"), guide("旧名"), guide("新名", "新办")])) == codes(
        [old[0], old[0], old[1]]
    )


def test_rename_to_a_name_in_use_is_refused(reg: Registry) -> None:
    a, _b = reg.assign_many([guide("甲"), guide("乙")])
    with pytest.raises(RegistryError, match="already used"):
        reg.rename(a.catalog_code, "乙", reason="x")


def test_retired_codes_are_never_reissued_unless_reinstated(reg: Registry) -> None:
    g = reg.assign(guide("甲"))
    reg.retire(g.catalog_code, reason="事项取消")
    with pytest.raises(RegistryError, match="retired"):
        reg.assign(guide("甲"))
    assert reg.assign(guide("乙")).catalog_code != g.catalog_code
    reg.reinstate(g.catalog_code, reason="恢复")
    assert reg.assign(guide("甲")).catalog_code == g.catalog_code


def test_merge_keeps_one_and_sends_the_others_to_it(reg: Registry) -> None:
    a, b = reg.assign_many([guide("甲"), guide("乙")])
    reg.merge(a.catalog_code, [b.catalog_code], reason="合并")
    assert reg.assign(guide("乙")).catalog_code == a.catalog_code
    info = reg.info(b.catalog_code)
    assert info.merged_into == str(a.catalog_code) and "merged into" in str(info.retired)
    with pytest.raises(RegistryError):
        reg.merge(a.catalog_code, [b.catalog_code], reason="again")


def test_split_issues_new_codes_and_records_the_source(reg: Registry) -> None:
    source = reg.assign(guide("甲")).catalog_code
    new = reg.split(source, ["新办", "变更"], reason="拆分")
    assert new == ["000100001001", "000100001002"]  # 变更 sorts before 新办
    assert [str(reg.assign(guide("甲", s)).catalog_code) for s in ("变更", "新办")] == new
    assert "split into" in str(reg.info(source).retired)
    with pytest.raises(RegistryError, match="out of use"):
        reg.assign(guide("甲"))


def test_implementation_codes_are_not_in_the_ledger(reg: Registry) -> None:
    g = reg.assign(guide("甲"))
    with pytest.raises(RegistryError, match="composed"):
        reg.retire(g.implementation_code, reason="x")


def test_every_event_records_date_and_reason(reg: Registry) -> None:
    g = reg.assign(guide("甲"))
    reg.retire(g.catalog_code, reason="事项取消")
    events = list(reg.events())
    assert [(e["event"], e["date"], e["reason"]) for e in events] == [
        ("issue", "2026-11-25", "assign"),
        ("retire", "2026-11-25", "事项取消"),
    ]


def test_reopening_gives_the_same_answers(reg: Registry, location: str) -> None:
    out = reg.assign_many(BUNDLED)
    again = Registry.open(location).assign_many(BUNDLED)
    assert codes(again) == codes(out)
    assert Registry.open(location).size == reg.size


def test_a_second_handle_sees_what_the_first_wrote(location: str) -> None:
    first, second = Registry.open(location), Registry.open(location)
    a = first.assign(guide("甲"))
    b = second.assign(guide("乙"))
    assert b.catalog_code == CatalogCode.parse("000100002000")
    assert second.assign(guide("甲")).catalog_code == a.catalog_code


names = st.text("甲乙丙丁戊己庚辛壬癸（）() 　ａbB", min_size=1, max_size=5).filter(
    lambda n: normalize_name(n) != ""
)
# Two types of the standard's list and two beyond it, so that identities share their types.
some_types = [MatterType.LICENSING, MatterType.PENALTY, ExtensionType("21"), ExtensionType("99")]
matters = st.tuples(names, st.none() | names, st.sampled_from(some_types))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(st.lists(matters, min_size=1, max_size=8), st.randoms(), usccs())
def test_properties_of_assignment(locations, batch, rnd, uscc) -> None:  # type: ignore[no-untyped-def]
    folder = locations.new()
    guides = [guide(n, s, t, uscc=uscc, materials=(n,)) for n, s, t in batch]
    reg = Registry.open(folder)
    out = reg.assign_many(guides)
    # permutation invariance, against a fresh registry
    shuffled = list(range(len(guides)))
    rnd.shuffle(shuffled)
    other = Registry.open(locations.new()).assign_many([guides[i] for i in shuffled])
    assert [codes([g]) for g in other] == [codes([out[i]]) for i in shuffled]
    # the same identity (or a width/space/bracket variant) always gets the same code
    variants = [
        guide(n.replace("(", "（") + "　", s, t, uscc=uscc, materials=(n,)) for n, s, t in batch
    ]
    assert codes(reg.assign_many(variants)) == codes(out)
    # distinct identities get distinct codes
    identities = {
        matter_identity(g.origin, g.matter_type, g.name, g.sub_name): str(g.catalog_code)
        for g in out
    }
    assert len(set(identities.values())) == len(identities)
    # reopening gives the same answers
    assert codes(Registry.open(folder).assign_many(guides)) == codes(out)
    reg.verify()


def test_a_renamed_then_merged_matter_resolves_to_the_kept_code(reg: Registry) -> None:
    sub, main = reg.assign_many([guide("甲", "新办"), guide("甲")])
    reg.rename(main.catalog_code, "丙", reason="更名")  # its sub-item follows: 丙/新办
    reg.merge(sub.catalog_code, [main.catalog_code], reason="合并")
    assert reg.assign(guide("丙")).catalog_code == sub.catalog_code
    assert reg.assign(guide("丙", "新办")).catalog_code == sub.catalog_code
    assert reg.assign(guide("甲")).catalog_code == sub.catalog_code  # the old name too


@pytest.mark.parametrize("carried_first", [True, False])
def test_a_code_carried_by_one_input_serves_its_twin(reg: Registry, carried_first: bool) -> None:
    national = CatalogCode.parse("000104002000")
    pair = [attrs.evolve(guide("食品经营许可"), catalog_code=national), guide("食品经营许可")]
    out = reg.assign_many(pair if carried_first else pair[::-1])
    assert [g.catalog_code for g in out] == [national, national]
    issued = [e["code"] for e in reg.events() if e["event"] == "issue"]
    assert issued == ["000104002000"]


def test_a_carried_sub_item_code_must_sit_under_its_main_item(reg: Registry) -> None:
    reg.assign(guide("甲", "新办"))  # main item 00001
    with pytest.raises(RegistryError, match="main item 00001"):
        reg.assign(
            attrs.evolve(guide("甲", "变更"), catalog_code=CatalogCode.parse("000100007001"))
        )


def test_refresh_reads_what_another_process_wrote(location: str) -> None:
    reader, writer = Registry.open(location), Registry.open(location)
    written = writer.assign(guide("甲")).catalog_code
    assert reader.catalog_code_of(guide("甲").matter) is None
    reader.refresh()
    assert reader.catalog_code_of(guide("甲").matter) == written


def test_a_retired_part_refuses_the_whole_batch_before_anything_is_written(
    reg: Registry, location: str
) -> None:
    first = reg.assign(guide("甲", materials=("申请书",)))
    reg.retire(first.materials[0].code, reason="材料取消")
    before = ledger_bytes(reg)
    with pytest.raises(RegistryError, match="out of use"):
        reg.assign_many([guide("乙"), guide("甲", materials=("申请书",))])
    assert ledger_bytes(Registry.open(location)) == before


def test_merge_needs_the_same_type_or_parent(reg: Registry) -> None:
    a, b = reg.assign_many([guide("甲", materials=("申请书",)), guide("乙", materials=("身份证",))])
    with pytest.raises(RegistryError, match="another type or parent"):
        reg.merge(a.materials[0].code, [b.materials[0].code], reason="x")
    penalty = reg.assign(guide("丙", matter_type=MatterType.PENALTY))
    with pytest.raises(RegistryError, match="another type or parent"):
        reg.merge(a.catalog_code, [penalty.catalog_code], reason="x")


def test_a_carried_code_cannot_take_another_matters_main_item(reg: Registry) -> None:
    reg.assign(guide("甲"))  # 000100001000
    with pytest.raises(RegistryError, match="belongs to another matter"):
        reg.assign(
            attrs.evolve(guide("乙", "新办"), catalog_code=CatalogCode.parse("000100001001"))
        )
    with pytest.raises(RegistryError, match="sub-item"):
        reg.assign(attrs.evolve(guide("丙"), catalog_code=CatalogCode.parse("000100009001")))


def test_renaming_a_sub_item_keeps_its_sub_item_name(reg: Registry) -> None:
    sub = reg.assign(guide("旧名", "新办")).catalog_code
    reg.rename(sub, "新名", reason="更名")
    assert reg.assign(guide("新名", "新办")).catalog_code == sub
    assert len([e for e in reg.events() if e["event"] == "issue"]) == 1


def test_renames_and_splits_follow_the_latest_name(reg: Registry) -> None:
    main = reg.assign(guide("甲")).catalog_code
    reg.rename(main, "乙", reason="一")
    third = reg.assign(guide("乙", "三")).catalog_code  # added under the current name
    reg.rename(main, "丙", reason="二")
    assert reg.assign(guide("丙", "三")).catalog_code == third
    parts = reg.split(third, ["四"], reason="拆分")
    assert reg.catalog_code_of(guide("丙", "四").matter) == CatalogCode.parse(parts[0])


def test_an_old_name_of_the_main_item_is_the_same_matter(reg: Registry) -> None:
    sub = reg.assign(guide("戊", "新办")).catalog_code
    reg.rename(sub, "甲", reason="更名")
    a, b = reg.assign_many([guide("甲"), guide("戊")])
    assert a.catalog_code == b.catalog_code == CatalogCode.parse("000100001000")


@pytest.mark.parametrize("name", [" ", "\u200b", "\u00ad"])
def test_names_that_fold_to_nothing_get_no_code(reg: Registry, name: str) -> None:
    with pytest.raises(RegistryError, match="no visible characters"):
        reg.assign(guide(name))
    code = reg.assign(guide("甲")).catalog_code
    with pytest.raises(RegistryError, match="no visible characters"):
        reg.rename(code, name, reason="x")
    with pytest.raises(RegistryError, match="no visible characters"):
        reg.split(code, [name], reason="x")


def test_a_name_that_json_cannot_hold_is_a_registry_error(reg: Registry) -> None:
    with pytest.raises(RegistryError, match="UTF-8"):
        reg.assign(guide("甲\ud800"))
    assert reg.size == 0
