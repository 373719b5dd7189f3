"""Test helpers: versions by key, answers written straight to storage (for reads and aggregates)."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from alongside.measures.baselines import refresh_people
from alongside.measures.models import InstrumentVersion, Response, SittingKind

RC_ALL_AGREE = {
    "listened": 5,
    "not_judged": 4,
    "knew_them": 4,
    "competent": 5,
    "moved_forward": 4,
    "safe_to_say": 5,
    "had_a_say": 4,
}
ONS4_ANSWERS = {"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 4}


def version(key: str) -> InstrumentVersion:
    return InstrumentVersion.objects.select_related("instrument").get(
        instrument__key=key, instrument__organisation__isnull=True, number=1
    )


def answered(
    person: Any,
    key: str,
    answers: dict[str, int | None],
    *,
    author: Any,
    at: datetime | None = None,
    about: Any = None,
) -> Response:
    response: Response = Response.objects.create(
        organisation=person.organisation,
        person=person,
        version=version(key),
        mode=SittingKind.LINK,
        author=author,
        about_worker=about or author,
        completed_at=at or timezone.now(),
        answers=answers,
    )
    refresh_people([person.pk])  # as the services do
    return response


def form_data(key: str, answers: dict[str, int | None]) -> dict[str, str]:
    return {
        f"{key}-{code}": "prefer_not" if value is None else str(value)
        for code, value in answers.items()
    }
