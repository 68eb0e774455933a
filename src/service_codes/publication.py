"""The one publication filter (DESIGN.md, "Publication"), and the rules on publicity marks.

Every published output is made from :func:`published` guides: a guide that is not
主动公开 is dropped whole, and the fields it withholds are removed before any writer
sees it, so no format can forget them. The marks themselves are not published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from service_codes.codelists import Disclosure
from service_codes.convert import guide_to_data, structure
from service_codes.model import Guide, Publicity
from service_codes.problems import Problem
from service_codes.rule_kit import Rule, problem, reads
from service_codes.schemas import definition, field_schema

PUBLIC: Final = Publicity()
# Fields that name the matter or carry its codes: the published guide is known by them (its
# page and its rows are named by its code), so none is ever withheld. A list index is "*".
IDENTIFYING: Final = frozenset(
    {
        ("sub_name",),
        ("origin",),
        ("catalog_code",),
        ("implementation_code",),
        ("materials", "*", "code"),
        ("handling_items", "*", "code"),
    }
)


def published(guide: Guide) -> Guide | None:
    """The guide as it may be published: None unless 主动公开, else without the fields it
    withholds and without its marks."""
    publicity = guide.publicity
    if publicity.disclosure is not Disclosure.ACTIVE:
        return None
    if publicity == PUBLIC:
        return guide
    return structure(_without_withheld(guide), Guide)


def _without_withheld(guide: Guide) -> dict[str, Any]:
    """The guide's plain data without its marks and the fields they withhold."""
    data = guide_to_data(guide)
    del data["publicity"]
    # A pointer into a field already removed resolves to nothing. A required or identifying
    # field is never removed: validation refuses such a mark before anything is published.
    for pointer in guide.publicity.withheld:
        tokens = parts(pointer)
        found = _resolve(data, tokens[:-1]) if tokens else None
        if isinstance(found, dict) and withholdable(tokens):
            found.pop(tokens[-1], None)
    return data


def parts(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer.

    >>> parts("/materials/0/remark"), parts("/a~1b~0c")
    (['materials', '0', 'remark'], ['a/b~c'])
    """
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _is_index(token: str) -> bool:
    """Whether a reference token is an array index (ASCII digits, no leading zero)."""
    return re.fullmatch(r"0|[1-9][0-9]*", token) is not None


def _resolve(data: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and _is_index(token) and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def identifying(tokens: list[str]) -> bool:
    """Whether ``tokens`` name a field that identifies the guide (:data:`IDENTIFYING`)."""
    return tuple("*" if _is_index(t) else t for t in tokens) in IDENTIFYING


def withholdable(tokens: list[str]) -> bool:
    """Whether a guide may withhold the member ``tokens`` names: an optional field of the
    schema that does not identify it."""
    return _required(tokens) is False and not identifying(tokens)


def _required(tokens: list[str]) -> bool | None:
    """Whether the schema requires the member ``tokens`` names (None: it names none)."""
    if not tokens:
        return None
    path: list[str | int] = [int(t) if _is_index(t) else t for t in tokens[:-1]]
    parent = field_schema(path)
    if parent is None:
        return None
    resolved = definition(dict(parent))[0]
    if tokens[-1] not in resolved.get("properties", {}):
        return None
    return tokens[-1] in resolved.get("required", ())


@reads("publicity")
def publicity_grounded(guide: Guide) -> Iterator[Problem]:
    """A guide that is not published says why, and on what legal ground."""
    publicity = guide.publicity
    if publicity.disclosure is Disclosure.ACTIVE:
        return
    for field, en, zh in (
        ("reason", "the reason", "理由"),
        ("ground", "its legal ground", "依据"),
    ):
        if not getattr(publicity, field):
            yield problem(
                f"/publicity/{field}",
                f"publicity.{field}-missing",
                f"a guide that is not published actively (主动公开) gives {en}",
                f"非主动公开的办事指南应写明不予主动公开的{zh}",
            )


# A pointer may name any field, so this rule reads them all.
@reads(*attrs.fields_dict(Guide))
def withheld_fields_exist(guide: Guide) -> Iterator[Problem]:
    """A withheld field is an optional field the guide has, not one that identifies it: a
    required or identifying one cannot be left out of a published guide, and a pointer to
    nothing hides nothing."""
    if not guide.publicity.withheld:
        return
    data = guide_to_data(guide)
    for i, pointer in enumerate(guide.publicity.withheld):
        tokens = parts(pointer)
        required = _required(tokens)
        if identifying(tokens):
            yield problem(
                f"/publicity/withheld/{i}",
                "publicity.withheld-identifying",
                f"{pointer} names the matter or carries a code: a published guide is known by it",
                f"{pointer} 标识事项或承载编码，公开的办事指南须保留",
            )
        elif required:
            yield problem(
                f"/publicity/withheld/{i}",
                "publicity.withheld-required",
                f"{pointer} is a required field: a published guide cannot leave it out",
                f"{pointer} 是必填字段，公开的办事指南不能略去",
            )
        elif required is None or _resolve(data, tokens) is None:
            yield problem(
                f"/publicity/withheld/{i}",
                "publicity.withheld-missing",
                f"{pointer!r} names no optional field of this guide (a list item is withheld"
                " field by field), so it withholds nothing",
                f"{pointer!r} 未指向本办事指南的任何可选字段（列表中的一项须逐个字段隐去），"
                "什么也没有隐去",
            )


@reads(*attrs.fields_dict(Guide))
def published_guide_valid(guide: Guide) -> Iterator[Problem]:
    """What a guide withholds it must be valid without: a fee list while 收费 is marked, a
    penalty's unit, a reason for visits are optional fields another field needs."""
    if not guide.publicity.withheld:
        return
    from service_codes.validation import check_data  # validation runs these rules

    data = guide_to_data(guide)
    del data["publicity"]
    before = {(p.path, p.rule) for p in check_data(data)[1].errors}
    for found in check_data(_without_withheld(guide))[1].errors:
        if (found.path, found.rule) not in before:
            yield problem(
                "/publicity/withheld",
                "publicity.withheld-needed",
                f"the guide as published, without what it withholds, is invalid: {found.path}:"
                f" {found.message}",
                f"略去隐去字段后公开的办事指南无效：{found.path}：{found.message_zh}",
            )


PUBLICITY_RULES: Final[tuple[Rule, ...]] = (
    publicity_grounded,
    withheld_fields_exist,
    published_guide_valid,
)
