"""What a thread is attached to, without importing it: parent kinds registered by their apps.

A public thread is visible to whoever may see its parent (a published technique to every
signed-in member, a draft to its author and managers). The discussion code never imports
Question or Mentorship: the app that owns a parent model registers its kind here, once, from
its AppConfig.ready():

    from community.discussion import register_parent_kind
    register_parent_kind(
        "question",
        model="community.question",
        visible=lambda user, question: policy.allowed(user, "qa.view_question", question),
        url=lambda question: question.get_absolute_url(),
        title=lambda question: question.title,
    )

Private threads (coaching) ignore the parent's visibility: their explicit members decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Visible = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class ParentKind:
    kind: str
    model: str  # "app_label.modelname", lower case
    visible: Visible
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    private: bool = False


_KINDS: dict[str, ParentKind] = {}
_BY_MODEL: dict[str, ParentKind] = {}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _default_visible(user, obj) -> bool:
    """For parents whose app has not registered a rule: ask the object, else the whole team."""
    hook = getattr(obj, "is_visible_to", None)
    if callable(hook):
        return bool(hook(user))
    return _active(user)


def _default_url(obj) -> str:
    getter = getattr(obj, "get_absolute_url", None) or getattr(obj, "get_url", None)
    return (getter() if callable(getter) else "") or ""


def register_parent_kind(
    kind: str,
    *,
    model: str,
    visible: Visible | None = None,
    url: Callable[[Any], str] | None = None,
    title: Callable[[Any], str] | None = None,
    private: bool = False,
) -> None:
    """Declare that threads of `kind` hang off instances of `model` ("app_label.modelname")."""
    entry = ParentKind(
        kind=kind,
        model=model.lower(),
        visible=visible or _default_visible,
        url=url or _default_url,
        title=title or (lambda obj: str(obj)),
        private=private,
    )
    _KINDS[kind] = entry
    _BY_MODEL[entry.model] = entry


def kind_for_object(obj) -> ParentKind | None:
    return _BY_MODEL.get(obj._meta.label_lower)


def get_kind(kind: str) -> ParentKind | None:
    return _KINDS.get(kind)


def parent_visible_to(thread, user) -> bool:
    """May `user` see the parent of public `thread`? (Team rooms: every active member.)"""
    if not _active(user):
        return False
    if thread.content_type_id is None:
        return True
    parent = thread.parent
    if parent is None:  # the parent was deleted
        return False
    entry = _KINDS.get(thread.kind) or _BY_MODEL.get(parent._meta.label_lower)
    return (entry.visible if entry else _default_visible)(user, parent)


def parent_link(thread) -> tuple[str, str] | None:
    """(title, url) of the thread's parent page, or None for a room or a vanished parent."""
    if thread.content_type_id is None:
        return None
    parent = thread.parent
    if parent is None:
        return None
    entry = _KINDS.get(thread.kind) or _BY_MODEL.get(parent._meta.label_lower)
    if entry is None:
        return str(parent), _default_url(parent)
    return entry.title(parent), entry.url(parent)


# --- Kinds known on this branch ------------------------------------------------------------


def question_visible(user, question) -> bool:
    """A question's discussion follows the question: hidden ones only for author and managers."""
    from accounts import policy

    if not policy.allowed(user, "qa.view", question):
        return False
    return not question.is_hidden or policy.allowed(user, "qa.view_hidden", question)


def technique_visible(user, page) -> bool:
    """A published technique: every signed-in member; a draft: its author and managers."""
    from accounts import policy

    if getattr(page, "live", False):
        return policy.allowed(user, "techniques.view", page)
    return policy.allowed(user, "techniques.view_draft", page)


def register_builtin_kinds() -> None:
    register_parent_kind(
        "technique",
        model="community.techniquepage",
        visible=technique_visible,
        url=lambda page: page.get_url() or "",
        title=lambda page: page.title,
    )
    register_parent_kind(
        "question",
        model="community.question",
        visible=question_visible,
        url=lambda question: question.get_absolute_url(),
        title=lambda question: question.title,
    )
    # The mentoring app registers "mentorship" with its own title and URL (mentoring/apps.py);
    # this fallback keeps coaching threads members-only should it not be installed.
    if "mentorship" not in _KINDS:
        register_parent_kind("mentorship", model="mentoring.mentorship", private=True)
