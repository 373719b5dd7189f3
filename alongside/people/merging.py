"""Merging two records of one person (decision 0036).

Everything that points at the merged-away person is found from the models themselves
(`person_relations`: every concrete foreign key to `Person` in every installed model, including
many-to-many tables), so a model added later is moved too, or the test that derives the same list
fails. Audit events are never moved: they stay on the merged-away record, which is kept and marked
`merged_into`, and "who saw my record" reads them through the survivor.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.models import Membership, Role, Sphere
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import system_rows
from alongside.people.models import Person, PersonMerge
from alongside.relationships.summaries import refresh_people
from alongside.visibility.roles import may_read_sphere
from alongside.visibility.support import coordinates, support_records_q

# Pointers to a person that a merge leaves where they are: the audit log is append-only history,
# and a merge's own record names both people on purpose.
# The continuity summary is derived from the contacts and spells: it is rewritten for both people
# after the move (`refresh_people`), never moved.
KEPT = frozenset({("audit.auditevent", "person"), ("people.personmerge", "survivor"),
                  ("people.personmerge", "merged"),
                  ("relationships.continuityday", "person")})  # fmt: skip

# Moved without the merger reading them: equality answers are read by nobody but the person's
# confirmed workers (decision 0037); a merge only counts them. Two sets of answers refuse.
MOVED_UNREAD = frozenset({"people.equalitymonitoring.person"})

# Basics the survivor takes from the merged record when its own are empty.
FILLED_FROM_MERGED = (
    "family_name", "preferred_name", "pronouns", "languages", "access_needs", "contact_details",
    "what_matters", "date_of_birth", "age_band", "postcode", "phone", "email",
    "emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship",
)  # fmt: skip

SPHERE_WORDS = {
    Sphere.SUPPORT: gettext_lazy("support notes and answers"),
    Sphere.ELIGIBILITY: gettext_lazy("foodbank records"),
    Sphere.SAFEGUARDING: gettext_lazy("safeguarding records"),
}


@dataclass(frozen=True)
class Relation:
    """One foreign key to `Person`: the model holding it, the field, and its sphere."""

    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}"

    @property
    def sphere(self) -> str:
        return str(getattr(self.model, "SPHERE", Sphere.SHARED))

    @property
    def words(self) -> str:
        meta = self.model._meta
        if meta.auto_created:
            return str(_("links between people"))
        return str(meta.verbose_name_plural)

    def rows(self, person_id: int) -> Any:
        rows = system_rows(self.model, "merging two records of one person")
        return rows.filter(**{f"{self.field}_id": person_id})


def person_relations() -> list[Relation]:
    """Every concrete foreign key (or one-to-one) to `Person` in every installed model, except
    those a merge keeps (`KEPT`)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model is Person:
                relation = Relation(model, model_field.name)
                if (model._meta.label_lower, model_field.name) not in KEPT:
                    found.append(relation)
    return sorted(found, key=lambda r: r.label)


@dataclass
class MergeReview:
    """What a merge would move (counts per kind) and why it may not happen, in plain words."""

    survivor: Person
    merged: Person
    moves: list[tuple[str, int]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusals


def review_merge(survivor: Person, merged: Person, *, by: Membership) -> MergeReview:
    """What merging `merged` into `survivor` moves, and whether `by` may do it: a coordinator
    of both people's services, who can read every record either of them has (a merge must not
    join records the merger cannot see). Two queries per kind of record."""
    review = MergeReview(survivor, merged)
    if survivor.pk == merged.pk or survivor.organisation_id != merged.organisation_id:
        review.refusals.append(_("Choose two different records in your organisation."))
        return review
    if survivor.merged_into_id or merged.merged_into_id:
        review.refusals.append(_("One of these records has already been merged."))
        return review
    if by.role != Role.COORDINATOR or not (coordinates(by, survivor) and coordinates(by, merged)):
        review.refusals.append(
            _("Only a coordinator of both people's services can merge their records.")
        )
        return review
    unseen: set[str] = set()
    readable = support_records_q(by)
    for relation in person_relations():
        count = relation.rows(merged.pk).count()
        if count:
            review.moves.append((relation.words, count))
        if relation.sphere == Sphere.SHARED or relation.label in MOVED_UNREAD:
            continue
        both = relation.rows(merged.pk) | relation.rows(survivor.pk)
        if not may_read_sphere(by.role, relation.sphere):
            if both.exists():
                unseen.add(relation.sphere)
        elif (
            relation.sphere == Sphere.SUPPORT
            and relation.field == "person"
            and (readable is None or both.exclude(readable).exists())
        ):
            unseen.add(relation.sphere)
    for sphere in sorted(unseen):
        review.refusals.append(
            _(
                "One of them has %(records)s you cannot see, so you cannot merge them: ask "
                "someone who can see both records (the data lead knows who)."
            )
            % {"records": SPHERE_WORDS.get(Sphere(sphere), sphere)}
        )
    return review


def merge_people(survivor: Person, merged: Person, *, by: Membership) -> PersonMerge:
    """Move everything of `merged` to `survivor`, all or nothing, and mark `merged` as merged.

    Refused (ValidationError, plain words) when `review_merge` refuses, or when moving a kind of
    record would break a rule (for example both have an open named worker: end one first).
    Side effects: updates every related row; the survivor's empty basics filled from the merged
    record; one PersonMerge; two audit events (one on each record).
    """
    review = review_merge(survivor, merged, by=by)
    if not review.allowed:
        raise ValidationError(review.refusals)
    moved: dict[str, int] = {}
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        if any(p.merged_into_id for p in locked.values()):
            raise ValidationError(_("One of these records has already been merged."))
        for relation in person_relations():
            try:
                with transaction.atomic():
                    count = relation.rows(merged.pk).update(**{f"{relation.field}_id": survivor.pk})
            except IntegrityError:
                raise ValidationError(
                    _(
                        "Both records have %(records)s that cannot be joined (for example two open "
                        "named workers, or the same session twice). Sort that out on one of them "
                        "first."
                    )
                    % {"records": relation.words}
                ) from None
            if count:
                moved[relation.label] = count
        filled = [
            name
            for name in FILLED_FROM_MERGED
            if getattr(survivor, name) in ("", None) and getattr(merged, name) not in ("", None)
        ]
        for name in filled:
            setattr(survivor, name, getattr(merged, name))
        if filled:
            survivor.save(update_fields=filled)
        refresh_people([survivor.pk, merged.pk])
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into"])
        merge = PersonMerge.objects.create(
            organisation_id=survivor.organisation_id,
            survivor=survivor,
            merged=merged,
            moved=moved,
            merged_by=by.user,
            merged_at=timezone.now(),
        )
        record(
            survivor,
            action=actions.PEOPLE_PERSON_MERGED,
            by=by,
            summary={"merged": merged.pk, "moved": moved, "filled": filled},
        )
        record(
            merged,
            action=actions.PEOPLE_PERSON_MERGED_AWAY,
            by=by,
            summary={"survivor": survivor.pk},
        )
    return merge
