"""Forms for connections. Choices come from the organisation's lists; services validate again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from alongside.access.models import Membership
from alongside.common.forms import Form, choice_field, model_choice
from alongside.connections.commonality import DEFAULT_WEIGHTS, WEIGHT_LABELS
from alongside.connections.models import (
    SLOTS,
    HowItWent,
    Interest,
    LivedExperience,
    Locality,
    Met,
    VolunteerGender,
    VolunteerPreference,
)
from alongside.people.models import Person
from alongside.people.pickers import PersonPickerField


def _lists(organisation_id: int) -> tuple[list[tuple[int, str]], list[tuple[Any, str]]]:
    interests = [(i.pk, i.name) for i in Interest.objects.filter(organisation_id=organisation_id)]
    localities: list[tuple[Any, str]] = [("", "Not said")] + [
        (loc.pk, loc.name) for loc in Locality.objects.filter(organisation_id=organisation_id)
    ]
    return interests, localities


class _Common(Form):
    interests = forms.TypedMultipleChoiceField(
        label="Interests", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    locality = forms.TypedChoiceField(
        label="Neighbourhood",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="A neighbourhood, never an address.",
    )
    availability = forms.MultipleChoiceField(
        label="Usually free",
        choices=SLOTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lived_experience = forms.MultipleChoiceField(
        label="Lived experience they are happy to use to find people",
        choices=LivedExperience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lived_experience_consent = forms.BooleanField(
        label="They agree that this lived experience may be used to find people they have "
        "something in common with",
        required=False,
        help_text="Without this, lived experience is not recorded, used or shown.",
    )

    def __init__(self, organisation_id: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        interests, localities = _lists(organisation_id)
        choice_field(self, "interests").choices = interests
        choice_field(self, "locality").choices = localities


class ProfileForm(_Common):
    open_to_introductions = forms.BooleanField(
        label="They are happy to be introduced to people", required=False, initial=True
    )
    wants_volunteer = forms.BooleanField(
        label="They would like a volunteer (befriending or peer mentoring)", required=False
    )
    volunteer_preference = forms.ChoiceField(
        label="Their volunteer should be", choices=VolunteerPreference.choices, required=False
    )
    not_from_my_area = forms.BooleanField(
        label="Not someone from their own neighbourhood", required=False
    )
    in_their_words = forms.CharField(
        label="What they would like from meeting people, in their words",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VolunteerForm(_Common):
    capacity = forms.IntegerField(label="Can take this many more people", min_value=0, max_value=20)
    available_for_matching = forms.BooleanField(
        label="Available for matching",
        required=False,
        help_text="Untick to leave them out of matching (for example after a safeguarding decision).",
    )
    gender = forms.ChoiceField(
        label="Gender (only to honour someone's wish for a woman or a man volunteer)",
        choices=VolunteerGender.choices,
        required=False,
    )


class SpaceForm(_Common):
    pass


class ProposeForm(Form):
    other = PersonPickerField(
        label="Introduce them to", queryset=Person.objects.none(), required=False
    )
    space = forms.TypedChoiceField(label="Or to a group", coerce=int, required=False)

    def __init__(
        self,
        people: QuerySet[Person],
        spaces: list[tuple[int, str]],
        *args: Any,
        membership: Membership,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "other").queryset = people  # everyone who may be suggested
        choice_field(self, "space").choices = [("", "Choose a group"), *spaces]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("other")) == bool(data.get("space")):
            raise forms.ValidationError("Choose one person or one group.")
        return data


class AnswerForm(Form):
    """One side's answer, on their phone or with their worker."""

    agree = forms.TypedChoiceField(
        label="Would you like to be introduced?",
        choices=[("yes", "Yes, I would like that"), ("no", "No, thank you")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    share_first_name = forms.BooleanField(label="My first name", required=False, initial=True)
    share_in_common = forms.BooleanField(
        label="What we have in common", required=False, initial=True
    )
    share_contact = forms.BooleanField(label="A way to get in touch with me", required=False)
    contact_way = forms.CharField(
        label="How to get in touch with me",
        required=False,
        max_length=200,
        help_text="For example a phone number, or “through my support worker”.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("agree")
            and data.get("share_contact")
            and not data.get("contact_way", "").strip()
        ):
            self.add_error("contact_way", "Say how you would like to be contacted.")
        return data


class FollowUpForm(Form):
    met = forms.ChoiceField(label="Did they meet?", choices=Met.choices, widget=forms.RadioSelect)
    how = forms.ChoiceField(
        label="How was it?", choices=HowItWent.choices, required=False, widget=forms.RadioSelect
    )
    in_their_words = forms.CharField(
        label="Anything they would like to say",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WeightsForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, default in DEFAULT_WEIGHTS.items():
            self.fields[key] = forms.FloatField(
                label=WEIGHT_LABELS[key],
                min_value=0,
                max_value=10,
                initial=default,
                required=False,
            )

    def weights(self) -> dict[str, float]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            key: (data[key] if data.get(key) is not None else default)
            for key, default in DEFAULT_WEIGHTS.items()
        }


class ListForm(Form):
    kind = forms.ChoiceField(
        label="Add to", choices=[("interest", "Interests"), ("locality", "Neighbourhoods")]
    )
    name = forms.CharField(label="Name", max_length=60)
