"""Reads of connections with visibility built in.

- Profiles (`PersonProfile`) are support sphere: read by whoever may read the person's support
  notes (the support sphere's own role rule, consent to all support notes, a safeguarding
  override) through `profiles_visible_to`.
- Introductions are support sphere too. A worker sees an introduction when they may see a person
  on one side, are its volunteer, or proposed it; what they see about each side depends on
  whether they may read that side's support records (`IntroductionView`). A side's "no" is shown
  only to those who may read that side's records; everyone else reads "not going ahead".
- Exclusions and earlier "no"s are read by the system (`for_system`) to leave people out of
  suggestions, never to show them.
- People and volunteers on a safeguarding hold (`safeguarding.queries`: ids only, never why) are
  left out of suggestions, introductions and matching; workers read only "Not available for
  matching or introductions".

A package: `profiles`, `suggestions`, `introductions` and `matches`; everything callers use is
imported here.
"""

from alongside.connections.queries.introductions import (
    LINK_READABLE_DAYS,
    IntroductionView,
    SideView,
    effective_status,
    first_name_of,
    introduction_for_worker,
    introductions_for_person,
    introductions_visible_to,
    link_readable,
    other_sides,
    public_status,
    side_for_token,
    sides_of,
    told_lived_experience,
    view_for,
)
from alongside.connections.queries.matches import (
    Offer,
    matchable_count,
    matchable_people,
    matched_pairs,
    may_manage_volunteer,
    volunteer_memberships,
    volunteer_offers,
)
from alongside.connections.queries.profiles import (
    group_times,
    group_with_times,
    groups_with_times,
    may_edit_profile,
    may_read_support,
    profile_exists,
    profile_for,
    profiles_visible_to,
    session_times,
    space_profile_of,
    traits_for_group,
    traits_for_person,
    traits_for_volunteer,
)
from alongside.connections.queries.suggestions import (
    LIVED_LABELS,
    SUGGESTIONS,
    Suggestion,
    excluded_volunteer_ids,
    excluded_volunteer_ids_among,
    held_person_ids,
    held_volunteer_ids,
    in_common,
    introduction_is_held,
    is_person_held,
    is_volunteer_held,
    left_out_people,
    left_out_spaces,
    suggest_groups,
    suggest_people,
)

__all__ = [
    "IntroductionView",
    "LINK_READABLE_DAYS",
    "LIVED_LABELS",
    "Offer",
    "SUGGESTIONS",
    "SideView",
    "Suggestion",
    "effective_status",
    "excluded_volunteer_ids",
    "excluded_volunteer_ids_among",
    "first_name_of",
    "group_times",
    "group_with_times",
    "groups_with_times",
    "held_person_ids",
    "held_volunteer_ids",
    "in_common",
    "introduction_for_worker",
    "introduction_is_held",
    "introductions_for_person",
    "introductions_visible_to",
    "is_person_held",
    "is_volunteer_held",
    "left_out_people",
    "left_out_spaces",
    "link_readable",
    "matchable_count",
    "matchable_people",
    "matched_pairs",
    "may_edit_profile",
    "may_manage_volunteer",
    "may_read_support",
    "volunteer_offers",
    "other_sides",
    "profile_exists",
    "profile_for",
    "profiles_visible_to",
    "public_status",
    "session_times",
    "side_for_token",
    "sides_of",
    "told_lived_experience",
    "space_profile_of",
    "suggest_groups",
    "suggest_people",
    "traits_for_group",
    "traits_for_person",
    "traits_for_volunteer",
    "view_for",
    "volunteer_memberships",
]
