"""Django admin for setting up an organisation: organisations, teams and memberships.

Only superusers and staff reach the admin. No person-level or sphere model is registered here:
people's records are read through the app, where visibility and audit apply.
"""

from django.contrib import admin

from alongside.access.models import Membership, Organisation, Team


class TeamInline(admin.TabularInline[Team, Organisation]):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "slug", "allow_assessor_and_supporter"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organisation", "role", "team", "started_on", "left_on", "leaving_on"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
