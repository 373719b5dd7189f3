"""Role predicates every app builds its rules from, and the rules for access's own pages.

A predicate takes (membership, object) and answers yes or no; apps name rules "app.verb" in their
own `permissions.py`. Views check a rule (`access.decorators`), and the navigation and every action
link test the same rule (`access.nav`, `{% can %}`), so a link appears only where its page opens.
See docs/access-and-audit.md.
"""

from collections.abc import Iterable

import rules

from alongside.access.models import Membership, Role


def has_role(*roles: str | Iterable[str]) -> rules.Predicate:
    """A predicate: an active membership in one of `roles` (strings, or sets of them)."""
    allowed: set[str] = set()
    for role in roles:
        allowed.update([role] if isinstance(role, str) else role)
    frozen = frozenset(allowed)

    def in_roles(membership: Membership | None, obj: object = None) -> bool:
        return membership is not None and membership.is_active and membership.role in frozen

    return rules.Predicate(in_roles, name=f"has_role({', '.join(sorted(frozen))})")


@rules.predicate
def is_member(membership: Membership | None, obj: object = None) -> bool:
    """Anyone working in an organisation here (the membership the middleware chose)."""
    return membership is not None


is_data_lead = has_role(Role.DATA_LEAD)

rules.add_rule("access.see_notifications", is_member)
rules.add_rule("access.change_settings", is_data_lead)
