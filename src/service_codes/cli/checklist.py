"""``service-codes checklist``: what one applicant needs, told once (一次告知).

The guide's situations are its questions; ``--answer`` gives the option ids an applicant
chose, and the command prints the conditions, materials (with their codes) and fees that
apply to them, and nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service_codes.cli.common import CODELISTS, Say, check_file, lang_option
from service_codes.matter_types import MatterTypes
from service_codes.model import Guide
from service_codes.situations import InvalidAnswers, applicable


def _questions(say: Say, guide: Guide) -> None:
    for situation in guide.situations:
        options = say.join([f"{o.id} ({o.name})" for o in situation.options])
        key = "checklist.question-many" if situation.multiple else "checklist.question"
        say(key, question=situation.question, options=options)


@click.command()
@lang_option
@click.argument("guide", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--answer",
    "answers",
    multiple=True,
    metavar="OPTION",
    help="The id of an option the applicant chose; repeat for each situation.",
)
@CODELISTS
@click.pass_obj
def checklist(say: Say, guide: Path, answers: tuple[str, ...], types: MatterTypes) -> None:
    """Print what applies to one applicant of GUIDE: conditions, materials and fees.

    Without --answer, a guide that has situations lists its questions and their option ids,
    then names those that must be answered (exit 1). Answers that do not fit (an unknown option,
    a required question left open, two answers to a single-choice one) are named (exit 1).

    Example: service-codes checklist registry/guides/food-business-licence-new.json
    --answer company --answer catering --answer self
    """
    checked = check_file(say, guide, types)
    if checked.guide is None:
        for problem in checked.report.problems:
            say.problem(guide, problem)
        sys.exit(1)
    found = checked.guide
    if found.situations and not answers:
        _questions(say, found)
    try:
        chosen = applicable(found, answers)
    except InvalidAnswers as error:
        for problem in error.problems:
            say.problem(guide, problem)
        sys.exit(1)
    say("checklist.heading", name=found.name)
    for condition in chosen.conditions:
        say("checklist.condition", text=condition.text)
    for material in chosen.materials:
        code = str(material.code) if material.code else say.text("checklist.uncoded")
        say("checklist.material", order=material.order, name=material.name, code=code)
    for fee in chosen.fees:
        say("checklist.fee", name=fee.name, standard=fee.standard)
    say(
        "checklist.summary",
        conditions=len(chosen.conditions),
        materials=len(chosen.materials),
        fees=len(chosen.fees),
    )
