"""Django's admin at /django-admin/ is for superusers only (issue 2).

Managers are staff (for Wagtail's CMS at /cms/), and Django's default admin site lets every
active staff member in; this site asks for a superuser instead. It replaces the default site
(`admin.site`) through `config.apps.SuperuserAdminConfig.default_site`, so every
`@admin.register` keeps working.
"""

from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Rainmaker: Django admin (superusers)"
    site_title = "Rainmaker Django admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
