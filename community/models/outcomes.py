"""Deals, practices (one use of a technique on a deal) and the statistics computed from them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Response(models.TextChoices):
    """What the buyer did after a technique was practised."""

    PENDING = "pending", "Waiting for the buyer"
    MEETING_BOOKED = "meeting_booked", "Meeting booked"
    NEXT_STEP_AGREED = "next_step_agreed", "Next step agreed"
    STAGE_ADVANCED = "stage_advanced", "Stage advanced"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    STALLED = "stalled", "Stalled"
    NO_RESPONSE = "no_response", "No response"


class PracticeSource(models.TextChoices):
    MANUAL = "manual", "Logged on the site"
    IMPORT = "import", "CRM import"
    API = "api", "API"


class Deal(models.Model):
    """An opportunity imported from the CRM (Salesforce-style export)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    external_id = models.CharField(max_length=64, unique=True, help_text="The CRM's opportunity id.")
    name = models.CharField(max_length=255)
    account = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    stage = models.ForeignKey(
        "taxonomy.SalesStage", null=True, blank=True, on_delete=models.PROTECT, related_name="deals"
    )
    status = models.CharField(max_length=4, choices=Status.choices, default=Status.OPEN, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    industry = models.ForeignKey(
        "taxonomy.Industry", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    created_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_date", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.account})" if self.account else self.name


class Practice(models.Model):
    """One use of one technique by one rep, on one deal, at one time, with its outcome."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practices")
    technique = models.ForeignKey("community.TechniquePage", on_delete=models.CASCADE, related_name="practices")
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.SET_NULL, related_name="practices")
    # The stage and persona it was used at (the technique's own stage unless said otherwise);
    # baselines compare practices at the same stage.
    stage = models.ForeignKey("taxonomy.SalesStage", on_delete=models.PROTECT, related_name="practices")
    persona = models.ForeignKey(
        "taxonomy.BuyerPersona", null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    practised_at = models.DateTimeField(default=timezone.now, db_index=True)
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.PENDING, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Set when an import moves the deal while the response is still pending: the rep is
    # asked "what happened?" with this answer prefilled.
    suggested_response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    note = models.TextField(blank=True, max_length=4000)
    note_html = models.TextField(blank=True, editable=False)
    source = models.CharField(max_length=10, choices=PracticeSource.choices, default=PracticeSource.MANUAL)
    external_id = models.CharField(
        max_length=128,
        null=True,
        blank=True,
        unique=True,
        help_text="Caller-chosen id that makes imports and API calls idempotent.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-practised_at", "-id"]
        indexes = [
            models.Index(fields=["technique", "practised_at"], name="practice_technique_time"),
            models.Index(fields=["stage", "practised_at"], name="practice_stage_time"),
            models.Index(fields=["rep", "practised_at"], name="practice_rep_time"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} used {self.technique} ({self.get_response_display()})"


class TechniqueStats(models.Model):
    """Statistics of one technique in one segment ("overall", "stage:<id>", "persona:<id>").

    Computed by community.stats from the practices and stored, never per request. Rates are
    fractions in [0, 1]; a null means the number cannot be computed from the data (never a
    made-up value).
    """

    technique = models.ForeignKey("community.TechniquePage", on_delete=models.CASCADE, related_name="stats")
    segment = models.CharField(max_length=40, default="overall")
    uses = models.PositiveIntegerField(default=0)
    successes = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0, help_text="Uses with a known (not pending) response.")
    distinct_reps = models.PositiveIntegerField(default=0)
    distinct_deals = models.PositiveIntegerField(default=0)
    success_rate = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    baseline_uses = models.PositiveIntegerField(default=0)
    baseline_successes = models.PositiveIntegerField(default=0)
    baseline_rate = models.FloatField(null=True, blank=True)
    lift = models.FloatField(null=True, blank=True)
    lift_ci_low = models.FloatField(null=True, blank=True)
    lift_ci_high = models.FloatField(null=True, blank=True)
    within_rep_lift = models.FloatField(null=True, blank=True)
    within_rep_ci_low = models.FloatField(null=True, blank=True)
    within_rep_ci_high = models.FloatField(null=True, blank=True)
    win_rate_used = models.FloatField(null=True, blank=True)
    win_rate_not_used = models.FloatField(null=True, blank=True)
    other_reps_uses = models.PositiveIntegerField(default=0)
    other_reps_success_rate = models.FloatField(null=True, blank=True)
    new_hire_uses = models.PositiveIntegerField(default=0)
    new_hire_success_rate = models.FloatField(null=True, blank=True)
    drifting = models.BooleanField(default=False, help_text="The last 90 days fall outside the historical interval.")
    evidence = models.CharField(max_length=20, default="not_enough_data")
    details = models.JSONField(default=dict, blank=True, help_text="Series for charts (uses per week, ...).")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["technique", "segment"], name="stats_unique_segment")]

    def __str__(self) -> str:
        return f"{self.technique_id}/{self.segment}"


DEFAULT_SUCCESS_RESPONSES = [
    Response.MEETING_BOOKED.value,
    Response.NEXT_STEP_AGREED.value,
    Response.STAGE_ADVANCED.value,
    Response.WON.value,
]


def default_success_responses() -> list[str]:
    return list(DEFAULT_SUCCESS_RESPONSES)


DECIDABLE_RESPONSES = [(value, label) for value, label in Response.choices if value != Response.PENDING]


class OutcomeSettingsForm(WagtailAdminModelForm):
    success_responses = forms.MultipleChoiceField(
        choices=DECIDABLE_RESPONSES,
        widget=forms.CheckboxSelectMultiple,
        help_text="A practice counts as a success when the buyer's response is one of these.",
    )


@register_setting(icon="form")
class OutcomeSettings(BaseGenericSetting):
    """How outcomes are judged; managers change it in the CMS under Settings → Outcomes."""

    CACHE_KEY = "community:outcome-settings:v1"

    success_responses = models.JSONField(default=default_success_responses, blank=True)
    min_sample_size = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(1000)],
        help_text="Below this many decided uses a technique shows \u201cnot enough data\u201d.",
    )

    base_form_class = OutcomeSettingsForm
    panels = [FieldPanel("success_responses"), FieldPanel("min_sample_size")]

    class Meta:
        verbose_name = "outcomes"

    def clean(self) -> None:
        super().clean()
        values = list(self.success_responses or [])
        allowed = {value for value, _ in DECIDABLE_RESPONSES}
        if not values or set(values) - allowed:
            raise ValidationError({"success_responses": "Choose at least one response (not \u201cpending\u201d)."})

    def save(self, *args, **kwargs) -> None:
        from core.tasks import enqueue_on_commit

        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        # What counts as success (or enough data) changed: every number must be recomputed.
        from community.techniques.tasks import recompute_outcomes

        enqueue_on_commit(recompute_outcomes, None)

    @classmethod
    def current(cls) -> dict:
        """The settings as a plain dict, cached (read on every statistics run and many pages)."""
        data = cache.get(cls.CACHE_KEY)
        if data is None:
            row = cls.objects.first()
            data = {
                "success_responses": list(row.success_responses) if row and row.success_responses else None,
                "min_sample_size": row.min_sample_size if row else 20,
            }
            data["success_responses"] = data["success_responses"] or list(DEFAULT_SUCCESS_RESPONSES)
            cache.set(cls.CACHE_KEY, data, 300)
        return data
