from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin signs in through allauth's /login/ too, so its limits and two-step sign-in hold there
# (decision 0017): /admin/login/ only redirects.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("alongside.relationships.urls")),
    path("people/", include("alongside.people.urls")),
    path("inbox/", include("alongside.inbox.urls")),
    path("insights/", include("alongside.insights.urls")),
    path("eligibility/", include("alongside.eligibility.urls")),
    path("safeguarding/", include("alongside.safeguarding.urls")),
    path("schedule/", include("alongside.scheduling.urls")),
    path("measures/", include("alongside.measures.urls")),
    path("learning/", include("alongside.learning.urls")),
    path("reports/", include("alongside.reports.urls")),
    path("spaces/", include("alongside.spaces.urls")),
    path("connections/", include("alongside.connections.urls")),
    path("audit/", include("alongside.audit.urls")),
    path("archive/", include("alongside.archive.urls")),
    path("workers/", include("alongside.workers.urls")),
    path("referrals/", include("alongside.referrals.urls")),
    path("shifts/", include("alongside.rota.urls")),
    path("training/", include("alongside.training.urls")),
    path("directory/", include("alongside.directory.urls")),
    path("oruk/", include("alongside.directory.oruk_urls")),  # public ORUK API (issue 16)
    path("imports/", include("alongside.imports.urls")),
    path("rights/", include("alongside.rights.urls")),
    path("volunteers/", include("alongside.volunteers.urls")),
    path("", include("alongside.access.urls")),
    path("", include("alongside.accounts.urls")),
    path("account/", include("allauth.urls")),
    path("api/v1/", include("config.api")),
    path("admin/", admin.site.urls),
    path("", include("alongside.ops.urls")),  # /health/
]
