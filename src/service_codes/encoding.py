"""Text files as staff save them: UTF-8 first, else the encodings Windows and Excel write.

Excel saves "CSV" in the system code page, which on a Chinese Windows is GBK (read here as
its superset GB18030); Notepad offers UTF-16 with a byte order mark. Each is read where the
bytes leave no doubt, and anything else is refused with the encoding found and how to re-save.

>>> decode("食品经营许可".encode("gb18030")).encoding
'gb18030'
>>> decode("\\ufeff食品".encode("utf-16-le")).text
'食品'
"""

from __future__ import annotations

import codecs

import attrs

from service_codes.errors import ServiceCodesError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

RESAVE = "save it again as UTF-8 (in Excel: Save As, 'CSV UTF-8')"
RESAVE_ZH = "请另存为 UTF-8 编码（Excel 中：另存为“CSV UTF-8（逗号分隔）”）"


class UnreadableText(ServiceCodesError):
    """Bytes that are not text in any encoding read here; the message says how to re-save."""

    default_message = f"the file is not UTF-8, GB18030 or UTF-16 with a byte order mark; {RESAVE}"
    default_message_zh = f"文件不是 UTF-8、GB18030 或带字节顺序标记的 UTF-16 编码，{RESAVE_ZH}"


@attrs.frozen
class Decoded:
    """The text of some bytes and the encoding it was read in (a Python codec name)."""

    text: str
    encoding: str


def decode(data: bytes) -> Decoded:
    """The text of ``data``: by its byte order mark, else UTF-8, else GB18030.

    Raises :class:`UnreadableText` for UTF-16 without a mark (the byte order is a guess)
    and for bytes that no encoding here reads.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError:
                raise _unreadable(name) from None
    if b"\x00" in data:  # ASCII in UTF-16 carries zero bytes; no text file holds one
        raise UnreadableText(
            f"the file looks like UTF-16 without a byte order mark; {RESAVE}",
            f"文件似为不带字节顺序标记的 UTF-16 编码，{RESAVE_ZH}",
        )
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        raise UnreadableText() from None


def _unreadable(codec: str) -> UnreadableText:
    found = codec.upper().removesuffix("-SIG")
    return UnreadableText(
        f"the file looks like {found} but does not decode as it; {RESAVE}",
        f"文件似为 {found} 编码，但无法按该编码读取，{RESAVE_ZH}",
    )
