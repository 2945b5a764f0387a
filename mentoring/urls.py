from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("matches/", views.matches, name="matches"),
    path("matches/<int:mentor_id>/request/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship"),
    path("mentorships/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("mentorships/<int:pk>/checkins/", views.checkin_add, name="checkin_add"),
    path("mentorships/<int:pk>/fit/", views.fit, name="fit"),
    path("mentorships/<int:pk>/complete/", views.complete, name="complete"),
    path("mentorships/<int:pk>/end/", views.end_early, name="end"),
    path("mentorships/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("goals/<int:pk>/status/", views.goal_status, name="goal_status"),
    path("checkins/<int:pk>/done/", views.checkin_done, name="checkin_done"),
    path("checkins/<int:pk>/cancel/", views.checkin_cancel, name="checkin_cancel"),
    path("profile/mentor/", views.mentor_profile, name="mentor_profile"),
    path("profile/mentee/", views.mentee_profile, name="mentee_profile"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("programme/", views.programme_page, name="programme"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/confirm/", views.assignment_confirm, name="assignment_confirm"),
    path("assignments/<int:pk>/discard/", views.assignment_discard, name="assignment_discard"),
]
