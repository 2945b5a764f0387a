"""Discussion threads over plain HTTP: the fallback when WebSockets are blocked, and for integrations.

`GET /threads/{id}/messages?after={seq}` reads the log after a sequence number (each changed
message once, in the order of its latest change); `POST /threads/{id}/messages` posts with an
optional `client_id` (a repeat answers 200 with the original message, a new one 201).
"""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import Throttled
from ninja.pagination import paginate

from accounts import policy
from core.api import COMMON_ERRORS, Conflict, ErrorOut, created_or_existing

from . import discussion, discussion_services
from . import discussion_selectors as selectors
from .models import Thread, ThreadKind

router = Router(tags=["discussion threads"])


class ThreadPersonOut(Schema):
    id: int
    username: str
    name: str
    initials: str
    url: str


class ReplyOut(Schema):
    id: int
    seq: int
    author: str
    excerpt: str
    deleted: bool


class MessageOut(Schema):
    id: int
    thread: int
    seq: int = Field(..., description="Per-thread number given when the message was posted.")
    updated_seq: int = Field(..., description="Per-thread number of the message's latest change (edit, delete).")
    client_id: str
    author: ThreadPersonOut | None
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    reply_to: ReplyOut | None
    url: str


class MessagesOut(Schema):
    count: int = Field(..., description="Messages changed after `after` (all of them, not only this page).")
    items: list[MessageOut]
    last_seq: int = Field(..., description="The thread's latest sequence number when this was read.")
    next_after: int = Field(..., description="Pass as `after` to read what comes next.")


class MessageIn(Schema):
    body: str = Field(..., description="Markdown; @username mentions notify that person.")
    client_id: str = Field("", description="Your id for this message; a repeat returns the original (200).")
    reply_to: int | None = Field(None, description="The id of the message this one replies to (it is quoted).")


class MessageEditIn(Schema):
    body: str


class ThreadOut(Schema):
    id: int
    kind: str
    title: str
    topic: str
    private: bool
    last_seq: int
    message_count: int
    last_message_at: datetime | None
    url: str
    websocket: str
    parent_title: str | None = None
    parent_url: str | None = None
    unread: int | None = None
    archived_at: datetime | None = Field(
        None, description="Set when the thread became read-only (a coaching thread whose mentorship ended)."
    )


class ReadIn(Schema):
    seq: int | None = Field(None, description="Read up to this sequence number (default: everything).")


class ReadOut(Schema):
    last_read_seq: int
    unread_total: int


class MemberIn(Schema):
    username: str


class MemberOut(Schema):
    username: str
    name: str


def _thread(request: HttpRequest, thread_id: int, perm: str = "discussion.view_thread") -> Thread:
    thread = selectors.thread_get(thread_id)
    if thread is None:
        raise Http404("There is no such discussion.")
    policy.require(request.auth, "discussion.view_thread", thread)
    if perm != "discussion.view_thread":
        policy.require(request.auth, perm, thread)
    return thread


def _thread_out(thread: Thread, *, with_parent: bool = False, unread: int | None = None) -> dict:
    out = {
        "id": thread.pk,
        "kind": thread.kind,
        "title": thread.title,
        "topic": thread.topic,
        "private": thread.is_private,
        "last_seq": thread.last_seq,
        "message_count": thread.message_count,
        "last_message_at": thread.last_message_at,
        "url": thread.get_absolute_url(),
        "websocket": f"/ws/threads/{thread.pk}/",
        "unread": unread,
        "archived_at": thread.archived_at,
    }
    if with_parent:
        link = discussion.parent_link(thread)
        if link:
            out["parent_title"], out["parent_url"] = link
    return out


@router.get("", response={200: list[ThreadOut], **COMMON_ERRORS}, summary="Team rooms and the threads you follow")
@paginate
def list_threads(request: HttpRequest):
    """Rooms you may see and threads you follow, each with your unread count (two queries)."""
    seen: dict[int, dict] = {}
    for thread in selectors.rooms(request.auth) + selectors.followed_threads(request.auth):
        seen.setdefault(thread.pk, _thread_out(thread, unread=getattr(thread, "unread", None)))
    return list(seen.values())


class RoomIn(Schema):
    title: str = Field(..., max_length=80, description="Short and lower case, e.g. #renewals (the # is added).")
    topic: str = Field("", max_length=300, description="What it is for.")


@router.post("", response={201: ThreadOut, **COMMON_ERRORS}, summary="Open a team room (managers)")
def create_room(request: HttpRequest, payload: RoomIn):
    """A public room everyone can see and post in. A name already taken answers 422 on `title`."""
    policy.require(request.auth, "discussion.create_room")
    thread = discussion_services.thread_create_room(title=payload.title, topic=payload.topic, created_by=request.auth)
    return Status(201, _thread_out(thread, unread=0))


@router.get(
    "/recent",
    response={200: list[ThreadOut], **COMMON_ERRORS},
    summary="Recently active discussions of techniques and questions",
)
@paginate
def recent_threads(
    request: HttpRequest,
    limit: int = Query(12, ge=1, le=50, description="How many of the most recently active discussions to list."),
):
    """Public discussions attached to pages you may see, most recently active first (as on
    /discussions/): the latest `limit` of them, paginated like every list."""
    user = request.auth
    threads = selectors.recent_discussions(kinds=(ThreadKind.TECHNIQUE, ThreadKind.QUESTION), count=limit)
    return [_thread_out(t, with_parent=True) for t in threads if t.parent_visible_to(user)]


def _parent(request: HttpRequest, kind: str, object_id: int):
    entry = discussion.get_kind(kind)
    if entry is None or entry.private:
        raise Http404("Discussions hang off techniques and questions: use kind technique or question.")
    parent = apps.get_model(entry.model).objects.filter(pk=object_id).first()
    if parent is None or not entry.visible(request.auth, parent):
        raise Http404(f"There is no such {kind}.")
    return parent


@router.get(
    "/about/{kind}/{object_id}",
    response={200: ThreadOut, **COMMON_ERRORS},
    summary="The discussion thread of a technique or a question",
)
def thread_about(request: HttpRequest, kind: str, object_id: int):
    """`kind` is `technique` or `question`. Reading changes nothing: a page whose discussion
    nobody opened yet answers 404 (saying so); `POST` to the same path opens it. 404 as well when
    the page does not exist or is not visible to you. Coaching threads are in `GET /threads`."""
    parent = _parent(request, kind, object_id)
    thread = discussion_services.thread_for_object(parent, create=False)
    if thread is None:
        raise Http404(f"Nobody has opened the discussion of this {kind} yet; POST to this path to open it.")
    policy.require(request.auth, "discussion.view_thread", thread)
    return _thread_out(thread, with_parent=True, unread=selectors.unread_in(thread=thread, user=request.auth))


@router.post(
    "/about/{kind}/{object_id}",
    response={200: ThreadOut, 201: ThreadOut, **COMMON_ERRORS},
    summary="Open the discussion thread of a technique or a question",
)
def open_thread_about(request: HttpRequest, kind: str, object_id: int):
    """Whoever may see the page may open its discussion (as its page does): 201 with the new
    thread, or 200 with the one that exists."""
    parent = _parent(request, kind, object_id)
    existing = discussion_services.thread_for_object(parent, create=False)
    thread = existing or discussion_services.thread_for_object(parent, created_by=request.auth)
    policy.require(request.auth, "discussion.view_thread", thread)
    status, thread = created_or_existing(thread, existing is None)
    return Status(
        status, _thread_out(thread, with_parent=True, unread=selectors.unread_in(thread=thread, user=request.auth))
    )


@router.get("/{thread_id}", response={200: ThreadOut, **COMMON_ERRORS}, summary="One thread")
def get_thread(request: HttpRequest, thread_id: int):
    thread = _thread(request, thread_id)
    return _thread_out(thread, with_parent=True, unread=selectors.unread_in(thread=thread, user=request.auth))


class MessagesQuery(Schema):
    after: int = Field(0, ge=0, description="The last sequence number you saw (0: from the start).")
    page_size: int = Field(50, ge=1, le=100)
    recent: int | None = Field(
        None, ge=1, le=100, description="Instead of `after`: the latest N messages, oldest first (after a resync)."
    )


@router.get(
    "/{thread_id}/messages",
    response={200: MessagesOut, **COMMON_ERRORS},
    summary="Messages after a sequence number (polling, resume)",
)
def list_messages(request: HttpRequest, thread_id: int, filters: Query[MessagesQuery]):
    """Each message changed after `after` once, in its current state, ordered by `updated_seq`.

    Poll with `after=next_after` to follow the thread over plain HTTP. With `recent=N` you get
    the latest N messages instead (what a client reloads after a `resync` frame).
    """
    thread = _thread(request, thread_id)
    if filters.recent:
        items = selectors.messages_recent(thread=thread, count=filters.recent)
        return {
            "count": len(items),
            "items": [selectors.message_payload(m) for m in items],
            "last_seq": thread.last_seq,
            "next_after": thread.last_seq,
        }
    count = selectors.changes_after_count(thread=thread, after=filters.after)
    items = selectors.messages_after(thread=thread, after=filters.after, limit_to=filters.page_size)
    return {
        "count": count,
        "items": [selectors.message_payload(m) for m in items],
        "last_seq": thread.last_seq,
        # Items are ordered by updated_seq: the last one is the furthest this page read.
        "next_after": items[-1].updated_seq if items else filters.after,
    }


@router.post(
    "/{thread_id}/messages",
    response={200: MessageOut, 201: MessageOut, 429: ErrorOut, **COMMON_ERRORS},
    summary="Post a message (idempotent with client_id)",
)
def post_message(request: HttpRequest, thread_id: int, payload: MessageIn):
    """Saved first, then broadcast to everyone connected. Repeating a `client_id` answers 200 with
    the original message and changes nothing; a new message answers 201."""
    thread = _thread(request, thread_id, "discussion.post")
    try:
        message, created = discussion_services.message_post(
            thread=thread,
            author=request.auth,
            body=payload.body,
            client_id=payload.client_id,
            reply_to_id=payload.reply_to,
        )
    except discussion_services.RateLimited as exc:
        raise Throttled(exc.retry_after) from exc
    status, message = created_or_existing(message, created)
    return Status(status, selectors.message_payload(message))


def _message(thread: Thread, message_id: int):
    message = get_object_or_404(selectors.messages_qs(), pk=message_id, thread=thread)
    message.thread = thread  # the policy asks the thread's kind (coaching threads: author only)
    return message


@router.patch(
    "/{thread_id}/messages/{message_id}", response={200: MessageOut, **COMMON_ERRORS}, summary="Edit your message"
)
def edit_message(request: HttpRequest, thread_id: int, message_id: int, payload: MessageEditIn):
    thread = _thread(request, thread_id)
    message = discussion_services.message_edit(
        message=_message(thread, message_id), user=request.auth, body=payload.body
    )
    return selectors.message_payload(message)


@router.delete(
    "/{thread_id}/messages/{message_id}",
    response={200: MessageOut, **COMMON_ERRORS},
    summary="Delete your message (it stays as 'deleted')",
)
def delete_message(request: HttpRequest, thread_id: int, message_id: int):
    thread = _thread(request, thread_id)
    message = discussion_services.message_delete(message=_message(thread, message_id), user=request.auth)
    return selectors.message_payload(message)


@router.post("/{thread_id}/read", response={200: ReadOut, **COMMON_ERRORS}, summary="Mark the thread read")
def mark_read(request: HttpRequest, thread_id: int, payload: ReadIn):
    thread = _thread(request, thread_id)
    mark = discussion_services.thread_mark_read(thread=thread, user=request.auth, seq=payload.seq)
    return {"last_read_seq": mark, "unread_total": selectors.unread_total(request.auth)}


@router.get("/{thread_id}/members", response={200: list[MemberOut], **COMMON_ERRORS}, summary="A thread's members")
@paginate
def list_members(request: HttpRequest, thread_id: int):
    thread = _thread(request, thread_id)
    return [{"username": m.user.username, "name": m.user.name} for m in selectors.thread_members(thread)]


def _members_editable(request: HttpRequest, thread: Thread) -> None:
    """409 for a coaching thread (its members follow the mentorship), 403 for non-managers."""
    try:
        discussion_services.thread_members_editable(thread=thread, by=request.auth)
    except discussion_services.MembershipFollowsParent as exc:
        raise Conflict(str(exc)) from exc


@router.post(
    "/{thread_id}/members",
    response={201: MemberOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="Add a member (managers; not in coaching threads)",
)
def add_member(request: HttpRequest, thread_id: int, payload: MemberIn):
    """A coaching thread answers 409: its members follow the mentorship (the pair and, if the
    mentee agreed, their manager), so nobody adds or removes them by hand."""
    thread = _thread(request, thread_id)
    _members_editable(request, thread)
    user = get_object_or_404(get_user_model(), username=payload.username, is_active=True)
    discussion_services.thread_add_member_by_hand(thread=thread, user=user, by=request.auth)
    return Status(201, {"username": user.username, "name": user.name})


@router.delete(
    "/{thread_id}/members/{username}",
    response={204: None, 409: ErrorOut, **COMMON_ERRORS},
    summary="Remove a member (managers; not in coaching threads); their live connections close at once",
)
def remove_member(request: HttpRequest, thread_id: int, username: str):
    """A coaching thread answers 409, like adding: its members follow the mentorship."""
    thread = _thread(request, thread_id)
    _members_editable(request, thread)
    user = get_object_or_404(get_user_model(), username=username)
    if not discussion_services.thread_remove_member_by_hand(thread=thread, user=user, by=request.auth):
        raise Http404(f"{username} is not a member of this discussion.")
    return Status(204, None)
