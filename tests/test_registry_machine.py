"""A state machine drives assign / rename / retire / merge / split / reopen on one registry."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Locations
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from test_registry import guide

from service_codes import Matter, MatterType, Registry, RegistryError
from service_codes.index import matter_identity

NAMES = ["甲", "乙", "丙", "丁", "戊"]
SUBS = [None, "新办", "变更"]


class RegistryMachine(RuleBasedStateMachine):
    new_location: Callable[[], str]  # a new, empty registry of the backend under test

    def __init__(self) -> None:
        super().__init__()
        self.folder = self.new_location()
        self.reg = Registry.open(self.folder)
        self.acknowledged: dict[tuple[str, ...], str] = {}  # identity -> code, as returned
        self.out_of_use: set[str] = set()
        self.ever_issued: set[str] = set()

    def active(self) -> list[str]:
        return sorted(set(self.acknowledged.values()) - self.out_of_use)

    @rule(matters=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(SUBS)), min_size=1))
    def assign(self, matters: list[tuple[str, str | None]]) -> None:
        guides = [guide(name, sub) for name, sub in matters]
        try:
            out = self.reg.assign_many(guides)
        except RegistryError as error:
            assert "out of use" in str(error)
            return
        for g in out:
            identity = matter_identity(g.origin, g.matter_type, g.name, g.sub_name)
            code = str(g.catalog_code)
            assert code not in self.out_of_use, "an out-of-use code was handed out"
            if identity not in self.acknowledged:
                self.acknowledged[identity] = code
                if code not in self.ever_issued:
                    self.ever_issued.add(code)
            elif self.acknowledged[identity] != code:
                # Only a merge may send a matter elsewhere.
                assert self.reg.info(self.acknowledged[identity]).merged_into is not None

    @precondition(lambda self: self.active())
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def rename(self, data: st.DataObject, name: str) -> None:
        code = data.draw(st.sampled_from(self.active()))
        try:
            self.reg.rename(code, name, reason="rename")
        except RegistryError as error:
            assert "already used" in str(error)

    @precondition(lambda self: self.active())
    @rule(data=st.data())
    def retire(self, data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(self.active()))
        self.reg.retire(code, reason="retire")
        self.out_of_use.add(code)

    @precondition(lambda self: len(self.active()) >= 2)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        keep, other = data.draw(
            st.lists(st.sampled_from(self.active()), min_size=2, max_size=2, unique=True)
        )
        self.reg.merge(keep, [other], reason="merge")
        self.out_of_use.add(other)

    @precondition(lambda self: self.active())
    @rule(
        data=st.data(), subs=st.lists(st.sampled_from(["一", "二", "三"]), min_size=1, unique=True)
    )
    def split(self, data: st.DataObject, subs: list[str]) -> None:
        code = data.draw(st.sampled_from(self.active()))
        try:
            new = self.reg.split(code, subs, reason="split")
        except RegistryError as error:
            assert "already has a code" in str(error)
            return
        assert not set(new) & self.ever_issued, "a split reissued a code"
        self.ever_issued |= set(new)
        for code_ in new:
            for identity in self.reg.info(code_).identities:
                self.acknowledged[identity] = code_
        self.out_of_use.add(code)

    @rule()
    def reopen(self) -> None:
        self.reg.close()  # a database connection, let go before the next one is made
        self.reg = Registry.open(self.folder)  # the same folder or DSN, never a new one

    @invariant()
    def ledger_verifies(self) -> None:
        self.reg.verify()

    @invariant()
    def acknowledged_codes_survive_reopen(self) -> None:
        with Registry.open(self.folder) as reopened:
            self.check_acknowledged(reopened)

    def check_acknowledged(self, reopened: Registry) -> None:
        assert reopened.head == self.reg.head, "a reopened registry ends elsewhere"
        for identity, code in self.acknowledged.items():
            matter = Matter(
                origin=identity[1],
                matter_type=MatterType(identity[2]),
                name=identity[3],
                sub_name=identity[4] or None,
                legal_basis=(),
                competent_department="部门",
            )
            assert (reopened.info(code).retired is not None) == (code in self.out_of_use)
            if code not in self.out_of_use:
                assert str(reopened.catalog_code_of(matter)) == code
                continue
            try:  # out of use: refused, or (merged) sent to the code it went into
                now = reopened.catalog_code_of(matter)
            except RegistryError:
                continue
            assert str(now) != code and str(now) not in self.out_of_use

    def teardown(self) -> None:
        self.reg.close()


def test_the_registry_keeps_its_promises_under_any_sequence_of_changes(
    locations: Locations,
) -> None:
    class Machine(RegistryMachine):
        new_location = staticmethod(locations.new)

    # The file backend keeps the machine's own 100 examples of 25 steps. Each PostgreSQL
    # example is a new database copied from a template and every step re-reads it: 100
    # examples took 78 s on 2 cores, so PostgreSQL explores 40 (about 30 s here).
    examples = 100 if locations.backend == "file" else 40
    run_state_machine_as_test(
        Machine, settings=settings(max_examples=examples, stateful_step_count=25, deadline=None)
    )
