"""WebSocket routes; each app owns its consumers and lists its routes here."""

from django.urls import path

from community.consumers import ThreadConsumer
from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    # --- Discussion threads --------------------------------------------------------------
    path("ws/threads/<int:thread_id>/", ThreadConsumer.as_asgi()),
]
