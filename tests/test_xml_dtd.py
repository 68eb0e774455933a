"""DTDs are refused, the text ``<!DOCTYPE`` or ``<!ENTITY`` is not.

A comment, a CDATA section or escaped text may say ``<!DOCTYPE x>`` without the document
declaring anything; only a real document type declaration (and so any entity declaration,
which lives inside one) is refused, before libxml2 reads its internal subset.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import attrs
import pytest
from conftest import ROOT

from service_codes import InvalidGuide, from_json, from_xml, to_xml
from service_codes.formats.xml import NAMESPACE

BUNDLED = sorted((ROOT / "registry" / "guides").glob("*.json"))
HOSTILE = sorted((ROOT / "tests" / "hostile").glob("*.xml"))
WITH_A_DTD = [path for path in HOSTILE if b"<!DOCTYPE" in path.read_bytes()]
DECLARATIONS = '<!DOCTYPE x> <!ENTITY y "z">'
HEAD = "<?xml version='1.0' encoding='UTF-8'?>\n"


def _guide():  # type: ignore[no-untyped-def]
    return from_json(BUNDLED[0].read_bytes())


def _xml() -> bytes:
    return to_xml(_guide())


def _problems(data: bytes | str) -> list[tuple[str, str]]:
    start = time.perf_counter()
    with pytest.raises(InvalidGuide) as caught:
        from_xml(data)
    assert time.perf_counter() - start < 2, "hostile input must be refused quickly"
    return [(p.path, p.rule) for p in caught.value.problems]


def _refused_as_a_dtd(data: bytes | str) -> None:
    with pytest.raises(InvalidGuide) as caught:
        from_xml(data)
    [problem] = caught.value.problems
    assert (problem.path, problem.rule) == ("", "xml.dtd-forbidden")
    assert problem.message == "document type declarations and entities are not allowed"
    assert problem.message_zh == "不允许文档类型声明（DTD）和实体"


# --- the text is fine -------------------------------------------------------------------------


def test_comments_saying_doctype_and_entity_are_accepted() -> None:
    xml = _xml()
    comment = f"<!-- {DECLARATIONS} -->".encode()
    before_the_root = xml.replace(b"\n<guide", b"\n" + comment + b"\n<guide", 1)
    inside = xml.replace(b"<place>", comment + b"<place>", 1)
    pi = xml.replace(b"<place>", f"<?note {DECLARATIONS}?><place>".encode(), 1)
    for data in (before_the_root, inside, pi):
        assert data != xml
        assert from_xml(data) == _guide()
        assert from_xml(data.decode()) == _guide()


def test_a_cdata_section_saying_doctype_and_entity_is_read_as_its_text() -> None:
    guide = _guide()
    name = f"<name>{guide.name}</name>".encode()
    xml = _xml().replace(name, f"<name><![CDATA[{DECLARATIONS}]]></name>".encode(), 1)
    assert xml != _xml()
    read = from_xml(xml)
    assert read == attrs.evolve(guide, name=DECLARATIONS)
    assert from_xml(to_xml(read)) == read  # written back escaped, read back the same


def test_escaped_text_saying_doctype_and_entity_round_trips() -> None:
    guide = attrs.evolve(_guide(), name=DECLARATIONS)
    xml = to_xml(guide)
    assert b"&lt;!DOCTYPE x&gt; &lt;!ENTITY y" in xml
    assert from_xml(xml) == guide and to_xml(from_xml(xml)) == xml
    by_hand = _xml().replace(
        f"<name>{_guide().name}</name>".encode(), b"<name>&lt;!DOCTYPE x>&lt;!ENTITY y></name>", 1
    )
    assert from_xml(by_hand).name == "<!DOCTYPE x><!ENTITY y>"


def test_the_text_in_utf16_and_after_a_bom_is_accepted() -> None:
    xml = _xml().decode().replace("<place>", f"<!-- {DECLARATIONS} --><place>", 1)
    for data in (xml.encode("utf-16"), b"\xef\xbb\xbf" + xml.encode()):
        assert from_xml(data) == _guide()


# --- a real DTD is not ------------------------------------------------------------------------


def test_the_hostile_corpus_with_a_dtd_is_refused_as_a_dtd() -> None:
    assert {path.name for path in WITH_A_DTD} == {
        "billion-laughs.xml",
        "dtd-fetch.xml",
        "external-file-entity.xml",
        "external-url-entity.xml",
        "parameter-entity.xml",
        "quadratic-blowup.xml",
    }
    for path in WITH_A_DTD:
        assert _problems(path.read_bytes()) == [("", "xml.dtd-forbidden")], path.name
        _refused_as_a_dtd(path.read_bytes())


@pytest.mark.parametrize("path", WITH_A_DTD, ids=lambda p: p.name)
def test_a_dtd_behind_a_comment_saying_doctype_is_still_refused(path: Path) -> None:
    data = path.read_bytes()
    disguised = data.replace(b"<!DOCTYPE", f"<!-- {DECLARATIONS} -->\n<!DOCTYPE".encode(), 1)
    assert disguised != data
    _refused_as_a_dtd(disguised)
    _refused_as_a_dtd(b"\xef\xbb\xbf" + disguised)
    _refused_as_a_dtd(disguised.decode())


def test_plain_dtds_are_refused() -> None:
    guide = f'<guide xmlns="{NAMESPACE}"><name>x</name></guide>'
    for dtd in (
        "<!DOCTYPE guide>",
        '<!DOCTYPE guide PUBLIC "-//x//y" "guide.dtd">',
        '<!DOCTYPE guide [<!ENTITY e "x">]>',
        "<!DOCTYPE guide [<!-- <!ENTITY e 'x'> -->]>",
        "<!DOCTYPE guide [<!ELEMENT guide ANY>]>",
    ):
        _refused_as_a_dtd(HEAD + dtd + guide)
        _refused_as_a_dtd(f"<!-- {DECLARATIONS} -->{dtd}{guide}".encode())


def test_a_dtd_in_utf16_or_after_a_bom_is_refused() -> None:
    hostile = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE g [<!ENTITY e "x">]>'
        f'<guide xmlns="{NAMESPACE}"><name>&e;</name></guide>'
    )
    for data in (
        hostile.encode("utf-16"),  # a byte order mark, little-endian
        b"\xfe\xff" + hostile.encode("utf-16-be"),
        b"\xef\xbb\xbf" + hostile.replace("UTF-16", "UTF-8").encode(),
    ):
        _refused_as_a_dtd(data)
    assert _problems(hostile.encode("utf-16-le"))  # no mark: refused, as a guess of the order


def test_declarations_outside_a_dtd_are_refused_not_obeyed() -> None:
    guide = f'<guide xmlns="{NAMESPACE}"><name>&e;</name></guide>'
    assert _problems(f'<!ENTITY e "x">{guide}') == [("", "xml.syntax")]
    assert _problems(f"<guide xmlns='{NAMESPACE}'/><!DOCTYPE g>") == [("", "xml.syntax")]
    assert _problems(f"<!-- {DECLARATIONS} -->{guide}") == [("", "xml.syntax")]  # &e; undeclared


def test_no_file_or_address_in_a_disguised_dtd_is_touched(tmp_path: Path) -> None:
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)  # opening it for reading would block until someone writes
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]

    failures: list[BaseException] = []

    def parse_all() -> None:
        for path in WITH_A_DTD:
            data = path.read_bytes().replace(b"127.0.0.1:9", f"127.0.0.1:{port}".encode())
            for named in (b"/etc/passwd", b"/etc/hostname"):
                data = data.replace(named, str(fifo).encode())
            try:
                _refused_as_a_dtd(data.replace(b"<!DOCTYPE", b"<!-- <!DOCTYPE x> --><!DOCTYPE"))
            except BaseException as failure:  # pytest's too: re-raised below
                failures.append(failure)

    try:
        worker = threading.Thread(target=parse_all)
        worker.start()
        worker.join(timeout=20)
        if worker.is_alive():
            with open(fifo, "w"):  # unblock the reader before failing
                pass
            pytest.fail("a file named in a document was opened")
        assert not failures, failures
        with pytest.raises(socket.timeout):
            server.accept()  # nobody connected
    finally:
        server.close()
