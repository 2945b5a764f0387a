"""Forms for the question pages; the services do the validation that matters."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from community.models import DealSize, FlagReason
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from .services import validate_question_text


class QuestionForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="The question in one line, as you would ask a colleague.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "data-similar": "/api/v1/search/similar", "aria-describedby": "similar-help"}
        ),
    )
    body = forms.CharField(
        label="Details",
        max_length=20_000,
        help_text="Markdown. The deal, what you tried, what the buyer said. Mention people with @username.",
        widget=forms.Textarea(attrs={"rows": 8, "data-markdown-preview": ""}),
    )
    stage = forms.ModelChoiceField(
        label="Sales stage", queryset=SalesStage.objects.active(), required=False, empty_label="Any stage"
    )
    persona = forms.ModelChoiceField(
        label="Buyer persona", queryset=BuyerPersona.objects.active(), required=False, empty_label="Any persona"
    )
    tags = forms.ModelMultipleChoiceField(
        label="Skill tags",
        queryset=SkillTag.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Up to 5. They route your question to the people with that expertise.",
    )
    other_tags = forms.CharField(
        label="Other tags",
        required=False,
        max_length=200,
        help_text="Optional, comma-separated, e.g. “salesforce, renewal, emea”.",
    )
    deal_industry = forms.ModelChoiceField(
        label="Industry", queryset=Industry.objects.active(), required=False, empty_label="—"
    )
    deal_size = forms.ChoiceField(label="Deal size", choices=[("", "—"), *DealSize.choices], required=False)
    deal_stage = forms.ModelChoiceField(
        label="Where the deal is now", queryset=SalesStage.objects.active(), required=False, empty_label="—"
    )
    summary = forms.CharField(
        label="What did you change?", required=False, max_length=200, help_text="Shown in the revision history."
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["summary"]

    def clean(self):
        """The services' length rules, here too, so a short title shows beside a missing body
        (all errors on the first post, not one per round trip)."""
        data = super().clean()
        title = " ".join((data.get("title") or "").split())
        body = (data.get("body") or "").strip()
        try:
            validate_question_text(title, body, partial=True)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                if name not in self.errors:
                    self.add_error(name, errors)
        return data

    def labels(self) -> list[str]:
        raw = self.cleaned_data.get("other_tags") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        max_length=20_000,
        help_text="Markdown. What to do, the words to use, and why it works.",
        widget=forms.Textarea(attrs={"rows": 8, "data-markdown-preview": ""}),
    )
    techniques = forms.ModelMultipleChoiceField(
        label="Cite techniques",
        queryset=None,
        required=False,
        help_text="Up to 5 published techniques; their evidence shows beside your answer.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    summary = forms.CharField(
        label="What did you change?", required=False, max_length=200, help_text="Shown in the revision history."
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        from community.models import TechniquePage

        super().__init__(*args, **kwargs)
        self.fields["techniques"].queryset = TechniquePage.objects.live().order_by("title")
        if not self.fields["techniques"].queryset.exists():
            del self.fields["techniques"]  # nothing published to cite yet
        if not editing:
            del self.fields["summary"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For clarifications. Markdown; @username to mention.",
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=FlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Why?", max_length=500, help_text="What a manager should look at.")


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("hide", "Hide"),
            ("duplicate", "Close as duplicate"),
            ("dismiss", "Dismiss flags"),
            ("unhide", "Show again"),
        ]
    )
    duplicate_of = forms.IntegerField(
        label="Original question number", required=False, min_value=1, help_text="For “close as duplicate”."
    )
    note = forms.CharField(label="Note to the author", required=False, max_length=500)
