"""WebSocket routes; each app owns its consumers and lists its routes here."""

from django.urls import path

from community.consumers import ThreadConsumer
from community.qa.consumers import QuestionConsumer
from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    # --- Discussion threads --------------------------------------------------------------
    path("ws/threads/<int:thread_id>/", ThreadConsumer.as_asgi()),
    # --- Questions and answers: new answers reach open question pages -----------------------
    path("ws/questions/<int:question_id>/", QuestionConsumer.as_asgi()),
]
