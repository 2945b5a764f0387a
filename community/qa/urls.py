from django.urls import path

from . import views

app_name = "qa"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("follow/", views.follow, name="follow"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/answers/", views.new_answers, name="new_answers"),
    path("posts/<int:pk>/edit/", views.edit_post, name="edit"),
    path("posts/<int:pk>/history/", views.history, name="history"),
    path("posts/<int:pk>/comment/", views.comment, name="comment"),
    path("posts/<int:pk>/vote/", views.vote, name="vote"),
    path("posts/<int:pk>/flag/", views.flag, name="flag"),
    path("posts/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("answers/<int:pk>/accept/", views.accept, name="accept"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
]
