"""Where the schemas are: inside the installed package, or at the top of a checkout.

``schemas/`` at the top of the repository is the source of truth; the wheel
carries a copy as ``service_codes/schemas``. An editable install has no copy, so
the checkout's folder is used.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

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
    """A property's schema with its local ``$ref`` followed, and the name it referred to."""
    ref = schema.get("$ref")
    if ref is None:
        return schema, None
    name = ref.rsplit("/", 1)[1]
    found: dict[str, Any] = guide_schema()["$defs"][name]
    return found, name
