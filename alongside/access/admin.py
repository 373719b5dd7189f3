"""Django admin for setting up an organisation and its teams — and nothing about people's access.

Only superusers and staff reach the admin. No person-level or sphere model is registered here:
people's records are read through the app, where visibility and audit apply. Memberships, users
and groups are not in the admin either (decision 0020): inviting, roles, teams, leaving dates and
switching accounts off happen on the Workers pages, whose services write the audit log; the
first data lead of a new organisation is invited with `alongside invite_worker`. What the admin
still changes (an organisation's name and slug, its teams) is audited here, by the staff user.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from alongside.access.models import Organisation, Team
from alongside.audit import actions
from alongside.audit.services import record

# Accounts and roles change in the app only, where every change is audited.
for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class TeamInline(admin.TabularInline[Team, Organisation]):
    model = Team
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a team with workers or people is protected; none is removed here


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "slug", "allow_assessor_and_supporter"]
    prepopulated_fields = {"slug": ["name"]}
    # Changed by the data lead in the app (Settings), where it is audited.
    readonly_fields = [
        "allow_assessor_and_supporter",
        "two_step_sign_in",
        "late_record_days",
        "is_demo",
    ]
    inlines = [TeamInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting an organisation would delete its people and its audit trail

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # The admin saves inside one transaction (changeform_view), so the event is in it.
        record(
            obj,
            action=actions.ACCESS_ORGANISATION_CHANGED_IN_ADMIN,
            by=request.user if request.user.is_authenticated else None,
            summary={"created": not change, "fields": sorted(form.changed_data)},
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Organisation],
        formset: BaseInlineFormSet[Team, Organisation, ModelForm[Team]],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        teams: list[Model] = [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]
        if teams:
            record(
                form.instance,
                action=actions.ACCESS_ORGANISATION_CHANGED_IN_ADMIN,
                by=request.user if request.user.is_authenticated else None,
                summary={
                    "teams_added": sorted(t.pk for t in formset.new_objects),
                    "teams_changed": sorted(obj.pk for obj, _ in formset.changed_objects),
                },
            )
