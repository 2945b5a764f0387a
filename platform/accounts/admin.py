from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Invitation, Team, User


@admin.register(User)
class RainmakerUserAdmin(UserAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "is_new_hire",
        "is_rainmaker",
        "is_mentor",
        "is_manager",
        "team",
    ]
    list_filter = ["is_new_hire", "is_rainmaker", "is_mentor", "is_manager", "team", "region", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "Rainmaker profile",
            {
                "fields": (
                    "display_name",
                    "title",
                    "team",
                    "manager",
                    "region",
                    "timezone",
                    "start_date",
                    "bio",
                    "expertise",
                    "is_new_hire",
                    "is_rainmaker",
                    "is_mentor",
                    "is_manager",
                )
            },
        ),
    )
    filter_horizontal = ["groups", "user_permissions", "expertise"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "created_by", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
