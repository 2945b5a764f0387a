"""The live side of a question page: `/ws/questions/<id>/` says when an answer arrives.

The socket only carries "answer <id> is new"; the page then asks `GET /questions/<id>/answers/
?after=<last id it shows>` for the answers rendered for its reader (votes, permissions, hidden
posts), so nothing private travels over the channel layer and a missed frame costs nothing:
the page asks again after every reconnect.
"""

from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts import policy
from community.models import Question

from . import selectors
from .services import question_group

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _may_watch(user, question_id: int) -> bool:
    if not policy.allowed(user, "qa.view"):
        return False
    try:
        selectors.question_get(pk=question_id, user=user)
    except Question.DoesNotExist:
        return False
    return True


class QuestionConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        question_id = self.scope["url_route"]["kwargs"]["question_id"]
        if not await _may_watch(user, question_id):
            # Hidden or missing look the same: a stranger learns nothing about which exists.
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = question_group(question_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.send(json.dumps({"type": "error", "detail": "This socket only announces new answers."}))

    async def question_answer(self, event: dict) -> None:
        await self.send(json.dumps({"type": "answer", "id": event["answer_id"]}))
