"""Nothing non-public reaches the published site: not a withheld field, not a guide that is
not 主动公开, in any byte of any file (the workbooks' zipped XML included).

The strongest form: a site is byte for byte the site of the same catalogue without its
non-public guides and without its withheld fields. The bundled catalogue's codes are all in
its ledger, so leaving guides out moves no code, and the comparison holds exactly.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_publish import catalogue_copy, publish_at, site_files

from service_codes import validate
from service_codes.build import build
from service_codes.formats import read_guide
from service_codes.publication import parts, withholdable
from service_codes.schemas import definition, field_schema

GUIDES = sorted((ROOT / "registry" / "guides").glob("*.json"))
# Secrets are written in a script no bundled guide and no page of the site uses, so a
# secret found in the site can only have come from where it was hidden.
SECRET = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=6, max_size=10)


def _strings(data: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield pointer, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{pointer}/{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, f"{pointer}/{i}")


def _parent(data: dict[str, Any], pointer: str) -> tuple[Any, str | int]:
    """The object or list holding the member ``pointer`` names, and its key or index."""
    *path, last = parts(pointer)
    node: Any = data
    for token in path:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node, int(last) if isinstance(node, list) else last


def _set(data: dict[str, Any], pointer: str, value: str) -> None:
    node, key = _parent(data, pointer)
    node[key] = value


def _remove(data: dict[str, Any], pointer: str) -> None:
    node, key = _parent(data, pointer)
    del node[key]


def _free_text(pointer: str, *, optional: bool) -> bool:
    """A field of the schema's plain ``text``, which holds any text; an ``optional`` one is a
    field a guide may withhold."""
    tokens = parts(pointer)
    if optional and not withholdable(tokens):
        return False
    schema = field_schema([int(t) if t.isdigit() else t for t in tokens])
    return schema is not None and definition(dict(schema))[1] == "text"


def _fields(path: Path, *, optional: bool) -> list[str]:
    data = json.loads(path.read_text("utf-8"))
    return [p for p, _ in _strings(data) if _free_text(p, optional=optional)]


def _withholdable(path: Path) -> list[str]:
    """The optional text fields of a guide it stays valid without (a penalty's base, say, is
    optional but needed with a multiple), so that the catalogue without them publishes."""
    data = json.loads(path.read_text("utf-8"))
    kept = []
    for pointer in _fields(path, optional=True):
        without = json.loads(json.dumps(data))
        _remove(without, pointer)
        if validate(read_guide(json.dumps(without).encode())).ok:
            kept.append(pointer)
    return kept


WITHHOLDABLE = {path.name: _withholdable(path) for path in GUIDES}
TEXTS = {path.name: _fields(path, optional=False) for path in GUIDES}


def _codes() -> dict[str, str]:
    """Each bundled guide's implementation code, as a build gives it."""
    with tempfile.TemporaryDirectory() as scratch:
        catalogue = catalogue_copy(Path(scratch))
        build(catalogue, Path(scratch) / "out")
        index = json.loads((Path(scratch) / "out" / "index.json").read_text("utf-8"))
    return {Path(e["file"]).name: e["implementation_code"] for e in index}


CODES = _codes()


@st.composite
def hidings(
    draw: st.DrawFn,
) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, dict[str, str]]]]:
    """Withheld fields of public guides (guide -> pointer -> secret), and non-public guides
    (guide -> (disclosure, pointer -> secret written into one of its texts))."""
    names = [p.name for p in GUIDES]
    hidden = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=3))
    private = {}
    for name in hidden:
        chosen = draw(st.lists(st.sampled_from(TEXTS[name]), unique=True, max_size=3))
        private[name] = (
            draw(st.sampled_from(["on_request", "withheld"])),
            {p: draw(SECRET) for p in chosen},
        )
    public = [n for n in names if n not in private and WITHHOLDABLE[n]]
    withheld = {}
    for name in draw(st.lists(st.sampled_from(public), unique=True, max_size=3)):
        fields = draw(
            st.lists(st.sampled_from(WITHHOLDABLE[name]), unique=True, min_size=1, max_size=4)
        )
        withheld[name] = {p: draw(SECRET) for p in fields}
    return withheld, private


def _every_text(site: Path) -> Iterator[tuple[str, str]]:
    """Each file's text, and each member of a zipped file (a workbook) as its own."""
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                for member in book.namelist():
                    yield f"{path}!{member}", book.read(member).decode("utf-8", "replace")
        else:
            yield str(path), data.decode("utf-8", "replace")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hidings())
def test_no_withheld_value_and_no_non_public_guide_is_in_any_byte_of_the_site(
    hidden: tuple[dict[str, dict[str, str]], dict[str, tuple[str, dict[str, str]]]],
) -> None:
    withheld, private = hidden
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        marked = catalogue_copy(root / "marked")
        plain = catalogue_copy(root / "plain")
        codes = []
        for name, secrets in withheld.items():
            data = json.loads((marked / "guides" / name).read_text("utf-8"))
            for pointer, secret in secrets.items():
                _set(data, pointer, secret)
            data["publicity"] = {"withheld": sorted(secrets)}
            (marked / "guides" / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
            data = json.loads((plain / "guides" / name).read_text("utf-8"))
            for pointer in secrets:
                _remove(data, pointer)
            (plain / "guides" / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        for name, (disclosure, secrets) in private.items():
            data = json.loads((marked / "guides" / name).read_text("utf-8"))
            for pointer, secret in secrets.items():
                _set(data, pointer, secret)
            data["publicity"] = {
                "disclosure": disclosure,
                "reason": "内部管理",
                "ground": "第十四条",
            }
            (marked / "guides" / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
            (plain / "guides" / name).unlink()
            codes.append(CODES[name])
        publish_at(marked, root / "site")
        publish_at(plain, root / "plain-site")
        site = root / "site"
        assert site_files(site).keys() == site_files(root / "plain-site").keys()
        for relative, (data, _) in site_files(site).items():
            assert data == (root / "plain-site" / relative).read_bytes(), relative
        secrets = [s for fields in withheld.values() for s in fields.values()]
        secrets += [s for _, fields in private.values() for s in fields.values()]
        for where, text in _every_text(site):
            for secret in secrets:  # nor any part of one
                for start in range(len(secret) - 3):
                    assert secret[start : start + 4] not in text, (where, secret)
            for code in codes:
                assert code not in text, (where, code)
        shutil.rmtree(site)
