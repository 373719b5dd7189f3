"""Merging two records of one person (decisions 0036 and 0048).

Everything that points at the merged-away person is found from the models themselves
(`person_relations`: every concrete foreign key to `Person` in every installed model, including
many-to-many tables), so a model added later is moved too, or the test that derives the same list
fails. Audit events are never moved: they stay on the merged-away record, which is kept and marked
`merged_into`, and "who saw my record" reads them through the survivor.

When either record has foodbank (eligibility) or safeguarding records, which a coordinator does
not read, the coordinator proposes the merge (`propose_merge`) and a worker who reads that sphere
approves it (`approve_merge`); the merge happens with the last approval, all or nothing. Everyone
sees counts per kind of record, never content (decision 0048).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.models import Membership, Role, Sphere
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.spheres import system_rows
from alongside.people.models import MergeProposal, Person, PersonMerge
from alongside.relationships.summaries import refresh_people
from alongside.visibility.roles import SPHERES_BY_ROLE, may_read_sphere
from alongside.visibility.support import coordinates, support_records_q

# Pointers to a person that a merge leaves where they are: the audit log (and the history a
# restored archive brought in) is append-only, and a merge's own record names both people on purpose.
# The continuity summary is derived from the contacts and spells: it is rewritten for both people
# after the move (`refresh_people`), never moved; so are the answers' baseline rows (decision 0108)
# and the inbox's last contacts (decision 0126, kept by `refresh_people`).
KEPT = frozenset({("audit.auditevent", "person"), ("archive.restoredauditevent", "person"),
                  ("people.personmerge", "survivor"),
                  ("people.personmerge", "merged"), ("people.mergeproposal", "survivor"),
                  ("people.mergeproposal", "merged"),
                  ("relationships.continuityday", "person"),
                  ("relationships.continuityquarterworker", "person"),
                  ("relationships.continuityquarter", "person"),
                  ("relationships.continuitymonthworker", "person"),
                  ("relationships.continuitymonth", "person"),
                  ("relationships.continuityfromday", "person"),
                  ("measures.measurebaseline", "person"),
                  ("inbox.lastcontact", "for_person")})  # fmt: skip

# Other apps' rows derived per person that a merge rewrites for both people (like the continuity
# summary) rather than moves: each app registers its refresh here (people imports none of them),
# e.g. the answers' baseline rows (`measures.baselines`, decision 0108).
DERIVED: list[Callable[[list[int]], None]] = [refresh_people]


def register_derived(refresh: Callable[[list[int]], None]) -> None:
    """Have `refresh(person_ids)` run for both people, in the transaction, after a merge and
    after its undo."""
    if refresh not in DERIVED:
        DERIVED.append(refresh)


def refresh_derived(person_ids: list[int]) -> None:
    for refresh in DERIVED:
        refresh(person_ids)


# Spheres a coordinator does not read whose records a second person approves moving (decision
# 0048): the merge waits for a worker of a role that reads the sphere.
APPROVED_SPHERES = (Sphere.ELIGIBILITY, Sphere.SAFEGUARDING)

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
    # Spheres (APPROVED_SPHERES) either record has rows in that the reviewer does not read: a
    # worker who reads each must approve before the merge happens.
    needs_approval: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def approvals_words(self) -> list[str]:
        return [str(SPHERE_WORDS[Sphere(sphere)]) for sphere in self.needs_approval]


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
    needs: set[str] = set()
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
                (needs if relation.sphere in APPROVED_SPHERES else unseen).add(relation.sphere)
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
    review.needs_approval = sorted(needs)
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
    if review.needs_approval:
        raise ValidationError(
            _(
                "One of them has %(records)s: propose the merge, for someone who sees them to approve."
            )
            % {"records": " and ".join(review.approvals_words)}
        )
    return _merge(survivor, merged, by=by, merged_by=by.user, unless_waiting=True)


def _merge(
    survivor: Person,
    merged: Person,
    *,
    by: Membership,
    merged_by: User,
    summary: dict[str, Any] | None = None,
    unless_waiting: bool = False,
) -> PersonMerge:
    """Move everything (the checks are the caller's). `by` is who the audit names as doing it;
    `merged_by` the coordinator who judged the two records one person. `unless_waiting`: refuse
    when a proposed merge of either record waits for approval (a direct merge; the approval that
    completes a proposal passes False)."""
    moved: dict[str, int] = {}
    moved_rows: dict[str, list[Any]] = {}
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        if any(p.merged_into_id for p in locked.values()):
            raise ValidationError(_("One of these records has already been merged."))
        if unless_waiting and _waiting_for(survivor, merged).exists():
            raise ValidationError(WAITING)
        for relation in person_relations():
            try:
                with transaction.atomic():
                    ids = list(relation.rows(merged.pk).values_list("pk", flat=True))
                    count = (
                        relation.rows(merged.pk)
                        .filter(pk__in=ids)
                        .update(**{f"{relation.field}_id": survivor.pk})
                        if ids
                        else 0
                    )
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
                moved_rows[relation.label] = ids
        filled = [
            name
            for name in FILLED_FROM_MERGED
            if getattr(survivor, name) in ("", None) and getattr(merged, name) not in ("", None)
        ]
        for name in filled:
            setattr(survivor, name, getattr(merged, name))
        if filled:
            survivor.save(update_fields=filled)
        refresh_derived([survivor.pk, merged.pk])
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into"])
        merge = PersonMerge.objects.create(
            organisation_id=survivor.organisation_id,
            survivor=survivor,
            merged=merged,
            moved=moved,
            moved_rows=moved_rows,
            filled=filled,
            merged_by=merged_by,
            merged_at=timezone.now(),
        )
        extra = summary or {}
        record(
            survivor,
            action=actions.PEOPLE_PERSON_MERGED,
            by=by,
            summary={"merged": merged.pk, "moved": moved, "filled": filled, **extra},
        )
        record(
            merged,
            action=actions.PEOPLE_PERSON_MERGED_AWAY,
            by=by,
            summary={"survivor": survivor.pk, **extra},
        )
    return merge


# Two-person merges (decision 0048) ------------------------------------------------------------

# No names and no words: a notification is shown in lists and may be emailed.
PROPOSED_TEXT = gettext_lazy(
    "A coordinator asks you to check a merge of two records of one person before it happens."
)


def approver_roles(sphere: str) -> frozenset[str]:
    """The roles that read `sphere`, so may approve moving its records in a merge."""
    return frozenset(role for role, spheres in SPHERES_BY_ROLE.items() if sphere in spheres)


def _approved(proposal: MergeProposal) -> set[str]:
    return {
        sphere
        for sphere in APPROVED_SPHERES
        if getattr(proposal, f"{sphere}_approved_by_id") is not None
    }


def _record_on_both(
    proposal: MergeProposal, action: actions.Action, by: Membership, **summary: Any
) -> None:
    for person_id in (proposal.survivor_id, proposal.merged_id):
        record(
            proposal,
            action=action,
            by=by,
            person_id=person_id,
            summary={
                "proposal": proposal.pk,
                "survivor": proposal.survivor_id,
                "merged": proposal.merged_id,
                **summary,
            },
        )


WAITING = _(
    "A merge of one of these records is waiting for approval. It must be approved, declined "
    "or withdrawn before either record is merged again."
)


def _waiting_for(*people: Person) -> models.QuerySet[MergeProposal]:
    """Waiting proposals that name any of `people`, as survivor or as merged."""
    return MergeProposal.objects.filter(status=MergeProposal.Status.WAITING).filter(
        models.Q(survivor__in=people) | models.Q(merged__in=people)
    )


def propose_merge(survivor: Person, merged: Person, *, by: Membership) -> MergeProposal:
    """Propose merging `merged` into `survivor` when one of them has records in a sphere `by`
    does not read (`review_merge(...).needs_approval`). Refused (ValidationError) as a merge
    would be, or when no approval is needed, or when one is already waiting for either record.
    Side effects: one MergeProposal; one `people.merge.proposed` event on each record; an in-app
    notification (no names) to every active worker of a role that approves."""
    review = review_merge(survivor, merged, by=by)
    if not review.allowed:
        raise ValidationError(review.refusals)
    if not review.needs_approval:
        raise ValidationError(_("These records need nobody else's approval: merge them."))
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).count()
        if _waiting_for(survivor, merged).exists():
            raise ValidationError(WAITING)
        proposal = MergeProposal.objects.create(
            organisation_id=survivor.organisation_id,
            survivor=survivor,
            merged=merged,
            proposed_by=by.user,
            proposed_at=timezone.now(),
            **{f"needs_{sphere}": True for sphere in review.needs_approval},
        )
        _record_on_both(proposal, actions.PEOPLE_MERGE_PROPOSED, by, needs=review.needs_approval)
        roles = set().union(*(approver_roles(sphere) for sphere in review.needs_approval))
        approvers = [
            membership.user
            for membership in Membership.objects.active()
            .filter(organisation_id=survivor.organisation_id, role__in=roles)
            .select_related("user")
        ]
        if approvers:
            notify(
                approvers,
                organisation_id=survivor.organisation_id,
                text=PROPOSED_TEXT,
                url=reverse("people:merge_proposal", args=[proposal.pk]),
            )
    return proposal


def review_proposal(proposal: MergeProposal) -> tuple[MergeReview, Membership | None]:
    """The merge as its proposer sees it now (records may have changed since), and the
    proposer's membership (None when they may no longer merge: switched off or left)."""
    proposer = (
        Membership.objects.active()
        .filter(
            organisation_id=proposal.organisation_id,
            user_id=proposal.proposed_by_id,
            role=Role.COORDINATOR,
        )
        .select_related("user", "organisation")
        .first()
    )
    if proposer is None:
        review = MergeReview(proposal.survivor, proposal.merged)
        review.refusals.append(
            _("The coordinator who proposed it can no longer merge records: ask another to.")
        )
        return review, None
    return review_merge(proposal.survivor, proposal.merged, by=proposer), proposer


def spheres_to_approve(proposal: MergeProposal, review: MergeReview, by: Membership) -> list[str]:
    """The spheres still waiting whose records `by` reads, so may approve."""
    done = _approved(proposal)
    return [s for s in review.needs_approval if s not in done and may_read_sphere(by.role, s)]


def approve_merge(proposal: MergeProposal, *, by: Membership) -> MergeProposal:
    """Approve a waiting merge for the spheres `by` reads; with the last approval the merge
    happens (all or nothing). The review is worked out again as the proposer: a record added
    since may need another approval, and a refusal now refuses.

    Side effects: the proposal's approvals (and, when complete, its status and PersonMerge);
    one `people.merge.approved` event on each record; when it merges, the two merge events
    (`by` as who did it; the proposer and approvers in the summary)."""
    with transaction.atomic():
        locked = (
            MergeProposal.objects.select_for_update()
            .select_related("survivor", "merged")
            .get(pk=proposal.pk)
        )
        if locked.status != MergeProposal.Status.WAITING:
            raise ValidationError(_("This merge has already been answered."))
        review, proposer = review_proposal(locked)
        if not review.allowed or proposer is None:
            raise ValidationError(review.refusals)
        mine = spheres_to_approve(locked, review, by)
        if not mine:
            raise ValidationError(_("Nothing in this merge waits for your approval."))
        now = timezone.now()
        for sphere in mine:
            setattr(locked, f"{sphere}_approved_by", by.user)
            setattr(locked, f"{sphere}_approved_at", now)
        for sphere in APPROVED_SPHERES:
            setattr(locked, f"needs_{sphere}", sphere in review.needs_approval)
        locked.save()
        _record_on_both(locked, actions.PEOPLE_MERGE_APPROVED, by, spheres=mine)
        approved = _approved(locked)
        if set(review.needs_approval) <= approved:
            locked.merge = _merge(
                locked.survivor,
                locked.merged,
                by=by,
                merged_by=locked.proposed_by,
                summary={
                    "proposal": locked.pk,
                    "proposed_by": locked.proposed_by_id,
                    "approved_by": {
                        s: getattr(locked, f"{s}_approved_by_id") for s in sorted(approved)
                    },
                },
            )
            locked.status = MergeProposal.Status.MERGED
            locked.closed_by, locked.closed_at = by.user, now
            locked.save()
    return locked


def decline_merge(proposal: MergeProposal, *, by: Membership) -> MergeProposal:
    """Decline a waiting merge (an approver) or withdraw it (the proposer): nothing moves.
    Side effects: the proposal's status; one `people.merge.declined` event on each record."""
    with transaction.atomic():
        locked = MergeProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != MergeProposal.Status.WAITING:
            raise ValidationError(_("This merge has already been answered."))
        locked.status = MergeProposal.Status.DECLINED
        locked.closed_by, locked.closed_at = by.user, timezone.now()
        locked.save(update_fields=["status", "closed_by", "closed_at"])
        _record_on_both(locked, actions.PEOPLE_MERGE_DECLINED, by)
    return locked


# Undoing a merge (decision 0048) ---------------------------------------------------------------


def undo_problem(merge: PersonMerge, by: Membership) -> str:
    """Why `by` may not undo `merge`, in plain words ("" when they may): a coordinator of both
    records' services, once, for a merge that kept what it moved."""
    if merge.undone_at is not None:
        return _("This merge has already been undone.")
    if not merge.moved_rows and merge.moved:
        return _("This merge was made before merges could be undone: ask the data lead.")
    if by.role != Role.COORDINATOR or not (
        coordinates(by, merge.survivor) and coordinates(by, merge.merged)
    ):
        return _("Only a coordinator of both people's services can undo their merge.")
    return ""


def undo_merge(merge: PersonMerge, *, by: Membership) -> PersonMerge:
    """Separate two records merged by mistake: the rows the merge moved (by id, as recorded)
    go back to the merged record, the survivor's fields filled from it are emptied again when
    unchanged since, and the merged record is a record of its own again. Rows added to the
    survivor since stay with it. All or nothing: a move that would break a rule refuses it.

    Nobody reads the moved rows: they go back where they were, so undoing needs no second
    person even when the merge did (decision 0048). Side effects: the rows; both records; the
    PersonMerge marked undone; `people.person.unmerged` on each record."""
    with transaction.atomic():
        locked = (
            PersonMerge.objects.select_for_update()
            .select_related("survivor", "merged")
            .get(pk=merge.pk)
        )
        problem = undo_problem(locked, by)
        if problem:
            raise ValidationError(problem)
        survivor, merged = locked.survivor, locked.merged
        relations = {relation.label: relation for relation in person_relations()}
        moved_back: dict[str, int] = {}
        for label, ids in locked.moved_rows.items():
            relation = relations.get(label)
            if relation is None:
                continue
            try:
                with transaction.atomic():
                    count = (
                        relation.rows(survivor.pk)
                        .filter(pk__in=ids)
                        .update(**{f"{relation.field}_id": merged.pk})
                    )
            except IntegrityError:
                raise ValidationError(
                    _(
                        "Moving the %(records)s back would break a rule (for example two open "
                        "named workers). Sort that out first."
                    )
                    % {"records": relation.words}
                ) from None
            if count:
                moved_back[label] = count
        emptied = [
            name for name in locked.filled if getattr(survivor, name) == getattr(merged, name)
        ]
        for name in emptied:
            empty = "" if isinstance(getattr(survivor, name), str) else None
            setattr(survivor, name, empty)
        if emptied:
            survivor.save(update_fields=emptied)
        merged.merged_into = None
        merged.save(update_fields=["merged_into"])
        locked.undone_at, locked.undone_by = timezone.now(), by.user
        locked.save(update_fields=["undone_at", "undone_by"])
        refresh_derived([survivor.pk, merged.pk])
        for person, other in ((survivor, merged), (merged, survivor)):
            record(
                person,
                action=actions.PEOPLE_PERSON_UNMERGED,
                by=by,
                summary={"merge": locked.pk, "other": other.pk, "moved_back": moved_back},
            )
    return locked
