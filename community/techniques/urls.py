"""URLs of the techniques area. The index (/techniques/) and each technique page are Wagtail
pages; these views live beside them (their paths are reserved slugs, see RESERVED_SLUGS)."""

from django.urls import path

from . import views

techniques_urlpatterns = [
    path("share/", views.share, name="share"),
    path("submissions/", views.submissions, name="submissions"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("import/", views.import_view, name="import"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/draft/", views.draft, name="draft"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/practise/", views.practise, name="practise"),
]

practice_urlpatterns = [
    path("", views.my_practice, name="mine"),
    path("followups/<int:pk>/", views.followup, name="followup"),
    path("<str:username>/", views.my_practice, name="rep"),
]
