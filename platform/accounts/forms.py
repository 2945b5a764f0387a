from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from wagtail.users.forms import UserCreationForm as WagtailBaseCreationForm
from wagtail.users.forms import UserEditForm as WagtailBaseEditForm

from taxonomy.models import SkillTag

from .models import Role, Team, User

TIMEZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="No team")


class AcceptInvitationForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[A-Za-z0-9_.\-]+$",
        max_length=150,
        help_text="Letters, digits and . _ - only. Others @mention you with it.",
        error_messages={"invalid": "Use only letters, digits and . _ -"},
    )
    display_name = forms.CharField(max_length=120, label="Your name")
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput, help_text=password_validators_help_text_html()
    )
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)
    expertise = forms.ModelMultipleChoiceField(
        queryset=SkillTag.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Skills you can help others with; questions about them are routed to you.",
    )

    class Meta:
        model = User
        fields = ["display_name", "title", "team", "region", "timezone", "start_date", "bio", "expertise"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "bio": forms.Textarea(attrs={"rows": 5, "data-markdown-preview": ""}),
        }


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, initial="API token", help_text="What uses it, e.g. 'CRM sync'.")


class WagtailUserEditForm(WagtailBaseEditForm):
    display_name = forms.CharField(max_length=120, required=False)


class WagtailUserCreationForm(WagtailBaseCreationForm):
    display_name = forms.CharField(max_length=120, required=False)
