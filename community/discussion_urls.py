"""Discussion pages under /discussions/ (namespace "discussion")."""

from django.urls import path

from . import discussion_views as views

app_name = "discussion"

urlpatterns = [
    path("", views.rooms_index, name="index"),
    path("new/", views.room_create, name="room_create"),
    path("about/<slug:kind>/<int:object_id>/start/", views.thread_start, name="start"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/post/", views.thread_post, name="post"),
    path("<int:thread_id>/messages/<int:message_id>/edit/", views.message_edit, name="edit"),
    path("<int:thread_id>/messages/<int:message_id>/delete/", views.message_delete, name="delete"),
]
