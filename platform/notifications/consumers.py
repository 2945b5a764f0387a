"""The live bell: each signed-in page listens on its user's group for new notifications."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .services import user_group


class NotificationConsumer(AsyncJsonWebsocketConsumer):
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

    async def receive_json(self, content, **kwargs) -> None:
        await self.send_json({"type": "error", "detail": "This socket only sends notifications."})

    async def notification_created(self, event: dict) -> None:
        await self.send_json({k: v for k, v in event.items()} | {"type": "notification"})
