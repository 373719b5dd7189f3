"""Who may use the referral pages. Predicates take (membership, object).

- `referrals.refer`: send a referral out for a person: a worker who may record a contact with
  them (the same reach as `relationships.record_contact`).
- `referrals.see`: a referral out's page: whoever sees its person (the words on it are shown
  only to those who read the person's support records: `queries.reads_words`).
- `referrals.triage`: referrals in: coordinators.
- `referrals.manage_partners`: partners, their keys, switching them off and on: coordinators
  and data leads.
"""

import rules

from alongside.access.models import Membership
from alongside.referrals.models import ReferralOut
from alongside.referrals.queries import manages_partners, referrals_out_visible_to, triages
from alongside.relationships.permissions import is_worker


@rules.predicate
def sees_referral(membership: Membership | None, referral: object = None) -> bool:
    if membership is None or not isinstance(referral, ReferralOut):
        return False
    return referrals_out_visible_to(membership).filter(pk=referral.pk).exists()


@rules.predicate
def may_triage(membership: Membership | None, obj: object = None) -> bool:
    return triages(membership)


@rules.predicate
def may_manage_partners(membership: Membership | None, obj: object = None) -> bool:
    return manages_partners(membership)


rules.add_rule("referrals.refer", is_worker)
rules.add_rule("referrals.manage_partners", may_manage_partners)
rules.add_rule("referrals.see", sees_referral)
rules.add_rule("referrals.triage", may_triage)
