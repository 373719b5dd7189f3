from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Team
from alongside.common.forms import DateInput
from alongside.people.models import Person


class PersonForm(forms.ModelForm):
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

    def __init__(self, *args: object, membership: Membership, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["team"].queryset = Team.objects.filter(
            organisation_id=membership.organisation_id
        )  # type: ignore[attr-defined]
        self.fields["team"].empty_label = None  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What do they agree to share?"),
        choices=[("one_note", _("One note")), ("all_support_notes", _("All their support notes"))],
        widget=forms.RadioSelect,
    )
    note = forms.TypedChoiceField(
        label=_("Which note"), coerce=int, required=False, empty_value=None
    )
    grantee_role = forms.ChoiceField(label=_("Share with everyone in this role"), required=False)
    grantee_user = forms.ModelChoiceField(
        label=_("Or share with one person"), required=False, queryset=Membership.objects.none()
    )
    purpose = forms.CharField(label=_("What is it for, in their words?"), max_length=300)
    expires_on = forms.DateField(
        label=_("Until"),
        help_text=_("A year at most."),
        widget=DateInput(),
    )

    def __init__(
        self, *args: object, membership: Membership, notes: list, **kwargs: object
    ) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from alongside.access.models import Role
        from alongside.visibility.roles import GRANTEE_ROLES

        self.fields["note"].choices = (
            [("", _("Choose a note"))]
            + [  # type: ignore[attr-defined]
                (note.pk, f"{note.created_at:%d %b %Y}: {(note.asked_for or note.text)[:60]}")
                for note in notes
            ]
        )
        self.fields["grantee_role"].choices = [("", _("No role"))] + [  # type: ignore[attr-defined]
            (role, Role(role).label) for role in GRANTEE_ROLES
        ]
        users = (
            get_user_model()
            .objects.filter(
                memberships__organisation_id=membership.organisation_id,
                memberships__left_on__isnull=True,
                memberships__role__in=GRANTEE_ROLES,
            )
            .order_by("first_name", "last_name")
        )
        field = self.fields["grantee_user"]
        field.queryset = users  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
