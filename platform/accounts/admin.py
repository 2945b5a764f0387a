from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Invitation, Role, Team, User
from .services import user_set_roles

ROLE_FIELDS = [f"is_{role}" for role in Role.values]


@admin.register(User)
class RainmakerUserAdmin(UserAdmin):
    """Users for superusers. Role changes go through `user_set_roles`, like everywhere else, so
    the Wagtail groups and is_staff that follow from a role stay in step with it."""

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

    def save_model(self, request, obj: User, form, change: bool) -> None:
        # The form must not write the role flags itself: the service compares them with the
        # stored row (a demoted manager stops being staff) and sets the groups.
        stored = User.objects.only(*ROLE_FIELDS).get(pk=obj.pk) if change else User()
        for field in ROLE_FIELDS:
            setattr(obj, field, getattr(stored, field))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        # After the form's groups are saved, so the groups that follow from a role win.
        super().save_related(request, form, formsets, change)
        user = form.instance
        roles = {
            role
            for role, field in zip(Role.values, ROLE_FIELDS, strict=True)
            if form.cleaned_data.get(field, getattr(user, field))
        }
        user_set_roles(user=user, roles=roles)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "created_by", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
