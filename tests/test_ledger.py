"""The ledger file: tampering is detected, a torn tail is repaired, nothing else is touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_registry import BUNDLED

from service_codes import Registry, RegistryCorrupt
from service_codes import registry as registry_module
from service_codes.ledger import GENESIS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    reg = Registry.open(tmp_path, create=True)
    reg.assign_many(BUNDLED[:3])
    reg.retire(reg.assign(BUNDLED[0]).catalog_code, reason="事项取消")
    return tmp_path


def lines(folder: Path) -> list[bytes]:
    return (folder / "codes.jsonl").read_bytes().splitlines(keepends=True)


def write(folder: Path, content: list[bytes]) -> None:
    (folder / "codes.jsonl").write_bytes(b"".join(content))


def corrupt_line(folder: Path) -> int | None:
    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(folder).verify()
    return caught.value.line


def test_an_untouched_ledger_verifies(folder: Path) -> None:
    Registry.open(folder).verify()
    first = lines(folder)[0]
    assert b'"prev":"' + GENESIS.encode() + b'"' in first and first.endswith(b'"}\n')


@pytest.mark.parametrize("where", [0, 5, -1])
def test_an_edited_line_is_detected(folder: Path, where: int) -> None:
    content = lines(folder)
    number = where % len(content) + 1
    content[where] = content[where].replace(b'"reason":"', b'"reason":"x', 1)
    write(folder, content)
    assert corrupt_line(folder) == number


@pytest.mark.parametrize("where", [0, 5, -1])
def test_a_deleted_line_is_detected(folder: Path, where: int) -> None:
    content = lines(folder)
    number = where % len(content) + 1
    del content[where]
    write(folder, content)
    assert corrupt_line(folder) == number


def test_reordered_lines_are_detected(folder: Path) -> None:
    content = lines(folder)
    content[3], content[4] = content[4], content[3]
    write(folder, content)
    assert corrupt_line(folder) == 4


def test_a_consistent_but_forged_event_is_detected(folder: Path) -> None:
    """Re-sealing a duplicate issue keeps the hashes right; the content check catches it."""
    import orjson

    from service_codes.ledger import seal

    content = lines(folder)
    event = orjson.loads(content[0])
    last = orjson.loads(content[-1])["hash"]
    del event["hash"], event["prev"]
    forged, digest = seal(event, last)
    write(folder, [*content, forged])
    (folder / "codes.head").write_text(f"{len(content) + 1} {digest}\n")
    assert corrupt_line(folder) == len(content) + 1


def test_a_torn_tail_is_reported_and_repair_cuts_only_it(folder: Path) -> None:
    content = lines(folder)
    write(folder, [*content, b'{"code":"0001000'])
    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(folder)
    assert caught.value.torn and caught.value.line == len(content) + 1
    assert Registry.repair(folder).removed == len(b'{"code":"0001000')
    assert lines(folder) == content
    Registry.open(folder).verify()
    assert Registry.repair(folder).removed == 0


def test_garbage_in_the_middle_is_not_repairable(folder: Path) -> None:
    content = lines(folder)
    content[2] = b"not json\n"
    write(folder, content)
    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(folder)
    assert caught.value.line == 3 and not caught.value.torn
    assert Registry.repair(folder).removed == 0
    assert lines(folder)[2] == b"not json\n"


def test_snapshot_spares_rereading_and_is_ignored_when_stale(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_module, "_SNAPSHOT_AFTER", 1)
    Registry.open(folder)
    assert (folder / "codes.snapshot").exists()
    Registry.open(folder).assign_many(BUNDLED[1:])
    # Replace the ledger with a different history: the snapshot no longer fits it.
    (folder / "codes.jsonl").write_bytes(b"")
    (folder / "codes.head").unlink()
    fresh = Registry.open(folder)
    assert fresh.size == 0
    # ...and the codes are those of an empty registry, not of the stale snapshot.
    expected = Registry.open(folder / "empty", create=True).assign_many(BUNDLED[1:])
    assert [g.catalog_code for g in fresh.assign_many(BUNDLED[1:])] == [
        g.catalog_code for g in expected
    ]


def test_an_event_with_a_broken_identity_is_corruption_not_a_crash(folder: Path) -> None:
    import orjson

    from service_codes.ledger import seal

    content = lines(folder)
    last = orjson.loads(content[-1])["hash"]
    forged, digest = seal(
        {"event": "issue", "code": "000100099000", "identity": ["catalog"], "name": "x",
         "date": "2026-11-25", "reason": "x"},
        last,
    )  # fmt: skip
    write(folder, [*content, forged])
    (folder / "codes.head").write_text(f"{len(content) + 1} {digest}\n")
    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(folder)
    assert caught.value.line == len(content) + 1


def test_a_ledger_cut_short_under_a_live_registry_is_noticed(folder: Path) -> None:
    reg = Registry.open(folder)
    content = lines(folder)
    write(folder, content[:-1])
    with pytest.raises(RegistryCorrupt, match="cut short or replaced"):
        reg.assign(BUNDLED[5])
    # ...and so is one replaced by another history of the same length.
    write(folder, content)
    other = Registry.open(folder)
    write(folder, [*content[:-1], content[-1].replace(b'"reason":"', b'"reason":"x', 1)])
    with pytest.raises(RegistryCorrupt):
        other.assign(BUNDLED[6])


def test_lines_read_but_not_yet_recorded_in_the_head_are_made_durable(folder: Path) -> None:
    head = (folder / "codes.head").read_text()
    lines_now = len(lines(folder))
    (folder / "codes.head").write_text("1 " + orjson_hash(lines(folder)[0]) + "\n")
    Registry.open(folder).assign(BUNDLED[1])  # nothing new to issue, but it catches up
    assert (folder / "codes.head").read_text() == head
    assert len(lines(folder)) == lines_now


def orjson_hash(line: bytes) -> str:
    import orjson

    return str(orjson.loads(line)["hash"])


def test_a_whole_last_line_that_lost_its_newline_is_completed_not_cut(folder: Path) -> None:
    content = lines(folder)
    write(folder, [*content[:-1], content[-1].rstrip(b"\n")])
    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(folder)
    assert caught.value.torn
    done = Registry.repair(folder)
    assert done.completed and done.removed == 0
    assert lines(folder) == content
    Registry.open(folder).verify()


def test_repair_never_cuts_an_acknowledged_line(folder: Path) -> None:
    content = lines(folder)
    write(folder, [*content[:-1], content[-1][:40]])  # the acknowledged last line is damaged
    with pytest.raises(RegistryCorrupt, match="acknowledged"):
        Registry.repair(folder)
    assert lines(folder)[-1] == content[-1][:40]


def test_a_missing_head_is_reported_by_verify(folder: Path) -> None:
    (folder / "codes.head").unlink()
    with pytest.raises(RegistryCorrupt, match="head"):
        Registry.open(folder).verify()


def test_a_snapshot_saved_after_a_large_batch_covers_it(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_module, "_SNAPSHOT_AFTER", 5)
    (folder / "codes.snapshot").unlink(missing_ok=True)
    registry = Registry.open(folder)
    before = (folder / "codes.snapshot").read_bytes() if registry.size >= 5 else b""
    registry.assign_many(BUNDLED[1:])
    assert registry.size >= 5
    registry.save_snapshot()
    saved = (folder / "codes.snapshot").read_bytes()
    assert saved != before
    registry.save_snapshot()  # nothing new since: the snapshot is left as it is
    assert (folder / "codes.snapshot").read_bytes() == saved
    # The next open replays no event: the snapshot alone knows every code of the batch.

    def replayed(*args: object) -> None:
        raise AssertionError("an event was replayed")

    monkeypatch.setattr(registry_module, "apply_event", replayed)
    reopened = Registry.open(folder)
    assert reopened.head == registry.head
    assert [reopened.catalog_code_of(g.matter) for g in BUNDLED[1:]] == [
        registry.catalog_code_of(g.matter) for g in BUNDLED[1:]
    ]
