"""The referrals part of the REST API: a referral partner sends someone in, and reads back the
outcome, with its key in the `X-Partner-Key` header (no session, so no CSRF cookie).

A missing or wrong key is a 404, like every refusal here; the key of a partner the organisation
has switched off is a 403 that says so (only a holder of a key that once worked learns it:
decision 0080). Requests are counted through `common.links.rate_limited` (a known key against
itself, an unknown one against the caller's address) and a caller over the limit gets 429. The
outcome is only "waiting", "accepted" or "not_suitable": never anything about the person.

The need is a word of the organisation's own needs list (decision 0079): its `code` or its `id`
from `GET /referrals/needs`. Version 1 stays compatible: the codes it used to fix ("money",
"housing", "food", "mental_health", "connection", "health", "forms", "other") became words of
each organisation's list with those codes, and still name them while the list keeps them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from alongside.common import links
from alongside.people.api import ERRORS, NO_NUL, ErrorOut, ObjectId
from alongside.referrals import services
from alongside.referrals.models import Partner, ReferralIn

router = Router(tags=["referrals"])

NeedCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=NO_NUL),
    Field(
        description=(
            "What the referral is for: the code (or the id) of a word of the organisation's "
            "needs list, from GET /referrals/needs. The codes money, housing, food, "
            "mental_health, connection, health, forms and other of earlier versions still "
            "work where the list keeps them."
        ),
        examples=["money"],
    ),
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


class NeedOut(Schema):
    id: str = Field(description="The word's ORUK id.")
    code: str = Field(description="What to send as `need`.")
    name: str = Field(description="The word, as the organisation says it.")


class OutcomeOut(Schema):
    id: int
    their_reference: str
    outcome: OutcomeCode


REFUSALS: dict[int, type[Schema]] = {403: ErrorOut, 429: ErrorOut, **ERRORS}


def _partner(request: HttpRequest, key: str) -> Partner:
    partner = services.partner_by_key(key)
    if links.rate_limited(request, key or "-", scope="referrals-in", known=partner is not None):
        raise HttpError(429, "Too many requests: try again in ten minutes.")
    if partner is None:
        raise HttpError(404, "Not found.")
    if not partner.active:
        raise HttpError(403, str(services.SWITCHED_OFF_TEXT))
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
    response={201: OutcomeOut, **REFUSALS},
    summary="A partner refers someone in",
)
def refer_in(
    request: HttpRequest, payload: ReferralInIn, key: PartnerKeyHeader = ""
) -> Status[OutcomeOut]:
    """Refer someone to the organisation, as the partner form does: a referral waiting for a
    coordinator. Bad input (a need not in the organisation's list included) is a 422 naming
    the field."""
    partner = _partner(request, key)
    referral = services.receive(partner, **payload.dict())
    return Status(201, _outcome(referral))


@router.get(
    "/referrals/in/{referral_id}",
    auth=None,
    response={200: OutcomeOut, **REFUSALS},
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


@router.get(
    "/referrals/needs",
    auth=None,
    response={200: list[NeedOut], **REFUSALS},
    summary="The needs a partner may refer someone for",
)
def referral_needs(request: HttpRequest, key: PartnerKeyHeader = "") -> list[NeedOut]:
    """The organisation's own needs list, in its own words: what `need` may name."""
    partner = _partner(request, key)
    return [
        NeedOut(id=str(term.oruk_id), code=term.code, name=term.name)
        for term in services.needs_of(partner.organisation)
    ]
