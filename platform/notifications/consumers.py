"""The live bell: each signed-in page listens on its user's group for new notifications.

The socket only sends; whatever a client sends answers an error frame (JSON text or not,
binary included) and the connection stays open, as on the thread sockets. `{"type": "ping"}`
answers `pong`.
"""

from __future__ import annotations

import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer

from .services import user_group

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4096  # nothing a client sends here is read beyond this


class NotificationConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def error(self, code: str, detail: str) -> None:
        await self.send_json({"type": "error", "code": code, "detail": detail})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            if text_data is None:
                await self.error("malformed", "Send JSON text frames; binary frames are not part of the protocol.")
                return
            if len(text_data.encode("utf-8")) > MAX_FRAME_BYTES:
                await self.error("frame_too_large", f"A frame can be at most {MAX_FRAME_BYTES} bytes.")
                return
            try:
                data = json.loads(text_data)
            except ValueError:
                await self.error("malformed", "That frame is not valid JSON.")
                return
            if isinstance(data, dict) and data.get("type") == "ping":
                await self.send_json({"type": "pong"})
                return
            await self.error("unknown_type", "This socket only sends notifications.")
        except Exception:  # nothing a client sends may end the connection
            logger.exception("notification consumer failed on a frame")

    async def notification_created(self, event: dict) -> None:
        await self.send_json({k: v for k, v in event.items()} | {"type": "notification"})
