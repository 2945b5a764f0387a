from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.urls import people_urlpatterns
from community.techniques.urls import practice_urlpatterns, techniques_urlpatterns
from core import health, media

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", views.api_not_found),
    # Sign in, sign out and password reset: Django's views with our templates.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/", include("accounts.urls")),
    path("people/", include((people_urlpatterns, "people"))),
    path("notifications/", include("notifications.urls")),
    # --- Feature apps ---------------------------------------------------------------------
    path("questions/", include("community.qa.urls")),
    # Discussion threads
    path("discussions/", include("community.discussion_urls")),
    path("search/", include("search.urls")),
    path("mentoring/", include("mentoring.urls")),
    # Techniques and outcomes (the index and technique pages themselves are Wagtail pages)
    path("techniques/", include((techniques_urlpatterns, "techniques"))),
    path("practice/", include((practice_urlpatterns, "practice"))),
    # Admin sites
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
]

# Uploaded files (core/media.py): with DEBUG, all of MEDIA_ROOT; otherwise only image
# renditions (documents always go through /documents/, Wagtail's serve view).
if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
else:
    renditions = f"{settings.MEDIA_URL.strip('/')}/{media.RENDITIONS}/<path:path>"
    urlpatterns += [path(renditions, media.serve_rendition, name="media_rendition")]

# Wagtail serves the page tree (techniques live there) for every path not matched above.
urlpatterns += [path("", include(wagtail_urls))]
