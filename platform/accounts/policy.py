"""Who may do what: the one permission policy, used by views, the API and consumers alike.

Permissions are `rules` predicates registered under names such as "accounts.invite". Check
them with `allowed(user, "accounts.invite", obj)` (or `user.has_perm(...)`, which goes
through the same rules), or `require(...)` to raise PermissionDenied with a sentence the
caller can show. Object rules look only at attributes of the object, so this module imports
no feature app; each feature area has its own section below.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

# --- Role predicates ---------------------------------------------------------------------


@rules.predicate
def is_active_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_new_hire(user) -> bool:
    return is_active_member(user) and user.is_new_hire


@rules.predicate
def is_rainmaker(user) -> bool:
    return is_active_member(user) and user.is_rainmaker


@rules.predicate
def is_mentor(user) -> bool:
    return is_active_member(user) and user.is_mentor


@rules.predicate
def is_manager(user) -> bool:
    return is_active_member(user) and (user.is_manager or user.is_superuser)


@rules.predicate
def is_self(user, other) -> bool:
    return other is not None and is_active_member(user) and user.pk == getattr(other, "pk", None)


@rules.predicate
def is_author(user, obj) -> bool:
    """The object's author (objects name their author `author_id`, or `user_id`)."""
    if obj is None or not is_active_member(user):
        return False
    owner_id = getattr(obj, "author_id", None) or getattr(obj, "user_id", None)
    return owner_id == user.pk


# --- Messages shown when a rule says no ----------------------------------------------------

MESSAGES: dict[str, str] = {}


def rule(name: str, predicate, message: str) -> None:
    """Register permission `name` with the sentence shown to a caller it refuses."""
    rules.add_perm(name, predicate)
    MESSAGES[name] = message


def allowed(user, perm: str, obj: Any = None) -> bool:
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj: Any = None) -> None:
    if not allowed(user, perm, obj):
        raise PermissionDenied(MESSAGES.get(perm, "You are not allowed to do this."))


# --- Accounts ------------------------------------------------------------------------------
rule("accounts.view_people", is_active_member, "Sign in to see the team.")
rule("accounts.edit_profile", is_self | is_manager, "You can edit only your own profile.")
rule("accounts.invite", is_manager, "Only managers can invite people.")
rule("accounts.use_cms", is_manager, "Only managers and staff can use the CMS.")
rule("notifications.view", is_self, "These notifications belong to someone else.")

# --- Techniques and outcomes (community) ---------------------------------------------------


@rules.predicate
def is_practice_rep(user, practice) -> bool:
    """The rep who logged the practice (objects name them `rep_id`)."""
    return practice is not None and is_active_member(user) and getattr(practice, "rep_id", None) == user.pk


@rules.predicate
def is_live(user, page) -> bool:
    return page is not None and bool(getattr(page, "live", False))


rule("techniques.view", is_active_member, "Sign in to see the team's techniques.")
rule("techniques.submit", is_rainmaker, "Only rainmakers can share techniques.")
rule("techniques.edit", (is_author & is_rainmaker) | is_manager, "Only the technique's author can edit it.")
rule("techniques.view_draft", is_author | is_manager, "This technique is not published.")
rule("techniques.moderate", is_manager, "Only managers can approve or reject techniques.")
rule(
    "techniques.review",
    is_rainmaker & is_live & ~is_author,
    "Only rainmakers can review a published technique, and not their own.",
)
rule("practices.log", is_active_member, "Sign in to log a practice.")
rule("practices.log_for_others", is_manager, "Only managers can log practices for someone else.")
rule("practices.respond", is_practice_rep, "Only the rep who logged this practice can say what happened.")
rule("practices.view_rep", is_self | is_manager | is_mentor, "Only the rep, managers and mentors see this practice.")
rule("outcomes.dashboard", is_manager, "The team dashboard is for managers.")
rule("deals.import", is_manager, "Only managers can import deals from the CRM.")

# --- Questions and answers (community) -----------------------------------------------------

# --- Discussion threads (community) --------------------------------------------------------

# --- Search --------------------------------------------------------------------------------

# --- Mentoring -----------------------------------------------------------------------------
