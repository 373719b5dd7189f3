"""The referrals part of the REST API: a referral partner sends someone in, and reads back the
outcome, with its key in the `X-Partner-Key` header (no session, so no CSRF cookie).

A missing, wrong or switched-off key is a 404, like every refusal here; requests are counted
through `common.links.rate_limited` (a known key against itself, an unknown one against the
caller's address) and a caller over the limit gets 429. The outcome is only "waiting",
"accepted" or "not_suitable": never anything about the person.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StringConstraints

from alongside.common import links
from alongside.people.api import ERRORS, NO_NUL, ErrorOut, ObjectId
from alongside.referrals import services
from alongside.referrals.models import Partner, ReferralIn

router = Router(tags=["referrals"])

NeedCode = Literal[
    "money", "housing", "food", "mental_health", "connection", "health", "forms", "other"
]
OutcomeCode = Literal["waiting", "accepted", "not_suitable"]
PartnerKeyHeader = Annotated[str, Header("", alias="X-Partner-Key", max_length=200)]


Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]
Text100 = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]
Text60 = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]
Phone = Annotated[str, StringConstraints(max_length=30, pattern=NO_NUL)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL)]
Postcode = Annotated[str, StringConstraints(max_length=10, pattern=NO_NUL)]
Reason = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]


class ReferralInIn(Schema):
    given_name: Name
    family_name: Text100 = ""
    phone: Phone = ""
    email: Email = ""
    postcode: Postcode = ""
    need: NeedCode
    reason: Reason = ""
    their_reference: Text60 = ""
    agreed: bool


class OutcomeOut(Schema):
    id: int
    their_reference: str
    outcome: OutcomeCode


def _partner(request: HttpRequest, key: str) -> Partner:
    partner = services.partner_for_key(key)
    if links.rate_limited(request, key or "-", scope="referrals-in", known=partner is not None):
        raise HttpError(429, "Too many requests: try again in ten minutes.")
    if partner is None:
        raise HttpError(404, "Not found.")
    return partner


def _outcome(referral: ReferralIn) -> OutcomeOut:
    return OutcomeOut(
        id=referral.pk,
        their_reference=referral.their_reference,
        outcome=referral.status,  # type: ignore[arg-type]
    )


@router.post(
    "/referrals/in",
    auth=None,
    response={201: OutcomeOut, 429: ErrorOut, **ERRORS},
    summary="A partner refers someone in",
)
def refer_in(
    request: HttpRequest, payload: ReferralInIn, key: PartnerKeyHeader = ""
) -> Status[OutcomeOut]:
    """Refer someone to the organisation, as the partner form does: a referral waiting for a
    coordinator. Bad input is a 422 naming the field."""
    partner = _partner(request, key)
    referral = services.receive(partner, **payload.dict())
    return Status(201, _outcome(referral))


@router.get(
    "/referrals/in/{referral_id}",
    auth=None,
    response={200: OutcomeOut, 429: ErrorOut, **ERRORS},
    summary="The outcome of a partner's referral",
)
def referral_outcome(
    request: HttpRequest, referral_id: ObjectId, key: PartnerKeyHeader = ""
) -> OutcomeOut:
    """Whether one of this partner's referrals was accepted: nothing else about the person."""
    partner = _partner(request, key)
    referral = ReferralIn.objects.filter(partner=partner, pk=referral_id).first()
    if referral is None:
        raise HttpError(404, "Not found.")
    return _outcome(referral)
