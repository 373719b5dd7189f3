"""Forms for people management. Choices shown are what the manager may give; anything else sent
is checked by the service, which answers in plain words on the right field."""

from typing import Any

import rules
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Organisation, Role, Team
from alongside.access.queries import teams_for
from alongside.common.forms import DateInput, Form, PlainMessages, choice_field, model_choice
from alongside.workers.queries import STATUSES
from alongside.workers.services import BAD_EMAIL


def role_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """Every role, named as this organisation names it (decision 0034)."""
    return [(str(value), organisation.role_name(value)) for value in Role.values]


def _limit_role_and_team(form: forms.BaseForm, manager: Membership) -> None:
    """Every role and team stays valid input (so the service can say why one is refused); the
    lists show only those the manager may give."""
    role = choice_field(form, "role")
    role.choices = role_choices(manager.organisation)
    role.widget.choices = [
        (value, label)
        for value, label in role_choices(manager.organisation)
        if rules.test_rule("access.give_role", manager, value)
    ]
    team = model_choice(form, "team")
    team.queryset = Team.objects.filter(organisation_id=manager.organisation_id).order_by("name")
    shown = (
        list(teams_for(manager).order_by("name"))
        if manager.role == Role.COORDINATOR
        else list(team.queryset)
    )
    empty = [("", _("No team"))] if rules.test_rule("access.place_in_team", manager, None) else []
    team.widget.choices = empty + [(t.pk, t.name) for t in shown]


TEAM_ERRORS = {"invalid_choice": _("Choose one of your organisation's teams.")}
ROLE_ERRORS = {
    "invalid_choice": _("Choose a role from the list."),
    "required": _("Choose a role."),
}


class InviteForm(Form):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        error_messages={"required": _("Enter their email address.")},
        help_text=_("We send the invitation here, and they sign in with it."),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={"required": _("Enter their first name.")},
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), error_messages=ROLE_ERRORS)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, error_messages=TEAM_ERRORS
    )

    def __init__(self, *args: Any, manager: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_role_and_team(self, manager)

    def clean_email(self) -> str:
        """Checked here too, so a bad address is shown with every other mistake at once."""
        email = str(self.cleaned_data["email"]).strip()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(BAD_EMAIL) from None
        return email


class RoleForm(Form):
    role = forms.ChoiceField(label=_("Role"), error_messages=ROLE_ERRORS)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, error_messages=TEAM_ERRORS
    )

    def __init__(self, *args: Any, manager: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_role_and_team(self, manager)


class LeavingForm(Form):
    leaving_on = forms.DateField(
        label=_("Last working day"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Their access ends at the end of this day. Leave it empty to clear a leaving date."
        ),
    )


class FilterForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *STATUSES]
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *Role.choices],  # named below
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Any team")
    )

    def __init__(self, *args: Any, manager: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "team").queryset = teams_for(manager).order_by("name")
        choice_field(self, "role").choices = [
            ("", _("Any role")),
            *role_choices(manager.organisation),
        ]


class ChoosePasswordForm(PlainMessages, SetPasswordForm):  # type: ignore[type-arg]
    """Django's set-password form (every validator in AUTH_PASSWORD_VALIDATORS), with its help
    in one plain sentence instead of a list inside the hint paragraph."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password1"].help_text = _(
            "At least 8 characters. Not a common password, not only numbers, not like your "
            "name or email address, and not the name of Alongside, a role or your organisation. "
            "A few words together are easy to remember."
        )
        self.fields["new_password2"].label = _("Type it again")
        self.fields["new_password2"].help_text = ""
