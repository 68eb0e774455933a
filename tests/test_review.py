"""The confidentiality review: what is found, what is a public contact, waivers and their digest."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_catalogue
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from service_codes.cli import main
from service_codes.errors import InvalidReview, ServiceCodesError
from service_codes.formats import read_guide
from service_codes.review import (
    Finding,
    FindingKind,
    PublicContacts,
    ReviewFile,
    Waiver,
    digest,
    read_review,
    review,
    review_catalogue,
    scan,
)
from service_codes.review import _found as review_found

STEM = "divorce-registration"
GUIDE = read_guide((ROOT / "registry" / "guides" / f"{STEM}.json").read_bytes())


def _id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _wrong(number: str) -> str:
    """``number`` with a check digit that is wrong and makes no Luhn-valid card either."""
    return next(
        number[:-1] + d
        for d in "0123456789"
        if d != number[-1] and not luhn.is_valid(number[:-1] + d)
    )


ID1, ID2 = _id("11010519491231002"), _id("44030419900307124")
WRONG1, WRONG2 = _wrong(ID1), _wrong(ID2)
MOBILE = "13912345678"
CARD = "622202020011223" + luhn.calc_check_digit("622202020011223")
EMAIL = "zhang.san@example.com"

# Pointer -> (text, the findings it must give).
SEEDED: dict[str, tuple[str, set[tuple[FindingKind, str]]]] = {
    "/materials/0/remark": (
        f"申请人身份证号 {ID1}，误填为 {WRONG1}",
        {(FindingKind.ID_NUMBER, ID1)},
    ),
    "/materials/1/remark": (
        f"配偶{ID2}（旧录入{WRONG2}），联系电话{MOBILE}",
        {(FindingKind.ID_NUMBER, ID2), (FindingKind.MOBILE, MOBILE)},
    ),
    "/materials/2/remark": (
        f"退款至卡号 {CARD}，回执发送至 {EMAIL}",
        {(FindingKind.BANK_CARD, CARD), (FindingKind.EMAIL, EMAIL)},
    ),
    "/materials/3/remark": (
        "本材料属机密，仅供内部使用",
        {
            (FindingKind.SECRECY_MARK, "机密"),
            (FindingKind.SECRECY_MARK, "内部"),
        },
    ),
}


def _seed(data: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    for pointer, text in texts.items():
        *path, last = pointer.strip("/").split("/")
        node: Any = data
        for token in path:
            node = node[int(token)] if isinstance(node, list) else node[token]
        node[last] = text
    return data


def _catalogue(tmp_path: Path, texts: dict[str, str], *, alone: bool = False) -> Path:
    """The bundled catalogue (or only the seeded guide, ``alone``) with ``texts`` set."""
    catalogue = copy_catalogue(tmp_path)
    if alone:
        shutil.rmtree(catalogue / "guides")
        (catalogue / "guides").mkdir()
    source = ROOT / "registry" / "guides" / f"{STEM}.json"
    data = _seed(json.loads(source.read_text("utf-8")), texts)
    (catalogue / "guides" / f"{STEM}.json").write_text(json.dumps(data, ensure_ascii=False))
    return catalogue


def _seeded_texts() -> dict[str, str]:
    return {pointer: text for pointer, (text, _) in SEEDED.items()}


def _new(findings: list[Finding], before: list[Finding]) -> set[tuple[str, FindingKind, str]]:
    """What the seeding added, whatever the bundled guide holds of its own."""
    return {(f.pointer, f.kind, f.match) for f in set(findings) - set(before)}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_review_reports_exactly_the_seeded_findings_at_their_pointers(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, _seeded_texts())
    before = [f for f in review_catalogue(ROOT / "registry").open if f.guide == STEM]
    found = review_catalogue(catalogue)
    expected = {(p, kind, match) for p, (_, kinds) in SEEDED.items() for kind, match in kinds}
    assert _new([f for f in found.open if f.guide == STEM], before) == expected
    assert not any(WRONG1 in f.match or WRONG2 in f.match for f in found.open)
    for finding in found.open:
        if finding.pointer in SEEDED:
            assert finding.digest == digest(SEEDED[finding.pointer][0])
    assert found.guides == len(list((ROOT / "registry" / "guides").glob("*.json")))


def test_a_finding_names_itself_in_both_languages() -> None:
    finding = Finding(STEM, "/materials/0/remark", FindingKind.ID_NUMBER, ID1, digest("x"))
    assert ID1 in finding.message and "identity" in finding.message
    assert ID1 in finding.message_zh and "身份证" in finding.message_zh
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", finding.digest)


def _scan_text(text: str, public: PublicContacts | None = None) -> set[tuple[str, str]]:
    public = public or PublicContacts()
    guide = attrs.evolve(GUIDE, name=text)
    return {(f.kind.value, f.match) for f in scan(STEM, guide, public) if f.pointer == "/name"}


def test_a_longer_run_of_digits_or_letters_is_not_cut_into_numbers() -> None:
    assert _scan_text(f"编码{ID1}") == {("id_number", ID1)}
    assert _scan_text(f"编码1{ID1}") == set()  # 19 digits ending in X: no number at all
    assert _scan_text(f"编码A{ID1}") == set()
    assert _scan_text(f"编码9{MOBILE}") == set()
    assert _scan_text(f"编码{MOBILE}0") == set()
    assert _scan_text(f"编码{CARD}12345") == set()  # 21 digits
    assert _scan_text(f"号码：{MOBILE}。") == {("mobile", MOBILE)}


def test_full_width_digits_are_read_as_digits() -> None:
    wide = MOBILE.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert _scan_text(f"电话{wide}") == {("mobile", wide)}
    assert _scan_text(f"电话{wide}", PublicContacts(frozenset({MOBILE}))) == set()
    assert _scan_text("邮箱 ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ") == {
        ("email", "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ")
    }


def test_a_secrecy_mark_is_reported_once_per_field() -> None:
    assert _scan_text("绝密文件，绝密，秘密") == {
        ("secrecy_mark", "绝密"),
        ("secrecy_mark", "秘密"),
    }
    guide = attrs.evolve(GUIDE, name="涉密涉密涉密")
    assert len([f for f in scan(STEM, guide, PublicContacts()) if f.pointer == "/name"]) == 1


def test_contacts_in_consultation_and_supervision_are_not_findings() -> None:
    text = f"电话 {MOBILE}，邮箱 {EMAIL}，经办人身份证 {ID1}，内部处理"
    guide = attrs.evolve(GUIDE, consultation=text, supervision=text)
    found = {(f.pointer, f.kind) for f in scan(STEM, guide, PublicContacts())}
    for pointer in ("/consultation", "/supervision"):
        assert (pointer, FindingKind.MOBILE) not in found
        assert (pointer, FindingKind.EMAIL) not in found
        assert (pointer, FindingKind.ID_NUMBER) in found
        assert (pointer, FindingKind.SECRECY_MARK) in found


def test_numbers_and_addresses_listed_as_public_are_never_findings() -> None:
    text = f"热线 {MOBILE}，邮箱 {EMAIL.upper()}"
    assert _scan_text(text) == {("mobile", MOBILE), ("email", EMAIL.upper())}
    public = PublicContacts(frozenset({"139-1234-5678"}), frozenset({EMAIL}))
    assert _scan_text(text, public) == set()


def test_a_public_number_in_the_review_file_clears_it_everywhere(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, {"/materials/1/remark": f"电话{MOBILE}"})
    assert any(f.match == MOBILE for f in review_catalogue(catalogue).open)
    (catalogue / "review.toml").write_text(f'[public]\nnumbers = ["{MOBILE}"]\n', "utf-8")
    assert read_review(catalogue).public.numbers == {MOBILE}
    assert not any(f.match == MOBILE for f in review_catalogue(catalogue).open)


def test_a_withheld_field_or_unpublished_guide_is_not_reviewed(tmp_path: Path) -> None:
    texts = _seeded_texts()
    catalogue = _catalogue(tmp_path, texts)
    path = catalogue / "guides" / f"{STEM}.json"
    data = json.loads(path.read_text("utf-8"))
    data["publicity"] = {"withheld": ["/materials/0/remark"]}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    pointers = {f.pointer for f in review_catalogue(catalogue).open if f.guide == STEM}
    assert "/materials/0/remark" not in pointers and "/materials/1/remark" in pointers
    data["publicity"] = {
        "disclosure": "withheld",
        "reason": "涉及国家秘密",
        "ground": "《保守国家秘密法》",
    }
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    found = review_catalogue(catalogue)
    assert STEM in found.unpublished and not any(f.guide == STEM for f in found.open)


def test_a_waiver_covers_a_field_only_while_its_text_is_unchanged() -> None:
    finding = Finding(STEM, "/name", FindingKind.MOBILE, MOBILE, digest(f"电话{MOBILE}"))
    waiver = Waiver(STEM, "/name", finding.digest, "单位公开电话", "李四")
    assert review([finding], ReviewFile(waivers=(waiver,))) == ([], [finding])
    changed = attrs.evolve(finding, digest=digest(f"电话 {MOBILE}"))
    assert review([changed], ReviewFile(waivers=(waiver,))) == ([changed], [])
    elsewhere = attrs.evolve(finding, pointer="/consultation")
    assert review([elsewhere], ReviewFile(waivers=(waiver,))) == ([elsewhere], [])


def _waivers(stdout: str) -> str:
    """A review.toml waiving every finding the command printed, from its printed lines."""
    tables = []
    line = re.compile(
        r"guides/(?P<stem>[\w-]+)\.json: (?P<pointer>/\S+): .*(?P<digest>sha256:\w+)$"
    )
    for match in filter(None, map(line.search, stdout.splitlines())):
        tables.append(
            f'[[waiver]]\nguide = "{match["stem"]}"\npointer = "{match["pointer"]}"\n'
            f'digest = "{match["digest"]}"\nreason = "已核实可公开"\nreviewer = "王五"\n'
        )
    return "\n".join(tables)


def test_the_command_exits_0_once_every_finding_is_waived_and_1_after_an_edit(
    tmp_path: Path,
) -> None:
    catalogue = _catalogue(tmp_path, _seeded_texts(), alone=True)
    code, out, _ = run("review", str(catalogue))
    assert code == 1
    assert f'/materials/0/remark: a resident identity number "{ID1}"' in out
    assert digest(SEEDED["/materials/2/remark"][0]) in out
    assert re.search(r"review: 1 guide scanned, 0 not published, \d+ open findings, 0 waived", out)
    (catalogue / "review.toml").write_text(_waivers(out), "utf-8")
    code, out, _ = run("review", str(catalogue))
    assert code == 0, out
    assert re.search(r"0 open findings, \d+ waived$", out.strip())
    # Editing a waived text lapses its waiver: the finding is open again.
    path = catalogue / "guides" / f"{STEM}.json"
    data = _seed(json.loads(path.read_text("utf-8")), {"/materials/1/remark": f"电话 {MOBILE}"})
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    code, out, _ = run("review", str(catalogue))
    assert code == 1
    assert f'/materials/1/remark: a mobile number "{MOBILE}"' in out
    assert "/materials/1/remark: the waiver by 王五 covers nothing now" in out
    code, out, _ = run("--lang", "zh", "review", str(catalogue))
    assert code == 1 and f"手机号码“{MOBILE}”" in out and "处待审" in out


MALFORMED = {
    "not TOML": ("[[waiver]\nguide = 1", "line 1"),
    "unknown table": ('[waivers]\nguide = "a"\n', "waivers: unknown table"),
    "missing reason": (
        f'[[waiver]]\nguide = "{STEM}"\npointer = "/name"\ndigest = "{digest("")}"\n'
        'reviewer = "王五"\n',
        "waiver 1: 'reason' must be a non-empty text",
    ),
    "empty reviewer": (
        f'[[waiver]]\nguide = "{STEM}"\npointer = "/name"\ndigest = "{digest("")}"\n'
        'reason = "x"\nreviewer = " "\n',
        "waiver 1: 'reviewer' must be a non-empty text",
    ),
    "bad digest": (
        f'[[waiver]]\nguide = "{STEM}"\npointer = "/name"\ndigest = "abc"\n'
        'reason = "x"\nreviewer = "王五"\n',
        "waiver 1: 'digest' must be as review prints it",
    ),
    "public not a list": ('[public]\nnumbers = "123"\n', "public.numbers"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_review_file_is_a_typed_error_and_a_clear_message(
    tmp_path: Path, case: str
) -> None:
    text, says = MALFORMED[case]
    catalogue = _catalogue(tmp_path, {}, alone=True)
    (catalogue / "review.toml").write_text(text, "utf-8")
    with pytest.raises(InvalidReview) as raised:
        read_review(catalogue)
    assert isinstance(raised.value, ServiceCodesError)
    assert says in raised.value.message and raised.value.message.startswith(
        "review.toml is invalid"
    )
    assert raised.value.message_zh.startswith("review.toml 无效")
    code, out, err = run("review", str(catalogue))
    assert code == 1 and out == "" and says in err


def test_no_review_file_is_an_empty_one(tmp_path: Path) -> None:
    assert read_review(tmp_path) == ReviewFile()


@given(
    region=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_only_the_valid_check_digit_makes_an_identity_number(
    region: str, born: dt.date, sequence: int
) -> None:
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    number = _id(body)
    others = [body + d for d in "0123456789X" if d != number[-1]]
    text = "；".join(f"证件{n}号" for n in [number, *others])
    cards = {("bank_card", n) for n in others if luhn.is_valid(n)}
    assert _scan_text(text) == {("id_number", number), *cards}


@pytest.mark.parametrize(
    "text", ["+8613912345678", "008613912345678", "139-1234-5678", "电话139 1234 5678。"]
)
def test_a_mobile_number_is_found_however_it_is_written(text: str) -> None:
    assert [kind for kind, _ in review_found(text, False)] == [FindingKind.MOBILE]


def test_the_public_list_never_clears_an_identity_number() -> None:
    number = "11010519491231002X"
    guide = attrs.evolve(GUIDE, hours=f"持 {number} 办理")
    found = scan("x", guide, PublicContacts(numbers=frozenset({number})))
    assert [(f.pointer, f.kind) for f in found] == [("/hours", FindingKind.ID_NUMBER)]
