"""Benchmark of identifiers and codes: USCC validation beside python-stdnum's cn.uscc, and
parsing all four kinds of code.

Run: python bench/codes.py [--quick]
Targets (issue 6): USCC validation >= 2x python-stdnum's is_valid; code parse >= 300,000/s
(codes of a province's agencies; the run also shows codes whose every agency is new).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from stdnum.cn import uscc as stdnum_uscc

sys.path.insert(0, str(Path(__file__).parent))
import synth
from timing import rate

from service_codes import (
    CatalogCode,
    HandlingItemCode,
    ImplementationCode,
    Level,
    MaterialCode,
    MatterType,
    is_valid_uscc,
    parse_code,
)
from service_codes.identifiers import _validate_uscc_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer codes, same output")
    count = 20_000 if parser.parse_args().quick else 200_000
    rnd = random.Random(6)
    usccs = [synth.uscc(rnd.randrange(100), rnd.randrange(10**6)) for _ in range(count)]

    def ours_uncached(code: str) -> bool:
        _validate_uscc_text.cache_clear()  # every code as if never seen
        return is_valid_uscc(code)

    peer = rate(stdnum_uscc.is_valid, usccs)
    # A province names a few thousand agencies over and over: repeated codes hit the cache.
    repeated = usccs[:1000] * (count // 1000)
    cold, warm = rate(ours_uncached, usccs), rate(is_valid_uscc, repeated)
    print(f"USCC  python-stdnum is_valid {peer:>11,.0f}/s")
    print(f"USCC  is_valid_uscc, new codes {cold:>9,.0f}/s ({cold / peer:.1f}x stdnum)")
    print(
        f"USCC  is_valid_uscc, repeated {warm:>10,.0f}/s ({warm / peer:.1f}x stdnum)  target >= 2x"
    )

    # Codes as a province has them: every code distinct, the agencies in them the 4,000 of
    # bench/synth.py's 100 counties of 40 agencies each.
    agencies = [
        synth.uscc(county, agency)
        for county in range(synth.COUNTIES)
        for agency in range(synth.AGENCIES_PER_COUNTY)
    ]
    province = rate(parse_code, codes_of(count, agencies))
    print(f"parse all four kinds, 4,000 agencies {province:>9,.0f}/s  target >= 300,000")

    def parse_uncached(code: str) -> object:
        _validate_uscc_text.cache_clear()  # every USCC as if never seen
        return parse_code(code)

    distinct = rate(parse_uncached, codes_of(count, usccs))
    print(f"parse all four kinds, every agency new {distinct:>7,.0f}/s")


def codes_of(count: int, usccs: list[str]) -> list[str]:
    """``count`` distinct codes, a quarter of each kind, of the agencies ``usccs`` in turn."""
    kinds = list(MatterType)
    codes = []
    for i in range(count):
        catalog = CatalogCode("00", kinds[i % len(kinds)], 1 + i % 99999, i % 1000)
        implementation = ImplementationCode(usccs[i % len(usccs)], Level.COUNTY, catalog)
        item = HandlingItemCode(implementation, 1 + i % 99)
        codes.append(str([catalog, implementation, item, MaterialCode(item, 1 + i % 999)][i % 4]))
    assert len(set(codes)) == count
    return codes


if __name__ == "__main__":
    main()
