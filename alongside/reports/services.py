"""Writes for the learning report: stories shared with agreement, team learning, the hour rate.

Each runs in one transaction with an audit event (ids and field names only, never the words).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation, Team
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import Person
from alongside.reports.models import ReportSettings, Story, TeamLearning

MAX_STORY = 3000


def record_story(
    person: Person, *, by: Membership, in_their_words: str, told_on: date, agreed_to_share: bool
) -> Story:
    """Keep a story the person agreed to share, without their name, in learning reports."""
    errors: dict[str, str] = {}
    words = in_their_words.strip()
    if not agreed_to_share:
        errors["agreed_to_share"] = (
            "Only keep a story for reports when they have agreed to share it."
        )
    if not words:
        errors["in_their_words"] = "Write their story in their words."
    elif len(words) > MAX_STORY:
        errors["in_their_words"] = f"Keep it under {MAX_STORY} characters."
    if told_on > timezone.localdate():
        errors["told_on"] = "The day they told it can't be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        story = Story.objects.create(
            organisation_id=person.organisation_id,
            team_id=person.team_id,
            person=person,
            in_their_words=words,
            told_on=told_on,
            agreed_to_share=True,
            recorded_by=by.user,
        )
        record(story, action=actions.REPORTS_STORY_RECORDED, by=by)
    return story


def withdraw_story(story: Story, *, by: Membership) -> None:
    """The person changed their mind: the story leaves every report made from now on."""
    with transaction.atomic():
        current = Story.objects.select_for_update().get(pk=story.pk)
        if current.withdrawn_at is not None:
            raise ValidationError({"story": _("This story was withdrawn already.")})
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        record(current, action=actions.REPORTS_STORY_WITHDRAWN, by=by)


def write_learning(
    team: Team,
    *,
    by: Membership,
    period_start: date,
    period_end: date,
    learned: str,
    will_change: str,
) -> TeamLearning:
    errors: dict[str, str] = {}
    if period_end < period_start:
        errors["period_end"] = "The end must be on or after the start."
    if not learned.strip():
        errors["learned"] = "Say what the team learned."
    if not will_change.strip():
        errors["will_change"] = "Say what the team will change (or keep doing, and why)."
    if team.organisation_id != by.organisation_id:
        errors["team"] = "Choose a team of this organisation."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = TeamLearning.objects.create(
            organisation_id=team.organisation_id,
            team=team,
            period_start=period_start,
            period_end=period_end,
            learned=learned.strip(),
            will_change=will_change.strip(),
            written_by=by.user,
        )
        record(entry, action=actions.REPORTS_LEARNING_WRITTEN, by=by, summary={"team": team.pk})
    return entry


def set_volunteer_hour_rate(organisation: Organisation, *, by: Membership, rate: Decimal) -> None:
    if rate < 0 or rate > Decimal("1000"):
        raise ValidationError({"volunteer_hour_rate": _("Enter an amount from £0 to £1,000.")})
    with transaction.atomic():
        settings, _created = ReportSettings.objects.get_or_create(organisation=organisation)
        settings.volunteer_hour_rate = rate.quantize(Decimal("0.01"))
        settings.save(update_fields=["volunteer_hour_rate"])
        record(
            settings,
            action=actions.REPORTS_SETTINGS_CHANGED,
            by=by,
            summary={"volunteer_hour_rate": str(settings.volunteer_hour_rate)},
        )
