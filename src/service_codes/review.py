"""The confidentiality review (保密审查): personal data and secrecy marks in published text.

Every string of a guide as published is searched for resident identity numbers, mobile
numbers, bank card numbers, e-mail addresses and the marks 绝密, 机密, 秘密, 内部, 涉密.
The agency's published contacts are not findings: mobile numbers and e-mail addresses in
``/consultation`` and ``/supervision``, and what ``review.toml`` lists under ``[public]``.
A reviewer waives a finding there by the digest of its field's text, so the waiver lapses
when the text changes. See docs/review.md."""

from __future__ import annotations

import enum
import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

import attrs
from stdnum import luhn
from stdnum.cn import ric

from service_codes.build import source_names
from service_codes.convert import guide_to_data
from service_codes.errors import InvalidGuide, InvalidReview
from service_codes.formats import read_guide
from service_codes.model import Guide
from service_codes.publication import published

REVIEW_FILE: Final = "review.toml"
# Fields that hold the agency's own published contacts.
CONTACT_FIELDS: Final = ("/consultation", "/supervision")


class FindingKind(enum.StrEnum):
    """What a finding is."""

    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    SECRECY_MARK = "secrecy_mark"


_LABELS: Final = {
    FindingKind.ID_NUMBER: ("a resident identity number", "居民身份证号码"),
    FindingKind.MOBILE: ("a mobile number", "手机号码"),
    FindingKind.BANK_CARD: ("a bank card number", "银行卡号"),
    FindingKind.EMAIL: ("an e-mail address", "电子邮箱地址"),
    FindingKind.SECRECY_MARK: ("a secrecy marking", "密级或涉密标识"),
}

# A number is a whole run: parts of longer codes (USCCs, implementation codes) are none.
_EDGE = r"(?<![0-9A-Za-z]){}(?![0-9A-Za-z])"
_ID: Final = re.compile(_EDGE.format(r"[0-9]{17}[0-9Xx]"))
# Also after the country code (+86, 0086) and written in groups (139-1234-5678, 139 1234 5678).
_MOBILE: Final = re.compile(
    r"(?:(?<=\+86)|(?<=0086)|(?<![0-9]))1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])"
)
_CARD: Final = re.compile(_EDGE.format(r"[0-9]{16,19}"))
# Full-width forms (１３９…, ＠) read as their ASCII letters, one character for one.
_NARROW: Final = {wide: wide - 0xFEE0 for wide in range(0xFF01, 0xFF5F)}
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# All marks are two characters and none holds another, so a match never hides one.
_MARKS: Final = re.compile("绝密|机密|秘密|涉密|内部")
# What every finding holds one of: most texts hold none, and are passed over at once.
_SUSPECT: Final = re.compile("[0-9０-９@＠]|" + _MARKS.pattern)


def digest(text: str) -> str:
    """The digest a waiver names: sha256 of the field's whole text, as ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen
class Finding:
    """Something in a published field that a person should look at before it is published."""

    guide: str
    pointer: str
    kind: FindingKind
    match: str
    digest: str

    @property
    def message(self) -> str:
        return f'{_LABELS[self.kind][0]} "{self.match}"'

    @property
    def message_zh(self) -> str:
        return f"{_LABELS[self.kind][1]}“{self.match}”"


def _key(number: str) -> str:
    return re.sub(r"[^0-9X]", "", number.translate(_NARROW).upper())


@attrs.frozen
class PublicContacts:
    """Numbers and e-mail addresses a catalogue publishes on purpose: never findings."""

    numbers: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()

    def __contains__(self, found: object) -> bool:
        if not isinstance(found, str):
            return False
        if "@" in found.translate(_NARROW):
            return found.translate(_NARROW).lower() in {e.lower() for e in self.emails}
        return _key(found) in {_key(n) for n in self.numbers}


@attrs.frozen
class Waiver:
    """A reviewer's decision that the findings of one field may be published as it stands."""

    guide: str
    pointer: str
    digest: str
    reason: str
    reviewer: str

    def covers(self, finding: Finding) -> bool:
        """Whether this waiver covers ``finding``: same guide, field and text."""
        own, its = (self.guide, self.pointer, self.digest), (finding.guide, finding.pointer)
        return own == (*its, finding.digest)


@attrs.frozen
class ReviewFile:
    """A catalogue's ``review.toml``: its public contacts and waivers."""

    public: PublicContacts = PublicContacts()
    waivers: tuple[Waiver, ...] = ()


@attrs.frozen
class Review:
    """A catalogue reviewed: open, waived, lapsed waivers (covering nothing), guides skipped."""

    guides: int
    open: tuple[Finding, ...]
    waived: tuple[Finding, ...]
    lapsed: tuple[Waiver, ...]
    unpublished: tuple[str, ...]
    unreadable: tuple[tuple[str, InvalidGuide], ...]


def _strings(data: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield pointer, data
    elif isinstance(data, dict):
        for key, value in data.items():
            token = str(key).replace("~", "~0").replace("/", "~1")
            yield from _strings(value, f"{pointer}/{token}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{pointer}/{index}")


def is_id_number(number: str) -> bool:
    """Whether ``number`` is a resident identity number: a real birth date, the right check
    digit. The county is not looked up: stdnum refuses a code given after the holder's birth.

    >>> is_id_number("11010519491231002X"), is_id_number("110105194912310021")
    (True, False)
    """
    try:
        ric.get_birth_date(number)
    except ValueError:  # stdnum's InvalidComponent
        return False
    return ric.calc_check_digit(number) == number[-1].upper()


def _found(text: str, contact: bool) -> Iterator[tuple[FindingKind, str]]:
    if _SUSPECT.search(text) is None:
        return
    narrow = text.translate(_NARROW)  # as long as the text: a match's span is the text's
    # Every number is a whole run of digits, so none lies inside another.
    ids = [m.span() for m in _ID.finditer(narrow) if is_id_number(m.group())]
    yield from ((FindingKind.ID_NUMBER, text[slice(*span)]) for span in ids)
    for m in _CARD.finditer(narrow):
        if m.span() not in ids and luhn.is_valid(m.group()):
            yield FindingKind.BANK_CARD, text[slice(*m.span())]
    if not contact:
        yield from ((FindingKind.MOBILE, text[slice(*m.span())]) for m in _MOBILE.finditer(narrow))
        yield from ((FindingKind.EMAIL, text[slice(*m.span())]) for m in _EMAIL.finditer(narrow))
    yield from ((FindingKind.SECRECY_MARK, m.group()) for m in _MARKS.finditer(text))


def scan(stem: str, guide: Guide, public: PublicContacts) -> list[Finding]:
    """The findings in every string of ``guide``, as it will be published, at their
    JSON Pointers; each match once per field."""
    findings: list[Finding] = []
    for pointer, text in _strings(guide_to_data(guide)):
        contact = any(pointer == f or pointer.startswith(f + "/") for f in CONTACT_FIELDS)
        seen: set[tuple[FindingKind, str]] = set()
        for kind, match in _found(text, contact):
            # The public list is of contacts: it never clears an identity or a card number.
            listed = kind in (FindingKind.MOBILE, FindingKind.EMAIL) and match in public
            if (kind, match) in seen or listed:
                continue
            seen.add((kind, match))
            findings.append(Finding(stem, pointer, kind, match, digest(text)))
    return findings


def review(
    findings: Iterable[Finding], review_file: ReviewFile
) -> tuple[list[Finding], list[Finding]]:
    """The findings split into those still open and those a waiver covers."""
    split: tuple[list[Finding], list[Finding]] = ([], [])
    for finding in findings:
        split[any(w.covers(finding) for w in review_file.waivers)].append(finding)
    return split


def _invalid(where: str, what: str, what_zh: str, where_zh: str = "") -> InvalidReview:
    return InvalidReview(
        f"{REVIEW_FILE} is invalid: {where}: {what}",
        f"{REVIEW_FILE} 无效：{where_zh or where}：{what_zh}",
    )


def _texts(public: dict[str, Any], key: str) -> frozenset[str]:
    values = public.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise _invalid(f"public.{key}", "must be a list of texts", "应为文本列表")
    return frozenset(values)


_WAIVER_KEYS: Final = ("guide", "pointer", "digest", "reason", "reviewer")


def _waiver(entry: Any, number: int) -> Waiver:
    where, where_zh = f"waiver {number}", f"第 {number} 项豁免"
    if not isinstance(entry, dict):
        raise _invalid(where, "must be a [[waiver]] table", "应为 [[waiver]] 表", where_zh)
    if extra := sorted(set(entry) - set(_WAIVER_KEYS)):
        raise _invalid(where, f"unknown key {extra[0]!r}", f"未知的键 {extra[0]!r}", where_zh)
    for key in _WAIVER_KEYS:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise _invalid(
                where, f"{key!r} must be a non-empty text", f"{key!r} 不能为空", where_zh
            )
    if not entry["pointer"].startswith("/"):
        raise _invalid(where, "'pointer' must start with /", "'pointer' 应以 / 开头", where_zh)
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", entry["digest"]):
        what, what_zh = "'digest' must be as review prints it", "'digest' 应照审查输出填写"
        raise _invalid(where, what, what_zh, where_zh)
    return Waiver(**{key: entry[key] for key in _WAIVER_KEYS})


def read_review(catalogue: Path) -> ReviewFile:
    """The catalogue's ``review.toml`` (none: no public contacts, no waivers).

    Raises :class:`~service_codes.errors.InvalidReview` when it is malformed."""
    try:
        data = tomllib.loads((catalogue / REVIEW_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return ReviewFile()
    except UnicodeDecodeError:
        raise _invalid("file", "not UTF-8 text", "不是 UTF-8 文本", "文件") from None
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = at.groups() if at else ("?", "?")
        where, where_zh = f"line {line}, column {column}", f"第 {line} 行第 {column} 列"
        raise _invalid(where, "not valid TOML", "不是有效的 TOML", where_zh) from None
    if extra := sorted(set(data) - {"public", "waiver"}):
        raise _invalid(extra[0], "unknown table or key", "未知的表或键")
    public = data.get("public", {})
    if not isinstance(public, dict):
        raise _invalid("public", "must be a [public] table", "应为 [public] 表")
    if extra := sorted(set(public) - {"numbers", "emails"}):
        raise _invalid(f"public.{extra[0]}", "unknown key", "未知的键")
    waivers = data.get("waiver", [])
    if not isinstance(waivers, list):
        raise _invalid("waiver", "must be [[waiver]] tables", "应为 [[waiver]] 表")
    contacts = PublicContacts(_texts(public, "numbers"), _texts(public, "emails"))
    return ReviewFile(contacts, tuple(_waiver(entry, n) for n, entry in enumerate(waivers, 1)))


def review_catalogue(catalogue: Path) -> Review:
    """Review every published guide of ``catalogue`` (``guides/*.json``) against its
    ``review.toml``. A guide that does not read is named, not reviewed."""
    review_file = read_review(catalogue)
    findings: list[Finding] = []
    unpublished: list[str] = []
    unreadable: list[tuple[str, InvalidGuide]] = []
    scanned = 0
    for name in source_names(catalogue / "guides"):
        stem = name.removesuffix(".json")
        try:
            guide = published(read_guide((catalogue / "guides" / name).read_bytes()))
        except InvalidGuide as error:
            unreadable.append((stem, error))
            continue
        if guide is None:
            unpublished.append(stem)
            continue
        scanned += 1
        findings += scan(stem, guide, review_file.public)
    open_, waived = review(findings, review_file)
    lapsed = tuple(w for w in review_file.waivers if not any(w.covers(f) for f in waived))
    return Review(
        scanned, tuple(open_), tuple(waived), lapsed, tuple(unpublished), tuple(unreadable)
    )
