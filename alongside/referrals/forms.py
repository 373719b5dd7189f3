"""Forms for referrals: out (with the plain-words check and the person's agreement), the
service's answer, a partner's referral in, triage and partners."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access import words as local_words
from alongside.access.pickers import WorkerPickerField
from alongside.common.forms import Form, choice_field, model_choice
from alongside.directory.models import TaxonomyTerm
from alongside.people.models import Person
from alongside.people.pickers import PersonPickerField
from alongside.referrals.models import OutStatus

ANSWER_CHOICES = [
    (OutStatus.ACCEPTED, _("Accepted: we will see them")),
    (OutStatus.SEEN, _("Seen: we have met them")),
    (OutStatus.NOT_SUITABLE, _("Not suitable for our service")),
    (OutStatus.NO_CONTACT, _("We could not make contact")),
]


class ReferForm(Form):
    service = forms.TypedChoiceField(
        label=_("Service from the local directory"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[],
    )
    service_name = forms.CharField(
        label=_("Or a service not in the directory: its name"), max_length=300, required=False
    )
    service_email = forms.EmailField(
        label=_(
            "Its email address, for the private link (leave empty to pass the link on yourself)"
        ),
        max_length=254,
        required=False,
    )
    need = forms.ModelChoiceField(
        label=_("What is the referral for?"),
        queryset=TaxonomyTerm.objects.none(),
        to_field_name="code",
        empty_label=_("Choose a need"),
    )
    share_contact = forms.BooleanField(
        label=_("Share how to contact them (phone, email, how they like to be contacted)"),
        required=False,
        initial=True,
    )
    share_note = forms.BooleanField(label=_("Share a note for the service"), required=False)
    note = forms.CharField(
        label=_("The note (only sent when ticked above and they agree)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_given = forms.BooleanField(
        label=_("They have read or heard this, and agree to exactly this being shared"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        services: list[tuple[int, str]],
        needs: QuerySet[TaxonomyTerm],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "need").queryset = needs
        field = self.fields["service"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a service")), *services]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("service") and not (data.get("service_name") or "").strip():
            self.add_error("service", _("Choose a service, or write the name of one."))
        return data


class ReferWhoForm(Form):
    """Refer someone from a directory entry: first, who (the person picker)."""

    person = PersonPickerField(label=_("Who are you referring?"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = people


class AnswerForm(Form):
    status = forms.ChoiceField(
        label=_("What happened?"), choices=ANSWER_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why, or anything we should know (needed when it is not suitable)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, organisation_id: int, accepted: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # An answer the organisation renamed is offered in its words (decision 0088); the
        # others keep the fuller wording written for the receiving service.
        own = local_words.labels(organisation_id, "referral_outcome")
        # "Accepted" once they said they would see them: now seen, or it did not work out.
        choice_field(self, "status").choices = [
            (code, own[code] if own[code] != str(OutStatus(code).label) else str(text))
            for code, text in ANSWER_CHOICES
            if not (accepted and code == OutStatus.ACCEPTED)
        ]


def _key_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your partner key"), max_length=200, widget=forms.PasswordInput(render_value=True)
    )


class PartnerKeyForm(Form):
    """A partner's first step: the key, which says whose needs list the form then offers."""

    key = _key_field()


class PartnerReferralForm(Form):
    key = _key_field()
    their_reference = forms.CharField(
        label=_("Your reference (optional, so we can tell you the outcome)"),
        max_length=60,
        required=False,
    )
    given_name = forms.CharField(label=_("Their first name"), max_length=100)
    family_name = forms.CharField(label=_("Their last name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Their phone number"), max_length=30, required=False)
    email = forms.EmailField(label=_("Their email address"), max_length=254, required=False)
    postcode = forms.CharField(label=_("Their postcode"), max_length=10, required=False)
    need = forms.ChoiceField(label=_("What is the referral for?"), choices=[])
    reason = forms.CharField(
        label=_("What would help them (in their words, if you can)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agreed = forms.BooleanField(
        label=_("They agreed to this referral and to us contacting them"), required=False
    )

    def __init__(self, *args: Any, needs: list[TaxonomyTerm], **kwargs: Any) -> None:
        """`needs`: the words of the needs list of the organisation the key belongs to (none
        before a key is known: the form then asks for the key first)."""
        super().__init__(*args, **kwargs)
        choice_field(self, "need").choices = [
            ("", _("Choose a need")),
            *((term.code, term.name) for term in needs),
        ]


class TriageForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("not_suitable", _("Not suitable"))],
        widget=forms.RadioSelect,
    )
    person = forms.TypedChoiceField(
        label=_("Already known to us?"), coerce=int, required=False, empty_value=None, choices=[]
    )
    team = forms.TypedChoiceField(
        label=_("If new: the service they join"), coerce=int, required=False, empty_value=None
    )
    confirm_new = forms.BooleanField(
        label=_("I checked: this is someone new, not one of the people listed"), required=False
    )
    worker = WorkerPickerField(
        label=_("Their named worker (when accepted)"), queryset=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        teams: list[tuple[int, str]],
        workers: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "worker").queryset = workers
        for name, choices, empty in (
            ("person", people, _("No: a new record")),
            ("team", teams, _("Choose a service")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", empty), *choices]


class PartnerForm(Form):
    name = forms.CharField(label=_("Partner's name"), max_length=200)
    email = forms.EmailField(
        label=_("Where to send the outcome of their referrals"), max_length=254, required=False
    )
