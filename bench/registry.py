"""Benchmark of the code registry: open, look-up and batch issue.

Builds a ledger of N events through the public API (a province-like mix: matters
implemented by many agencies, each with its materials), then measures:
- opening it, cold (no snapshot) and warm (with the snapshot the cold open saved);
- look-ups of existing matters, against a bare dict look-up of prepared keys (the floor);
- issuing 100k new codes in one batch (one append, one fsync).

Run: python bench/registry.py [--quick]   (--quick: 100k events, 20k new codes)
Targets (issue 3): open <= 2 s for 1M events, >= 200k look-ups/s, 100k new codes <= 2 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from service_codes import (
    Agency,
    CaseType,
    Guide,
    HandlingForm,
    Level,
    Material,
    MaterialForm,
    MaterialKind,
    MaterialSource,
    Matter,
    MatterType,
    Necessity,
    Registry,
    ServiceObject,
    Step,
    TimeLimit,
    TimeUnit,
)
from service_codes.identifiers import organization_check_character, uscc_check_character
from service_codes.registry import matter_identity

DAY = TimeLimit(value=5, unit=TimeUnit.WORKING_DAY)
MATERIALS_PER_GUIDE = 9
TYPES = list(MatterType)


def uscc(n: int) -> str:
    body = f"{n:08d}"
    first17 = "11610113" + body + organization_check_character(body)
    return first17 + uscc_check_character(first17)


def material(order: int, name: str) -> Material:
    return Material(
        order=order,
        name=name,
        kind=MaterialKind.FORM,
        form=MaterialForm.PAPER,
        necessity=Necessity.REQUIRED,
        source=MaterialSource.APPLICANT,
        originals=1,
        copies=0,
    )


def guide(matter: int, agency: int) -> Guide:
    return Guide(
        name=f"政务服务事项{matter:05d}",
        matter_type=TYPES[matter % len(TYPES)],
        level=Level.COUNTY,
        agency=Agency(name=f"实施机关{agency}", uscc=uscc(agency)),
        competent_department="主管部门",
        legal_basis=(),
        conditions=(),
        steps=(Step(order=1, name="受理", actor="窗口"),),
        legal_limit=DAY,
        promised_limit=DAY,
        service_objects=(ServiceObject.ENTERPRISE,),
        case_type=CaseType.PROMISED,
        handling_forms=(HandlingForm.COUNTER,),
        visits=0,
        place="政务服务中心",
        hours="工作日",
        consultation="12345",
        supervision="12345",
        materials=tuple(
            material(i, f"申请材料{(matter + i) % 40:02d}")
            for i in range(1, MATERIALS_PER_GUIDE + 1)
        ),
    )


def guides_for(codes: int, first_agency: int) -> list[Guide]:
    """Guides that need about ``codes`` new codes: 3000 matters over agencies."""
    per_guide = MATERIALS_PER_GUIDE
    count = codes // per_guide
    return [guide(i % 3000, first_agency + i // 3000) for i in range(count)]


def seconds(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k events, 20k new codes")
    args = parser.parse_args()
    events, batch = (100_000, 20_000) if args.quick else (1_000_000, 100_000)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = Registry.open(folder)
        build = 0.0
        while reg.size < events:
            chunk = guides_for(min(100_000, (events - reg.size) + MATERIALS_PER_GUIDE), reg.size)
            build += seconds(lambda c=chunk: reg.assign_many(c))
        print(
            f"ledger: {reg.size:,} events built in {build:.1f} s ({reg.size / build:,.0f} codes/s)"
        )

        (folder / "codes.snapshot").unlink(missing_ok=True)
        cold = seconds(lambda: Registry.open(folder))
        warm = seconds(lambda: Registry.open(folder))
        print(f"open: cold {cold:.2f} s (no snapshot), warm {warm:.2f} s (snapshot)  target <= 2 s")

        reg = Registry.open(folder)
        rnd = random.Random(1)
        matters = [
            Matter(
                origin="00",
                matter_type=TYPES[m % len(TYPES)],
                name=f"政务服务事项{m:05d}",
                sub_name=None,
                legal_basis=(),
                competent_department="主管部门",
            )
            for m in (rnd.randrange(3000) for _ in range(200_000))
        ]
        looked = seconds(lambda: [reg.catalog_code_of(m) for m in matters])
        keys = [matter_identity(m.origin, m.matter_type, m.name, m.sub_name) for m in matters]
        table = {k: "000100001000" for k in keys}
        floor = seconds(lambda: [table.get(k) for k in keys])
        rate = len(matters) / looked
        print(
            f"look-up: {rate:,.0f} look-ups/s of existing matters  target >= 200,000"
            f"  ({looked / floor:.0f}x a bare dict look-up of prepared keys)"
        )

        new = guides_for(batch, 1_000_000)
        before = reg.size
        issued = seconds(lambda: reg.assign_many(new))
        print(
            f"issue: {reg.size - before:,} new codes in one batch in {issued:.2f} s"
            f" ({(reg.size - before) / issued:,.0f} codes/s)  target: 100k <= 2 s"
        )


if __name__ == "__main__":
    main()
