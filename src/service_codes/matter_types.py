"""The open type slot of a catalog code: the standard's matter types and a catalogue's own.

GB/T 39046 leaves the type codes extensible, and the platforms use codes beyond its list
(``21`` in the national code ``002105003000``; 30, 31, 32 and 99 elsewhere). A slot the code
lists name reads as its :class:`MatterType`; any other two digits read as an
:class:`ExtensionType` that keeps them exactly, so every published code round-trips. A
catalogue declares the extension types it uses, with a Chinese label and the family they
belong to, in its ``codelists.toml``; :class:`MatterTypes` holds those declarations.

>>> from_slot("01"), from_slot("21")
(<MatterType.LICENSING: 'licensing'>, ExtensionType(code='21'))
>>> slot(ExtensionType("21")), slot(MatterType.PUBLIC_SERVICE)
('21', '20')
>>> types = MatterTypes.of({"21": Declared("21", "依申请公共服务", Family.PUBLIC_SERVICE)})
>>> types.label_zh(ExtensionType("21")), STANDARD.label_zh(ExtensionType("21"))
('依申请公共服务', '扩展类型 21')
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from service_codes import codelists
from service_codes.codelists import MatterType
from service_codes.errors import InvalidCodeLists, InvalidComponent

FILE_NAME: Final = "codelists.toml"  # a catalogue's own code lists, beside its guides/


class Family(enum.StrEnum):
    """Which of the two families of matters a type belongs to."""

    POWER = "power"  # 行政权力
    PUBLIC_SERVICE = "public_service"  # 公共服务


_STANDARD_SLOTS: Final = {codelists.code(t): t for t in MatterType}


def _check_extension(instance: object, attribute: object, value: Any) -> None:
    if not (isinstance(value, str) and len(value) == 2 and value.isascii() and value.isdigit()):
        raise InvalidComponent(
            f"a matter type's code is two digits, not {value!r}",
            f"事项类型代码应为 2 位数字，而不是 {value!r}",
        )
    if value in _STANDARD_SLOTS:
        standard = _STANDARD_SLOTS[value]
        raise InvalidComponent(
            f"{value} is the standard's type {standard.value}, not an extension",
            f"{value} 是标准中的类型“{codelists.label_zh(standard)}”，不是扩展类型",
        )


@attrs.frozen
class ExtensionType:
    """A matter type the standard's list does not name: the two digits of its slot."""

    code: str = attrs.field(validator=_check_extension)

    @property
    def value(self) -> str:
        """What a guide's ``matter_type`` holds for it: its two digits (a known type's slug)."""
        return self.code


AnyMatterType = MatterType | ExtensionType
_BY_SLOT: Final[dict[str, AnyMatterType]] = {
    f"{n:02d}": _STANDARD_SLOTS.get(f"{n:02d}") or ExtensionType(f"{n:02d}") for n in range(100)
}
_BY_VALUE: Final[dict[str, MatterType]] = {t.value: t for t in MatterType}
# The two-digit values a guide's matter_type may hold: every slot the standard leaves free.
EXTENSION_SLOTS: Final = tuple(s for s, t in _BY_SLOT.items() if isinstance(t, ExtensionType))


def from_slot(digits: str) -> AnyMatterType:
    """The type two digits of a catalog code stand for (the caller checked they are digits)."""
    return _BY_SLOT[digits]


def slot(matter_type: AnyMatterType) -> str:
    """The two digits a type writes in a catalog code."""
    if isinstance(matter_type, ExtensionType):
        return matter_type.code
    return codelists.code(matter_type)


def from_value(value: str) -> AnyMatterType:
    """The type a guide's ``matter_type`` value names: a slug, or an extension's two digits."""
    return _BY_VALUE.get(value) or ExtensionType(value)


def standard_family(matter_type: MatterType) -> Family:
    """The family of a type of the standard's list."""
    return Family.PUBLIC_SERVICE if matter_type is MatterType.PUBLIC_SERVICE else Family.POWER


@attrs.frozen
class Declared:
    """An extension type a catalogue declares: its code, Chinese label and family."""

    code: str
    label_zh: str
    family: Family


@attrs.frozen
class MatterTypes:
    """The matter types a catalogue knows: the standard's, and the extensions it declares."""

    declared: tuple[Declared, ...] = ()
    _by_code: Mapping[str, Declared] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {d.code: d for d in self.declared})

    @classmethod
    def of(cls, declared: Mapping[str, Declared]) -> MatterTypes:
        """Types with these declarations, in code order."""
        return cls(tuple(declared[code] for code in sorted(declared)))

    def declaration(self, matter_type: AnyMatterType) -> Declared | None:
        """The declaration of an extension type, or None (a standard or undeclared type)."""
        if isinstance(matter_type, MatterType):
            return None
        return self._by_code.get(matter_type.code)

    def is_known(self, matter_type: AnyMatterType) -> bool:
        """Whether the type is the standard's or declared."""
        return isinstance(matter_type, MatterType) or matter_type.code in self._by_code

    def label_zh(self, matter_type: AnyMatterType) -> str:
        """The type's Chinese name; an undeclared extension is named by its digits."""
        if isinstance(matter_type, MatterType):
            return codelists.label_zh(matter_type)
        found = self._by_code.get(matter_type.code)
        return found.label_zh if found else f"扩展类型 {matter_type.code}"

    def label(self, matter_type: AnyMatterType) -> str:
        """The type's name in English text: its slug, or the extension's digits and label."""
        if isinstance(matter_type, MatterType):
            return matter_type.value
        found = self._by_code.get(matter_type.code)
        declared = f"({found.label_zh})" if found else "(not declared)"
        return f"extension type {matter_type.code} {declared}"

    def family(self, matter_type: AnyMatterType) -> Family | None:
        """The type's family; None for an undeclared extension."""
        if isinstance(matter_type, MatterType):
            return standard_family(matter_type)
        found = self._by_code.get(matter_type.code)
        return found.family if found else None


STANDARD: Final = MatterTypes()  # no declarations: the standard's list only


def catalogue_types(catalogue: Path) -> MatterTypes:
    """The types a catalogue declares in ``CATALOGUE/codelists.toml``; none if it has no file.

    Raises :class:`~service_codes.errors.InvalidCodeLists` naming the entry at fault.
    """
    path = catalogue / FILE_NAME
    return read_matter_types(path) if path.is_file() else STANDARD


def read_matter_types(path: Path) -> MatterTypes:
    """The types a code-list file declares; InvalidCodeLists if it cannot be read or is wrong."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidCodeLists(
            f"cannot read {path}: {error}", f"无法读取 {path}：{error}"
        ) from None
    return parse_matter_types(text, str(path))


def parse_matter_types(text: str, where: str = FILE_NAME) -> MatterTypes:
    """The declarations of a code-list file's ``[matter_type]`` table."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidCodeLists(f"{where}: {error}", f"{where} 不是有效的 TOML：{error}") from None
    unknown = sorted(set(data) - {"matter_type"})
    if unknown:
        raise InvalidCodeLists(
            f"{where}: a catalogue declares only matter types, not [{unknown[0]}]",
            f"{where}：目录只能声明事项类型（[matter_type]），不能声明 [{unknown[0]}]",
        )
    table = data.get("matter_type", {})
    if not isinstance(table, dict):
        raise InvalidCodeLists(
            f"{where}: matter_type must be a table", f"{where}：matter_type 应为表"
        )
    return MatterTypes.of({code: _declared(code, row, where) for code, row in table.items()})


def _declared(code: str, row: Any, where: str) -> Declared:
    at = f"{where} [matter_type] {code!r}"
    try:
        ExtensionType(code)
    except InvalidComponent as error:
        raise InvalidCodeLists(f"{at}: {error.message}", f"{at}：{error.message_zh}") from None
    if not isinstance(row, dict) or set(row) != {"zh", "family"}:
        raise InvalidCodeLists(
            f'{at}: write {{ zh = "…", family = "power" | "public_service" }}',
            f'{at}：应写作 {{ zh = "中文名称", family = "power" 或 "public_service" }}',
        )
    label, family = row["zh"], row["family"]
    if not isinstance(label, str) or not label.strip():
        raise InvalidCodeLists(f"{at}: zh must be a Chinese label", f"{at}：zh 应为中文名称")
    if family not in {f.value for f in Family}:
        raise InvalidCodeLists(
            f"{at}: family must be power or public_service, not {family!r}",
            f"{at}：family 应为 power（行政权力）或 public_service（公共服务），而不是 {family!r}",
        )
    return Declared(code, label.strip(), Family(family))
