"""Forms for vouchers and referral partners. They bind and clean input; services decide."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access import words as local_words
from alongside.access.models import Membership, Team
from alongside.common.forms import DateInput, Form, RecordDateField, model_choice
from alongside.common.ids import parse_id
from alongside.eligibility.models import MAX_PARCELS, PartnerKind, ReferralPartner
from alongside.eligibility.queries import active_referral_partners
from alongside.people.models import Person
from alongside.people.queries import people_visible_to

NEW_PERSON = "new"


def _number(label: Any, *, required_message: Any, **attrs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        error_messages={"required": required_message, "invalid": _("Enter a whole number.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **attrs}),
    )


class VoucherForm(Form):
    code = forms.CharField(
        label=_("Voucher code"),
        required=False,
        max_length=40,
        help_text=_("As printed on the voucher. Spaces and small letters do not matter."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    partner = forms.ModelChoiceField(
        label=_("Referral partner"),
        queryset=ReferralPartner.objects.none(),
        empty_label=_("Choose a partner"),
        error_messages={
            "required": _("Choose the partner who issued the voucher."),
            "invalid_choice": _("Choose a partner from the list."),
        },
    )
    issued_by_name = forms.CharField(
        label=_("Issued by"),
        required=False,
        max_length=100,
        help_text=_("The name of the worker at the partner who wrote it."),
    )
    issued_on = RecordDateField(
        label=_("Date issued"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date on the voucher."),
            "invalid": _("Enter a real date, like 3 March 2025."),
        },
    )
    adults = _number(
        _("Adults in the household"), required_message=_("Enter the number of adults."), min=1
    )
    children = _number(
        _("Children in the household"),
        required_message=_("Enter the number of children, or 0."),
        min=0,
    )
    reason_codes = forms.MultipleChoiceField(
        label=_("Reasons ticked on the voucher"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"issued_on": timezone.localdate(), "children": 0})
        super().__init__(*args, **kwargs)
        model_choice(self, "partner").queryset = active_referral_partners(membership)
        # The organisation's own words (decision 0088).
        self.fields["reason_codes"].choices = local_words.choices(  # type: ignore[attr-defined]
            membership.organisation_id, "voucher_reason"
        )


class FindVoucherForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    code = forms.CharField(label=_("Find a voucher by its code"), max_length=40)


class PersonSearchForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    q = forms.CharField(label=_("Find the person by name"), required=False, max_length=100)


class RedeemForm(Form):
    person = forms.CharField(
        label=_("Who is the voucher for?"),
        max_length=20,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who the voucher is for, or add someone new.")},
    )
    given_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    family_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    team = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Choose a service"),
    )
    parcels = _number(
        _("Parcels"), required_message=_("Enter the number of parcels."), min=1, max=MAX_PARCELS
    )
    # The desk checked the possible matches and says this is someone new.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        membership: Membership,
        candidates: list[tuple[Person, bool]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"parcels": 1})
        super().__init__(*args, **kwargs)
        self.membership = membership
        choices = [(str(person.pk), _label(person, supported)) for person, supported in candidates]
        choices.append((NEW_PERSON, str(_("Someone new: add their name below"))))
        self.fields["person"].widget.choices = choices
        model_choice(self, "team").queryset = Team.objects.filter(
            organisation_id=membership.organisation_id
        ).order_by("name")

    def clean_person(self) -> Person | None:
        value = self.cleaned_data["person"]
        if value == NEW_PERSON:
            return None
        person_id = parse_id(value)
        person = (
            people_visible_to(self.membership).filter(pk=person_id).first() if person_id else None
        )
        if person is None:
            raise forms.ValidationError(_("Choose someone from the list, or add someone new."))
        return person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "person" in data and data["person"] is None:
            if not data.get("given_name", "").strip():
                self.add_error("given_name", _("Enter their first name."))
            if not data.get("team"):
                self.add_error("team", _("Choose the service they will use."))
        return data


def _label(person: Person, supported: bool) -> str:
    label = f"{person.display_name} ({person.team.name})"
    if supported:
        label += " – " + str(_("you support them"))
    return label


class PartnerForm(Form):
    name = forms.CharField(label=_("Partner's name"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of partner"),
        choices=PartnerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of partner this is.")},
    )


class SupportOfferForm(Form):
    agreed = forms.BooleanField(
        label=_("They said yes, they would like a link worker to get in touch"),
        error_messages={"required": _("Only ask a link worker to get in touch if they said yes.")},
    )


class UndoRedemptionForm(Form):
    reason = forms.CharField(
        label=_("Why was this redemption wrong?"),
        help_text=_("For example: recorded for the wrong Dean Pearson. Kept with the voucher."),
        max_length=300,
        error_messages={"required": _("Say why the redemption was wrong.")},
    )
