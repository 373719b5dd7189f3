"""A team's learning settings and the admin hours its workers record each week."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation, Role
from alongside.access.queries import teams_for
from alongside.audit import actions
from alongside.audit.services import record
from alongside.learning.models import (
    MAX_ADMIN_HOURS,
    AdminTime,
    LearningSettings,
)
from alongside.learning.queries import (
    ADMIN_WEEKS_BACK,
    monday_of,
)
from alongside.learning.services.checks import MAX_AMOUNT, require_worker


def set_learning_settings(
    organisation: Organisation, *, by: Membership, discretion_limit: Any, currency: str
) -> LearningSettings:
    """The data lead sets the per-spend limit and currency. Side effects: one audit event."""
    if by.organisation_id != organisation.pk or by.role != Role.DATA_LEAD:
        raise PermissionError("only the organisation's data lead changes this setting")
    try:
        limit = Decimal(str(discretion_limit))
    except (InvalidOperation, ValueError):
        raise ValidationError({"discretion_limit": _("Enter an amount such as 50.00.")}) from None
    errors: dict[str, str] = {}
    if not limit.is_finite() or limit < 0 or limit > MAX_AMOUNT:
        errors["discretion_limit"] = "Enter an amount of zero or more."
    elif limit != limit.quantize(Decimal("0.01")):
        errors["discretion_limit"] = "Use at most two decimal places."
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = "Enter a three-letter currency code, such as GBP."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings, _created = LearningSettings.objects.get_or_create(organisation=organisation)
        settings.discretion_limit, settings.currency = limit.quantize(Decimal("0.01")), currency
        settings.save()
        record(
            settings,
            action=actions.LEARNING_SETTINGS_CHANGED,
            by=by,
            summary={"discretion_limit": str(settings.discretion_limit), "currency": currency},
        )
    return settings


def record_admin_time(by: Membership, *, team: Any, week: date, hours: Any) -> AdminTime:
    """Record (or correct) the hours a worker spent on admin in one week in one of their teams.

    Side effects: one AdminTime row created or changed; one audit event (week, team, hours).
    """

    require_worker(by, by.organisation_id)
    errors: dict[str, str] = {}
    this_monday = monday_of(timezone.localdate())
    if team is None or not teams_for(by).filter(pk=team.pk).exists():
        errors["team"] = "Choose one of your teams."
    if week.weekday() != 0:
        errors["week"] = "Choose a week (it starts on a Monday)."
    elif week > this_monday:
        errors["week"] = "That week has not started yet."
    elif week < this_monday - timedelta(weeks=ADMIN_WEEKS_BACK):
        errors["week"] = f"Record weeks from the last {ADMIN_WEEKS_BACK} only."
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_ADMIN_HOURS:
        errors["hours"] = f"Enter the hours, from 0 to {MAX_ADMIN_HOURS}."
    elif value != value.quantize(Decimal("0.1")):
        errors["hours"] = "Use at most one decimal place, such as 6.5."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = AdminTime.objects.update_or_create(
            organisation_id=by.organisation_id,
            worker=by.user,
            team=team,
            week=week,
            defaults={"hours": value},
        )
        record(
            row,
            action=actions.LEARNING_ADMIN_TIME_RECORDED,
            by=by,
            summary={
                "week": week.isoformat(),
                "team": team.pk,
                "hours": str(value),
                "created": created,
            },
        )
    return row
