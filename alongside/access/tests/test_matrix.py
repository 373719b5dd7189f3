"""The authorisation matrix: every URL in the project, for every role, for a related person, an
unrelated person and a person in another organisation.

`MATRIX` says, for each URL name, who may use it (a set of personas, or one per subject). Anyone
else must get 404, so that what they may not see stays hidden. The test fails when a URL has no
entry, when anyone outside the allowed set succeeds (an unexpected success), and when anyone in
it is refused (the entry, or the feature, is wrong). Each request runs in a savepoint that is
rolled back, so one persona's POST does not change what the next one sees.

Personas (see alongside/conftest.py): alice supporter and Pat's named worker · cara supporter ·
colin coordinator of Pat's team · vic volunteer who met Pat recently · amir assessor · sam
safeguarding lead · dana data lead · fern funder viewer · olly supporter in another organisation.
Subjects: "related" Pat; "unrelated" Una (another team, named worker not a persona); "other"
Quinn in olly's organisation.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from alongside.access.tests.samples import Samples

PERSONAS = ("alice", "cara", "colin", "vic", "amir", "sam", "dana", "fern", "olly")
SUBJECTS = ("related", "unrelated", "other")
EVERYONE = frozenset(PERSONAS)
# Django's admin is for staff users only; no persona is staff (checked in its own test below).
EXCLUDED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Entry:
    """Who may use one URL. `allowed` maps subject -> personas; "*" when the URL has no subject."""

    allowed: dict[str, frozenset[str]]
    method: str = "get"
    data: Callable[[Any, str, str], dict[str, Any]] = field(
        default=lambda world, persona, subject: {}
    )
    content_type: str | None = None
    # Signing out sends you to the sign-in page: that is its success.
    redirect_to_login_succeeds: bool = False


def each(related: set[str], unrelated: set[str], other: set[str], **kwargs: Any) -> Entry:
    return Entry(
        {
            "related": frozenset(related),
            "unrelated": frozenset(unrelated),
            "other": frozenset(other),
        },
        **kwargs,
    )


def once(allowed: set[str] | frozenset[str], **kwargs: Any) -> Entry:
    return Entry({"*": frozenset(allowed)}, **kwargs)


SEE = (
    {"alice", "cara", "colin", "vic", "amir", "sam"},
    {"alice", "cara", "colin", "amir", "sam"},
    {"olly"},
)
WORK = ({"alice", "cara", "colin", "vic"}, {"alice", "cara", "colin"}, {"olly"})
HOLD = ({"alice", "colin"}, set(), {"olly"})
# related: a supporter in colin's team; unrelated: a supporter in another team; other: elsewhere.
MANAGE = ({"colin", "dana"}, {"dana"}, set())
RAISE = ({"alice", "cara", "colin", "vic", "sam"}, {"alice", "cara", "colin", "sam"}, {"olly"})

ON_SHIFTS = {"alice", "cara", "colin", "vic"}  # who does shifts (rota.mine)
DIRECTORY_READERS = {"alice", "cara", "colin", "vic", "amir", "sam", "dana"}

MATRIX: dict[str, Entry] = {
    # access
    "access:login": once(EVERYONE),
    "access:logout": once(EVERYONE, method="post", redirect_to_login_succeeds=True),
    "access:organisations": once(EVERYONE),
    # accounts: your own account; the organisation's sign-ins for the data lead
    "accounts:account": once(EVERYONE),
    "accounts:two_step_needed": once(EVERYONE),
    # your own sessions (decision 0028): each sees and ends only their own
    "accounts:sessions": once(EVERYONE),
    "accounts:end_sessions": once(
        EVERYONE, method="post", data=lambda w, persona, s: {"session": "others"}
    ),
    "accounts:organisation_sign_ins": once({"dana"}),
    # allauth's pages (alongside/accounts, decision 0017): each acts on your own account only.
    # colin, sam and dana have an authenticator app (the factories give every lead one).
    **{
        name: once(EVERYONE)
        for name in (
            "account_login",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_confirm_login_code",
            "account_confirm_email",
            "account_reset_password_from_key_done",
            "account_reset_password_from_key",
            "account_reset_password_done",
            "mfa_index",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_generate_recovery_codes",
        )
    },  # fmt: skip
    "account_logout": once(EVERYONE, method="post", redirect_to_login_succeeds=True),
    "mfa_deactivate_totp": once({"colin", "sam", "dana"}),
    "mfa_view_recovery_codes": once({"colin", "sam", "dana"}),
    "mfa_download_recovery_codes": once({"colin", "sam", "dana"}),
    # Shared computers: the away page sends the signed-in home; unlocking with no kiosk does too.
    "access:signed_out_away": once(EVERYONE),
    "access:kiosk_unlock": once(EVERYONE),
    "access:switch_organisation": once(
        EVERYONE,
        method="post",
        data=lambda w, persona, s: {"organisation": w.members[persona].organisation_id},
    ),
    "access:notifications": once(EVERYONE),
    "access:organisation_settings": once({"dana"}),
    # "Our words" (decision 0088): the coordinator and the data lead
    "access:words": once({"colin", "dana"}),
    "access:services": once({"colin", "dana"}),
    "access:edit_words": once({"colin", "dana"}),
    # rights: subject access, erasure, legal holds and retention, for the data lead alone
    "rights:home": once({"dana"}),
    "rights:open_request": each({"dana"}, {"dana"}, set()),
    "rights:erase": each({"dana"}, {"dana"}, set()),
    "rights:legal_hold": each({"dana"}, {"dana"}, set()),
    "rights:request": each({"dana"}, {"dana"}, set()),
    "rights:answer": each({"dana"}, {"dana"}, set(), method="post"),
    "rights:answer_pdf": each({"dana"}, {"dana"}, set()),
    "rights:answer_json": each({"dana"}, {"dana"}, set()),
    "rights:retention": once({"dana"}),
    "rights:retention_review": each({"dana"}, {"dana"}, set()),
    # audit: the data lead's search, export and latest checkpoint
    "audit:log": once({"dana"}),
    "audit:export": once({"dana"}),
    # archive: the whole organisation's archive, its data lead's alone (decision 0055)
    "archive:list": once({"dana"}),
    "archive:start": once({"dana"}, method="post"),
    "archive:archive": each({"dana"}, {"dana"}, set()),
    "archive:download": each({"dana"}, {"dana"}, set()),
    # imports: the data lead only, and only the organisation's own runs
    "imports:start": once({"dana"}),
    "imports:run": each({"dana"}, {"dana"}, set()),
    "imports:progress": each({"dana"}, {"dana"}, set()),
    "imports:confirm": each({"dana"}, {"dana"}, set(), method="post"),
    "imports:columns": each({"dana"}, {"dana"}, set(), method="post"),
    "imports:problems": each({"dana"}, {"dana"}, set()),
    # people management: the data lead for the organisation, a coordinator for supporters,
    # volunteers and assessors of their own team; an invited worker's one-time link (no login)
    "workers:list": once({"colin", "dana"}),
    "workers:invite": once({"colin", "dana"}),
    "workers:worker": each(*MANAGE),
    "workers:change_role": each(*MANAGE, method="post"),
    "workers:set_leaving": each(*MANAGE, method="post"),
    "workers:switch_off": each(*MANAGE, method="post"),
    "workers:switch_on": each(*MANAGE, method="post"),
    "workers:resend": each(*MANAGE, method="post"),
    "workers:withdraw": each(*MANAGE, method="post"),
    "workers:accept": once(EVERYONE),
    # people
    "relationships:home": once(EVERYONE),
    "relationships:my_people": once({"alice", "cara", "colin", "vic", "olly"}),
    # inbox: a worker's own to do; a coordinator's team inbox; leads' reviews (decision 0032)
    "inbox:inbox": once({"alice", "cara", "colin", "vic", "sam", "dana", "olly"}),
    "inbox:tell_named_worker": each({"colin"}, set(), set(), method="post"),
    "people:person_list": once({"alice", "cara", "colin", "vic", "amir", "sam", "dana", "olly"}),
    "people:person_create": once({"alice", "cara", "colin", "olly"}),
    "people:person": each(*SEE),
    "people:person_edit": each(*WORK),
    "people:grant_consent": each(*HOLD),
    "people:revoke_consent": each(*HOLD, method="post"),
    "people:access_log": each({"alice", "colin", "dana"}, {"dana"}, {"olly"}),
    # closing involvement: who changes the record; merging: a coordinator of both people's
    # service (decision 0036), reviewed afterwards by the data lead
    "people:close_involvement": each(*WORK),
    "people:merge_start": each({"colin"}, set(), set()),
    "people:merge_review": each({"colin"}, set(), set()),
    "people:undo_merge": each({"colin"}, set(), set(), method="post"),
    "people:merges": once({"dana"}),
    # Two-person merges (decision 0048): approvers (assessor, safeguarding lead) see every
    # proposal of their organisation; a coordinator those of people they coordinate.
    "people:merge_proposals": once({"colin", "amir", "sam"}),
    "people:merge_proposal": each({"colin", "amir", "sam"}, {"amir", "sam"}, set()),
    "people:answer_merge_proposal": each(
        {"colin", "amir", "sam"}, {"amir", "sam"}, set(), method="post"
    ),
    # equality monitoring (decision 0037): the person's confirmed workers; totals for the data lead
    "people:equality": each({"alice"}, set(), {"olly"}),
    "people:equality_totals": once({"dana"}),
    # relationships
    "relationships:record_contact": each(*WORK),
    "relationships:edit_contact": each({"alice", "colin"}, set(), {"olly"}),
    "relationships:move_contact": each({"alice", "colin"}, set(), {"olly"}),
    "relationships:remove_contact": each({"alice", "colin"}, set(), {"olly"}),
    "relationships:restore_contact": each({"alice", "colin"}, set(), {"olly"}, method="post"),
    "relationships:contact_history": each(*SEE),
    "relationships:assign_named_worker": each({"colin"}, set(), set()),
    "relationships:record_worker_request": each(*WORK),
    # Pat has an open request (samples); Una has none, so nobody answers for her.
    "relationships:worker_request_not_possible": each({"colin"}, set(), set()),
    "relationships:plan_handover": each({"alice", "colin"}, set(), {"olly"}),
    "relationships:complete_handover_cold": each({"alice", "colin"}, set(), {"olly"}),
    "relationships:cancel_handover": each({"alice", "colin"}, set(), {"olly"}, method="post"),
    "relationships:allocate_worker": each({"colin"}, set(), set()),
    "relationships:end_allocation": each({"colin"}, set(), set(), method="post"),
    # A legitimate-relationship request: asked by supporters; reviewed by a coordinator of the
    # person's team, safeguarding leads and data leads; ended by the requester or a reviewer.
    "relationships:request_history_access": each({"alice", "cara"}, {"alice", "cara"}, {"olly"}),
    "relationships:history_requests": once({"colin", "sam", "dana"}),
    "relationships:review_history_access": each({"colin", "sam", "dana"}, {"sam", "dana"}, set()),
    "relationships:end_history_access": each(
        {"colin", "sam", "dana"}, {"sam", "dana"}, set(), method="post"
    ),
    "people:export_person_contacts": each(*WORK),
    # insights
    "insights:team_continuity": once({"colin"}),
    "insights:export_team_continuity": once({"colin"}),
    "insights:set_leaving": once({"colin"}, method="post"),
    # eligibility: assessors only, and never another organisation's records
    "eligibility:foodbank": once({"amir"}),
    "eligibility:record_voucher": once({"amir"}),
    "eligibility:voucher": each({"amir"}, {"amir"}, set()),
    "eligibility:redeem_voucher": each({"amir"}, {"amir"}, set()),
    "eligibility:undo_redemption": each({"amir"}, {"amir"}, set()),
    "eligibility:accept_support_offer": each({"amir"}, {"amir"}, set(), method="post"),
    "eligibility:partners": once({"amir"}),
    "eligibility:change_partner": each({"amir"}, {"amir"}, set(), method="post"),
    # API: lists answer everyone with what they may see (perhaps nothing); objects are 404 when hidden
    "api:api-root": once(set()),
    "api:openapi-json": once(EVERYONE),
    "api:openapi-view": once(EVERYONE),
    "api:list_people": once(EVERYONE),
    "api:list_my_people": once(EVERYONE),
    "api:read_person": each(*SEE),
    "api:create_person": once(
        {"alice", "cara", "colin", "olly"},
        method="post",
        content_type="application/json",
        data=lambda w, persona, s: {
            "given_name": "Matrix",
            "family_name": f"Newcomer {persona}",
            "team": w.members[persona].organisation.teams.first().pk,
        },
    ),
    "api:list_contacts": each(*SEE),
    "api:create_contact": each(
        *WORK,
        method="post",
        content_type="application/json",
        data=lambda w, persona, s: {
            "at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "mode": "phone",
            "minutes": 10,
            "initiated_by": "us",
            "asked_for": "Matrix words",
        },
    ),
    # A referral partner's own operations: only with its key in X-Partner-Key (no persona has one).
    "api:refer_in": once(
        set(),
        method="post",
        content_type="application/json",
        data=lambda w, persona, s: {"given_name": "Robin", "need": "money", "agreed": True},
    ),
    "api:referral_outcome": once(set()),
    "api:referral_needs": once(set()),
    # safeguarding
    "safeguarding:raise_concern": each(*RAISE),
    "safeguarding:concern_raised": each({"alice"}, set(), {"olly"}),
    "safeguarding:concerns": once({"sam"}),
    "safeguarding:concern": each({"sam"}, {"sam"}, set()),
    "safeguarding:start_override": each({"sam"}, {"sam"}, set()),
    "safeguarding:overrides": once({"sam", "dana"}),
    "safeguarding:override": each({"sam", "dana"}, {"sam", "dana"}, set()),
    "safeguarding:end_override": each({"sam"}, {"sam"}, set(), method="post"),
    # Holds on matching and introductions: the safeguarding lead only; the reason never leaves.
    "safeguarding:holds": once({"sam"}),
    "safeguarding:hold_volunteer": once({"sam"}),
    "safeguarding:hold_person": each({"sam"}, {"sam"}, set()),
    "safeguarding:lift_hold": each({"sam"}, {"sam"}, set()),
    # scheduling: workers book the people they work with; coordinators plan for their team
    "scheduling:diary": once({"alice", "cara", "colin", "vic", "olly"}),
    "scheduling:book": each(*WORK),
    "scheduling:appointment": each(*SEE),
    "scheduling:cancel_appointment": each({"alice", "colin"}, set(), {"olly"}, method="post"),
    "scheduling:did_not_attend": each({"alice", "colin"}, set(), {"olly"}, method="post"),
    "scheduling:appointment_attended": each({"alice", "colin"}, set(), {"olly"}, method="post"),
    "scheduling:my_availability": once({"alice", "cara", "colin", "vic", "olly"}),
    "scheduling:remove_availability": each({"alice"}, set(), {"olly"}, method="post"),
    "scheduling:remove_exception": each({"alice"}, set(), {"olly"}, method="post"),
    "scheduling:team_capacity": once({"colin"}),
    "scheduling:plan_list": once({"colin"}),
    "scheduling:plan_detail": each({"colin"}, set(), set()),
    "scheduling:adjust_plan": each({"colin"}, set(), set(), method="post"),
    "scheduling:accept_plan": each({"colin"}, set(), set(), method="post"),
    "scheduling:discard_plan": each({"colin"}, set(), set(), method="post"),
    "scheduling:leaving_worker": each({"colin"}, set(), set()),
    "scheduling:worker_details": each({"colin"}, set(), set()),
    # measures: answers are support sphere; aggregates for coordinators; the person answers by link
    "measures:ask": each(*WORK),
    "measures:person_answers": each({"alice", "colin", "vic", "sam"}, {"sam"}, {"olly"}),
    "measures:sitting": each({"alice"}, set(), {"olly"}),
    "measures:kiosk_done": once({"alice", "cara", "colin", "vic", "olly"}),
    "measures:my_feedback": once({"alice", "cara", "colin", "vic", "olly"}),
    "measures:outcomes": once({"colin"}),
    "measures:instruments": once({"dana"}),
    "measures:add_instrument": once({"dana"}),
    # A one-time link: anyone holding the token may answer (no login); it names no one.
    "measures:answer": once(EVERYONE),
    # learning: failure demand, needs and spends (support sphere), team aggregates and scorecard
    "learning:team": once({"colin", "dana"}),
    "learning:scorecard": once({"colin", "dana"}),
    "learning:settings": once({"dana"}),
    "learning:spends": once({"alice", "cara", "colin", "vic", "olly"}),
    "learning:my_time": once({"alice", "cara", "colin", "vic", "olly"}),
    "learning:contact_demand": each({"alice", "colin"}, set(), {"olly"}),
    "learning:person_needs": each(*WORK),
    "learning:record_spend": each(*WORK),
    "learning:need": each({"alice", "colin", "amir", "sam"}, {"amir", "sam"}, {"olly"}),
    "learning:spend": each({"alice", "colin", "amir", "sam"}, {"amir", "sam"}, {"olly"}),
    "learning:decide_spend": each({"colin"}, set(), set(), method="post"),
    # spaces: community spaces, sessions, the register; ties and stopping reasons are support sphere
    "spaces:list": once({"alice", "cara", "colin", "vic", "olly"}),
    "spaces:create": once({"colin"}),
    "spaces:outcomes": once({"colin", "dana", "fern"}),
    "spaces:space": each(
        {"alice", "cara", "colin", "vic"}, {"alice", "cara", "colin", "vic"}, {"olly"}
    ),
    "spaces:edit": each({"colin"}, set(), set()),
    "spaces:repeat": each({"alice", "colin"}, set(), {"olly"}),
    "spaces:add_session": each({"alice", "colin"}, set(), {"olly"}),
    "spaces:register": each({"alice", "cara", "colin"}, {"alice", "cara"}, {"olly"}),
    "spaces:cancel_session": each({"alice", "colin"}, set(), {"olly"}, method="post"),
    "spaces:close_register": each(
        {"alice", "cara", "colin"}, {"alice", "cara"}, {"olly"}, method="post"
    ),
    "spaces:new_here": each({"alice", "cara", "colin"}, {"alice", "cara"}, {"olly"}),
    "spaces:mark_present": each(
        {"alice", "cara", "colin"}, {"alice", "cara"}, {"olly"}, method="post"
    ),
    "spaces:mark_absent": each(
        {"alice", "cara", "colin"}, {"alice", "cara"}, {"olly"}, method="post"
    ),
    "spaces:person": each(*WORK),
    "spaces:invite": each(*WORK),
    "spaces:stopped": each({"alice", "colin", "vic"}, set(), {"olly"}),
    "spaces:ties": each({"alice", "colin", "vic"}, set(), {"olly"}),
    # connections: profiles and introductions are support sphere; both sides agree by link or worker
    "connections:person": each(*WORK),
    "connections:profile": each(*HOLD),
    "connections:propose": each(*WORK),
    "connections:introduction": each(*WORK),
    "connections:ask": each(*HOLD, method="post"),
    "connections:withdraw": each(*HOLD, method="post"),
    "connections:record_answer": each(*HOLD),
    "connections:follow_up": each(*HOLD),
    "connections:volunteer": each({"colin"}, {"colin"}, {"olly"}),
    "connections:space": each({"alice", "colin"}, {"colin"}, {"olly"}),
    "connections:matching": once({"colin"}),
    "connections:lists": once({"colin"}),
    # A one-time link for one side of an introduction: anyone holding it (no login).
    "connections:answer": once(EVERYONE),
    # reports: aggregates for coordinators, data leads and funders; stories with the person's agreement
    "reports:report": once({"colin", "dana", "fern"}),
    "reports:report_download": once({"colin", "dana", "fern"}),
    "reports:record_story": each(*WORK),
    "reports:withdraw_story": each(*WORK, method="post"),
    "reports:team_learning": once({"colin"}),
    "reports:report_settings": once({"dana"}),
    # referrals: out with consent (the service answers by its link), in from partners (triage)
    "referrals:refer": each(*WORK),
    "referrals:referral": each(*SEE),
    "referrals:withdraw": each(*WORK, method="post"),
    "referrals:incoming": once({"colin"}),
    "referrals:incoming_one": each({"colin"}, {"colin"}, set()),
    "referrals:refer_to_service": each(
        {"alice", "cara", "colin", "vic"}, {"alice", "cara", "colin", "vic"}, {"olly"}
    ),
    # partners, their keys, switching them off and on: coordinators and the data lead
    "referrals:partners": once({"colin", "dana"}),
    "referrals:rotate_key": each({"colin", "dana"}, {"colin", "dana"}, set(), method="post"),
    "referrals:switch_partner": each({"colin", "dana"}, {"colin", "dana"}, set(), method="post"),
    # The receiving service's one-time link, and a partner's public form (key in the body).
    "referrals:answer": once(EVERYONE),
    "referrals:partner_form": once(EVERYONE),
    # volunteers (decision 0070): the journey is the coordinator's and the data lead's, in their
    # own organisation; a volunteer's own lived experience is theirs; anyone may offer to help.
    "volunteers:list": once({"colin", "dana"}),
    "volunteers:volunteer": each({"colin", "dana"}, {"colin", "dana"}, set()),
    **{
        f"volunteers:{name}": each({"colin", "dana"}, {"colin", "dana"}, set(), method="post")
        for name in ("move", "add_reference", "add_check", "reference_back", "update_check")
    },
    "volunteers:requirements": once({"colin", "dana"}),
    "volunteers:my_lived_experience": once({"vic"}),
    "volunteers:enquire": once(EVERYONE),
    # directory: every worker reads it, coordinators and data leads keep it (local services only)
    "directory:search": once(DIRECTORY_READERS | {"olly"}),  # olly: his own organisation's
    "directory:service": each(DIRECTORY_READERS, DIRECTORY_READERS, {"olly"}),
    "directory:add_service": once({"colin", "dana"}),
    "directory:edit_service": each({"colin", "dana"}, set(), set()),
    "directory:add_place": each({"colin", "dana"}, set(), set()),
    "directory:add_schedule": each({"colin", "dana"}, set(), set()),
    "directory:check_service": each({"colin", "dana"}, set(), set(), method="post"),
    "directory:needs": once({"colin", "dana"}),
    "directory:imports": once({"colin", "dana"}),
    "directory:list_space": each({"colin", "dana"}, {"colin", "dana"}, set(), method="post"),
    "directory:refresh_now": each({"colin", "dana"}, {"colin", "dana"}, set(), method="post"),
    # training: coordinators keep courses, completions and supervision arrangements; everyone
    # but funders sees their own record; a supervision (its notes: the supervision sphere) only
    # its supervisee and supervisor, and only the supervisor records its sessions.
    "training:mine": once(EVERYONE - {"fern"}),
    "training:courses": once({"colin"}),
    "training:record": once({"colin"}),
    "training:record_session": once({"colin"}),
    "training:expiring": once({"colin"}),
    "training:arrangements": once({"colin"}),
    "training:completions": once({"colin"}),
    "training:course": each({"colin"}, {"colin"}, set()),
    "training:completion": each({"colin"}, {"colin"}, set()),
    "training:remove_course": each({"colin"}, {"colin"}, set(), method="post"),
    "training:remove_completion": each({"colin"}, {"colin"}, set(), method="post"),
    "training:supervision": each({"vic", "alice"}, set(), {"olly"}),
    "training:record_supervision_session": each({"alice"}, set(), set(), method="post"),
    "training:plan_supervision_session": each({"alice"}, set(), set(), method="post"),
    # oruk: the public Open Referral UK API (published services only, no sign-in)
    "oruk:index": once(EVERYONE),
    "oruk:services": once(EVERYONE),
    "oruk:service": once(EVERYONE),
    "oruk:service_at_locations": once(EVERYONE),
    "oruk:taxonomies": once(EVERYONE),
    # rota: a member's own shifts, hours and milestones; the coordinator's rota; the gifts ledger
    "rota:mine": once(ON_SHIFTS | {"olly"}),
    "rota:sign_up": each(ON_SHIFTS, ON_SHIFTS, {"olly"}, method="post"),
    "rota:answer": each({"vic"}, {"alice"}, {"olly"}, method="post"),
    "rota:withdraw": each({"vic"}, {"alice"}, {"olly"}, method="post"),
    "rota:offer_swap": each({"vic"}, {"alice"}, {"olly"}, method="post"),
    "rota:take_swap": each(ON_SHIFTS, ON_SHIFTS, {"olly"}, method="post"),
    "rota:add_hours": once(ON_SHIFTS | {"olly"}),
    "rota:share_milestone": once(ON_SHIFTS | {"olly"}, method="post"),
    "rota:rota": once({"colin"}),
    "rota:new_pattern": once({"colin"}),
    "rota:shift": each({"colin"}, {"colin"}, set()),
    "rota:cancel_shift": each({"colin"}, {"colin"}, set()),
    "rota:change_pattern": each({"colin"}, {"colin"}, set()),
    "rota:attendance": each({"colin"}, {"colin"}, set(), method="post"),
    "rota:gifts": once({"colin", "dana"}),
    # ops: the health check, for a monitor (no sign-in, no personal data)
    "ops:health": once(EVERYONE),
}


def url_patterns() -> list[tuple[str, URLPattern]]:
    found = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if (pattern.namespace or "") in EXCLUDED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                found.append(
                    (f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern)
                )
            else:
                raise AssertionError(
                    f"URL pattern {pattern.pattern} has no name: name it and add it to MATRIX"
                )

    walk(get_resolver().url_patterns, None)
    return found


def test_every_url_has_an_entry_in_the_matrix():
    names = {name for name, _ in url_patterns()}
    assert names - set(MATRIX) == set(), "add these URLs to MATRIX (and docs/access-and-audit.md)"
    assert set(MATRIX) - names == set(), "these MATRIX entries name no URL"


def _succeeded(response: Any, entry: Entry) -> bool:
    if response.status_code == 302:
        return entry.redirect_to_login_succeeds or not response.url.startswith(
            reverse("access:login")
        )
    return response.status_code < 400 or response.status_code in (400, 422)  # reached the form


@pytest.mark.django_db
def test_access_matrix_has_no_unexpected_success_and_hides_with_404(world):
    samples = Samples(world)
    problems = []
    checked = 0
    for name, pattern in url_patterns():
        entry = MATRIX[name]
        for subject in entry.allowed:
            # A URL without a subject may still take a non-object value (a one-time token).
            fill = subject if subject != "*" else "related"
            url = reverse(name, kwargs=samples.kwargs(pattern, fill))
            if subject != "*" and not pattern.pattern.converters:
                raise AssertionError(f"{name} has no object in its URL: use once(), not each()")
            for persona in PERSONAS:
                with transaction.atomic():
                    client = world.client(
                        persona
                    )  # fresh: a POST to logout must not log out the next one
                    data = entry.data(world, persona, subject)
                    extra = {"content_type": entry.content_type} if entry.content_type else {}
                    response = getattr(client, entry.method)(url, data, **extra)
                    transaction.set_rollback(True)
                checked += 1
                allowed = persona in entry.allowed[subject]
                if allowed and not _succeeded(response, entry):
                    problems.append(
                        f"{name} [{subject}] {persona}: refused ({response.status_code})"
                    )
                elif not allowed and response.status_code != 404:
                    problems.append(
                        f"{name} [{subject}] {persona}: expected 404, got {response.status_code}"
                    )
    assert problems == [], "\n".join(problems)
    assert checked > 200


@pytest.mark.django_db
def test_admin_is_closed_to_every_persona(world):
    for persona in PERSONAS:
        response = world.client(persona).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url, persona


def test_every_url_and_audit_action_is_documented():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    doc = (root / "docs" / "access-and-audit.md").read_text()
    missing_urls = [name for name in MATRIX if f"`{name}`" not in doc]
    assert missing_urls == [], "document these URLs in docs/access-and-audit.md"
    from alongside.audit.actions import REGISTRY

    actions = set(REGISTRY)  # every action record() and record_read() accept
    for path in (root / "alongside").rglob("*.py"):
        if "tests" not in path.parts:
            actions |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    documented = set(re.findall(r"`([a-z_]+\.[a-z_.]+)`", doc))
    # "a.b.c / .d" rows abbreviate siblings: expand them.
    for row in re.findall(r"`([a-z_]+\.[a-z_]+)\.[a-z_]+`((?: / `\.[a-z_]+`)+)", doc):
        documented |= {
            row[0] + suffix.strip(" /`") for suffix in row[1].split("/") if suffix.strip(" `")
        }
    assert sorted(actions - documented) == []
