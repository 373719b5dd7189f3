"""Who may do what with training and supervision. Predicates take (membership, object).

- `training.manage`: courses, recording completions, who runs out soon, who supervises whom:
  coordinators.
- `training.own_record`: one's own training record, skills and languages: every member but
  funders.
- `training.supervision`: a supervision's page and notes: only its supervisee and supervisor
  (the supervision sphere; with no object, anyone who is either in a supervision in force).
- `training.record_supervision`: recording its sessions: only its supervisor.
"""

import rules

from alongside.access.models import Membership, Role
from alongside.training.models import Supervision
from alongside.training.queries import manages_training, supervisions_for


@rules.predicate
def may_manage(membership: Membership | None, obj: object = None) -> bool:
    return manages_training(membership)


@rules.predicate
def has_own_record(membership: Membership | None, obj: object = None) -> bool:
    return membership is not None and membership.is_active and membership.role != Role.FUNDER_VIEWER


@rules.predicate
def in_supervision(membership: Membership | None, supervision: object = None) -> bool:
    if membership is None or not membership.is_active:
        return False
    if supervision is None:
        return supervisions_for(membership).exists()
    return isinstance(supervision, Supervision) and membership.pk in (
        supervision.supervisee_id,
        supervision.supervisor_id,
    )


@rules.predicate
def supervises(membership: Membership | None, supervision: object = None) -> bool:
    return (
        membership is not None
        and membership.is_active
        and isinstance(supervision, Supervision)
        and supervision.ended_on is None
        and supervision.supervisor_id == membership.pk
    )


rules.add_rule("training.manage", may_manage)
rules.add_rule("training.own_record", has_own_record)
rules.add_rule("training.supervision", in_supervision)
rules.add_rule("training.record_supervision", supervises)
