"""Forms for the directory: search, a local service, its opening times, the needs list and a
feed. They bind and clean; `directory.services` writes."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.access.pickers import WorkerPickerField
from alongside.common.forms import Form, ModelForm, model_choice
from alongside.directory.models import (
    DirectoryFeed,
    Frequency,
    Location,
    Schedule,
    Service,
    TaxonomyTerm,
)

DAY_CHOICES = [
    ("", _("Any day")),
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
DISTANCE_CHOICES = [("1", _("1 km")), ("2", _("2 km")), ("5", _("5 km")), ("10", _("10 km"))]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class SearchForm(Form):
    """Everything is optional: an empty search lists the whole directory."""

    words = forms.CharField(label=_("Words"), required=False, max_length=200)
    need = forms.ModelChoiceField(
        label=_("Need"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        empty_label=_("Any need"),
    )
    district = forms.CharField(
        label=_("Postcode district"),
        required=False,
        max_length=10,
        help_text=_("The first half of a postcode, like LS6."),
    )
    near = forms.ModelChoiceField(
        label=_("Near"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("Anywhere"),
    )
    within = forms.TypedChoiceField(
        label=_("Within"), choices=DISTANCE_CHOICES, coerce=float, initial="2", required=False
    )
    day = forms.ChoiceField(label=_("Runs on"), choices=DAY_CHOICES, required=False)

    def __init__(
        self,
        *args: Any,
        terms: QuerySet[TaxonomyTerm],
        places: QuerySet[Location],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "need").queryset = terms
        model_choice(self, "near").queryset = places


class ServiceForm(ModelForm[Service]):
    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "status",
            "url",
            "email",
            "phone",
            "fees",
            "minimum_age",
            "maximum_age",
            "terms",
            "keeper",
            "published",
        ]
        labels = {"terms": _("Needs it helps with"), "url": _("Website")}
        field_classes = {"keeper": WorkerPickerField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "terms": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self,
        *args: Any,
        terms: QuerySet[TaxonomyTerm],
        keepers: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        terms_field = self.fields["terms"]
        assert isinstance(terms_field, forms.ModelMultipleChoiceField)
        terms_field.queryset = terms
        model_choice(self, "keeper").queryset = keepers
        for name in ("minimum_age", "maximum_age"):
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.max_value = 150
            field.widget.attrs.update({"max": 150, "inputmode": "numeric"})
        self.fields["email"].widget = forms.EmailInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The oldest age must not be less than the youngest."))
        return cleaned


class PlaceForm(ModelForm[Location]):
    """Where a local service runs."""

    class Meta:
        model = Location
        fields = ["name", "address_1", "city", "postal_code", "latitude", "longitude"]
        labels = {"name": _("Name of the place")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self.add_error("latitude", _("Enter a latitude from -90 to 90."))
        if longitude is not None and not -180 <= longitude <= 180:
            self.add_error("longitude", _("Enter a longitude from -180 to 180."))
        if (latitude is None) != (longitude is None):
            self.add_error("longitude", _("Enter both the latitude and the longitude, or neither."))
        return cleaned


class ScheduleForm(ModelForm[Schedule]):
    """One regular time a local service runs."""

    class Meta:
        model = Schedule
        fields = ["freq", "byday", "opens_at", "closes_at", "description"]
        labels = {"byday": _("Days"), "description": _("Anything else about when it runs")}
        widgets = {"opens_at": TimeInput(), "closes_at": TimeInput()}

    byday = forms.MultipleChoiceField(
        label=_("Days"), choices=DAY_CHOICES[1:], widget=forms.CheckboxSelectMultiple
    )
    freq = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)

    def clean_byday(self) -> str:
        return ",".join(self.cleaned_data.get("byday") or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return cleaned


class TermForm(Form):
    name = forms.CharField(label=_("Need"), max_length=200)
    description = forms.CharField(
        label=_("What it covers"), max_length=2000, required=False, widget=forms.Textarea
    )


class FeedForm(ModelForm[DirectoryFeed]):
    class Meta:
        model = DirectoryFeed
        fields = ["name", "url", "refresh_hours", "active"]
        help_texts = {
            "url": _("An Open Referral UK API's services, like https://example.org/api/services")
        }

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter an address starting https://"))
        return url

    def clean_refresh_hours(self) -> int:
        hours: int = self.cleaned_data["refresh_hours"]
        if not 1 <= hours <= 24 * 30:
            raise forms.ValidationError(_("Enter a number of hours from 1 to 720."))
        return hours
