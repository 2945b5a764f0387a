"""Forms of the techniques pages; they parse and validate input, services decide."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from community.models import Deal, Response, TechniqueReview
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from .selectors import SORTS
from .services import MAX_MARKDOWN, MAX_OBJECTIONS, TechniqueDraft

OBJECTION_SLOTS = 3
MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists with “-”, links. A preview appears below as you type."


def _markdown(label: str, help_text: str, required: bool = True, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_MARKDOWN,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "data-markdown-preview": ""}),
    )


class TechniqueForm(forms.Form):
    """The front-end "Share a technique" form (also used to edit one)."""

    title = forms.CharField(
        max_length=120,
        help_text="Short and specific, e.g. “Ask for the budget owner by role, not by name”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    summary = forms.CharField(max_length=200, help_text="One line: what it achieves, and for whom.")
    stage = forms.ModelChoiceField(
        queryset=SalesStage.objects.active(), empty_label="Choose a stage", help_text="Where in the deal you use it."
    )
    personas = forms.ModelMultipleChoiceField(
        queryset=BuyerPersona.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who you use it with.",
    )
    industries = forms.ModelMultipleChoiceField(
        queryset=Industry.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty when it works anywhere.",
    )
    skills = forms.ModelMultipleChoiceField(
        label="Skill tags",
        queryset=SkillTag.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    situation = _markdown("Situation", "When does this apply? What is the buyer doing or saying? " + MARKDOWN_HELP)
    approach = _markdown("Approach", "What you do, step by step. " + MARKDOWN_HELP, rows=7)
    talk_track_context = forms.CharField(
        label="Talk track: when to say it",
        max_length=200,
        required=False,
        help_text="Optional, e.g. “first call, after the agenda”.",
    )
    talk_track = _markdown("Talk track", "Optional: the words, as you would say them.", required=False)
    pitfalls = _markdown("Pitfalls", "Optional: where it goes wrong and how to avoid it.", required=False, rows=4)

    field_order = ["title", "summary", "stage", "personas", "industries", "skills", "situation", "approach"]

    def __init__(self, *args, objection_slots: int = OBJECTION_SLOTS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.objection_slots = max(OBJECTION_SLOTS, min(objection_slots, MAX_OBJECTIONS))
        for i in range(1, self.objection_slots + 1):
            self.fields[f"objection_{i}"] = forms.CharField(
                label=f"Objection {i}: the buyer says",
                max_length=300,
                required=False,
                help_text="Optional, in the buyer's words." if i == 1 else "",
            )
            self.fields[f"reply_{i}"] = _markdown(f"Objection {i}: your reply", "", required=False, rows=3)
        self.order_fields(
            [*self.field_order, "talk_track_context", "talk_track"]
            + [name for i in range(1, self.objection_slots + 1) for name in (f"objection_{i}", f"reply_{i}")]
            + ["pitfalls"]
        )

    def clean(self) -> dict:
        data = super().clean()
        for i in range(1, self.objection_slots + 1):
            objection, reply = data.get(f"objection_{i}", ""), data.get(f"reply_{i}", "")
            if objection and not reply:
                self.add_error(f"reply_{i}", "Add your reply to this objection (or clear the objection).")
            if reply and not objection:
                self.add_error(f"objection_{i}", "Add what the buyer says (or clear the reply).")
        return data

    def to_draft(self) -> TechniqueDraft:
        d = self.cleaned_data
        return TechniqueDraft(
            title=d["title"],
            summary=d["summary"],
            stage=d["stage"],
            personas=list(d["personas"]),
            industries=list(d["industries"]),
            skills=list(d["skills"]),
            situation=d["situation"],
            approach=d["approach"],
            talk_track=d.get("talk_track", ""),
            talk_track_context=d.get("talk_track_context", ""),
            objections=[
                (d.get(f"objection_{i}", ""), d.get(f"reply_{i}", ""))
                for i in range(1, self.objection_slots + 1)
                if d.get(f"objection_{i}")
            ],
            pitfalls=d.get("pitfalls", ""),
        )

    @staticmethod
    def initial_from(draft: TechniqueDraft) -> dict:
        initial = {
            "title": draft.title,
            "summary": draft.summary,
            "stage": draft.stage,
            "personas": draft.personas,
            "industries": draft.industries,
            "skills": draft.skills,
            "situation": draft.situation,
            "approach": draft.approach,
            "talk_track": draft.talk_track,
            "talk_track_context": draft.talk_track_context,
            "pitfalls": draft.pitfalls,
        }
        for i, (objection, reply) in enumerate(draft.objections[:MAX_OBJECTIONS], start=1):
            initial[f"objection_{i}"], initial[f"reply_{i}"] = objection, reply
        return initial


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "Approve and publish"), ("reject", "Request changes")])
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you request changes: the author sees it.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Tell the author what to change.")
        return data


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Your review",
        choices=[
            (TechniqueReview.Verdict.ENDORSE, "Endorse: it works, I would teach it"),
            (TechniqueReview.Verdict.REQUEST_CHANGES, "Request changes"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "data-markdown-preview": ""}),
        help_text="Required when you request changes. Markdown.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("verdict") == TechniqueReview.Verdict.REQUEST_CHANGES and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what should change, so the author can act on it.")
        return data


RESPONSE_CHOICES = [
    (Response.PENDING, "Not yet: the buyer has not answered"),
    *[(value, label) for value, label in Response.choices if value != Response.PENDING],
]


class PracticeForm(forms.Form):
    """ "I used this": pick the deal and what the buyer did; everything else is optional."""

    deal = forms.ModelChoiceField(
        queryset=Deal.objects.none(),
        required=False,
        empty_label="No deal / not in the CRM",
        label="Deal",
        # Only the rep's own deals are offered; any other id (someone else's deal) is refused.
        error_messages={"invalid_choice": "Pick one of your own deals (or no deal)."},
    )
    response = forms.ChoiceField(label="What did the buyer do?", choices=RESPONSE_CHOICES)
    practised_on = forms.DateField(
        label="When", widget=forms.DateInput(attrs={"type": "date"}), help_text="Today unless you say otherwise."
    )
    persona = forms.ModelChoiceField(
        queryset=BuyerPersona.objects.none(), required=False, empty_label="—", label="With whom (optional)"
    )
    note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note (optional)",
        help_text="Markdown. What you said, how they reacted.",
    )

    def __init__(self, *args, deals=None, personas=None, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("practised_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if deals is not None:
            self.fields["deal"].queryset = Deal.objects.filter(pk__in=[d.pk for d in deals])
            self.fields["deal"].choices = [("", "No deal / not in the CRM")] + [
                (d.pk, f"{d.name} · {d.get_status_display()}" + (f" · {d.stage.name}" if d.stage else ""))
                for d in deals
            ]
        self.fields["persona"].queryset = BuyerPersona.objects.active()
        if personas is not None:
            self.fields["persona"].choices = [("", "—")] + [(p.pk, p.name) for p in personas]

    def clean_practised_on(self):
        day = self.cleaned_data["practised_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("That date is in the future; log a practice once it happened.")
        return day

    def practised_at(self) -> datetime:
        day = self.cleaned_data["practised_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time(12, 0)))


class FollowupForm(forms.Form):
    response = forms.ChoiceField(
        label="What happened?", choices=[c for c in Response.choices if c[0] != Response.PENDING]
    )
    note = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), label="Note")


class DealImportForm(forms.Form):
    deals = forms.FileField(
        label="Opportunities CSV",
        help_text="A Salesforce-style export: id, name, account, amount, currency, stage, status (open/won/lost), "
        "owner email, created date, close date.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    practices = forms.FileField(
        label="Practices CSV (optional)",
        required=False,
        help_text="technique (slug), rep_email, deal_id, date, response; optionally external_id, stage, persona, note.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class FilterForm(forms.Form):
    """The index page's filters (GET); unknown values are ignored rather than refused."""

    q = forms.CharField(required=False, max_length=100, label="Title contains")
    stage = forms.ModelChoiceField(
        queryset=SalesStage.objects.active(), required=False, to_field_name="slug", empty_label="Any stage"
    )
    persona = forms.ModelChoiceField(
        queryset=BuyerPersona.objects.active(), required=False, to_field_name="slug", empty_label="Any persona"
    )
    industry = forms.ModelChoiceField(
        queryset=Industry.objects.active(), required=False, to_field_name="slug", empty_label="Any industry"
    )
    tag = forms.ModelChoiceField(
        label="Skill", queryset=SkillTag.objects.active(), required=False, to_field_name="slug", empty_label="Any skill"
    )
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False, label="Sort by")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q") or None,
            "stage": data["stage"].slug if data.get("stage") else None,
            "persona": data["persona"].slug if data.get("persona") else None,
            "industry": data["industry"].slug if data.get("industry") else None,
            "tag": data["tag"].slug if data.get("tag") else None,
            "sort": data.get("sort") or "evidence",
        }
