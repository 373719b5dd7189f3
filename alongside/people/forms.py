from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Team
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
