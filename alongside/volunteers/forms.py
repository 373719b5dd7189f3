"""Forms for the volunteer journey: the public enquiry, moving a stage, references, checks, and
a volunteer's own lived experience."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.common.forms import Form, RecordDateField
from alongside.connections.models import LivedExperience
from alongside.volunteers.models import CheckKind, DbsLevel, Stage


class EnquiryForm(Form):
    given_name = forms.CharField(label=_("Your first name"), max_length=100)
    family_name = forms.CharField(label=_("Your last name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=150,
        help_text=_("We use it to get in touch, and later to set up your account."),
    )
    phone = forms.CharField(
        label=_("Your phone number (if you would like a call)"), max_length=40, required=False
    )
    offer = forms.CharField(
        label=_("What would you like to do, and when are you free?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MoveForm(Form):
    to = forms.ChoiceField(label=_("Move them to"), choices=Stage.choices)
    on = RecordDateField(label=_("On"))
    anyway = forms.BooleanField(
        label=_("Move them anyway, without what is still missing"),
        help_text=_("Only when you are sure: say why below. What was missing is kept with why."),
        required=False,
    )
    reason = forms.CharField(
        label=_("Why (needed when going back a stage, or moving them anyway)"),
        max_length=300,
        required=False,
    )


class RequirementsForm(Form):
    references = forms.IntegerField(
        label=_("Satisfactory references needed"),
        min_value=0,
        max_value=5,
        help_text=_("0 to 5. A reference that came back not satisfactory always holds them."),
    )
    dbs_level = forms.ChoiceField(
        label=_("DBS check needed"),
        choices=[("", _("None")), *DbsLevel.choices],
        required=False,
        help_text=_("The lowest level that will do. Only ask for the level the role allows."),
    )
    dbs_renew_months = forms.IntegerField(
        label=_("A DBS check is out of date after how many months"),
        min_value=1,
        max_value=120,
        help_text=_("Counted from its issue date, or its last update-service check if later."),
    )
    right_to_volunteer = forms.BooleanField(
        label=_("Their right to volunteer must be seen"),
        help_text=_("Where it is relevant, for example for someone here on a visa."),
        required=False,
    )


class ReferenceForm(Form):
    referee = forms.CharField(
        label=_("Who was asked (name, and how they know them)"), max_length=200
    )
    asked_on = RecordDateField(label=_("Asked on"))
    note = forms.CharField(label=_("Short note"), max_length=200, required=False)


class ReferenceBackForm(Form):
    received_on = RecordDateField(label=_("Received on"))
    satisfactory = forms.TypedChoiceField(
        label=_("Was it satisfactory?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Short note (never what the reference says)"),
        max_length=200,
        required=False,
    )


class CheckForm(Form):
    kind = forms.ChoiceField(label=_("Check"), choices=CheckKind.choices)
    requested_on = RecordDateField(label=_("Asked for on"))
    level = forms.ChoiceField(
        label=_("DBS level"), choices=[("", _("Not known yet")), *DbsLevel.choices], required=False
    )
    certificate_number = forms.CharField(
        label=_("Certificate number (12 digits, when it is back)"), max_length=20, required=False
    )
    issued_on = RecordDateField(label=_("Issue date"), required=False)
    update_service_checked_on = RecordDateField(
        label=_("Update service last checked on"), required=False
    )
    confirmed_on = RecordDateField(
        label=_("Right to volunteer seen on (right to volunteer only)"), required=False
    )


class LivedExperienceForm(Form):
    codes = forms.MultipleChoiceField(
        label=_("What you know about from your own life"),
        choices=LivedExperience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    words = forms.CharField(
        label=_("In your own words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    for_matching = forms.BooleanField(
        label=_("It may be used to match me with someone"),
        help_text=_("The coordinator's matching uses what you ticked above, nothing more."),
        required=False,
    )
    for_telling = forms.BooleanField(
        label=_("It may be told to the person I am matched with"),
        help_text=_("They see what you ticked and your own words, once you have both said yes."),
        required=False,
    )
