"""WebSocket routes; each app owns its consumers and lists its routes here."""

from django.urls import path

from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    # --- Discussion threads --------------------------------------------------------------
]
