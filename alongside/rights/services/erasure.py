"""Erasure and anonymisation: a person's names, contact details and words are blanked in place;
the rows stay, with their dates, codes, scores and workers, as anonymous facts that reports
count. Nothing is deleted, so every audit event still points at the row it named and the hashed
chain still verifies (decision 0058). Legal holds stop all of it.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Sphere
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import system_rows
from alongside.people.models import AgeBand, Person
from alongside.rights.models import (
    Anonymisation,
    AnonymisationKind,
    LegalHold,
    RetentionReview,
    SubjectAccessRequest,
)
from alongside.rights.queries import (
    WHY,
    erasable_fields,
    hold_in_force,
    rows_of,
    same_person_ids,
)

ERASED_NAME = "Erased"
# Spheres in the order they are anonymised; a model's sphere not named here counts as shared.
SPHERES = (Sphere.SHARED, Sphere.SUPPORT, Sphere.ELIGIBILITY, Sphere.SAFEGUARDING)
# The person's own fields blanked (their name is replaced by ERASED_NAME). Kept: the service,
# the age band (worked out from a date of birth first), when their involvement closed.
PERSON_BLANKED = (
    "family_name", "preferred_name", "pronouns", "languages", "access_needs", "contact_details",
    "what_matters", "postcode", "phone", "email", "emergency_contact_name",
    "emergency_contact_phone", "emergency_contact_relationship", "closed_reason",
)  # fmt: skip
REASON_MAX = 1000


def sphere_of(model: type[models.Model]) -> str:
    sphere = str(getattr(model, "SPHERE", Sphere.SHARED))
    return sphere if sphere in SPHERES else Sphere.SHARED


def age_band_on(born: date, today: date) -> str:
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    for limit, band in ((18, AgeBand.UNDER_18), (25, AgeBand.B18_24), (35, AgeBand.B25_34),
                        (45, AgeBand.B35_44), (55, AgeBand.B45_54), (65, AgeBand.B55_64),
                        (75, AgeBand.B65_74)):  # fmt: skip
        if age < limit:
            return str(band)
    return str(AgeBand.B75_PLUS)


def _blank_values(model: type[models.Model]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for model_field in erasable_fields(model):
        if model_field.unique:
            if model_field.null:
                values[model_field.name] = None
            continue
        values[model_field.name] = None if model_field.null else ""
    return values


def _blank_rows(person_ids: list[int], sphere: str) -> int:
    """Blank the words in every row of `sphere` belonging to the person. Returns rows changed."""
    changed = 0
    for model, rows in rows_of(person_ids):
        if sphere_of(model) != sphere:
            continue
        values = _blank_values(model)
        if values:
            ids = [row.pk for row in rows]
            system_rows(model, WHY).filter(pk__in=ids).update(**values)
            changed += len(ids)
    return changed


def _anonymise_identity(person_ids: list[int], today: date) -> int:
    """The person (and records merged into them): name replaced, contact details and words
    gone; the age band kept (from the date of birth, which goes)."""
    for person in Person.objects.filter(pk__in=person_ids):
        if person.date_of_birth and not person.age_band:
            person.age_band = age_band_on(person.date_of_birth, today)
        person.date_of_birth = None
        person.given_name = ERASED_NAME
        for name in PERSON_BLANKED:
            setattr(person, name, "")
        person.closed_on = person.closed_on or today
        person.save()
    # The answers given to their subject access requests hold their record: blank them too.
    SubjectAccessRequest.objects.filter(person_id__in=person_ids).update(answer=None)
    return len(person_ids)


def anonymise_sphere(
    person: Person,
    sphere: str,
    *,
    kind: str,
    by: Membership | None,
    reason: str = "",
    review: RetentionReview | None = None,
) -> Anonymisation | None:
    """Anonymise one sphere of `person`'s records (the shared sphere includes their identity).
    None when it was done already. Runs inside the caller's transaction."""
    if Anonymisation.objects.filter(person=person, sphere=sphere).exists():
        return None
    person_ids = same_person_ids(person)
    rows = _blank_rows(person_ids, sphere)
    if sphere == Sphere.SHARED:
        rows += _anonymise_identity(person_ids, timezone.localdate())
    return Anonymisation.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        sphere=sphere,
        kind=kind,
        reason=reason,
        review=review,
        rows=rows,
        by=by.user if by else None,
    )


def refuse_if_held(person: Person) -> None:
    hold = hold_in_force(same_person_ids(person))
    if hold is not None:
        raise ValidationError(
            _(
                "A legal hold keeps these records: set by %(who)s on %(when)s because: "
                "%(why)s. Lift it first if it no longer applies."
            )
            % {
                "who": hold.set_by.get_full_name() or hold.set_by.get_username(),
                "when": timezone.localtime(hold.set_at).strftime("%-d %B %Y"),
                "why": hold.reason,
            }
        )


def erase_person(person: Person, *, by: Membership, reason: str) -> list[Anonymisation]:
    """Erase a person on their request: every sphere anonymised at once, in one transaction.
    Refused while a legal hold is in force. Side effects: rows blanked; one Anonymisation per
    sphere not done before; one audit event (counts only: the reason stays in the rights rows)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: for example, the date and way they asked.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep it under 1,000 characters.")})
    if person.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another: erase that one."))
    refuse_if_held(person)
    with transaction.atomic():
        done = [
            found
            for sphere in SPHERES
            if (
                found := anonymise_sphere(
                    person, sphere, kind=AnonymisationKind.REQUEST, by=by, reason=reason
                )
            )
        ]
        if not done:
            raise ValidationError(_("This record has already been erased."))
        person.refresh_from_db()
        record(
            person,
            action=actions.RIGHTS_PERSON_ERASED,
            by=by,
            summary={
                "spheres": [a.sphere for a in done],
                "rows": sum(a.rows for a in done),
                "anonymisations": [a.pk for a in done],
            },
        )
    return done


# Legal holds --------------------------------------------------------------------------------------


def set_hold(person: Person, *, by: Membership, reason: str) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the records must be kept.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep it under 1,000 characters.")})
    if hold_in_force(same_person_ids(person)) is not None:
        raise ValidationError(_("A legal hold is already in force for this person."))
    with transaction.atomic():
        hold = LegalHold.objects.create(
            organisation_id=person.organisation_id, person=person, reason=reason, set_by=by.user
        )
        record(hold, action=actions.RIGHTS_LEGAL_HOLD_SET, by=by, summary={"hold": hold.pk})
    return hold


def lift_hold(hold: LegalHold, *, by: Membership, reason: str) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"lift_reason": _("Say why it can be lifted.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"lift_reason": _("Keep it under 1,000 characters.")})
    if hold.lifted_at is not None:
        raise ValidationError(_("This hold has already been lifted."))
    with transaction.atomic():
        hold.lifted_at = timezone.now()
        hold.lifted_by = by.user
        hold.lift_reason = reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        record(hold, action=actions.RIGHTS_LEGAL_HOLD_LIFTED, by=by, summary={"hold": hold.pk})
    return hold
