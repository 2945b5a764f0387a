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
def is_active_mentor_of(user, rep) -> bool:
    """The rep's mentor in an active mentorship (mentoring adds `mentee_mentorships` to users; a
    requested, declined or ended mentorship does not count). One query, asked only when the
    cheaper rules (the rep themself, a manager) said no."""
    if rep is None or not is_active_member(user) or getattr(rep, "pk", None) == user.pk:
        return False
    mentorships = getattr(rep, "mentee_mentorships", None)
    return mentorships is not None and mentorships.filter(mentor_id=user.pk, status="active").exists()


@rules.predicate
def is_deal_owner(user, deal) -> bool:
    """The rep who owns the deal in the CRM (objects name them `owner_id`)."""
    return deal is not None and is_active_member(user) and getattr(deal, "owner_id", None) == user.pk


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
rule(
    "practices.use_deal",
    is_deal_owner | is_manager,
    "You can log practices only on your own deals; this deal belongs to another rep.",
)
rule("practices.respond", is_practice_rep, "Only the rep who logged this practice can say what happened.")
rule(
    "practices.view_rep",
    is_self | is_manager | is_active_mentor_of,
    "Only the rep, managers and the rep's mentor (in an active mentorship) see these practices.",
)
rule("outcomes.dashboard", is_manager, "The team dashboard is for managers.")
rule("outcomes.settings", is_manager, "Only managers change how outcomes are judged.")
rule("deals.import", is_manager, "Only managers can import deals from the CRM.")

# --- Questions and answers (community) -----------------------------------------------------
# Objects are posts (questions, answers) or comments; `is_author` reads their `author_id`.
rule("qa.view", is_active_member, "Sign in to read the team's questions.")
rule("qa.ask", is_active_member, "Sign in to ask a question.")
rule("qa.answer", is_active_member, "Sign in to answer.")
rule("qa.comment", is_active_member, "Sign in to comment.")
rule("qa.vote", is_active_member & ~is_author, "You cannot vote on your own post.")
rule("qa.accept", is_author | is_manager, "Only the person who asked (or a manager) can accept an answer.")
rule("qa.edit", is_author | is_manager, "You can edit only your own posts; managers can edit any.")
rule("qa.flag", is_active_member & ~is_author, "You cannot flag your own post.")
rule("qa.moderate", is_manager, "Only managers can moderate questions and answers.")
rule("qa.answerer", is_rainmaker | is_mentor, "Questions are routed to rainmakers and mentors.")
rule(
    "qa.trusted_role",
    is_rainmaker | is_mentor | is_manager,
    "Rainmakers, mentors and managers post without new-account limits, and their flags count.",
)
rule("qa.view_hidden", is_author | is_manager, "This post is hidden while a manager reviews it.")
rule("qa.follow", is_active_member, "Sign in to follow questions, tags and stages.")
# Comments: their author edits or deletes them; managers hide them (reversible) instead.
rule("qa.edit_comment", is_author, "You can edit only your own comments.")
rule("qa.delete_comment", is_author, "You can delete only your own comments; a manager can hide any.")
rule("qa.moderate_comment", is_manager, "Only managers can hide comments or show them again.")

# --- Discussion threads (community) --------------------------------------------------------


@rules.predicate
def can_see_thread(user, thread) -> bool:
    """Private threads: their members. Public ones follow the parent's visibility."""
    if thread is None or not is_active_member(user):
        return False
    if getattr(thread, "is_private", True):
        return thread.has_member(user)
    return thread.parent_visible_to(user)


@rules.predicate
def thread_is_open(user, thread) -> bool:
    return thread is not None and getattr(thread, "archived_at", None) is None


def _coaching(thread) -> bool:
    return thread is not None and getattr(thread, "kind", None) == "mentorship"


@rules.predicate
def is_coaching_thread(user, thread) -> bool:
    """A mentorship's coaching thread: its members follow the mentorship, never a manual change."""
    return _coaching(thread)


@rules.predicate
def message_thread_open(user, message) -> bool:
    """The message's thread is not archived (an ended mentorship's coaching thread is read-only)."""
    if message is None or getattr(message, "thread_id", None) is None:
        return True
    return message.thread.archived_at is None


@rules.predicate
def in_coaching_thread(user, message) -> bool:
    """The message belongs to a coaching thread (private to the pair: no manager moderates it)."""
    if message is None or getattr(message, "thread_id", None) is None:
        return False
    return _coaching(message.thread)


rule(
    "discussion.view_thread",
    can_see_thread,
    "This discussion is private to its members, or its page is not visible to you.",
)
rule(
    "discussion.post",
    can_see_thread & thread_is_open,
    "This discussion is archived (read-only): you can read it, but no new messages can be posted.",
)
rule(
    "discussion.edit_message",
    message_thread_open & is_author,
    "Only the author can edit a message, and not once the discussion is archived (read-only).",
)
rule(
    "discussion.delete_message",
    message_thread_open & (is_author | (is_manager & ~in_coaching_thread)),
    "Only the author or a manager can delete a message (in a coaching thread, only its author);"
    " an archived discussion is read-only.",
)
rule("discussion.create_room", is_manager, "Only managers can open team rooms.")
rule(
    "discussion.manage_members",
    is_manager & ~is_coaching_thread,
    "Only managers can change who is in a discussion; a coaching thread's members follow its mentorship.",
)


# --- Search --------------------------------------------------------------------------------
rule("search.use", is_active_member, "Sign in to search techniques, questions and answers.")

# --- Mentoring -----------------------------------------------------------------------------
# Objects here are mentoring.Mentorship (mentor_id, mentee_id, status, manager_access and
# mentee.manager_id), a mentee User, or None.


@rules.predicate
def is_mentorship_member(user, mentorship) -> bool:
    return (
        mentorship is not None
        and is_active_member(user)
        and user.pk in (getattr(mentorship, "mentor_id", None), getattr(mentorship, "mentee_id", None))
    )


@rules.predicate
def is_requested_mentor(user, mentorship) -> bool:
    return mentorship is not None and is_active_member(user) and user.pk == getattr(mentorship, "mentor_id", None)


@rules.predicate
def is_requester(user, mentorship) -> bool:
    """The mentee, or whoever made the request on their behalf."""
    return (
        mentorship is not None
        and is_active_member(user)
        and user.pk
        in (
            getattr(mentorship, "mentee_id", None),
            getattr(mentorship, "requested_by_id", None),
        )
    )


@rules.predicate
def is_consented_manager(user, mentorship) -> bool:
    """The mentee's own manager, when the mentee agreed to share this mentorship with them."""
    if mentorship is None or not is_active_member(user) or not getattr(mentorship, "manager_access", False):
        return False
    mentee = getattr(mentorship, "mentee", None)
    return mentee is not None and getattr(mentee, "manager_id", None) == user.pk


@rules.predicate
def is_mentee_of(user, mentorship) -> bool:
    return mentorship is not None and is_active_member(user) and user.pk == getattr(mentorship, "mentee_id", None)


rule("mentoring.use", is_active_member, "Sign in to use mentoring.")
rule("mentoring.view_matches", is_self | is_manager, "Only the mentee and managers can see a mentee's matches.")
rule("mentoring.request", is_self | is_manager, "You can ask for a mentor only for yourself.")
rule("mentoring.respond", is_requested_mentor, "Only the mentor who was asked can accept or decline this request.")
rule("mentoring.withdraw", is_requester, "Only the mentee (or the manager who asked) can withdraw this request.")
rule(
    "mentoring.view_request",
    is_mentorship_member | is_requester | is_manager,
    "This request is between a mentee and a mentor.",
)
rule("mentoring.view", is_mentorship_member | is_manager, "This mentorship is between a mentor and a mentee.")
rule(
    "mentoring.view_private",
    is_mentorship_member | is_consented_manager,
    "Goals, check-ins and the coaching thread are private to the mentor and the mentee "
    "(and their manager, if the mentee agreed).",
)
rule("mentoring.coach", is_mentorship_member, "Only the mentor and the mentee can change goals and check-ins.")
rule("mentoring.rate_fit", is_mentorship_member, "Only the mentor and the mentee rate the fit.")
rule("mentoring.end", is_mentorship_member | is_manager, "Only the pair or a manager can end a mentorship.")
rule("mentoring.share", is_mentee_of, "Only the mentee decides whether their manager sees this mentorship.")
rule("mentoring.mentor_profile", is_mentor, "Only mentors have a mentor profile; ask a manager for the mentor role.")
rule("mentoring.mentor_dashboard", is_mentor, "The dashboard is for mentors.")
rule("mentoring.manage_programme", is_manager, "Only managers run the mentoring programme.")
