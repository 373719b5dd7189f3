"""Forms for contacts, named workers and handovers. They bind and clean input; services decide."""

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access import words as local_words
from alongside.access.models import Membership, active_membership_q
from alongside.access.pickers import WorkerPickerField, WorkersPickerField
from alongside.access.queries import worker_users
from alongside.common.forms import (
    DateInput,
    Form,
    RecordDateField,
    RecordDateTimeField,
    choice_field,
    conditional,
    model_choice,
    use_plain_messages,
)
from alongside.people.models import Person
from alongside.relationships.models import (
    LEGITIMATE_REASON_MAX_LENGTH,
    Handover,
    Initiator,
    Mode,
    ReviewOutcome,
)
from alongside.visibility.roles import WORKER_ROLES


class WorkerChoiceField(forms.ModelChoiceField[User]):
    @staticmethod
    def label_for(obj: User) -> str:
        return str(obj.get_full_name() or obj.get_username())

    def label_from_instance(self, obj: User) -> str:
        return self.label_for(obj)


class WorkerMultipleChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return WorkerChoiceField.label_for(obj)


def worker_queryset(membership: Membership) -> QuerySet[User]:
    return worker_users(membership.organisation_id)


def circle_queryset(membership: Membership, person: "Person") -> QuerySet[User]:
    """Workers around one person: you, their named workers, who met them this year, a planned new worker.

    The quick form on the person page offers only these, so it stays small in a large organisation;
    the full contact page offers everyone.
    """
    from datetime import timedelta

    from alongside.relationships.models import Contact, NamedWorkerSpell

    since = timezone.now() - timedelta(days=365)
    # One query: each source of ids is a small indexed subquery on the person (issue 17: three
    # queries for the ids before), as one UNION, so PostgreSQL looks the few users up by key
    # (an OR of the subqueries read every user and every membership: 4 ms on 100,000 people).
    named = NamedWorkerSpell.objects.filter(person=person).values("worker_id")
    met = Contact.objects.filter(person=person, at__gte=since).values("worker_id")
    incoming = Handover.objects.filter(person=person, status=Handover.Status.PLANNED).values(
        "to_worker_id"
    )
    you = get_user_model().objects.filter(pk=membership.user_id).values("pk")
    return (
        get_user_model()
        .objects.filter(
            active_membership_q("memberships__"),
            pk__in=you.union(named, met, incoming),
            memberships__organisation_id=membership.organisation_id,
            memberships__role__in=sorted(WORKER_ROLES),
        )
        .order_by("first_name", "last_name", "pk")
    )


class ContactForm(Form):
    at = RecordDateTimeField(
        label=_("When"),
        error_messages={
            "required": _("Enter when the contact was"),
            "invalid": _("Enter when the contact was as a real date and time"),
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    mode = forms.ChoiceField(
        label=_("How"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you were in touch")},
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        error_messages={"required": _("Enter how many minutes it took")},
        min_value=1,
        max_value=720,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    initiated_by = forms.ChoiceField(
        label=_("Who got in touch"),
        choices=Initiator.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who got in touch")},
    )
    asked_for = forms.CharField(
        label=_("What they asked for, in their words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Anything else"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_on = RecordDateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
    )
    worker = WorkerPickerField(
        label=_("Worker"),
        queryset=None,
        error_messages={"required": _("Choose the worker who was there")},
    )
    also_present = WorkersPickerField(
        label=_("Other workers there"),
        queryset=None,
        required=False,
    )
    others_present = forms.CharField(label=_("Anyone else there"), required=False, max_length=200)
    late_reason = conditional(
        forms.CharField(
            label=_("Why it is being recorded late"),
            help_text=_("Needed only for a contact longer ago than your organisation allows."),
            required=False,
            max_length=500,
        )
    )
    is_introduction = forms.BooleanField(required=False)

    def __init__(
        self,
        *args: Any,
        membership: Membership,
        handover: Handover | None = None,
        circle_of: "Person | None" = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The quick form on the person page lists the few workers around the person; the
        # contact page offers every worker, by type-ahead pickers (never a list of them all).
        self.quick = circle_of is not None
        if circle_of is None:
            workers = worker_queryset(membership)
        else:
            workers = circle_queryset(membership, circle_of)
            # Read once: both fields draw the same few workers (three queries when each field
            # and its error link read the queryset again); a POST still checks against it.
            choices = [(user.pk, WorkerChoiceField.label_for(user)) for user in workers]
            worker = WorkerChoiceField(
                label=_("Worker"),
                queryset=workers,
                empty_label=None,
                error_messages={"required": _("Choose the worker who was there")},
            )
            also_present = WorkerMultipleChoiceField(
                label=_("Other workers there"), queryset=workers, required=False
            )
            worker.choices = choices
            also_present.choices = choices
            self.fields["worker"], self.fields["also_present"] = worker, also_present
            use_plain_messages(self)
        model_choice(self, "worker").queryset = workers
        model_choice(self, "also_present").queryset = workers
        self.handover = handover
        if handover is None:
            del self.fields["is_introduction"]
        else:
            name = handover.to_worker.get_full_name() or handover.to_worker.get_username()
            self.fields["is_introduction"].label = _("This was the introduction to %(name)s") % {
                "name": name
            }
            self.fields["is_introduction"].help_text = _(
                "%(name)s becomes the named worker from this contact. Both workers must be there."
            ) % {"name": name}

    @staticmethod
    def initial_for(membership: Membership) -> dict[str, object]:
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {
            "at": now,
            "mode": Mode.IN_PERSON,
            "minutes": 30,
            "initiated_by": Initiator.PERSON,
            "worker": membership.user_id,
        }

    def contact_fields(self) -> dict[str, Any]:
        """The cleaned data as the contact services take it (everything but the handover)."""
        data = self.cleaned_data
        names = (
            "at",
            "worker",
            "mode",
            "minutes",
            "initiated_by",
            "others_present",
            "follow_up_on",
            "asked_for",
            "notes",
        )
        return {**{name: data[name] for name in names}, "also_present": list(data["also_present"])}

    def clean_at(self) -> datetime:
        at: datetime = self.cleaned_data["at"]
        return timezone.make_aware(at) if timezone.is_naive(at) else at


class AssignNamedWorkerForm(Form):
    worker = WorkerPickerField(label=_("Named worker"), queryset=None)
    started_on = RecordDateField(label=_("From"), widget=DateInput())
    chosen_by_person = forms.BooleanField(label=_("They chose this worker"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "worker").queryset = worker_queryset(membership)


class WorkerRequestForm(Form):
    requested_worker = WorkerPickerField(
        label=_("Worker they asked for (if any)"),
        help_text=_("Leave it empty if they asked for no one in particular."),
        queryset=None,
        required=False,
    )
    in_their_words = forms.CharField(
        label=_("What they said"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "requested_worker").queryset = worker_queryset(membership)


class HandoverForm(Form):
    to_worker = WorkerPickerField(label=_("New named worker"), queryset=None)
    reason = forms.ChoiceField(label=_("Why"), widget=forms.RadioSelect)
    introduce_by = RecordDateField(
        label=_("Introduce them by"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "to_worker").queryset = worker_queryset(membership)
        # The organisation's own words (decision 0088); "first named worker" is never picked.
        choice_field(self, "reason").choices = local_words.choices(
            membership.organisation_id, "spell_reason"
        )


class ColdHandoverForm(Form):
    cold_reason = forms.CharField(
        label=_("Why was no introduction possible?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AllocateWorkerForm(Form):
    worker = WorkerPickerField(label=_("Worker"), queryset=None)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "worker").queryset = worker_queryset(membership)


class HistoryAccessForm(Form):
    """A worker's legitimate-relationship request: why they need the person's history."""

    reason = forms.CharField(
        label=_("Why you need their history"),
        help_text=_("For example: covering for their named worker, who is off sick this week."),
        max_length=LEGITIMATE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you need their history.")},
    )


class HistoryAccessReviewForm(Form):
    outcome = forms.ChoiceField(
        label=_("Was it appropriate?"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether it was appropriate.")},
    )
    note = forms.CharField(
        label=_("Note (needed when it was not appropriate)"),
        required=False,
        max_length=LEGITIMATE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveContactForm(Form):
    """Move a contact recorded on the wrong person: who it was really with, and why."""

    to = forms.TypedChoiceField(
        label=_("Who was it really with?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Find and choose the person it was really with.")},
    )
    reason = forms.CharField(
        label=_("Why was it on the wrong person?"),
        help_text=_("For example: two people called Dean Pearson; I chose the wrong one."),
        max_length=300,
        error_messages={"required": _("Say why it was on the wrong person.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices  # type: ignore[attr-defined]


class RemoveContactForm(Form):
    """Remove a contact recorded on the wrong person, with nobody to move it to: why."""

    reason = forms.CharField(
        label=_("Why was it recorded on the wrong person?"),
        help_text=_(
            "For example: I opened the wrong record; the visit was with someone we do not know."
        ),
        max_length=300,
        error_messages={"required": _("Say why it was recorded on the wrong person.")},
    )


class NotPossibleForm(Form):
    """A coordinator's "not possible" to a person's request for a worker: why, in plain words."""

    answer = forms.CharField(
        label=_("Why is it not possible?"),
        help_text=_(
            "In words their worker can read to them: it is shown on their page. For example: "
            "Sam has no space for new people until June; we can ask again then."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why it is not possible, in words they can be told.")},
    )
