from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]


admin.site.register(NotificationPreference)
