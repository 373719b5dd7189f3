from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Role, Team, active_membership_q
from alongside.common.forms import (
    DateInput,
    Form,
    ModelForm,
    NamedUserChoiceField,
    RecordDateField,
    choice_field,
    model_choice,
)
from alongside.people.models import Person
from alongside.visibility.roles import GRANTEE_ROLES


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
            "access_needs",
            "what_matters",
        ]
        widgets = {
            "access_needs": forms.Textarea(attrs={"rows": 2}),
            "what_matters": forms.Textarea(attrs={"rows": 3}),
            "contact_preference": forms.RadioSelect,
        }
        error_messages = {
            "given_name": {"required": _("Enter their first name")},
            "family_name": {"required": _("Enter their last name")},
            "team": {"required": _("Choose the service that supports them")},
            "contact_preference": {"required": _("Choose how they would like to be contacted")},
        }

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "team").queryset = Team.objects.filter(
            organisation_id=membership.organisation_id
        )
        model_choice(self, "team").empty_label = None


class SearchForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


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
    grantee_user = NamedUserChoiceField(
        label=_("Or share with one person"), required=False, queryset=Membership.objects.none()
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
            (role, Role(role).label) for role in GRANTEE_ROLES
        ]
        users = (
            get_user_model()
            .objects.filter(
                active_membership_q("memberships__"),
                memberships__organisation_id=membership.organisation_id,
                memberships__role__in=GRANTEE_ROLES,
            )
            .order_by("first_name", "last_name")
        )
        model_choice(self, "grantee_user").queryset = users
