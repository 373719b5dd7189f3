"""A data lead adds a licensed instrument with reversed questions, subscales and a conversion
table; every bad input gets a message on its own field and nothing is saved; outcomes use it.

Every wording and table here is made up: no licensed instrument's text or table is shipped.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.measures import services
from alongside.measures.baselines import refresh_people
from alongside.measures.models import Instrument, InstrumentVersion, Response, SittingKind
from alongside.measures.queries import outcome_changes
from alongside.measures.scoring import MEAN, SUM, score
from alongside.testing.factories import PersonFactory, SpellFactory

pytestmark = pytest.mark.django_db

# A made-up table: raw 4..20 -> 4.00, 5.37, 6.74 …
TABLE = {raw: round(4 + (raw - 4) * 1.37, 2) for raw in range(4, 21)}


def _table(rows: dict[int, float]) -> str:
    return "\n".join(f"{raw} = {value:.2f}" for raw, value in rows.items())


DATA = {
    "name": "Made-up calm scale",
    "notice": "© Made-up Holder. Used with permission.",
    "permission_confirmed": "on",
    "questions": "I made up question one\nI made up question two\n"
    "I made up question three\nI made up question four",
    "options": "1 = Never\n2 = Rarely\n3 = Sometimes\n4 = Often\n5 = Always",
    "reverse": "2",
    "scoring": "sum",
    "total_questions": "",
    "total_label": "Calm score",
    "total_table": _table(TABLE),
    "total_bands": "4 - 9.99 = Lower\n10 - 26 = Higher",
    "subscales": "Ease = 1, 2\nRest = 3-4",
    "subscale_scoring": "mean",
}


def _post(world, **changes):
    return world.client("dana").post(reverse("measures:add_instrument"), {**DATA, **changes})


def _nothing_saved():
    assert not Instrument.objects.filter(organisation__isnull=False).exists()
    assert not InstrumentVersion.objects.filter(instrument__organisation__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="measures.instrument.added").exists()


def test_data_lead_adds_reversed_items_subscales_and_a_conversion_table(world):
    response = _post(world)
    assert response.status_code == 302
    instrument = Instrument.objects.get(organisation=world.org)
    definition = instrument.versions.get().definition
    assert [item.reverse for item in definition.items] == [False, True, False, False]
    assert definition.total is not None
    assert definition.total.label == "Calm score" and definition.total.combine == SUM
    assert dict(definition.total.table) == TABLE
    assert [(b.low, b.high, b.label) for b in definition.total.bands] == [
        (4, 9.99, "Lower"),
        (10, 26, "Higher"),
    ]
    assert [(s.key, s.label, s.items, s.combine) for s in definition.subscales] == [
        ("scale_ease", "Ease", ("q1", "q2"), MEAN),
        ("scale_rest", "Rest", ("q3", "q4"), MEAN),
    ]
    result = score(definition, {"q1": 4, "q2": 1, "q3": 2, "q4": 3})
    assert result.totals[-1].raw == 4 + 5 + 2 + 3
    assert result.total == TABLE[14] == 17.7 and result.totals[-1].shown == "17.70"
    assert result.total_band == "Higher"
    assert [t.shown for t in result.totals[:2]] == ["4.50", "2.50"]
    event = AuditEvent.objects.get(action="measures.instrument.added")
    assert event.summary["subscales"] == 2 and event.summary["table"] is True

    page = world.client("dana").get(reverse("measures:instruments")).content.decode()
    assert (
        "Calm score: sum of questions 1–4, question 2 reversed, converted by the table you "
        "entered (raw 4 to 20 becomes 4.00 to 25.92). Bands: 4–9.99 Lower; 10–26 Higher."
    ) in page
    assert "Ease: average of questions 1 and 2, question 2 reversed, to 2 decimal places." in page
    assert "Rest: average of questions 3 and 4, to 2 decimal places." in page
    assert "Questions 1–4: each reported on its own." in page  # the built-in ONS4


def test_a_question_in_no_scale_is_fine(world):
    response = _post(
        world,
        reverse="",
        scoring="separate",
        total_table="",
        total_bands="",
        subscales="Ease = 1, 3",
        subscale_scoring="",
    )
    assert response.status_code == 302
    definition = Instrument.objects.get(organisation=world.org).versions.get().definition
    assert definition.total is None
    assert [(s.items, s.combine) for s in definition.subscales] == [(("q1", "q3"), SUM)]
    assert all(item.reported for item in definition.items)


def test_mean_total_over_some_questions(world):
    response = _post(world, scoring="mean", total_questions="1-3", total_table="", subscales="")
    assert response.status_code == 302
    definition = Instrument.objects.get(organisation=world.org).versions.get().definition
    assert definition.total is not None
    assert definition.total.items == ("q1", "q2", "q3") and definition.total.combine == MEAN
    assert score(definition, {"q1": 1, "q2": 2, "q3": 2, "q4": None}).total == 2.33


WITHOUT_7_AND_20 = _table({raw: v for raw, v in TABLE.items() if raw not in (7, 20)})

BAD_INPUT = [
    ("reverse", "9", "There is no question 9: there are 4 questions."),
    ("reverse", "two and five", "Write “two and five” as question numbers, for example: 2, 5"),
    ("total_questions", "0, 5", "There are no questions 0 and 5: there are 4 questions."),
    ("subscales", "Ease = 1, 9", "Ease: there is no question 9: there are 4 questions."),
    ("subscales", "Ease 1 2", "Write “Ease 1 2” as name = question numbers"),
    ("subscales", "Ease = 1\nRest = 2, 2", "Rest: question 2 listed twice."),
    ("subscales", "Ease = 1\nEase = 2", "Give each subscale its own name: “Ease” is used more"),
    (
        "total_table",
        _table(TABLE) + "\n4 = 9.00",
        "Raw total 4 is in the table more than once. Give each raw total one line.",
    ),
    (
        "total_table",
        WITHOUT_7_AND_20,
        "The table needs a line for every possible raw total (4 to 20). Missing: 7 and 20.",
    ),
    (
        "total_table",
        _table({**TABLE, 21: 30.0, 22: 31.0}),
        "These raw totals cannot happen with these questions and answers, so take them out: "
        "21 and 22. Raw totals run from 4 to 20.",
    ),
    ("total_table", "4.5 = 3", "with a whole number for the raw total"),
    ("total_bands", "10 - 5 = Lower", "The band “Lower” starts above where it ends (10 to 5)."),
    ("total_bands", "low = 3", "Write “low = 3” as low–high = words."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT, ids=lambda x: str(x)[:24])
def test_bad_input_gets_a_clear_message_on_its_field_and_nothing_is_saved(
    world, field, value, message
):
    response = _post(world, **{field: value})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert f'href="#id_{field}"' in body and f'id="id_{field}"' in body
    _nothing_saved()


def test_a_conversion_table_needs_a_total_that_adds_up(world):
    response = _post(world, scoring="mean")
    assert response.status_code == 400
    assert response.context["form"].errors["total_table"] == [
        "A conversion table needs a total that adds the answers up. "
        "Choose “Add the answers up”, or leave the table empty."
    ]
    _nothing_saved()


def test_total_parts_need_an_overall_total(world):
    response = _post(world, scoring="separate", total_questions="1-2", subscales="")
    errors = response.context["form"].errors
    assert set(errors) == {"total_questions", "total_table", "total_bands", "reverse"}
    assert errors["total_table"][0].startswith("There is no overall total.")
    assert errors["reverse"][0].startswith("Reversing changes only a total or subscale")
    _nothing_saved()


def test_problems_in_several_fields_are_all_shown(world):
    response = _post(world, permission_confirmed="", reverse="7", subscales="Ease = 8")
    errors = response.context["form"].errors
    assert set(errors) == {"permission_confirmed", "reverse", "subscales"}
    _nothing_saved()


def test_service_refuses_a_table_missing_a_raw_total(world):
    with pytest.raises(services.ValidationError) as refused:
        services.add_instrument(
            by=world.members["dana"],
            name="Made-up scale",
            notice="© Made-up Holder.",
            permission_confirmed=True,
            questions=["Made-up one", "Made-up two"],
            options=[(0, "No"), (1, "Yes")],
            scoring=SUM,
            total_table=[(0, 1.5), (2, 3.5)],
        )
    assert refused.value.message_dict == {
        "total_table": ["The table needs a line for every possible raw total (0 to 2). Missing: 1."]
    }
    _nothing_saved()


# Outcomes and the person's answers with a converted total and a subscale -----------------------


def _respond(person, version, answers, *, author, at):
    response = Response.objects.create(
        organisation=person.organisation,
        person=person,
        version=version,
        mode=SittingKind.LINK,
        author=author,
        about_worker=author,
        completed_at=at,
        answers=answers,
    )
    refresh_people([person.pk])  # written past the services, kept as they keep it
    return response


def test_outcomes_pair_a_converted_total_and_a_subscale(world):
    assert _post(world).status_code == 302
    version = InstrumentVersion.objects.select_related("instrument").get(
        instrument__organisation=world.org
    )
    key = version.instrument.key
    alice = world.user("alice")
    now = timezone.now()
    people = []
    for number in range(6):
        person = PersonFactory(
            team=world.team, given_name=f"Respondent{number}", family_name="Zedwardson"
        )
        SpellFactory(person=person, worker=alice)
        people.append(person)
        # baseline: q2 = 5 reversed counts 1, so raw 4 -> 4.00; Ease and Rest 1.00
        _respond(
            person,
            version,
            {"q1": 1, "q2": 5, "q3": 1, "q4": 1},
            author=alice,
            at=now - timedelta(days=200),
        )
        later = {"q1": 1 + number % 3, "q2": 5, "q3": 2, "q4": 2}
        if number == 5:
            later["q4"] = None  # no total and no Rest, but Ease still counts
        _respond(person, version, later, author=alice, at=now - timedelta(days=5))
    today = timezone.localdate()
    changes = {
        (c.instrument_key, c.measure_key): c
        for c in outcome_changes(world.org.pk, None, today - timedelta(days=365), today)
    }
    total = changes[(key, "total")]
    assert total.label == "Made-up calm scale: Calm score"
    # later raw totals: (1|2|3) + 1 + 2 + 2 = 6, 7, 8, 6, 7 -> converted minus 4.00 at baseline
    expected = [TABLE[raw] - TABLE[4] for raw in (6, 7, 8, 6, 7)]
    assert total.n == 5 and total.mean_change == pytest.approx(sum(expected) / 5)
    assert total.ci_low is not None and total.ci_low < total.mean_change < total.ci_high
    ease = changes[(key, "scale_ease")]
    assert ease.label == "Made-up calm scale: Ease"
    # Ease = mean(q1, 6 - q2): baseline 1.00, later 1.00, 1.50, 2.00, …
    assert ease.n == 6 and ease.mean_change == pytest.approx((0 + 0.5 + 1) * 2 / 6)
    rest = changes[(key, "scale_rest")]
    assert rest.n == 5 and rest.mean_change == pytest.approx(1.0)

    page = world.client("colin").get(reverse("measures:outcomes")).content.decode()
    assert "Made-up calm scale: Calm score" in page and "Made-up calm scale: Ease" in page

    answers = world.client("alice").get(reverse("measures:person_answers", args=[people[1].pk]))
    body = answers.content.decode()
    assert '<td>8.11 <span class="tag">Lower</span>' in body  # raw 7, converted
    assert "<td>1.50</td>" in body  # Ease, mean to 2 places
    assert "<td>2.00</td>" in body  # Rest
    last = world.client("alice").get(reverse("measures:person_answers", args=[people[5].pk]))
    assert "No total: not every question was answered" in last.content.decode()
