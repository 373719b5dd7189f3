from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Team
from alongside.access.pickers import WorkerPickerField
from alongside.access.queries import worker_users
from alongside.common.forms import (
    DateInput,
    Form,
    ModelForm,
    RecordDateField,
    choice_field,
    model_choice,
)
from alongside.people.models import EqualityMonitoring, Person
from alongside.people.queries import Filters, Seen, Status
from alongside.people.services import clean_basics
from alongside.visibility.roles import GRANTEE_ROLES

BASICS = ("date_of_birth", "postcode", "phone", "emergency_contact_phone", "email")


class PersonForm(ModelForm[Person]):
    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "pronouns",
            "team",
            "languages",
            "contact_preference",
            "contact_details",
            "phone",
            "email",
            "access_needs",
            "what_matters",
            "date_of_birth",
            "age_band",
            "postcode",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
        ]
        widgets = {
            "access_needs": forms.Textarea(attrs={"rows": 2}),
            "what_matters": forms.Textarea(attrs={"rows": 3}),
            "contact_preference": forms.RadioSelect,
            "date_of_birth": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "phone": _("Reminders of appointments go here by text, if they like texts."),
            "email": _("Reminders go here if they prefer email."),
            "date_of_birth": _(
                "It tells two people with the same name apart, and funders ask for "
                "ages in their reports (only as totals)."
            ),
            "age_band": _("If they would rather not give a date of birth."),
            "emergency_contact_name": _("Someone to call if they are unwell with us."),
        }
        error_messages = {
            "given_name": {"required": _("Enter their first name")},
            "family_name": {"required": _("Enter their last name")},
            "team": {"required": _("Choose the service that supports them")},
            "contact_preference": {"required": _("Choose how they would like to be contacted")},
        }

    # Typed loosely ("sw1a1aa", " SW1A  1AA "): checked and written one way by `clean_basics`.
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        help_text=_(
            "It tells two people with the same name apart and shows which areas "
            "we reach. For example SW1A 1AA."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "short"}),
    )
    # The worker checked the possible matches and says this is someone new.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "team").queryset = Team.objects.filter(
            organisation_id=membership.organisation_id
        )
        model_choice(self, "team").empty_label = None

    def clean(self) -> dict[str, Any]:
        """The same checks the service makes (`people.services.clean_basics`), on their fields."""
        cleaned = super().clean() or {}
        basics = {name: cleaned[name] for name in BASICS if name in cleaned}
        try:
            cleaned.update(clean_basics(basics))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
        return cleaned


class SearchForm(Form):
    """Find a person: one box (a name, phone number, postcode or date of birth) and filters."""

    marks_optional = False  # it narrows a list: no field is asked for

    q = forms.CharField(
        label=_("Name, phone, postcode or date of birth"),
        required=False,
        max_length=100,
        help_text=_("For example: obrien, 07700 900123, LS6 or 05/12/1970."),
    )
    worker = WorkerPickerField(
        label=_("Whose people"),
        required=False,
        queryset=None,
        help_text=_("Leave it empty for anyone's."),
    )
    team = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    seen = forms.ChoiceField(
        label=_("Last seen"),
        required=False,
        choices=[
            ("", _("Any time")),
            (Seen.WITHIN_4_WEEKS, _("In the last 4 weeks")),
            (Seen.WITHIN_3_MONTHS, _("In the last 3 months")),
            (Seen.NOT_FOR_3_MONTHS, _("Not for more than 3 months")),
            (Seen.NEVER, _("Never")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Open or closed"),
        required=False,
        choices=[
            ("", _("Everyone")),
            (Status.OPEN, _("Open")),
            (Status.CLOSED, _("Closed")),
        ],
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An organisation may have thousands of workers: never a list of them all, a picker
        # (its search box is part of this GET form).
        worker = model_choice(self, "worker")
        worker.queryset = worker_users(membership.organisation_id)
        worker.widget.in_form = True
        choice_field(self, "team").choices = [("", _("Every service"))] + [
            (team.pk, team.name)
            for team in Team.objects.filter(organisation_id=membership.organisation_id).order_by(
                "name"
            )
        ]

    def filters(self) -> Filters:
        """The filters chosen (none when the form is not valid)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            worker_id=data["worker"].pk if data["worker"] else None,
            team_id=data["team"],
            seen=data["seen"],
            status=data["status"],
        )

    def text(self) -> str:
        return str(self.cleaned_data["q"]) if self.is_valid() else ""


class ConsentForm(Form):
    scope = forms.ChoiceField(
        label=_("What do they agree to share?"),
        choices=[("one_note", _("One note")), ("all_support_notes", _("All their support notes"))],
        widget=forms.RadioSelect,
    )
    note = forms.TypedChoiceField(
        label=_("Which note"), coerce=int, required=False, empty_value=None
    )
    grantee_role = forms.ChoiceField(label=_("Share with everyone in this role"), required=False)
    grantee_user = WorkerPickerField(
        label=_("Or share with one person"), required=False, queryset=None
    )
    purpose = forms.CharField(label=_("What is it for, in their words?"), max_length=300)
    expires_on = RecordDateField(
        label=_("Until"),
        help_text=_("A year at most."),
        widget=DateInput(),
    )

    def __init__(self, *args: Any, membership: Membership, notes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        choice_field(self, "note").choices = [("", _("Choose a note"))] + [
            (note.pk, f"{note.created_at:%d %b %Y}: {(note.asked_for or note.text)[:60]}")
            for note in notes
        ]
        choice_field(self, "grantee_role").choices = [("", _("No role"))] + [
            (role, membership.organisation.role_name(role)) for role in GRANTEE_ROLES
        ]
        model_choice(self, "grantee_user").queryset = worker_users(
            membership.organisation_id, GRANTEE_ROLES
        )


class CloseForm(Form):
    closed_on = RecordDateField(label=_("Closed on"), widget=DateInput())
    closed_reason = forms.CharField(
        label=_("Why, in their words"),
        help_text=_("For example: \u201cmy benefits are sorted, I don\u2019t need help now\u201d."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, in their words.")},
    )


class MergeForm(Form):
    """The record to merge into this one, by its number (from the list of possible matches)."""

    other = forms.IntegerField(
        label=_("Record number to merge into this one"), min_value=1, max_value=2**63 - 1
    )


class EqualityForm(ModelForm[EqualityMonitoring]):
    """The equality questions, each optional, each with "Prefer not to say"."""

    class Meta:
        model = EqualityMonitoring
        fields = ["gender", "ethnicity", "disability", "sexual_orientation", "religion"]
