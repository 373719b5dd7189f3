"""The built-in instruments, with their official wording and scoring. Pure data (no Django).

Version 1 of each is loaded by migration 0002 and must never change here: a change to wording,
options or scoring is a new version (a new migration), because answers keep the version they
were given to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alongside.measures.scoring import (
    CATEGORY,
    SEPARATE,
    SUM,
    Band,
    Definition,
    Item,
    Option,
    Total,
)

ONS4 = "ons4"
LONELINESS = "ons_loneliness"
RELATIONSHIP_CHECK = "relationship_check"

PREFER_NOT = Option(None, "Prefer not to say")

ONS_POSITIVE_BANDS = (
    Band(0, 4, "Low"),
    Band(5, 6, "Medium"),
    Band(7, 8, "High"),
    Band(9, 10, "Very high"),
)
ONS_ANXIETY_BANDS = (
    Band(0, 1, "Very low"),
    Band(2, 3, "Low"),
    Band(4, 5, "Medium"),
    Band(6, 10, "High"),
)


def _zero_to_ten(low: str, high: str) -> tuple[Option, ...]:
    middle = tuple(Option(value, str(value)) for value in range(1, 10))
    return (Option(0, f"0 – {low}"), *middle, Option(10, f"10 – {high}"), PREFER_NOT)


ONS4_DEFINITION = Definition(
    intro=(
        "Next are four questions about your feelings on aspects of your life. "
        "For each, answer on a scale of 0 to 10, where 0 is “not at all” and 10 is “completely”."
    ),
    scoring=SEPARATE,
    items=(
        Item(
            "life_satisfaction",
            "Overall, how satisfied are you with your life nowadays?",
            "Life satisfaction",
            _zero_to_ten("not at all", "completely"),
            bands=ONS_POSITIVE_BANDS,
        ),
        Item(
            "worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile?",
            "Things I do are worthwhile",
            _zero_to_ten("not at all", "completely"),
            bands=ONS_POSITIVE_BANDS,
        ),
        Item(
            "happiness",
            "Overall, how happy did you feel yesterday?",
            "Happiness yesterday",
            _zero_to_ten("not at all", "completely"),
            bands=ONS_POSITIVE_BANDS,
        ),
        Item(
            "anxiety",
            "On a scale where 0 is “not at all anxious” and 10 is “completely anxious”, "
            "overall, how anxious did you feel yesterday?",
            "Anxiety yesterday (lower is better)",
            _zero_to_ten("not at all anxious", "completely anxious"),
            bands=ONS_ANXIETY_BANDS,
        ),
    ),
)

UCLA_OPTIONS = (
    Option(1, "Hardly ever or never"),
    Option(2, "Some of the time"),
    Option(3, "Often"),
    PREFER_NOT,
)

LONELINESS_DEFINITION = Definition(
    intro="These questions are about how you feel about different parts of your life.",
    scoring=SUM,
    items=(
        Item(
            "direct",
            "How often do you feel lonely?",
            "How often I feel lonely",
            (
                Option(1, "Often/always"),
                Option(2, "Some of the time"),
                Option(3, "Occasionally"),
                Option(4, "Hardly ever"),
                Option(5, "Never"),
                PREFER_NOT,
            ),
            kind=CATEGORY,
            reported=False,
        ),
        Item(
            "companionship",
            "How often do you feel that you lack companionship?",
            "Lack companionship",
            UCLA_OPTIONS,
            reported=False,
        ),
        Item(
            "left_out", "How often do you feel left out?", "Left out", UCLA_OPTIONS, reported=False
        ),
        Item(
            "isolated",
            "How often do you feel isolated from others?",
            "Isolated from others",
            UCLA_OPTIONS,
            reported=False,
        ),
    ),
    total=Total(
        items=("companionship", "left_out", "isolated"),
        label="Loneliness score (UCLA 3 items, 3–9, lower is better)",
        higher_is="lonelier",
    ),
)

AGREEMENT = (
    Option(1, "Strongly disagree"),
    Option(2, "Disagree"),
    Option(3, "Neither agree nor disagree"),
    Option(4, "Agree"),
    Option(5, "Strongly agree"),
    PREFER_NOT,
)

RELATIONSHIP_CHECK_DEFINITION = Definition(
    intro=(
        "Thinking about the last time you met us, how much do you agree with each of these? "
        "There are no right or wrong answers."
    ),
    scoring=SEPARATE,
    agree_from=4,
    items=(
        Item(
            "listened",
            "I felt listened to and understood.",
            "Listened to and understood",
            AGREEMENT,
        ),
        Item("not_judged", "I did not feel judged.", "Not judged", AGREEMENT),
        Item("knew_them", "I saw someone I know.", "Saw someone they know", AGREEMENT),
        Item(
            "competent",
            "The person I saw knew what they were doing.",
            "Worker knew what they were doing",
            AGREEMENT,
        ),
        Item("moved_forward", "Things moved forward for me.", "Things moved forward", AGREEMENT),
        Item(
            "safe_to_say",
            "I felt safe to say what is really going on.",
            "Safe to say what is really going on",
            AGREEMENT,
        ),
        Item("had_a_say", "I had a say in what happens.", "Had a say in what happens", AGREEMENT),
    ),
)


@dataclass(frozen=True, slots=True)
class BuiltIn:
    key: str
    name: str
    notice: str
    definition: Definition


BUILT_IN: tuple[BuiltIn, ...] = (
    BuiltIn(
        RELATIONSHIP_CHECK,
        "Alongside Relationship Check",
        "Alongside Relationship Check © the Alongside contributors. Openly licensed under "
        "Creative Commons Attribution 4.0 International (CC BY 4.0): you may use and adapt it, "
        "saying where it came from.",
        RELATIONSHIP_CHECK_DEFINITION,
    ),
    BuiltIn(
        ONS4,
        "ONS4 personal wellbeing",
        "ONS personal well-being questions (ONS4), Office for National Statistics. Contains "
        "public sector information licensed under the Open Government Licence v3.0.",
        ONS4_DEFINITION,
    ),
    BuiltIn(
        LONELINESS,
        "ONS loneliness measures",
        "ONS recommended measures of loneliness (direct question and the three-item UCLA "
        "Loneliness Scale as recommended by ONS), Office for National Statistics. Contains "
        "public sector information licensed under the Open Government Licence v3.0.",
        LONELINESS_DEFINITION,
    ),
)


def load_built_in(instrument_model: Any, version_model: Any) -> None:
    """Create version 1 of each built-in instrument if it is missing (idempotent).

    Used by migration 0002 (with its historical models), and by the browser tests, whose
    database is flushed after each test (a flush removes what migrations loaded).
    """
    from alongside.measures.scoring import to_json

    for built_in in BUILT_IN:
        instrument, _ = instrument_model.objects.get_or_create(
            organisation=None,
            key=built_in.key,
            defaults={
                "name": built_in.name,
                "notice": built_in.notice,
                "licensed_permission_confirmed": True,
            },
        )
        version_model.objects.get_or_create(
            instrument=instrument,
            number=1,
            defaults={"definition_json": to_json(built_in.definition)},
        )
