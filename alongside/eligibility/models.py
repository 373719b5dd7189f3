"""Eligibility-sphere records: referral partners and the foodbank vouchers they issue.

A third-party partner (a GP surgery, a school, Citizens Advice) decides that someone needs food
and writes a voucher; the foodbank only checks the voucher and gives the parcel. So the people who
welcome and support someone never have to judge whether they deserve help.

`Voucher` fails closed: `Voucher.objects.all()` raises. Read through `alongside.eligibility.queries`,
which names the viewer (see docs/access-and-audit.md). A voucher holds only what the voucher needs:
no story, no notes.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access import words as local_words
from alongside.access.models import Sphere
from alongside.access.words import WordList, register
from alongside.common.spheres import SphereManager

MAX_HOUSEHOLD_ADULTS = 20
MAX_HOUSEHOLD_CHILDREN = 20
MAX_PARCELS = 5


class PartnerKind(models.TextChoices):
    GP_SURGERY = "gp_surgery", _("GP surgery or health centre")
    SCHOOL = "school", _("School or children's centre")
    CITIZENS_ADVICE = "citizens_advice", _("Citizens Advice")
    HOUSING = "housing", _("Housing officer")
    SOCIAL_WORK = "social_work", _("Social worker or health visitor")
    CHARITY = "charity", _("Another charity")
    OTHER = "other", _("Other")


class ReasonCode(models.TextChoices):
    """The reasons printed on a referral voucher, as the partner ticks them."""

    BENEFIT_DELAY = "benefit_delay", _("Benefit delay")
    BENEFIT_CHANGE = "benefit_change", _("Benefit change")
    LOW_INCOME = "low_income", _("Low income")
    DEBT = "debt", _("Debt")
    SICKNESS = "sickness", _("Sickness")
    HOMELESS = "homeless", _("Homeless")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    CHILD_HOLIDAY_MEALS = "child_holiday_meals", _("Child holiday meals")
    REFUSED_ADVANCE = "refused_advance", _("Refused short-term benefit advance")
    OTHER = "other", _("Other")


register(
    WordList(
        "voucher_reason",
        _("Reasons on a voucher"),
        _("Ticked on a referral voucher at the desk, and counted in the foodbank's figures."),
        ReasonCode.choices,
        fixed=frozenset({ReasonCode.OTHER}),
    )
)


class ReferralPartner(models.Model):
    """An agency that issues vouchers. Not about any person, so it has a normal manager."""

    SPHERE = Sphere.ELIGIBILITY

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    active = models.BooleanField(_("issues vouchers now"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-active", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="referral_partner_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


def voucher_key(code: str) -> str:
    """A voucher code as it is matched: its letters and digits only, in upper case, so that
    "ci 11946", "CI11946" and "ci-11946" are all CI-11946. Unique in an organisation."""
    return "".join(c for c in code if c.isalnum()).upper()


class Voucher(models.Model):
    """A referral voucher: recorded when it arrives, redeemed once, when the parcel is given."""

    SPHERE = Sphere.ELIGIBILITY

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        ReferralPartner,
        on_delete=models.PROTECT,
        related_name="vouchers",
        verbose_name=_("referral partner"),
    )
    code = models.CharField(_("voucher code"), max_length=32)
    code_key = models.CharField(
        max_length=48,
        editable=False,
        help_text=_("The code as it is matched (`voucher_key`): letters and digits, upper case."),
    )
    adults = models.PositiveSmallIntegerField(_("adults"))
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    reason_codes = models.JSONField(_("reasons"), default=list)
    issued_on = models.DateField(_("issued on"))
    issued_by_name = models.CharField(_("issued by"), max_length=100)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parcels = models.PositiveSmallIntegerField(_("parcels"), null=True, blank=True)
    role_separation_relaxed = models.BooleanField(
        default=False,
        help_text=_(
            "Redeemed by someone who also supports the person, as the organisation allows."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # A redemption undone (the wrong person, or given by mistake): why, in the assessor's words.
    # The redemption itself is in the audit log; the voucher can be redeemed again.
    redemption_undone_at = models.DateTimeField(null=True, blank=True)
    redemption_undone_reason = models.CharField(
        _("why the redemption was undone"), max_length=300, blank=True, default="", db_default=""
    )

    objects = SphereManager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code_key"], name="voucher_code_key_unique_in_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(adults__gte=1, adults__lte=MAX_HOUSEHOLD_ADULTS)
                & models.Q(children__lte=MAX_HOUSEHOLD_CHILDREN),
                name="voucher_household_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    redeemed_at__isnull=True,
                    person__isnull=True,
                    redeemed_by__isnull=True,
                    parcels__isnull=True,
                )
                | models.Q(
                    redeemed_at__isnull=False,
                    person__isnull=False,
                    redeemed_by__isnull=False,
                    parcels__gte=1,
                    parcels__lte=MAX_PARCELS,
                ),
                name="voucher_redeemed_all_at_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "redeemed_at"]),
            models.Index(fields=["person", "redeemed_at"]),
            # The food bank's waiting list, oldest first, a page at a time (decision 0114).
            models.Index(
                fields=["organisation", "issued_on", "id"],
                condition=models.Q(redeemed_at__isnull=True),
                name="voucher_waiting_by_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"Voucher {self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code_key = voucher_key(self.code)
        if kwargs.get("update_fields") is not None and "code" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "code_key"}
        super().save(*args, **kwargs)

    @property
    def is_redeemed(self) -> bool:
        return self.redeemed_at is not None

    @property
    def household_size(self) -> int:
        return self.adults + self.children

    def reason_labels(self) -> list[str]:
        """The reasons in the organisation's own words (decision 0088)."""
        labels = local_words.labels(self.organisation_id, "voucher_reason")
        return [labels.get(code, code) for code in self.reason_codes]
