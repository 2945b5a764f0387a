"""Forms for the mentoring pages; they validate input, the services validate state."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone

from accounts.models import Region, Team
from taxonomy.models import SkillTag

from .models import LANGUAGES, CoachingStyle, Goal, PreferredTime, SkillLevel

TIMEZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
TIMEZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in TIMEZONES]


class MentorProfileForm(forms.Form):
    accepting = forms.BooleanField(
        label="I am taking new mentees", required=False, help_text="Untick to pause new requests; current mentees stay."
    )
    capacity = forms.IntegerField(
        label="Capacity", min_value=1, max_value=20, help_text="The most mentees you coach at once."
    )
    timezone = forms.ChoiceField(label="Time zone", choices=TIMEZONE_CHOICES)
    region = forms.ChoiceField(label="Region", choices=[("", "—"), *Region.choices], required=False)
    languages = forms.MultipleChoiceField(
        label="Languages you coach in", choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False
    )
    styles = forms.MultipleChoiceField(
        label="How you like to coach",
        choices=CoachingStyle.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    how_i_coach = forms.CharField(
        label="How I coach",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-markdown-preview": ""}),
        help_text="A few sentences mentees read before asking you. Markdown.",
    )

    def __init__(self, *args, skills: list[SkillTag], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skill_list = skills
        choices = [("", "Not a skill I coach"), *[(str(v), label) for v, label in SkillLevel.choices]]
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name, choices=choices, coerce=int, empty_value=None, required=False
            )

    @property
    def skill_fields(self) -> list:
        return [self[f"skill_{s.pk}"] for s in self.skill_list]

    @property
    def main_fields(self) -> list:
        return [self[name] for name in ("accepting", "capacity", "timezone", "region", "languages", "styles")]

    def skill_levels(self) -> dict[int, int]:
        return {
            s.pk: self.cleaned_data[f"skill_{s.pk}"] for s in self.skill_list if self.cleaned_data.get(f"skill_{s.pk}")
        }

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(f"skill_{s.pk}") for s in self.skill_list):
            raise forms.ValidationError("Choose a level for at least one skill you can coach.")
        return data


class MenteeProfileForm(forms.Form):
    goals = forms.ModelMultipleChoiceField(
        label="Skills you want to grow",
        queryset=SkillTag.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Up to six. The matcher also looks at your practice results for stages where you lag the team.",
    )
    preferred_style = forms.ChoiceField(
        label="Preferred coaching style", choices=[("", "No preference"), *CoachingStyle.choices], required=False
    )
    preferred_time = forms.ChoiceField(
        label="When you like to meet (your local time)",
        choices=PreferredTime.choices,
        widget=forms.RadioSelect,
        initial=PreferredTime.ANY,
    )
    timezone = forms.ChoiceField(label="Time zone", choices=TIMEZONE_CHOICES)
    preferred_language = forms.ChoiceField(label="Preferred language", choices=LANGUAGES, initial="en")
    other_languages = forms.MultipleChoiceField(
        label="Other languages you are happy to use",
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    about = forms.CharField(
        label="What you want help with",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-markdown-preview": ""}),
        help_text="Shown to the mentors you ask. Markdown.",
    )
    share_with_manager = forms.BooleanField(
        label="Let my manager see my mentorships' goals and check-ins",
        required=False,
        help_text="You can change this for each mentorship later.",
    )

    def clean_goals(self):
        goals = self.cleaned_data["goals"]
        if len(goals) > 6:
            raise forms.ValidationError("Pick at most six: a mentor can help with a few things at a time.")
        return goals

    def languages(self) -> list[str]:
        first = self.cleaned_data["preferred_language"]
        return [first, *[c for c in self.cleaned_data.get("other_languages", []) if c != first]]


class RequestForm(forms.Form):
    message = forms.CharField(
        label="A note for the mentor (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you hope to work on; Markdown.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining?",
        min_length=3,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The mentee sees this; a kind sentence and, if you can, a suggestion of who else to ask.",
    )


class EndForm(forms.Form):
    reason = forms.CharField(
        label="Why does it end early?", min_length=3, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompleteForm(forms.Form):
    note = forms.CharField(
        label="A closing note (optional)", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GoalForm(forms.Form):
    title = forms.CharField(label="Goal", max_length=200)
    skill = forms.ModelChoiceField(
        label="Skill", queryset=SkillTag.objects.active(), required=False, empty_label="— none —"
    )
    target_date = forms.DateField(label="Target date", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The target date is in the past; pick today or later.")
        return value


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Goal.Status.choices)


class CheckInForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="In your time zone.",
    )
    agenda = forms.CharField(label="Agenda (optional)", max_length=300, required=False)

    def __init__(self, *args, tz: str = "UTC", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["scheduled_for"].help_text = f"In your time zone ({tz})."

    def clean_scheduled_for(self) -> datetime:
        value = self.cleaned_data["scheduled_for"]
        # The browser sends wall-clock time; it is the user's own zone, not the server's.
        naive = timezone.make_naive(value, timezone.get_current_timezone()) if timezone.is_aware(value) else value
        aware = naive.replace(tzinfo=zoneinfo.ZoneInfo(self.tz))
        if aware < timezone.now():
            raise forms.ValidationError("That time has passed; schedule the check-in in the future.")
        return aware


class CheckInDoneForm(forms.Form):
    notes = forms.CharField(
        label="Notes",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4, "data-markdown-preview": ""}),
        help_text="What you discussed. Markdown.",
    )
    next_steps = forms.CharField(
        label="Next steps",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line works well. Markdown.",
    )


class FitForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How well is this pairing working?",
        choices=[(5, "5: great"), (4, "4: good"), (3, "3: OK"), (2, "2: not great"), (1, "1: poor")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything to add? (optional)", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignmentForm(forms.Form):
    started_within_days = forms.IntegerField(
        label="Only people who started in the last … days",
        min_value=1,
        max_value=3650,
        required=False,
        help_text="Leave empty for every mentee without a mentor.",
    )
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.all(), required=False, empty_label="All teams")
    include_active = forms.BooleanField(
        label="Also re-match mentees who already have an active mentor",
        required=False,
        help_text="Off by default: mentees in an active mentorship are never reassigned unless you ask.",
    )
