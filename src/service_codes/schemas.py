"""Where the schemas are: inside the installed package, or at the top of a checkout.

``schemas/`` at the top of the repository is the source of truth; the wheel
carries a copy as ``service_codes/schemas``. An editable install has no copy, so
the checkout's folder is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

Schema = Mapping[str, Any]

_PACKAGED = Path(__file__).parent / "schemas"
_CHECKOUT = Path(__file__).parents[2] / "schemas"


def schema_path(name: str) -> Path:
    """The path of a schema file such as ``guide.schema.json`` or ``guide.xsd``."""
    for folder in (_PACKAGED, _CHECKOUT):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"schema {name} is neither in {_PACKAGED} nor in {_CHECKOUT}")


@cache
def guide_schema() -> dict[str, Any]:
    """The JSON Schema of a guide, loaded once."""
    schema: dict[str, Any] = json.loads(schema_path("guide.schema.json").read_text("utf-8"))
    return schema


def definition(schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A property's schema with its local ``$ref`` followed, and the name it referred to.

    Of an ``anyOf`` the first branch is followed: a matter type is one of the standard's
    list, and only failing that the two digits of an extension type.
    """
    if "anyOf" in schema:
        return definition(schema["anyOf"][0])
    ref = schema.get("$ref")
    if ref is None:
        return schema, None
    name = ref.rsplit("/", 1)[1]
    found: dict[str, Any] = guide_schema()["$defs"][name]
    return found, name


# --- the names of fields: the schema's titles, written "中文 / English" ----------------


def bilingual(text: str) -> tuple[str, str]:
    """The English and Chinese halves of an annotation written "中文 / English".

    >>> bilingual("日期 / Date (YYYY-MM-DD)")
    ('Date (YYYY-MM-DD)', '日期')
    """
    zh, _, en = text.partition(" / ")
    return en or zh, zh


def title_zh(schema: Schema) -> str | None:
    """The Chinese name of a field: its own title, else that of the definition it refers to."""
    title = schema.get("title") or definition(dict(schema))[0].get("title")
    return bilingual(title)[1] if isinstance(title, str) else None


def field_schema(parts: Sequence[str | int]) -> Schema | None:
    """The schema of the field at a JSON path (as written, ``$ref`` not followed), if any."""
    schema: Schema = guide_schema()
    for part in parts:
        resolved = definition(dict(schema))[0]
        child = (
            resolved.get("items")
            if isinstance(part, int)
            else resolved.get("properties", {}).get(part)
        )
        if not isinstance(child, Mapping):
            return None
        schema = child
    return schema


def field_name_zh(parts: Sequence[str | int]) -> str | None:
    """The Chinese name of the field at a JSON path; an item is named by its list.

    >>> field_name_zh(["materials", 0, "copies"]), field_name_zh(["service_objects", 1])
    ('复印件份数', '服务对象')
    """
    named = list(parts)
    while named and isinstance(named[-1], int):
        named.pop()
    schema = field_schema(named)
    return None if schema is None else title_zh(schema)
