from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.middleware import SESSION_KEY
from alongside.access.models import Organisation, Role, TwoStepPolicy
from alongside.access.queries import active_memberships, notifications_for
from alongside.access.services import (
    MAX_LATE_RECORD_DAYS,
    ROLE_NAME_MAX_LENGTH,
    mark_notifications_read,
    set_late_record_days,
    set_role_names,
    set_role_separation,
    set_two_step_policy,
)
from alongside.common.forms import Form
from alongside.common.ids import parse_id
from alongside.common.responses import form_status


class OrganisationSettingsForm(Form):
    allow_assessor_and_supporter = forms.BooleanField(
        required=False,
        label=gettext_lazy("Let one worker both check a person's eligibility and support them"),
        help_text=gettext_lazy(
            "Leave this off if you can. People tell their supporter what is really going on when the "
            "supporter does not decide what they get. Turn it on only if your team is too small to keep "
            "the two apart; pages will then warn when one worker does both."
        ),
    )
    late_record_days = forms.IntegerField(
        required=False,  # left out: unchanged
        label=gettext_lazy("Days back a contact may be recorded without a reason"),
        min_value=0,
        max_value=MAX_LATE_RECORD_DAYS,
        help_text=gettext_lazy(
            "A contact longer ago than this needs a written reason, kept with it. A contact can "
            "never be dated in the future."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    two_step_sign_in = forms.ChoiceField(
        required=False,  # left out: unchanged
        label=gettext_lazy("Who must sign in in two steps"),
        help_text=gettext_lazy(
            "Two steps: a password, then a code from an authenticator app on their phone. Data "
            "leads, safeguarding leads and coordinators always need it; you can ask it of everyone."
        ),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["two_step_sign_in"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = two_step_choices(organisation)
        # The organisation's own names for roles (decision 0034): empty means the default.
        for role in Role:
            self.fields[f"role_name_{role.value}"] = forms.CharField(
                required=False,
                max_length=ROLE_NAME_MAX_LENGTH,
                label=_("What you call the “%(role)s” role (optional)") % {"role": role.label},
                help_text=_("Leave empty to say “%(role)s”.") % {"role": role.label},
            )

    def role_name_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("role_name_")]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("role_name_")]

    def role_names(self) -> dict[str, str]:
        return {role.value: self.cleaned_data.get(f"role_name_{role.value}") or "" for role in Role}


def two_step_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """The policies a data lead may choose; the demo's own exception only where it already is."""
    offered = [TwoStepPolicy.LEADS, TwoStepPolicy.EVERYONE]
    if organisation.two_step_sign_in == TwoStepPolicy.DEMO_DATA_LEAD_ONLY:
        offered.append(TwoStepPolicy.DEMO_DATA_LEAD_ONLY)
    return [(str(policy.value), str(policy.label)) for policy in offered]


def organisations(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "access/organisations.html", {"memberships": active_memberships(request.user)}
    )


@require_POST
def switch_organisation(request: AuthedHttpRequest) -> HttpResponse:
    organisation_id = parse_id(request.POST.get("organisation", ""))
    if organisation_id is None:
        raise Http404
    if not active_memberships(request.user).filter(organisation_id=organisation_id).exists():
        raise Http404
    request.session[SESSION_KEY] = organisation_id
    return redirect("relationships:home")


@require_http_methods(["GET", "POST"])
def notifications(request: AuthedHttpRequest) -> HttpResponse:
    """Your messages in the organisation you are working in. Reading them changes nothing (a GET
    is safe: a prefetch or a link must not mark anything); "Mark all as read" posts."""
    membership = request.membership
    if membership is None:
        raise Http404
    if request.method == "POST":
        mark_notifications_read(membership)
        return redirect("access:notifications")
    items = list(notifications_for(membership)[:100])
    unread = any(item.read_at is None for item in items)
    return render(request, "access/notifications.html", {"items": items, "unread": unread})


@rule_required("access.change_settings")
def organisation_settings(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    organisation = membership.organisation
    form = OrganisationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "allow_assessor_and_supporter": organisation.allow_assessor_and_supporter,
            "two_step_sign_in": organisation.two_step_sign_in,
            "late_record_days": organisation.late_record_days,
            **{f"role_name_{role}": name for role, name in (organisation.role_names or {}).items()},
        },
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            set_role_separation(
                organisation,
                by=membership,
                allow_assessor_and_supporter=form.cleaned_data["allow_assessor_and_supporter"],
            )
            set_two_step_policy(
                organisation,
                by=membership,
                policy=form.cleaned_data["two_step_sign_in"] or organisation.two_step_sign_in,
            )
            days = form.cleaned_data["late_record_days"]
            set_late_record_days(
                organisation,
                by=membership,
                days=organisation.late_record_days if days is None else days,
            )
            set_role_names(organisation, by=membership, names=form.role_names())
        messages.success(request, _("Settings saved."))
        return redirect("access:organisation_settings")
    return render(
        request, "access/settings.html", {"form": form}, status=form_status(request, form)
    )
