"""Forms for concerns, actions, overrides, reviews and matching holds. They bind and clean input;
services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from alongside.common.forms import Form, choice_field
from alongside.safeguarding.models import (
    HOLD_REASON_MIN_LENGTH,
    JUSTIFICATION_MIN_LENGTH,
    Category,
    ConcernStatus,
    OverrideReason,
    ReviewOutcome,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _choice_errors(message: StrOrPromise) -> dict[str, StrOrPromise]:
    return {"required": message, "invalid_choice": message}


class ConcernForm(Form):
    category = forms.ChoiceField(
        label=_("What kind of harm might it be?"),
        help_text=_("Choose the closest."),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Choose what kind of harm it might be.")),
    )
    what_happened = forms.CharField(
        label=_("What happened, or what did you notice?"),
        help_text=_(
            "Say what you saw or heard, when, and who told you. Use their words if you can."
        ),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Say what happened or what you noticed.")},
    )
    immediate_risk = forms.ChoiceField(
        label=_("Is anyone in danger now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Say whether anyone is in danger now.")),
    )

    def clean_immediate_risk(self) -> bool:
        return bool(self.cleaned_data["immediate_risk"] == "yes")


class ConcernActionForm(Form):
    what_was_done = forms.CharField(
        label=_("What was done?"),
        help_text=_("For example: who you spoke to, what you decided, any referral made."),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what was done.")},
    )
    status = forms.ChoiceField(
        label=_("Status of the concern now"),
        choices=ConcernStatus.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Choose the status of the concern now.")),
    )


class OverrideForm(Form):
    reason_code = forms.ChoiceField(
        label=_("Why do you need to open their support records?"),
        choices=OverrideReason.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Choose the reason for opening their support records.")),
    )
    justification = forms.CharField(
        label=_("Explain why this cannot wait for their consent"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translated per request, not at import, because the text holds a number.
        count = {"count": JUSTIFICATION_MIN_LENGTH}
        field = self.fields["justification"]
        field.help_text = (
            gettext(
                "At least %(count)d characters. Another safeguarding lead or a data lead will read "
                "this when they review the override."
            )
            % count
        )
        field.error_messages["required"] = (
            gettext("Explain why in at least %(count)d characters.") % count
        )


class ReviewForm(Form):
    outcome = forms.ChoiceField(
        label=_("Was the override justified?"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Say whether the override was justified.")),
    )
    note = forms.CharField(
        label=_("Review note"),
        help_text=_("Needed when it was not justified: say why and what should happen next."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoldForm(Form):
    """Why matching and introductions must stop (for a person; the volunteer form adds who)."""

    reason = forms.CharField(
        label=_("Why must matching and introductions stop?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = {"count": HOLD_REASON_MIN_LENGTH}
        field = self.fields["reason"]
        field.help_text = (
            gettext(
                "A few words, at least %(count)d characters. Only safeguarding leads can read "
                "this. Workers only see \u201cNot available for matching or introductions\u201d."
            )
            % count
        )
        field.error_messages["required"] = (
            gettext("Give the reason in a few words (at least %(count)d characters).") % count
        )


class VolunteerHoldForm(HoldForm):
    volunteer = forms.TypedChoiceField(
        label=_("Which volunteer or supporter?"),
        coerce=int,
        error_messages=_choice_errors(_("Choose the volunteer or supporter.")),
    )

    field_order = ["volunteer", "reason"]

    def __init__(self, choices: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "volunteer").choices = [("", gettext("Choose someone")), *choices]
        self.order_fields(self.field_order)


class LiftHoldForm(Form):
    reason = forms.CharField(
        label=_("Why can matching and introductions start again?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = {"count": HOLD_REASON_MIN_LENGTH}
        field = self.fields["reason"]
        field.help_text = (
            gettext("A few words, at least %(count)d characters. Only safeguarding leads read it.")
            % count
        )
        field.error_messages["required"] = (
            gettext("Say in a few words why it can be lifted (at least %(count)d characters).")
            % count
        )
