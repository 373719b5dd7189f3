"""The role -> sphere table and the role groups, in one place. Documented in
docs/access-and-audit.md."""

from alongside.access.models import Role, Sphere

# Which spheres each role may read at all (for the people it may see).
SPHERES_BY_ROLE: dict[str, frozenset[str]] = {
    Role.SUPPORTER: frozenset({Sphere.SHARED, Sphere.SUPPORT}),
    Role.VOLUNTEER: frozenset({Sphere.SHARED, Sphere.SUPPORT}),
    Role.COORDINATOR: frozenset({Sphere.SHARED, Sphere.SUPPORT}),
    Role.ASSESSOR: frozenset({Sphere.SHARED, Sphere.ELIGIBILITY}),
    Role.SAFEGUARDING_LEAD: frozenset({Sphere.SHARED, Sphere.SAFEGUARDING}),
    Role.DATA_LEAD: frozenset(),
    Role.FUNDER_VIEWER: frozenset(),
}

# Roles that see the shared sphere of every person in the organisation (to find and book people).
SEES_ALL_PEOPLE = frozenset(
    {Role.SUPPORTER, Role.COORDINATOR, Role.ASSESSOR, Role.SAFEGUARDING_LEAD}
)
# Roles that see only the people they work with (open named-worker spell or a recent contact).
SEES_OWN_PEOPLE = frozenset({Role.VOLUNTEER})
# Roles that see no one's record but may find people by identity (name, year of birth, postcode
# district, service) to answer subject access requests and tidy records (decision 0038).
FINDS_PEOPLE_BY_IDENTITY = frozenset({Role.DATA_LEAD})
# Roles that hold relationships: may be named workers and record contacts.
WORKER_ROLES = frozenset({Role.SUPPORTER, Role.VOLUNTEER, Role.COORDINATOR})
# Roles that assign named workers and plan handovers for anyone in their team.
ASSIGNING_ROLES = frozenset({Role.COORDINATOR})
# Roles whose reach into support records rests on relationships, so may ask for a person's history
# with a legitimate-relationship request (coordinators read their team's anyway).
HISTORY_REQUESTERS = frozenset({Role.SUPPORTER})
# Roles that review legitimate-relationship requests, and may end one early.
HISTORY_REVIEWERS = frozenset({Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.DATA_LEAD})
# Roles that see team continuity pages (aggregates with person names, never note text).
CONTINUITY_VIEWERS = frozenset({Role.COORDINATOR})

# Roles that may be named as grantees of a consent to share. Data leads and funders never read
# case content.
GRANTEE_ROLES = (
    Role.SUPPORTER,
    Role.VOLUNTEER,
    Role.COORDINATOR,
    Role.ASSESSOR,
    Role.SAFEGUARDING_LEAD,
)
# A worker "works with" a person they have a confirmed relationship with, or met within this window.
# Meeting someone never opens their past support records (see people.confirmed_q).
WORKS_WITH_DAYS = 180


def may_read_sphere(role: str, sphere: str) -> bool:
    return sphere in SPHERES_BY_ROLE.get(role, frozenset())
