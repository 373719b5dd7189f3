"""Rows the inbox keeps so that its sections cost what they show (decision 0126).

`LastContact` is derived from the contacts and the named-worker spells, never written by a page:
`inbox.last_contact.refresh` rewrites a person's rows in the transaction of every write that moves
them (it is registered with `relationships.summaries.keep_people`, so it runs wherever the
continuity summary is refreshed), and `rebuild` rewrites them all.
"""

from django.db import models


class LastContact(models.Model):
    """A person's last recorded contact, their open named-worker spell, and the contact's
    follow-up. One row per recorded contact at the person's latest time (several when contacts
    share that time, as the overdue follow-ups list each of them), or one row with no contact for
    a person with an open spell and no recorded contact. `person_row` marks one row per person
    (the last contact by time, then id) for "stopped coming", which lists people once."""

    # Not named `person`: a contact's records that name "person" move with it when it is moved
    # (`relationships.services.move_contact`); these rows are rewritten for both people instead.
    for_person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.OneToOneField(
        "relationships.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person's last recorded contact's time (None: none recorded), and whether there is one:
    # ordering by (contacted, at) puts people never contacted first on both databases.
    at = models.DateTimeField(null=True, blank=True)
    contacted = models.BooleanField(default=False)
    follow_up_on = models.DateField(null=True, blank=True)
    person_row = models.BooleanField(default=True)
    spell = models.ForeignKey(
        "relationships.NamedWorkerSpell",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    spell_started_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["for_person"],
                condition=models.Q(person_row=True),
                name="one_last_contact_row_per_person",
            ),
        ]
        indexes = [
            # "Stopped coming": open spells, quietest first (never contacted, then the oldest
            # last contact), walked until a page of the coordinator's team is found.
            models.Index(
                fields=["organisation", "contacted", "at", "spell"],
                condition=models.Q(person_row=True, spell__isnull=False),
                name="last_contact_quiet_spells",
            ),
            # Overdue follow-ups: the last contacts' promises in date order.
            models.Index(
                fields=["organisation", "follow_up_on", "contact"],
                condition=models.Q(follow_up_on__isnull=False),
                name="last_contact_follow_ups",
            ),
        ]

    def __str__(self) -> str:
        return f"last contact of person {self.for_person_id} at {self.at}"
