"""Guides in the form written before situations, read as today's form.

Until a guide could tell its situations, a condition of acceptance was a bare text and an
intermediary service a bare name; each is now a record (``{"text": ...}``, ``{"name": ...}``)
that may say more. Readers turn the bare form into the record before any check, so a
catalogue written earlier still validates and builds; writers write the record only, so its
next build writes the new form.
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

# Each list whose items were once bare text, and the field of the record that holds it.
_WAS_TEXT: Final = (
    ("conditions", "condition", "text"),
    ("intermediary_services", "service", "name"),
)


def upgrade_data(data: dict[str, Any]) -> None:
    """Turn the bare texts of a guide's plain data into records, in place.

    >>> data = {"conditions": ["年满十八周岁", {"text": "持有身份证"}]}
    >>> upgrade_data(data)
    >>> data["conditions"]
    [{'text': '年满十八周岁'}, {'text': '持有身份证'}]
    """
    for key, _, field in _WAS_TEXT:
        items = data.get(key)
        if isinstance(items, list):
            data[key] = [{field: item} if isinstance(item, str) else item for item in items]


def upgrade_tree(root: Any, namespace: str) -> None:
    """Wrap the text of each item element that has no child elements, in place."""
    for key, item, field in _WAS_TEXT:
        for element in root.iterfind(f"{{{namespace}}}{key}/{{{namespace}}}{item}"):
            if len(element) == 0:
                wrapped = etree.SubElement(element, f"{{{namespace}}}{field}")
                wrapped.text, element.text = element.text, None
