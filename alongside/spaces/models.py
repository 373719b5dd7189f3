"""Community spaces: groups that meet (at a venue, online, or both), their sessions and who came."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Sphere


class Space(models.Model):
    """A group or space people can come to: a venue, an online link, or both."""

    class Access(models.TextChoices):
        DROP_IN = "drop_in", _("Open: anyone can drop in")
        INVITATION = "invitation", _("By invitation")

    SPHERE = Sphere.SHARED

    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="spaces"
    )
    team = models.ForeignKey(
        "access.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="spaces"
    )
    name = models.CharField(_("name"), max_length=200)
    about = models.TextField(_("what happens there"), blank=True)
    access = models.CharField(
        _("who can come"), max_length=12, choices=Access.choices, default=Access.DROP_IN
    )
    venue = models.CharField(_("where"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_spaces",
        verbose_name=_("host"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(venue="") | ~models.Q(online_link=""),
                name="space_has_a_venue_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.name
