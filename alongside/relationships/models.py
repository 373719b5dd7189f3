"""Named-worker spells, contacts and handovers. Shared sphere: when, who and how, never what was said.

What the person said lives in the support sphere (`alongside.support`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere
from alongside.access.words import WordList, register


class SpellReason(models.TextChoices):
    FIRST = "first", _("First named worker")
    PERSON_CHOSE = "person_chose", _("The person asked for this worker")
    WORKER_LEFT = "worker_left", _("Previous worker left")
    PERSON_MOVED = "person_moved", _("The person moved service")
    WORKLOAD = "workload", _("Balancing workloads")
    OTHER = "other", _("Other")


register(
    WordList(
        "spell_reason",
        _("Why a named worker changes"),
        _("Offered when a person's named worker changes, and shown on their page."),
        SpellReason.choices,
        fixed=frozenset(
            {
                SpellReason.FIRST,
                SpellReason.PERSON_CHOSE,
                SpellReason.WORKER_LEFT,
                SpellReason.OTHER,
            }
        ),
        not_picked=frozenset({SpellReason.FIRST}),
    )
)


class NamedWorkerSpell(models.Model):
    """A period during which a worker is the person's named worker. At most one is open per person."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="spells")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="spells"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    # A code of the organisation's "spell_reason" words (`access.words`, decision 0088).
    reason = models.CharField(_("reason"), max_length=20)
    chosen_by_person = models.BooleanField(_("chosen by the person"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_spell_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="spell_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["worker", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.worker} for {self.person} from {self.started_on}"


class WorkerRequest(models.Model):
    """The person asked for a particular worker, or for a change. Recorded as their choice."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        AGREED = "agreed", _("Agreed")
        NOT_POSSIBLE = "not_possible", _("Not possible")

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="worker_requests"
    )
    requested_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker asked for"),
    )
    in_their_words = models.CharField(_("what they said"), max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    requested_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A coordinator's "not possible", in plain words the person can be told (shared sphere:
    # shown on their page). Empty when the request was answered by choosing a named worker.
    answer = models.CharField(_("why it is not possible"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_on", "-id"]
        # The inbox reads the open ones (alongside/inbox/queries.py).
        indexes = [models.Index(fields=["organisation", "status", "requested_on"])]

    def __str__(self) -> str:
        return f"Request by {self.person} on {self.requested_on}"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    MESSAGE = "message", _("Message")
    HOME_VISIT = "home_visit", _("Home visit")
    GROUP = "group", _("Group")


class Initiator(models.TextChoices):
    PERSON = "person", _("They got in touch")
    US = "us", _("We got in touch")


class RecordedContacts(models.Manager["Contact"]):
    """Contacts that stand: a contact removed as recorded on the wrong person (`removed_at`) is
    left out of every read through `Contact.objects`, so no page, figure or report counts it
    (decision 0049). `Contact.with_removed` reads them all."""

    def get_queryset(self) -> models.QuerySet["Contact"]:
        return super().get_queryset().filter(removed_at__isnull=True)


class AllContacts(models.Manager["Contact"]):
    """Every contact, removed ones too: for putting one back, moving and merging."""


class Contact(models.Model):
    """A conversation or meeting with a person. `worker` led it; `also_present` were there too.

    Removed when recorded on the wrong person (`removed_at`, `removed_by`, `removed_reason`):
    kept, never counted, restorable (`relationships.services.remove_contact`)."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("when"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts_led",
        verbose_name=_("worker"),
    )
    also_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="contacts_joined",
        verbose_name=_("other workers there"),
    )
    others_present = models.CharField(
        _("anyone else there"),
        max_length=200,
        blank=True,
        help_text=_("For example: her daughter."),
    )
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    initiated_by = models.CharField(_("who got in touch"), max_length=10, choices=Initiator.choices)
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    handover = models.OneToOneField(
        "Handover", on_delete=models.PROTECT, null=True, blank=True, related_name="introduction"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    late_reason = models.CharField(
        _("why it is recorded late"),
        max_length=500,
        blank=True,
        help_text=_("Needed when the contact was longer ago than the organisation allows."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_reason = models.CharField(_("why it was removed"), max_length=300, blank=True)

    objects = RecordedContacts()
    with_removed = AllContacts()

    class Meta:
        ordering = ["-at", "-id"]
        # Related managers and forms read the recorded ones; a merge or a move reads all.
        base_manager_name = "with_removed"
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["worker", "at"]),
            models.Index(fields=["organisation", "at"]),
            # The inbox's overdue follow-ups (the last few weeks of promises, not all history).
            models.Index(fields=["organisation", "follow_up_on"]),
            # A worker's own overdue follow-ups (the inbox and My people's to-do): a range of
            # their promises, not all their contacts nor the organisation's promises.
            models.Index(
                fields=["worker", "follow_up_on"],
                condition=models.Q(follow_up_on__isnull=False),
                name="contact_worker_follow_ups",
            ),
            # "Seen lately" per person (search's last-seen filter and column): recorded contacts
            # only, answered from the index alone. `removed_at` is a column so that SQLite
            # covers the query too (PostgreSQL needs only the condition). Decision 0082.
            models.Index(
                fields=["person", "at", "removed_at"],
                condition=models.Q(removed_at__isnull=True),
                name="contact_recorded_person_at",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1) & models.Q(minutes__lte=720),
                name="contact_minutes_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} with {self.person} at {self.at:%Y-%m-%d %H:%M}"


class ContactRevision(models.Model):
    """The shared-sphere fields of a contact as they were before an edit."""

    SPHERE = Sphere.SHARED

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "version"], name="one_revision_per_contact_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} v{self.version}"


class Handover(models.Model):
    """A change of named worker. Warm when the new worker is introduced in a joint contact."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Introduction planned")
        WARM = "warm", _("Introduced in person")
        COLD = "cold", _("Changed without an introduction")

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="handovers")
    from_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A code of the organisation's "spell_reason" words (`access.words`, decision 0088).
    reason = models.CharField(_("reason"), max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    introduce_by = models.DateField(_("introduce by"), null=True, blank=True)
    cold_reason = models.CharField(
        _("why no introduction was possible"), max_length=300, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="planned"),
                name="one_planned_handover_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Handover of {self.person} to {self.to_worker}"


class Allocation(models.Model):
    """A coordinator allocated a worker to a person: a confirmed relationship beside the named
    worker (a second worker, cover, a specialist). Open until `ended_at`."""

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="allocations"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("worker"),
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-allocated_at", "-id"]
        indexes = [models.Index(fields=["worker", "ended_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "worker"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_allocation_per_person_and_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} allocated to {self.person}"


LEGITIMATE_REASON_MAX_LENGTH = 500


class ReviewOutcome(models.TextChoices):
    APPROPRIATE = "appropriate", _("Appropriate")
    NOT_APPROPRIATE = "not_appropriate", _("Not appropriate")


class LegitimateRelationship(models.Model):
    """A worker's own request to read a person's history, in the pattern of the NHS
    legitimate-relationship alert: in force at once, for a limited time, with a reason in words;
    the named worker and a coordinator are told, and a reviewer looks at it afterwards.

    In force while `ended_at` is empty and `expires_at` is in the future: visibility is worked
    out on every read (`alongside.visibility.people.confirmed_q`), so it lapses with nothing to
    run. `reason` is the worker's words, shown to reviewers and the requester only, never in a
    notification or an audit summary.
    """

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="legitimate_relationships"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legitimate_relationships"
    )
    reason = models.CharField(
        _("why you need their history"), max_length=LEGITIMATE_REASON_MAX_LENGTH
    )
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(
        _("was it appropriate?"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    review_note = models.CharField(
        _("review note"), max_length=LEGITIMATE_REASON_MAX_LENGTH, blank=True
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "expires_at"]),
            models.Index(fields=["organisation", "reviewed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="legitimate_relationship_expires_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} asked to see {self.person}'s history"


class ContinuityDay(models.Model):
    """Maintained summary (decision 0069): one person's contacts with one worker on one local
    day (the organisation's time zone), as the whole-number tallies continuity is made from.

    Derived, never edited: `relationships.summaries.refresh_people` rewrites a person's rows in
    the transaction that records, changes or moves a contact or changes a named-worker spell, and
    `alongside summaries rebuild` rewrites them all. Every window the pages and the report
    measure starts and ends at a local midnight, so any of them is a range of days here.

    - `contacts`: the contacts, `minutes` their minutes; `named_considered`/`named_matched`: of them, those with a named
      worker in force that day, and those with that named worker;
    - `follows_same`: of them, those whose person's previous contact (any day) was with the
      same worker; `opens_day_same`: this row holds the day's first contact and it followed the
      same worker (subtracted when a window starts on this day, so only pairs inside it count).
    """

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    contacts = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()
    named_considered = models.PositiveIntegerField()
    named_matched = models.PositiveIntegerField()
    follows_same = models.PositiveIntegerField()
    opens_day_same = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "day", "worker"], name="one_continuity_day_per_worker"
            )
        ]
        # The period's rows with what the report's reach and volunteer hours read, from the
        # index alone (decision 0110: reach 7.0 -> 2.0 s of CPU, hours 2.9 -> 0.3 s, 100k demo).
        indexes = [
            models.Index(
                fields=["organisation", "day", "person", "worker", "contacts", "minutes"],
                name="continuity_day_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day} {self.worker_id}: {self.contacts}"


class PeriodWorkerTallies(models.Model):
    """What a per-worker period row holds (`ContinuityQuarterWorker`, `ContinuityMonthWorker`):
    one person's `ContinuityDay` rows with one worker in one period, added up. `first_day` is
    the first local day in the period with a contact with this worker, `opens_day_same` that
    day's `ContinuityDay.opens_day_same` (so a window starting on the period's first day
    subtracts the pair reaching outside it, as with day rows); the other fields are sums of the
    day rows'. Each concrete model adds its period's first day and its own constraint and index
    (decision 0119: the two repeated each other field for field)."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    contacts = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()
    named_considered = models.PositiveIntegerField()
    named_matched = models.PositiveIntegerField()
    follows_same = models.PositiveIntegerField()
    opens_day_same = models.BooleanField()

    period_field = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        period = getattr(self, self.period_field)
        return f"{self.person_id} {period} {self.worker_id}: {self.contacts}"


class FinishedTallies(models.Model):
    """One person's finished continuity tallies (`continuity.Tallies`) over a stretch of local
    days, so a window that is exactly that stretch reads one row per person with no grouping:
    `workers` with a contact, `squares` the sum of each one's contacts squared, `most` the
    largest; `same_pairs` the back-to-back pairs with the same worker inside the stretch (the
    first contact's pair reaching before it not counted). Each concrete model adds where its
    stretch starts (`ContinuityQuarter`, `ContinuityMonth`, `ContinuityFromDay`)."""

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    contacts = models.PositiveIntegerField()
    workers = models.PositiveIntegerField()
    squares = models.PositiveIntegerField()
    most = models.PositiveIntegerField()
    same_pairs = models.PositiveIntegerField()
    named_considered = models.PositiveIntegerField()
    named_matched = models.PositiveIntegerField()

    period_field = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.person_id} {getattr(self, self.period_field)}: {self.contacts}"


class ContinuityQuarterWorker(PeriodWorkerTallies):
    """Maintained summary (decision 0096): one person's `ContinuityDay` rows with one worker in
    one calendar quarter of local days, added up, so a window made of whole quarters reads one
    row per person and worker per quarter instead of one per day.

    Derived from the day rows by the same `relationships.summaries.refresh_people` (and
    `rebuild`), in the same transaction. `quarter` is the quarter's first day; the other fields
    as in `PeriodWorkerTallies`.
    """

    quarter = models.DateField()

    period_field = "quarter"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "quarter", "worker"], name="one_continuity_quarter_per_worker"
            )
        ]
        indexes = [models.Index(fields=["organisation", "quarter"])]


class ContinuityQuarter(FinishedTallies):
    """Maintained summary (decision 0096): one person's finished continuity tallies
    (`FinishedTallies`) over one calendar quarter of local days, so a window that is exactly a
    quarter (the trend on the team page, the report's whole quarters) reads one row per person.

    Derived from the person's `ContinuityQuarterWorker` rows by `refresh_people` and `rebuild`.
    """

    quarter = models.DateField()

    period_field = "quarter"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "quarter"], name="one_continuity_quarter")
        ]
        indexes = [models.Index(fields=["organisation", "quarter"])]


class ContinuityMonthWorker(PeriodWorkerTallies):
    """Maintained summary (decision 0119): one person's `ContinuityDay` rows with one worker in
    one calendar month of local days, added up, as `ContinuityQuarterWorker` is for a quarter:
    a window that is not whole quarters reads its whole months from these rows, and day rows only
    for the days before its first whole month and after its last.

    Derived from the day rows by `relationships.summaries.refresh_people` (and `rebuild`,
    `fill_months`), in the same transaction. `month` is the month's first day.
    """

    month = models.DateField()

    period_field = "month"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month", "worker"], name="one_continuity_month_per_worker"
            )
        ]
        indexes = [models.Index(fields=["organisation", "month"], name="continuity_month_worker")]


class ContinuityMonth(FinishedTallies):
    """Maintained summary (decision 0119): one person's finished continuity tallies over one
    calendar month of local days, as `ContinuityQuarter` is for a quarter, so a window that is
    exactly a month (a report period's part quarter of one month) reads one row per person.
    Derived from the person's `ContinuityMonthWorker` rows by `refresh_people` and `rebuild`.
    """

    month = models.DateField()

    period_field = "month"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="one_continuity_month")
        ]
        indexes = [models.Index(fields=["organisation", "month"], name="continuity_month")]


class ContinuityFromDay(FinishedTallies):
    """Maintained summary (decision 0129): one person's finished continuity tallies over every
    contact from the local day `day` on, one row for each day they had a contact. A window with
    no end (the team page's last 365 days, each person's line on it) is, for each person, the
    row of their first contact day in it: one row per person, found by two index seeks, with no
    grouping per worker (as the quarter rows' windows need).

    Derived from the person's day rows by `relationships.summaries.refresh_people` (and
    `rebuild`, `fill_from_days`), in the same transaction as every write that keeps them.
    """

    day = models.DateField()

    period_field = "day"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="one_continuity_from_day")
        ]
