"""Who must use two-step sign-in: the organisation's policy applied to a membership's role.

Data leads, safeguarding leads and coordinators see the most and change who sees what, so they
always sign in with a second step; an organisation can require it of everyone. The demo
organisation alone requires it of the data lead only, so the other published demo logins stay
password-only (CONTRACTS.md; decision 0018).
"""

from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from alongside.access.models import Membership, Role, TwoStepPolicy

LEAD_ROLES = frozenset({Role.DATA_LEAD, Role.SAFEGUARDING_LEAD, Role.COORDINATOR})


def two_step_required(membership: Membership | None) -> bool:
    """Must this membership's user sign in with a second step? Reads no database when the
    membership's organisation is loaded (the organisation middleware loads it)."""
    if membership is None or not membership.is_active:
        return False
    policy = membership.organisation.two_step_sign_in
    if policy == TwoStepPolicy.EVERYONE:
        return True
    if policy == TwoStepPolicy.DEMO_DATA_LEAD_ONLY:
        return membership.role == Role.DATA_LEAD
    return membership.role in LEAD_ROLES


def has_authenticator_app(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Has the user set up a TOTP authenticator (the second step)?"""
    if not user.is_authenticated:
        return False
    return bool(
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
    )
