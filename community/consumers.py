"""The live side of discussion threads: `/ws/threads/<id>/`, protocol v1 (docs/threads-protocol.md).

The consumer is thin: every state change goes through community.discussion_services (which
writes to the database, then broadcasts after commit), every permission through the policy.
It never trusts the channel layer for durability: a client resumes from the database with
the last sequence number it saw, and this connection sends each change at most once (the
replay and the live stream are de-duplicated by sequence number).

Nothing a client sends may crash it: every frame is parsed defensively and any unexpected
failure answers an error frame and leaves the connection open.

Access is not trusted to one frame either. Removing a member sends a "kick" to their
connections, but the channel layer may drop it; so the policy (`discussion.view_thread`) is
asked again on every resume/replay, read, typing, message, edit and delete, and in private
threads on every event before it is delivered (one indexed query on the membership). A
connection that lost access is closed with 4403 and sent nothing more.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import policy
from core.api import field_errors_from_django

from . import discussion_selectors as selectors
from . import discussion_services as services
from .discussion_selectors import PROTOCOL_VERSION, limit
from .models import Message, Thread

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's): the JS client does not reconnect after these.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429
CLOSE_BAD_VERSION = 4400

TYPING_EVERY_SECONDS = 2.0


class AccessGone(Exception):
    """The person may no longer see the thread (removed, or its page hidden): close the socket."""


class FrameError(Exception):
    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        self.code, self.detail, self.extra = code, detail, extra
        super().__init__(detail)


def _int(value: Any, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FrameError("invalid", f"'{name}' must be a whole number.")
    try:
        number = int(value)
    except ValueError:
        raise FrameError("invalid", f"'{name}' must be a whole number.") from None
    if number < minimum:
        raise FrameError("invalid", f"'{name}' must be at least {minimum}.")
    return number


# --- Database work, one thread hop each ----------------------------------------------------


@database_sync_to_async
def _open(thread_id: int, user, channel_name: str) -> tuple[str, Thread | None]:
    thread = selectors.thread_get(thread_id)
    if thread is None:
        return "not_found", None
    if not policy.allowed(user, "discussion.view_thread", thread):
        return "forbidden", None
    if not services.connection_open(thread=thread, user=user, channel_name=channel_name):
        return "too_many_connections", None
    return "ok", thread


@database_sync_to_async
def _close(channel_name: str, thread: Thread | None) -> None:
    services.connection_close(channel_name=channel_name)
    if thread is not None:
        services.broadcast_presence(thread)


def _fresh(thread: Thread, user) -> Thread:
    """The thread as it is now, if `user` may still see it; AccessGone otherwise.

    Never the connection's own copy: it caches the members it was checked with."""
    current = selectors.thread_get(thread.pk)
    if current is None or not policy.allowed(user, "discussion.view_thread", current):
        raise AccessGone
    return current


@database_sync_to_async
def _check(thread: Thread, user) -> Thread:
    return _fresh(thread, user)


@database_sync_to_async
def _still_member(thread: Thread, user) -> bool:
    return selectors.is_member(thread_id=thread.pk, user_id=user.pk)


@database_sync_to_async
def _replay(thread: Thread, user, after: int) -> dict[str, Any]:
    """What a client that saw everything up to `after` is missing, or a resync when too much."""
    thread = _fresh(thread, user)
    last_seq = thread.last_seq
    if after > last_seq:
        return {"resync": True, "last_seq": last_seq, "reason": "ahead"}
    if selectors.changes_after_count(thread=thread, after=after) > limit("replay_max"):
        return {"resync": True, "last_seq": last_seq, "reason": "gap"}
    messages = selectors.messages_after(thread=thread, after=after, limit_to=limit("replay_max"))
    frames = []
    for m in messages:
        kind = "message" if m.seq > after else ("delete" if m.deleted_at else "edit")
        frames.append({"type": kind, "v": PROTOCOL_VERSION, "replay": True, "message": selectors.message_payload(m)})
    through = max([after, *[m.updated_seq for m in messages]])
    return {"resync": False, "frames": frames, "through": through, "last_seq": last_seq}


@database_sync_to_async
def _position(thread: Thread, user) -> int:
    return _fresh(thread, user).last_seq


@database_sync_to_async
def _presence(thread: Thread) -> None:
    services.broadcast_presence(thread)


@database_sync_to_async
def _touch(channel_name: str) -> None:
    services.connection_touch(channel_name=channel_name)


@database_sync_to_async
def _post(thread: Thread, user, body: str, client_id: str, reply_to: int | None) -> tuple[dict, bool]:
    thread = _fresh(thread, user)  # removed or archived since connect?
    policy.require(user, "discussion.post", thread)
    message, created = services.message_post(
        thread=thread, author=user, body=body, client_id=client_id, reply_to_id=reply_to
    )
    return selectors.message_payload(message), created


def _own_message(thread: Thread, message_id: int) -> Message:
    message = selectors.messages_qs().filter(pk=message_id, thread=thread).first()
    if message is None:
        raise FrameError("not_found", "There is no such message in this discussion.")
    message.thread = thread  # the policy reads the thread as it is now (kind, archived), as the views do
    return message


@database_sync_to_async
def _edit(thread: Thread, user, message_id: int, body: str) -> dict:
    thread = _fresh(thread, user)
    message = services.message_edit(message=_own_message(thread, message_id), user=user, body=body)
    return selectors.message_payload(message)


@database_sync_to_async
def _delete(thread: Thread, user, message_id: int) -> dict:
    thread = _fresh(thread, user)
    message = services.message_delete(message=_own_message(thread, message_id), user=user)
    return selectors.message_payload(message)


@database_sync_to_async
def _read(thread: Thread, user, seq: int | None) -> int:
    thread = _fresh(thread, user)
    return services.thread_mark_read(thread=thread, user=user, seq=seq)


# --- The consumer --------------------------------------------------------------------------


class ThreadConsumer(AsyncWebsocketConsumer):
    thread: Thread | None = None
    ready = False  # after hello: joined the thread's group
    kicked = False

    # -- lifecycle --

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.watermark = 0  # every change up to here was sent (or the client had it)
        self.sent_above: set[int] = set()  # changes above the watermark sent one by one
        self.last_typing = 0.0
        await self.accept()
        if self.user is None or not self.user.is_authenticated or not self.user.is_active:
            await self._refuse("unauthenticated", "Sign in to join this discussion.", CLOSE_UNAUTHENTICATED)
            return
        try:
            thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        except (KeyError, TypeError, ValueError):
            await self._refuse("not_found", "There is no such discussion.", CLOSE_NOT_FOUND)
            return
        # Join the kick group before the permission check, so a removal that commits right
        # after the check still reaches this connection.
        self.kick_group = f"thread-{thread_id}-user-{self.user.pk}"
        await self.channel_layer.group_add(self.kick_group, self.channel_name)
        status, thread = await _open(thread_id, self.user, self.channel_name)
        if status == "not_found":
            await self._refuse("not_found", "There is no such discussion.", CLOSE_NOT_FOUND)
        elif status == "forbidden":
            await self._refuse("forbidden", policy.MESSAGES["discussion.view_thread"], CLOSE_FORBIDDEN)
        elif status == "too_many_connections":
            await self._refuse(
                "too_many_connections",
                f"You have {limit('connections_per_user')} discussions open already; close one and reload.",
                CLOSE_TOO_MANY,
            )
        else:
            self.thread = thread

    async def disconnect(self, code: int) -> None:
        if getattr(self, "kick_group", None):
            await self.channel_layer.group_discard(self.kick_group, self.channel_name)
        if self.thread is not None:
            await self.channel_layer.group_discard(self.thread.group_name, self.channel_name)
            try:
                await _close(self.channel_name, None if self.kicked else self.thread)
            except Exception:
                logger.warning("could not record the end of a thread connection", exc_info=True)

    async def _refuse(self, code: str, detail: str, close_code: int) -> None:
        await self.error(code, detail)
        await self.close(code=close_code)

    # -- sending --

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def error(self, code: str, detail: str, **extra: Any) -> None:
        frame = {"type": "error", "v": PROTOCOL_VERSION, "code": code, "detail": detail}
        frame.update({k: v for k, v in extra.items() if v is not None})
        await self.send_json(frame)

    def _already_sent(self, updated_seq: int) -> bool:
        return updated_seq <= self.watermark or updated_seq in self.sent_above

    def _mark_sent(self, updated_seq: int) -> None:
        self.sent_above.add(updated_seq)
        while self.watermark + 1 in self.sent_above:
            self.watermark += 1
            self.sent_above.discard(self.watermark)

    # -- receiving --

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        ref = None
        try:
            if self.thread is None or self.kicked:
                return
            if text_data is None:
                raise FrameError("malformed", "Send JSON text frames; binary frames are not part of the protocol.")
            if len(text_data.encode("utf-8")) > limit("frame_bytes"):
                raise FrameError(
                    "frame_too_large", f"A frame can be at most {limit('frame_bytes')} bytes; this one was not read."
                )
            try:
                data = json.loads(text_data)
            except ValueError:
                raise FrameError("malformed", "That frame is not valid JSON.") from None
            if not isinstance(data, dict):
                raise FrameError("malformed", 'A frame is a JSON object with a "type".')
            ref = data.get("ref") or data.get("client_id")
            if not isinstance(ref, str | int) or isinstance(ref, bool):
                ref = None
            kind = data.get("type")
            handler = self.HANDLERS.get(kind) if isinstance(kind, str) else None
            if handler is None:
                raise FrameError("unknown_type", f"Unknown frame type {kind!r}; see the protocol document.")
            if not self.ready and kind not in ("hello", "ping"):
                raise FrameError("hello_required", 'Send {"type": "hello", "v": 1, "last_seq": N} first.')
            await handler(self, data)
        except AccessGone:
            await self._revoke()
        except FrameError as exc:
            await self.error(exc.code, exc.detail, ref=ref, **exc.extra)
        except services.RateLimited as exc:
            await self.error("rate_limited", str(exc), ref=ref, retry_after=exc.retry_after)
        except PermissionDenied as exc:
            await self.error("forbidden", str(exc) or "You are not allowed to do this.", ref=ref)
        except ValidationError as exc:
            errors = field_errors_from_django(exc)
            too_long = any("at most" in e["message"] for e in errors)
            await self.error(
                "too_large" if too_long else "invalid", errors[0]["message"] if errors else "Invalid.", ref=ref
            )
        except Exception:
            logger.exception("thread consumer failed on a frame")
            await self.error("server_error", "Something went wrong on our side; the frame was not applied.", ref=ref)

    # -- frame handlers --

    async def on_hello(self, data: dict) -> None:
        version = data.get("v", PROTOCOL_VERSION)
        if version != PROTOCOL_VERSION:
            await self.error("unsupported_version", f"This server speaks protocol v{PROTOCOL_VERSION}.")
            await self.close(code=CLOSE_BAD_VERSION)
            return
        last_seq = data.get("last_seq")
        after = None if last_seq is None else _int(last_seq, "last_seq")
        if self.ready:  # a second hello is a resume
            await self._replay(after or 0)
            return
        await self.channel_layer.group_add(self.thread.group_name, self.channel_name)
        self.ready = True
        await self.send_json(
            {
                "type": "hello",
                "v": PROTOCOL_VERSION,
                "thread": {
                    "id": self.thread.pk,
                    "title": self.thread.title,
                    "private": self.thread.is_private,
                    "archived_at": self.thread.archived_at.isoformat() if self.thread.archived_at else None,
                },
                "user": selectors.person_payload(self.user),
                "limits": {
                    "message_chars": limit("message_chars"),
                    "frame_bytes": limit("frame_bytes"),
                    "messages_per_minute": limit("messages_per_minute"),
                    "replay_max": limit("replay_max"),
                },
            }
        )
        if after is None:
            self.watermark = await _position(self.thread, self.user)  # live from now on
            await self.send_json({"type": "replayed", "v": PROTOCOL_VERSION, "last_seq": self.watermark, "count": 0})
        else:
            await self._replay(after)
        await _presence(self.thread)

    async def on_resume(self, data: dict) -> None:
        await self._replay(_int(data.get("last_seq"), "last_seq"))

    async def _replay(self, after: int) -> None:
        result = await _replay(self.thread, self.user, after)
        if result["resync"]:
            self.watermark, self.sent_above = result["last_seq"], set()
            await self.send_json(
                {
                    "type": "resync",
                    "v": PROTOCOL_VERSION,
                    "reason": (
                        "Too much happened since your last message to replay it; reload the recent history."
                        if result["reason"] == "gap"
                        else "Your last sequence number is ahead of this discussion; reload the recent history."
                    ),
                    "last_seq": result["last_seq"],
                    "history_url": f"/api/v1/threads/{self.thread.pk}/messages?recent={limit('page_messages')}",
                }
            )
            # As after a replay: the live stream continues above `last_seq`.
            await self.send_json({"type": "replayed", "v": PROTOCOL_VERSION, "last_seq": self.watermark, "count": 0})
            return
        # Anything this connection already sent above `after` is sent again on request (a
        # resume asks for it explicitly); the live stream then continues above `through`.
        self.watermark = result["through"]
        self.sent_above = {s for s in self.sent_above if s > self.watermark}
        for frame in result["frames"]:
            await self.send_json(frame)
        await self.send_json(
            {"type": "replayed", "v": PROTOCOL_VERSION, "last_seq": self.watermark, "count": len(result["frames"])}
        )

    async def on_message(self, data: dict) -> None:
        body, client_id, reply_to = data.get("body"), data.get("client_id", ""), data.get("reply_to")
        if not isinstance(body, str):
            raise FrameError("invalid", 'A message needs a "body" (Markdown text).')
        if not isinstance(client_id, str):
            raise FrameError("invalid", '"client_id" must be a string.')
        if len(body) > limit("message_chars"):
            raise FrameError(
                "too_large", f"A message can be at most {limit('message_chars')} characters (this one has {len(body)})."
            )
        reply_id = None if reply_to in (None, "") else _int(reply_to, "reply_to", minimum=1)
        payload, created = await _post(self.thread, self.user, body, client_id, reply_id)
        await self._ack(payload, duplicate=not created, client_id=client_id or None)

    async def on_edit(self, data: dict) -> None:
        body = data.get("body")
        if not isinstance(body, str):
            raise FrameError("invalid", 'An edit needs the new "body".')
        if len(body) > limit("message_chars"):
            raise FrameError("too_large", f"A message can be at most {limit('message_chars')} characters.")
        payload = await _edit(self.thread, self.user, _int(data.get("id"), "id", minimum=1), body)
        await self._ack(payload, ref=data.get("ref"))

    async def on_delete(self, data: dict) -> None:
        payload = await _delete(self.thread, self.user, _int(data.get("id"), "id", minimum=1))
        await self._ack(payload, ref=data.get("ref"))

    async def _ack(self, payload: dict, *, duplicate: bool = False, client_id: str | None = None, ref=None) -> None:
        frame = {
            "type": "ack",
            "v": PROTOCOL_VERSION,
            "id": payload["id"],
            "seq": payload["seq"],
            "updated_seq": payload["updated_seq"],
            "duplicate": duplicate,
            "message": payload,
        }
        if client_id:
            frame["client_id"] = client_id
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            frame["ref"] = ref
        # The ack carries the message: the live copy of the same change is not sent again here.
        if not self._already_sent(payload["updated_seq"]):
            self._mark_sent(payload["updated_seq"])
        await self.send_json(frame)

    async def on_typing(self, data: dict) -> None:
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY_SECONDS:
            return  # quietly thinned: typing is a hint, not a record
        self.last_typing = now
        await _check(self.thread, self.user)
        await self.channel_layer.group_send(
            self.thread.group_name,
            {
                "type": "thread.event",
                "sender": self.channel_name,
                "frame": {
                    "type": "typing",
                    "v": PROTOCOL_VERSION,
                    "thread": self.thread.pk,
                    "user": selectors.person_payload(self.user),
                },
            },
        )

    async def on_read(self, data: dict) -> None:
        seq = data.get("seq")
        mark = await _read(self.thread, self.user, None if seq is None else _int(seq, "seq"))
        await self.send_json({"type": "read", "v": PROTOCOL_VERSION, "last_read_seq": mark})

    async def on_ping(self, data: dict) -> None:
        await _touch(self.channel_name)
        await self.send_json({"type": "pong", "v": PROTOCOL_VERSION})

    HANDLERS = {
        "hello": on_hello,
        "resume": on_resume,
        "message": on_message,
        "edit": on_edit,
        "delete": on_delete,
        "typing": on_typing,
        "read": on_read,
        "ping": on_ping,
    }

    # -- channel-layer events --

    async def thread_event(self, event: dict) -> None:
        if not self.ready or self.kicked:
            return
        frame = event.get("frame") or {}
        if event.get("sender") == self.channel_name:
            return  # your own typing
        if self.thread.is_private:
            # The kick on removal may have been dropped: a private frame goes to members only.
            try:
                member = await _still_member(self.thread, self.user)
            except Exception:
                logger.warning("could not check a thread membership; frame not sent", exc_info=True)
                return  # the client notices the gap and resumes (which checks again)
            if not member:
                await self._revoke()
                return
        message = frame.get("message")
        if message is not None:
            updated_seq = message.get("updated_seq", 0)
            if self._already_sent(updated_seq):
                return
            self._mark_sent(updated_seq)
        await self.send_json(frame)

    async def thread_kick(self, event: dict) -> None:
        """Removed from the thread: leave its group first, then say so and close."""
        await self._revoke(event.get("detail") or "You were removed from this discussion.")

    async def _revoke(self, detail: str = "You no longer have access to this discussion.") -> None:
        if self.kicked:
            return
        self.kicked = True
        if self.thread is not None:
            await self.channel_layer.group_discard(self.thread.group_name, self.channel_name)
        await self.error("removed", detail)
        await self.close(code=CLOSE_FORBIDDEN)
