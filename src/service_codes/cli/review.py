"""``service-codes review``: the confidentiality review (保密审查) of what a catalogue publishes."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from service_codes.cli.build import CATALOGUE
from service_codes.cli.common import Say, fail, io_failure, lang_option
from service_codes.errors import InvalidReview
from service_codes.review import Finding, review_catalogue


def say_findings(say: Say, catalogue: Path, findings: Iterable[Finding]) -> None:
    """Each open finding at its guide file and pointer, with the digest a waiver names."""
    for finding in findings:
        file = catalogue / "guides" / f"{finding.guide}.json"
        what = finding.message_zh if say.lang == "zh" else finding.message
        say("review.finding", file=file, pointer=finding.pointer, what=what, digest=finding.digest)


@click.command("review")
@lang_option
@CATALOGUE
@click.pass_obj
def review(say: Say, catalogue: Path) -> None:
    """Find personal data and secrecy marks in what CATALOGUE publishes (保密审查).

    Every text of every published guide (as published: withheld fields left out) is searched
    for resident identity numbers with a valid check digit, mobile numbers, bank card numbers
    (Luhn), e-mail addresses and the marks 绝密, 机密, 秘密, 内部, 涉密. Mobile numbers and
    e-mail addresses in the consultation and supervision fields, and those listed under
    [public] in CATALOGUE/review.toml, are the agency's published contacts, not findings.
    Each open finding is printed with the digest of its field's text: a [[waiver]] in
    review.toml naming the guide, pointer and that digest, a reason and a reviewer clears
    it until the text changes. Exit 1 while a finding is open or a guide does not read.

    Example: service-codes review registry
    """
    guides = catalogue / "guides"
    try:
        found = review_catalogue(catalogue)
    except InvalidReview as error:
        fail(say, error, 1)
    except OSError as error:
        raise io_failure(say, "io.cannot-read", Path(error.filename or catalogue), error) from None
    for stem, invalid in found.unreadable:
        say("review.unreadable", file=guides / f"{stem}.json", message=say.error(invalid))
    say_findings(say, catalogue, found.open)
    for waiver in found.lapsed:
        file = guides / f"{waiver.guide}.json"
        say("review.lapsed", file=file, pointer=waiver.pointer, reviewer=waiver.reviewer)
    say(
        "review.summary",
        guides=found.guides,
        unpublished=len(found.unpublished),
        findings=len(found.open),
        waived=len(found.waived),
    )
    if found.open or found.unreadable:
        sys.exit(1)
