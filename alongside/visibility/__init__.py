"""Who may see which person, and which sphere of what is known about them: the one policy.

Every app's `queries` builds its reads from these pieces, so the rule for "may this membership
read this person's support records" is written once. The package imports models only (and
Django's ORM): never an app's queries, services or views, so any app may use it without a cycle.

- `roles`: the role -> sphere table and the role groups (who sees every person, who holds
  relationships, who may be named in a consent).
- `people`: whom a worker has a confirmed relationship with (`confirmed_q`: what opens a
  person's past support records), whom they work with (confirmed, or met recently: what lets a
  volunteer find someone), and whose shared-sphere record a membership sees.
- `consent`: consents to share in force, and those naming a membership.
- `overrides`: a safeguarding lead's time-limited override, in force.
- `support`: whose support-sphere records (notes, answers, needs, profiles, ties) a membership
  reads, as a `Q` for lists and as a yes/no for one person.
- `supervision`: the supervision sphere, read by the supervisee and their supervisor only.

See docs/access-and-audit.md for the table in words and decision 0002 for why visibility is
computed on every read.
"""
