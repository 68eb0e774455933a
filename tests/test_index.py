"""The registry index's compact table of codes behaves as the dict of identities it replaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service_codes.index import CATALOG, HANDLING_ITEM, MATERIAL, Codes, Identity

PARENT = "11450721MB155808114000104002000"
names = st.sampled_from(["申请表", "营业执照", "身份证明", "承诺书"])
part_codes = st.tuples(
    st.sampled_from([(MATERIAL, 3), (HANDLING_ITEM, 2)]),
    names,
    st.integers(1, 20),
)
catalog = st.tuples(st.sampled_from(["食品经营许可", "临时救助"]), st.integers(1, 9))
entries = st.lists(
    st.one_of(
        part_codes.map(lambda p: ((p[0][0], PARENT, p[1]), f"{PARENT}{p[2]:0{p[0][1]}d}")),
        catalog.map(lambda c: ((CATALOG, "00", "licensing", c[0], ""), f"0001{c[1]:05d}000")),
        # A part code not shaped as its parent's code plus a number: kept as it is.
        names.map(lambda n: ((MATERIAL, PARENT, n), "X" * 34)),
    ),
    max_size=30,
)


@given(entries)
def test_codes_answer_as_a_dict_of_identities(pairs: list[tuple[Identity, str]]) -> None:
    codes, reference = Codes(), {}
    for identity, code in pairs:
        codes[identity] = code
        reference[identity] = code
    assert dict(codes.items()) == reference
    for identity, code in reference.items():
        assert codes.get(identity) == codes[identity] == code and identity in codes
        assert codes.is_issued(code)
        holders = [i for i, c in reference.items() if c == code]
        assert sorted(codes.identities_of(code)) == sorted(holders)
    assert not codes.is_issued(f"{PARENT}999") and not codes.is_issued("000100009999")
    assert Codes.from_state(codes.state()).state() == codes.state()
    for kind in (MATERIAL, HANDLING_ITEM):
        numbers = [
            int(c[len(PARENT) :])
            for (k, *_), c in reference.items()
            if k == kind and c.startswith(PARENT)
        ]
        assert codes.last_number(kind, PARENT) == max(numbers, default=0)


def test_identities_of_a_code_keep_ledger_order() -> None:
    codes = Codes()
    for name in ("申请书", "申请表", "申 请 表"):
        codes[MATERIAL, PARENT, name] = f"{PARENT}001"
    assert [i[2] for i in codes.identities_of(f"{PARENT}001")] == ["申请书", "申请表", "申 请 表"]
