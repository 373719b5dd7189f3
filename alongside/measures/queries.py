"""Reads of measures with visibility built in, and the aggregates the reports call.

Answers (`Response`) are support sphere: a viewer reads them only through `responses_visible_to`,
which applies the support sphere's own role rule (`alongside.support.queries`) and the
safeguarding override. Aggregates read through `for_system` and return only figures, each
withheld (None) when fewer than 5 people contribute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from alongside.access.models import Membership, Role
from alongside.common.links import hash_token
from alongside.common.spheres import SphereQuerySet
from alongside.common.suppression import enough
from alongside.measures.builtins import RELATIONSHIP_CHECK
from alongside.measures.models import (
    Instrument,
    InstrumentVersion,
    MeasureBaseline,
    Response,
    Schedule,
    Sitting,
)
from alongside.measures.outcome_sums import Measured, outcome_moments
from alongside.measures.scoring import (
    SCORE,
    Definition,
    Item,
    MeasureScorer,
    Scored,
    from_json,
    score,
)
from alongside.measures.stats import Moments, change_of, correlation_of, merged, moments_of
from alongside.people.models import Person
from alongside.relationships.models import Contact
from alongside.relationships.shares import shares_sql
from alongside.visibility.overrides import overridden_person_ids, overrides_person
from alongside.visibility.people import works_with
from alongside.visibility.support import coordinates, own_role_q

# Visibility -----------------------------------------------------------------------------------


def responses_visible_to(membership: Membership | None) -> SphereQuerySet:
    """Answers this membership may read, now: the support sphere's role rule (supporters: people
    they work with and answers they collected; volunteers: answers they collected; coordinators:
    their team, or the organisation without a team) and a safeguarding lead's override in force.
    Data leads, funder viewers and assessors read none."""
    responses: SphereQuerySet = Response.objects.scoped()
    if membership is None or not membership.is_active:
        return responses.none()
    allowed = own_role_q(membership)
    if membership.role == Role.SAFEGUARDING_LEAD:
        override = Q(person_id__in=overridden_person_ids(membership))
        allowed = override if allowed is None else allowed | override
    if allowed is None:
        return responses.none()
    return responses.filter(allowed, organisation_id=membership.organisation_id)


def may_read_answers(membership: Membership | None, person: Person) -> bool:
    """Whether the person's answers page is for this membership (it may still show only some)."""
    if membership is None or not membership.is_active:
        return False
    if membership.organisation_id != person.organisation_id:
        return False
    if membership.role in (Role.SUPPORTER, Role.VOLUNTEER):
        return works_with(membership, person)
    if membership.role == Role.COORDINATOR:
        return coordinates(membership, person)
    if membership.role == Role.SAFEGUARDING_LEAD:
        return overrides_person(membership, person.pk)
    return False


# Instruments ------------------------------------------------------------------------------------


def instruments_for(organisation_id: int) -> QuerySet[Instrument]:
    """Built-in instruments and the organisation's own (only once permission is confirmed)."""
    return Instrument.objects.filter(
        Q(organisation__isnull=True)
        | Q(organisation_id=organisation_id, licensed_permission_confirmed=True)
    ).order_by("-organisation_id", "name")


def current_versions(organisation_id: int) -> list[InstrumentVersion]:
    """The newest version of every instrument the organisation may use, Relationship Check first."""
    instruments = instruments_for(organisation_id)
    versions = InstrumentVersion.objects.filter(instrument__in=instruments).select_related(
        "instrument"
    )
    newest: dict[int, InstrumentVersion] = {}
    for version in versions:
        seen = newest.get(version.instrument_id)
        if seen is None or version.number > seen.number:
            newest[version.instrument_id] = version

    def order(version: InstrumentVersion) -> tuple[int, int, str]:
        builtin = version.instrument.organisation_id is None
        return (version.instrument.key != RELATIONSHIP_CHECK, not builtin, version.instrument.name)

    return sorted(newest.values(), key=order)


def sitting_for_token(token: str) -> Sitting | None:
    """The sitting a one-time link opens, whatever its state (the view says used or expired)."""
    if not token or len(token) > 100:
        return None
    return (
        Sitting.objects.filter(token_hash=hash_token(token))
        .select_related("person", "organisation", "created_by")
        .first()
    )


def sitting_for_worker(membership: Membership | None, sitting_id: int) -> Sitting | None:
    """A kiosk or read-out sitting, only for the worker who started it."""
    if membership is None or not membership.is_active:
        return None
    return (
        Sitting.objects.filter(
            pk=sitting_id,
            organisation_id=membership.organisation_id,
            created_by_id=membership.user_id,
            token_hash__isnull=True,
        )
        .select_related("person", "organisation", "created_by")
        .first()
    )


def sitting_versions(sitting: Sitting) -> list[InstrumentVersion]:
    versions = sitting.versions.select_related("instrument")
    return sorted(
        versions, key=lambda v: (v.instrument.key != RELATIONSHIP_CHECK, v.instrument.name)
    )


# One person ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoredResponse:
    response: Response
    instrument: Instrument
    definition: Definition
    scored: Scored


def scored(responses: Iterable[Response]) -> list[ScoredResponse]:
    found = []
    for response in responses:
        version = response.version
        found.append(
            ScoredResponse(
                response,
                version.instrument,
                version.definition,
                score(version.definition, response.answers),
            )
        )
    return found


def person_responses(membership: Membership | None, person: Person) -> list[ScoredResponse]:
    """Every answer of this person the membership may read, newest first. Caller audits the read."""
    rows = (
        responses_visible_to(membership)
        .filter(person_id=person.pk)
        .select_related("version__instrument", "author")
        .order_by("-completed_at", "-id")
    )
    return scored(rows)


def latest_per_instrument(rows: list[ScoredResponse]) -> list[ScoredResponse]:
    seen: set[int] = set()
    latest = []
    for row in rows:
        if row.instrument.pk not in seen:
            seen.add(row.instrument.pk)
            latest.append(row)
    return latest


@dataclass(frozen=True, slots=True)
class Due:
    baseline_due: bool
    review_due: bool
    last_answered: date | None
    next_review: date | None


def due_for(person: Person, *, today: date | None = None) -> Due:
    """Whether the person is due a baseline (contacts, no answers yet) or a review (the
    organisation's schedule: every N weeks and/or after N contacts). Reads dates only."""

    today = today or timezone.localdate()
    dates = list(
        Response.objects.for_system("due dates: when they last answered, never what")
        .filter(person_id=person.pk)
        .order_by("completed_at")
        .values_list("completed_at", flat=True)
    )
    contacts = Contact.objects.filter(person_id=person.pk)
    if not dates:
        return Due(contacts.exists(), False, None, None)
    last = dates[-1]
    schedule = Schedule.objects.filter(organisation_id=person.organisation_id).first()
    every = schedule.review_every_weeks if schedule else 12
    after = schedule.review_after_contacts if schedule else None
    next_review = timezone.localdate(last) + timedelta(weeks=every) if every else None
    due = next_review is not None and next_review <= today
    if after and contacts.filter(at__gt=last).count() >= after:
        due = True
    return Due(False, due, timezone.localdate(last), next_review)


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    person: Person
    latest: ScoredResponse
    answers: int


def my_feedback(membership: Membership) -> list[FeedbackRow]:
    """The Relationship Check answers about this worker, latest per person. Caller audits."""
    rows = (
        responses_visible_to(membership)
        .filter(about_worker_id=membership.user_id, version__instrument__key=RELATIONSHIP_CHECK)
        .select_related("version__instrument", "person")
        .order_by("-completed_at", "-id")
    )
    by_person: dict[int, list[Response]] = defaultdict(list)
    for response in rows:
        by_person[response.person_id].append(response)
    found = [
        FeedbackRow(responses[0].person, scored(responses[:1])[0], len(responses))
        for responses in by_person.values()
    ]
    return sorted(found, key=lambda row: row.latest.response.completed_at, reverse=True)


# Aggregates (for teams, reports and the scorecard) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    instrument_key: str
    measure_key: str
    label: str
    n: int
    """People with a baseline and a later answer in the period (show through `shown`)."""
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True, slots=True)
class ConditionSummary:
    code: str
    label: str
    n: int
    mean: float | None
    share_agreeing: float | None
    """0..1, or None when fewer than 5 answered."""


@dataclass(frozen=True, slots=True)
class RelationshipCheckSummary:
    responses: int
    people: int
    conditions: list[ConditionSummary]


@dataclass(frozen=True, slots=True)
class Association:
    label: str
    n: int
    r: float | None
    ci_low: float | None
    ci_high: float | None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return since, until


# Baseline rows (decision 0108): read by `baselines` to write them, and here for the answers
# after a period's end.


class Scorers:
    """Each answer's measures (`MeasureScorer`), each version's scorer made once and the same
    answers to the same version scored once (answers repeat: scales are short). None for an
    answer that cannot be scored (off its scale): it pairs with nothing."""

    def __init__(self, version_model: Any = InstrumentVersion) -> None:
        self.version_model = version_model
        self.scorers: dict[int, MeasureScorer] = {}
        self.found: dict[tuple[int, tuple[tuple[str, Any], ...]], dict[str, float] | None] = {}

    def load(self, version_ids: Iterable[int]) -> None:
        wanted = set(version_ids) - self.scorers.keys()
        if wanted:
            for pk, data in self.version_model.objects.filter(pk__in=wanted).values_list(
                "pk", "definition_json"
            ):
                self.scorers[pk] = MeasureScorer(from_json(data))

    def __call__(self, version_id: int, answers: dict[str, Any]) -> dict[str, float] | None:
        key = (version_id, tuple(answers.items()))
        if key not in self.found:
            self.load([version_id])
            try:
                self.found[key] = self.scorers[version_id](answers)
            except ValueError:
                self.found[key] = None
        return self.found[key]


def first_and_last(answers: Any) -> Any:
    """Of these answers (a queryset), each person's first and last answer to each instrument in
    (completed_at, id) order, numbered from both ends by the database: rows of (id,
    organisation_id, person_id, version_id, instrument_id, completed_at, answers, first, last)."""
    each = [F("person_id"), F("version__instrument_id")]
    return (
        answers.order_by()
        .annotate(
            first=Window(RowNumber(), partition_by=each, order_by=[F("completed_at"), F("id")]),
            last=Window(
                RowNumber(), partition_by=each, order_by=[F("completed_at").desc(), F("id").desc()]
            ),
        )
        .filter(Q(first=1) | Q(last=1))
        .values_list(
            "id",
            "organisation_id",
            "person_id",
            "version_id",
            "version__instrument_id",
            "completed_at",
            "answers",
            "first",
            "last",
        )
    )


@dataclass(slots=True)
class _Pairs:
    """Per person and measure: baseline value and latest value in the period."""

    labels: dict[tuple[str, str], str]
    changes: dict[tuple[str, str], dict[int, tuple[float, float]]]
    checks: dict[int, dict[str, float]] = field(default_factory=dict)
    """Per person, the measures of their last Relationship Check answer in the period."""


_WHY = "aggregate figures, suppressed under 5 people"


class _JsonNumber(Func):
    """One key's number in a JSON object column, read by the database (no JSON reaches Python):
    NULL when the key is absent or its value is JSON null, as `mapping.get(key)` is None."""

    def __init__(self, column: str, key: str, *, whole: bool = False) -> None:
        super().__init__(F(column), output_field=IntegerField() if whole else FloatField())
        self.key = key
        self.whole = whole

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({column}, %s)", (*params, f'$."{self.key}"')

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        column, params = compiler.compile(self.source_expressions[0])
        kind = "integer" if self.whole else "double precision"
        return f"(({column} ->> %s))::{kind}", (*params, self.key)


def _raw(rows: Any) -> Iterator[tuple[Any, ...]]:
    """A `values_list` queryset's rows as the database driver gives them, a batch at a time:
    plain numbers need none of Django's per-value converters."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def _measured(organisation_id: int) -> tuple[dict[tuple[str, str], str], Measured]:
    """The labels of every (instrument key, measure key) the figures show, and per instrument
    the measure keys it gives them (each pair from the first instrument that has it)."""
    labels: dict[tuple[str, str], str] = {}
    measured: Measured = {}
    for version in current_versions(organisation_id):
        key = version.instrument.key
        measured[version.instrument_id] = (key, [])
        for measure_key, measure_label in version.definition.measures():
            if (key, measure_key) not in labels:
                measured[version.instrument_id][1].append(measure_key)
            labels[(key, measure_key)] = f"{version.instrument.name}: {measure_label}"
    return labels, measured


def _baseline_rows(
    organisation_id: int, team_id: int | None, since: datetime, until: datetime
) -> Any:
    rows = MeasureBaseline.objects.for_system(_WHY).filter(
        organisation_id=organisation_id, latest_at__gte=since, first_at__lt=until
    )
    if team_id is not None:
        rows = rows.filter(person__team_id=team_id)
    return rows


def _pairs(organisation_id: int, team_id: int | None, start: date, end: date) -> _Pairs:
    """Per person and measure, the baseline (their first answer to the instrument ever) and their
    latest answer before the period's end when it is in the period and is not the baseline, in
    (completed_at, id) order, from the maintained baseline rows (decision 0108): one row per
    person and instrument whose latest answer is in the period, each measure's two numbers read
    out of the row by the database. Only for a person who has answered again since the period
    ended are their answers in the period read (and scored), to find the last one before the
    end. The figures sum these pairs in the database (`outcome_sums`, decision 0117); this is
    what they are tested against."""
    since, until = _bounds(start, end)
    labels, measured = _measured(organisation_id)
    rows = _baseline_rows(organisation_id, team_id, since, until)
    changes: dict[tuple[str, str], dict[int, tuple[float, float]]] = defaultdict(dict)
    checks: dict[int, dict[str, float]] = {}
    in_period = rows.filter(latest_at__lt=until)
    for instrument_id, (key, measures) in measured.items():
        if not measures:
            continue
        numbers: dict[str, Any] = {}
        for number, measure_key in enumerate(measures):
            numbers[f"b{number}"] = _JsonNumber("first_measures", measure_key)
            numbers[f"a{number}"] = _JsonNumber("latest_measures", measure_key)
        found = (
            in_period.filter(instrument_id=instrument_id)
            .annotate(
                **numbers,
                again=ExpressionWrapper(Q(latest_id=F("first_id")), output_field=BooleanField()),
            )
            .values_list("person_id", "again", *numbers)
        )
        for person_id, again, *values in _raw(found):
            if key == RELATIONSHIP_CHECK:
                checks[person_id] = {
                    measure_key: after
                    for measure_key, after in zip(measures, values[1::2], strict=True)
                    if after is not None
                }
            if again:  # the latest is the baseline: no change to measure
                continue
            for measure_key, before, after in zip(
                measures, values[0::2], values[1::2], strict=True
            ):
                if before is not None and after is not None:
                    changes[(key, measure_key)][person_id] = (before, after)
    later = _later_pairs(organisation_id, since, until, rows, measured)
    for pair, people in later.changes.items():
        changes[pair].update(people)
    checks.update(later.checks)
    return _Pairs(labels, changes, checks)


def _later_pairs(
    organisation_id: int, since: datetime, until: datetime, rows: Any, measured: Measured
) -> _Pairs:
    """The pairs of the people who have answered an instrument again since the period ended
    (`rows`: the period's baseline rows): their last answer in the period, scored here, paired
    with their baseline. Few for a recent period; most people for one long past.

    One query: each later baseline row beside its person's last answer to that instrument in the
    period (a window numbering the answers of the later people from the end), only the rows
    that have one; the JSON is decoded here, for those rows only."""
    changes: dict[tuple[str, str], dict[int, tuple[float, float]]] = defaultdict(dict)
    checks: dict[int, dict[str, float]] = {}
    later = rows.filter(latest_at__gte=until)
    each = [F("person_id"), F("version__instrument_id")]
    last_sql, last_params = (
        Response.objects.for_system(_WHY)
        .filter(
            organisation_id=organisation_id,
            completed_at__gte=since,
            completed_at__lt=until,
            person_id__in=later.values("person_id"),
        )
        .order_by()
        .annotate(
            last=Window(
                RowNumber(), partition_by=each, order_by=[F("completed_at").desc(), F("id").desc()]
            )
        )
        .filter(last=1)
        .values_list("id", "person_id", "version_id", "version__instrument_id", "answers")
        .query.sql_with_params()
    )
    later_sql, later_params = (
        later.order_by()
        .values_list("person_id", "instrument_id", "first_id", "first_measures")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.person_id, a.version_id, b.instrument_id, a.answers, b.first_id,"  # noqa: S608 - the ORM's SQL, values are parameters
            f" b.first_measures FROM ({last_sql}) AS a INNER JOIN ({later_sql}) AS b"
            " ON b.person_id = a.person_id AND b.instrument_id = a.version__instrument_id",
            [*last_params, *later_params],
        )
        found = cursor.fetchall()
    if not found:
        return _Pairs({}, changes, checks)
    answers_field = Response._meta.get_field("answers")
    measures_field = MeasureBaseline._meta.get_field("first_measures")
    scorers = Scorers()
    scorers.load({row[2] for row in found})
    for answer_id, person_id, version_id, instrument_id, given, first_id, before in found:
        given = answers_field.from_db_value(given, answers_field.cached_col, connection)
        after = scorers(version_id, given)
        key, measures = measured.get(instrument_id, ("", []))
        if after is None:
            continue
        if key == RELATIONSHIP_CHECK:
            checks[person_id] = {m: after[m] for m in measures if m in after}
        if answer_id == first_id:
            continue
        before = measures_field.from_db_value(before, measures_field.cached_col, connection)
        if before is None:
            continue
        for measure_key in measures:
            if measure_key in before and measure_key in after:
                changes[(key, measure_key)][person_id] = (
                    before[measure_key],
                    after[measure_key],
                )
    return _Pairs({}, changes, checks)


def outcome_changes(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> list[OutcomeChange]:
    """Paired change from each person's baseline to their latest answer in the period, for every
    measure (each ONS4 item, the UCLA total, each Relationship Check item, and the organisation's
    own instruments). Figures are None when fewer than 5 people have both."""
    return _summed(organisation_id, team_id, start, end).changes


def _check_version(organisation_id: int) -> InstrumentVersion | None:
    return next(
        (v for v in current_versions(organisation_id) if v.instrument.key == RELATIONSHIP_CHECK),
        None,
    )


def relationship_check_summary(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> RelationshipCheckSummary:
    """How the relationship feels, across the team: per condition the mean (1-5) and the share
    agreeing, missing answers left out per item. Everything is None under 5 people; counts are
    plain ints for the caller to show through `suppression.shown`. One query of aggregates over
    the period's answers (each item's value read from the answers in the database), the same
    figures as `scoring.summarise` over the answers (decision 0108)."""
    since, until = _bounds(start, end)
    version = _check_version(organisation_id)
    answers = Response.objects.for_system(_WHY).filter(
        organisation_id=organisation_id,
        completed_at__gte=since,
        completed_at__lt=until,
        version__instrument__key=RELATIONSHIP_CHECK,
    )
    if team_id is not None:
        answers = answers.filter(person__team_id=team_id)
    items = [] if version is None else _summarised_items(version.definition)
    agree_from = None if version is None else version.definition.agree_from
    # Each item's value is read out of the answer's JSON once per answer, into a materialised
    # set of rows, and counted there (read once per aggregate, it was 0.33 s of CPU against
    # 0.19 s for a year of the 100k demo on SQLite).
    values_sql, values_params = (
        answers.order_by()
        .annotate(
            **{
                f"v{number}": _JsonNumber("answers", item.code, whole=True)
                for number, item in enumerate(items)
            }
        )
        .values_list("id", "person_id", *(f"v{number}" for number in range(len(items))))
        .query.sql_with_params()
    )
    names = ["responses", "people"]
    figures = ["COUNT(a.id)", "COUNT(DISTINCT a.person_id)"]
    figure_params: list[Any] = []
    for number in range(len(items)):
        value = f"a.v{number}"
        names += [f"n{number}", f"sum{number}"]
        figures += [f"COUNT({value})", f"SUM({value})"]
        if agree_from is not None:
            names.append(f"agree{number}")
            figures.append(f"COUNT(CASE WHEN {value} >= %s THEN {value} END)")
            figure_params.append(agree_from)
        names.append(f"people{number}")
        figures.append(f"COUNT(DISTINCT CASE WHEN {value} IS NOT NULL THEN a.person_id END)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH a AS MATERIALIZED ({values_sql}) SELECT {', '.join(figures)} FROM a",  # noqa: S608 - the ORM's SQL; values are parameters
            [*values_params, *figure_params],
        )
        found = dict(zip(names, cursor.fetchone(), strict=True))
    responses, people = found["responses"], found["people"]
    if version is None:
        return RelationshipCheckSummary(responses, people, [])
    show_any = enough(people)
    conditions = []
    for number, item in enumerate(items):
        n = found[f"n{number}"]
        show = show_any and enough(found[f"people{number}"])
        mean = float(found[f"sum{number}"]) / n if n else None
        share = found.get(f"agree{number}", 0) / n if n else None
        conditions.append(
            ConditionSummary(
                item.code,
                item.label,
                n,
                mean if show else None,
                share if show else None,
            )
        )
    return RelationshipCheckSummary(responses, people, conditions)


def _summarised_items(definition: Definition) -> list[Item]:
    """The items `scoring.summarise` reports: scored and reported."""
    return [item for item in definition.items if item.kind == SCORE and item.reported]


def continuity_associations(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> list[Association]:
    """Pearson r (Fisher 95% interval) between each person's named-worker share of contacts in
    the period and (a) their change in each outcome, (b) their latest Relationship Check answers.
    An association, not a cause. None under 5 people."""
    return _summed(organisation_id, team_id, start, end).associations


@dataclass(frozen=True, slots=True)
class _Summed:
    changes: list[OutcomeChange]
    associations: list[Association]


def _summed(organisation_id: int, team_id: int | None, start: date, end: date) -> _Summed:
    """The outcome changes and the continuity associations from sums made in the database over
    the period's baseline rows (`outcome_sums`, decision 0117), with the pairs of the people who
    answered again after the period (`_later_pairs`, in Python) added to them."""
    since, until = _bounds(start, end)
    labels, measured = _measured(organisation_id)
    version = _check_version(organisation_id)
    summed = outcome_moments(
        organisation_id,
        team_id,
        start=start,
        end=end,
        since=since,
        until=until,
        measured=measured,
        check_instrument_id=None if version is None else version.instrument_id,
    )
    rows = _baseline_rows(organisation_id, team_id, since, until)
    later = _later_pairs(organisation_id, since, until, rows, measured)
    share: dict[int, float] = {}
    if later.changes or later.checks:  # their shares, the people named by a subquery
        share = _shares_of(
            organisation_id,
            start,
            end,
            rows.filter(latest_at__gte=until).order_by().values("person_id"),
        )
    changes = []
    associations = []
    for pair, label in labels.items():
        values = later.changes.get(pair, {})
        differences = [after - before for before, after in values.values()]
        moments = merged(
            summed.changes.get(pair, Moments()), moments_of([0.0] * len(values), differences)
        )
        change = change_of(moments)
        changes.append(
            OutcomeChange(
                pair[0], pair[1], label, change.n, change.mean, change.ci_low, change.ci_high
            )
        )
        if pair[0] == RELATIONSHIP_CHECK:
            continue
        linked = [pid for pid in values if pid in share]
        result = correlation_of(
            merged(
                summed.with_share.get(pair, Moments()),
                moments_of(
                    [share[pid] for pid in linked],
                    [values[pid][1] - values[pid][0] for pid in linked],
                ),
            )
        )
        associations.append(
            Association(
                f"Continuity and change in {label}",
                result.n,
                result.r,
                result.ci_low,
                result.ci_high,
            )
        )
    if version is not None:
        for item in version.definition.items:
            points = [
                (share[pid], measures[item.code])
                for pid, measures in later.checks.items()
                if pid in share and item.code in measures
            ]
            result = correlation_of(
                merged(
                    summed.checks.get(item.code, Moments()),
                    moments_of([p[0] for p in points], [p[1] for p in points]),
                )
            )
            associations.append(
                Association(
                    f"Continuity and “{item.label}” (Relationship Check)",
                    result.n,
                    result.r,
                    result.ci_low,
                    result.ci_high,
                )
            )
    return _Summed(changes, associations)


def _shares_of(organisation_id: int, start: date, end: date, people: Any) -> dict[int, float]:
    """The named-worker share over the period's local days of each of `people` (a queryset of
    person ids) with a named worker considered: the share `continuity_over_days` gives, from the
    two sums `outcome_sums` reads (`shares_sql`), each part from those people's own rows."""
    try:
        chosen = people.query.sql_with_params()
    except EmptyResultSet:  # a query Django knows finds no one (`pk__in=[]`)
        return {}
    query, params = shares_sql(organisation_id, start, end + timedelta(days=1), people=chosen)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {person: matched / considered for person, matched, considered, _ in cursor}


@dataclass(frozen=True, slots=True)
class OutcomeFigures:
    relationship_check: RelationshipCheckSummary
    changes: list[OutcomeChange]
    associations: list[Association]


def outcome_figures(
    organisation_id: int, team_id: int | None, start: date, end: date
) -> OutcomeFigures:
    """`relationship_check_summary`, `outcome_changes` and `continuity_associations` together,
    the changes and the associations summed in one query (decision 0117)."""
    summed = _summed(organisation_id, team_id, start, end)
    return OutcomeFigures(
        relationship_check_summary(organisation_id, team_id, start, end),
        summed.changes,
        summed.associations,
    )


def team_scope(membership: Membership) -> int | None:
    """The team a coordinator's aggregates cover: their own, or None (organisation) without one."""
    return membership.team_id
