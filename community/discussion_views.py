"""Discussion pages: the rooms list, a thread page, and the form posts that work without JS."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import policy

from . import discussion, discussion_services
from . import discussion_selectors as selectors
from .discussion_forms import MessageEditForm, MessageForm, RoomForm
from .models import Message, Thread, ThreadKind


def _thread_or_404(request: HttpRequest, thread_id: int, perm: str = "discussion.view_thread") -> Thread:
    thread = selectors.thread_get(thread_id)
    if thread is None:
        raise Http404("There is no such discussion.")
    policy.require(request.user, "discussion.view_thread", thread)
    if perm != "discussion.view_thread":
        policy.require(request.user, perm, thread)
    return thread


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def message_form_id(thread: Thread) -> str:
    """Field ids of a thread's compose form: unique on pages that have other forms (a question's
    answer form also has a `body`), so each label names its own field."""
    return f"thread-{thread.pk}-%s"


def thread_context(request: HttpRequest, thread: Thread, *, count: int, form=None, before: int | None = None) -> dict:
    """What the live thread component needs (a fixed number of queries)."""
    items = selectors.messages_recent(thread=thread, count=count, before_seq=before)
    reply_to = None
    reply_id = request.GET.get("reply_to")
    if form is None:
        form = MessageForm(auto_id=message_form_id(thread))
        if reply_id and reply_id.isdigit():
            reply_to = next((m for m in items if m.pk == int(reply_id)), None) or (
                selectors.messages_qs().filter(pk=int(reply_id), thread=thread).first()
            )
            if reply_to is not None:
                form.initial["reply_to"] = reply_to.pk
    elif form.data.get("reply_to", "").isdigit():
        reply_to = selectors.messages_qs().filter(pk=int(form.data["reply_to"]), thread=thread).first()
    return {
        "thread": thread,
        "items": items,
        "has_earlier": bool(items) and items[0].seq > 1 and thread.message_count > len(items),
        "earliest_seq": items[0].seq if items else None,
        # The page shows the thread up to here; the socket resumes after it.
        "last_seq": thread.last_seq,
        "form": form,
        "reply_to": reply_to,
        "can_post": policy.allowed(request.user, "discussion.post", thread),
        # May delete other people's messages here (managers; in a coaching thread nobody may).
        "is_manager": policy.allowed(request.user, "discussion.delete_message", Message(thread=thread)),
    }


@login_required
def rooms_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    followed = selectors.followed_threads(user)
    rooms = selectors.rooms(user)
    room_ids = {r.pk for r in rooms}
    followed = [t for t in followed if t.pk not in room_ids]
    discussions = [
        t
        for t in selectors.recent_discussions(kinds=(ThreadKind.TECHNIQUE, ThreadKind.QUESTION), count=12)
        if t.pk not in room_ids and t.parent_visible_to(user)  # parents prefetched: no query each
    ]
    form = RoomForm() if policy.allowed(user, "discussion.create_room") else None
    return render(
        request,
        "community/discussion/index.html",
        {"rooms": rooms, "followed": followed, "discussions": discussions, "room_form": form},
    )


@login_required
@require_POST
def room_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "discussion.create_room")
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            thread = discussion_services.thread_create_room(
                title=form.cleaned_data["title"], topic=form.cleaned_data["topic"], created_by=request.user
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect(thread.get_absolute_url())
    user = request.user
    return render(
        request,
        "community/discussion/index.html",
        {
            "rooms": selectors.rooms(user),
            "followed": selectors.followed_threads(user),
            "discussions": [],
            "room_form": form,
        },
        status=422,
    )


@login_required
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    before = request.GET.get("before")
    before_seq = int(before) if before and before.isdigit() else None
    context = thread_context(request, thread, count=selectors.limit("page_messages"), before=before_seq)
    if before_seq is None:
        discussion_services.thread_mark_read(thread=thread, user=request.user)
    context |= {
        "parent": discussion.parent_link(thread),
        "members": selectors.thread_members(thread) if thread.is_private else [],
        "present": selectors.presence(thread),
        "standalone": True,
        "older_page": before_seq is not None,
    }
    return render(request, "community/discussion/thread.html", context)


@login_required
@require_POST
def thread_post(request: HttpRequest, thread_id: int) -> HttpResponse:
    """The no-JavaScript path: post with a form, then see the thread again (post/redirect/get)."""
    thread = _thread_or_404(request, thread_id)
    form = MessageForm(request.POST, auto_id=message_form_id(thread))
    status, unsent = 422, ""
    if not policy.allowed(request.user, "discussion.post", thread):
        # A reader who may not post: the thread was archived while the page was open. Say so
        # (the page shows why) and give back what was written.
        status, unsent = 409, request.POST.get("body") or ""
    elif form.is_valid():
        try:
            message, _ = discussion_services.message_post(
                thread=thread,
                author=request.user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"] or "",
                reply_to_id=form.cleaned_data["reply_to"],
            )
        except discussion_services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            fallback = thread.get_absolute_url()
            return redirect(f"{_safe_next(request, fallback)}#m-{message.seq}")
    context = thread_context(request, thread, count=selectors.limit("page_messages"), form=form)
    context |= {
        "parent": discussion.parent_link(thread),
        "members": selectors.thread_members(thread) if thread.is_private else [],
        "present": selectors.presence(thread),
        "standalone": True,
        "unsent": unsent,
    }
    return render(request, "community/discussion/thread.html", context, status=status)


def _message_or_404(request: HttpRequest, thread_id: int, message_id: int) -> Message:
    thread = _thread_or_404(request, thread_id)
    message = get_object_or_404(selectors.messages_qs(), pk=message_id, thread=thread)
    message.thread = thread
    return message


@login_required
def message_edit(request: HttpRequest, thread_id: int, message_id: int) -> HttpResponse:
    message = _message_or_404(request, thread_id, message_id)
    policy.require(request.user, "discussion.edit_message", message)
    if message.deleted_at is not None:
        raise PermissionDenied("A deleted message cannot be edited.")
    if request.method == "POST":
        form = MessageEditForm(request.POST)
        if form.is_valid():
            try:
                discussion_services.message_edit(message=message, user=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error("body", error)
            else:
                return redirect(message.get_absolute_url())
        return render(request, "community/discussion/edit.html", {"form": form, "message": message}, status=422)
    form = MessageEditForm(initial={"body": message.body})
    return render(request, "community/discussion/edit.html", {"form": form, "message": message})


@login_required
def message_delete(request: HttpRequest, thread_id: int, message_id: int) -> HttpResponse:
    message = _message_or_404(request, thread_id, message_id)
    policy.require(request.user, "discussion.delete_message", message)
    if request.method == "POST":
        discussion_services.message_delete(message=message, user=request.user)
        flash.success(request, "Message deleted.")
        return redirect(message.get_absolute_url())
    return render(request, "community/discussion/delete.html", {"message": message})


# --- The panel on technique, question and mentorship pages -----------------------------------


def panel_section(request: HttpRequest, subject: Any) -> dict | None:
    """core.sections context for the discussion panel under a technique or a question.

    Shown only to people who may see the page. Viewing changes nothing: a page nobody has
    discussed yet shows a "start the discussion" form that opens the thread with its first
    message (`thread_start`). Fixed queries: thread lookup, parent visibility, recent
    messages, read state.
    """
    user = getattr(request, "user", None)
    if subject is None or user is None or not user.is_authenticated:
        return None
    thread = discussion_services.thread_for_object(subject, create=False)
    if thread is None:
        entry = discussion.kind_for_object(subject)
        if entry is None or entry.private or not entry.visible(user, subject):
            return None
        return _start_context(request, entry.kind, subject)
    if not policy.allowed(user, "discussion.view_thread", thread):
        return None
    context = thread_context(request, thread, count=10)
    context["next"] = request.get_full_path()
    context["unread"] = selectors.unread_in(thread=thread, user=user)
    context["present"] = selectors.presence(thread)
    return context


def _start_form_id(kind: str, object_id: int) -> str:
    return f"start-{kind}-{object_id}-%s"


def _start_context(request: HttpRequest, kind: str, subject: Any, form: MessageForm | None = None) -> dict:
    return {
        "thread": None,
        "kind": kind,
        "subject": subject,
        "form": form or MessageForm(auto_id=_start_form_id(kind, subject.pk)),
        "next": request.get_full_path(),
    }


@login_required
@require_POST
def thread_start(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """The first message of a technique's or a question's discussion opens its thread (no-JS
    form of the page's panel). Invalid or refused input creates nothing and shows the form
    again with its errors; if someone opened the thread meanwhile, the message goes there."""
    from django.apps import apps
    from django.db import transaction

    entry = discussion.get_kind(kind)
    if entry is None or entry.private:
        raise Http404("Discussions start on techniques and questions.")
    subject = apps.get_model(entry.model).objects.filter(pk=object_id).first()
    if subject is None or not entry.visible(request.user, subject):
        raise Http404(f"There is no such {kind}.")
    form = MessageForm(request.POST, auto_id=_start_form_id(kind, object_id))
    status = 422
    if form.is_valid():
        try:
            with transaction.atomic():
                thread = discussion_services.thread_for_object(subject, created_by=request.user)
                policy.require(request.user, "discussion.post", thread)
                message, _ = discussion_services.message_post(
                    thread=thread,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    client_id=form.cleaned_data["client_id"] or "",
                )
        except discussion_services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect(f"{_safe_next(request, thread.get_absolute_url())}#m-{message.seq}")
    context = _start_context(request, kind, subject, form)
    context["next"] = _safe_next(request, entry.url(subject))
    context["title"] = entry.title(subject)
    return render(request, "community/discussion/start.html", context, status=status)
