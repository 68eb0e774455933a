"""``export``'s exchange records and workbook are sinks of the one build: the library's
``build`` with them writes what the command writes, several sinks share one run, and a sink
that refuses at its finish leaves nothing written."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from conftest import copy_catalogue

from service_codes.build import build
from service_codes.cli import main
from service_codes.formats.json import from_json, to_json
from service_codes.formats.lists_out import FORMATS, ListSink, file_names
from service_codes.formats.sinks import ExchangeRefused, ExchangeSink, WorkbookSink
from service_codes.matter_types import STANDARD
from service_codes.model import ServiceObject
from service_codes.output import MARK


def _export(catalogue: Path, out: Path, *options: str) -> None:
    result = CliRunner().invoke(main, ["export", str(catalogue), "--out", str(out), *options])
    assert result.exit_code == 0, result.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARK
    }


@pytest.mark.parametrize("workers", [1, 2])
def test_one_build_feeds_every_sink_what_each_command_writes(tmp_path: Path, workers: int) -> None:
    catalogue = copy_catalogue(tmp_path)
    _export(catalogue, tmp_path / "exchange", "--format", "exchange")
    _export(catalogue, tmp_path / "xlsx", "--format", "xlsx")
    exchange = ExchangeSink("platform", STANDARD)
    out = tmp_path / "library"
    sinks = [exchange, WorkbookSink(), ListSink(FORMATS)]
    built = build(catalogue, out, (), workers=workers, batch=5, sinks=sinks)
    assert built.guides == len(exchange.guides) == len(list((catalogue / "guides").iterdir()))
    tree = _tree(out)
    expected = {**_tree(tmp_path / "exchange"), **_tree(tmp_path / "xlsx")}
    assert [n for n in expected if tree.get(n) != expected[n]] == []
    assert sorted(tree) == sorted([*expected, *file_names(FORMATS)])


def test_a_refusing_sink_leaves_nothing_written(tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path)
    path = next(iter(sorted((catalogue / "guides").glob("*.json"))))
    guide = from_json(path.read_bytes())
    objects = (ServiceObject.UNINCORPORATED_ENTERPRISE,)  # GB/T 39046 has no code for it
    path.write_text(to_json(attrs.evolve(guide, service_objects=objects)), "utf-8")
    out = tmp_path / "out"
    with pytest.raises(ExchangeRefused) as raised:
        build(catalogue, out, (), sinks=[ExchangeSink("gbt39046", STANDARD), ListSink(FORMATS)])
    refused = [stem for stem, _ in raised.value.refused]
    assert path.stem in refused
    for stem in refused:  # each for the member the scheme cannot code
        source = from_json((catalogue / "guides" / f"{stem}.json").read_bytes())
        assert ServiceObject.UNINCORPORATED_ENTERPRISE in source.service_objects
    assert not out.exists() or list(out.iterdir()) == []
