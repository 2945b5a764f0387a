"""What community content looks like to search (search knows no app's models; we register).

Registered from CommunityConfig.ready(). Techniques now; questions and answers join here
once Q&A lands (see the report of issue 5 for the contract).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Case, CharField, Count, Value, When
from django.utils.html import strip_tags

from core.markdown import render_markdown
from search import conf as search_conf
from search.documents import Document, Term, Visibility
from search.registry import DealContext, DocumentSource, register, register_deal_provider

from .models import Deal, Evidence, Practice, TechniquePage
from .selectors import success_responses

# TechniquePage.lift is the difference between the technique's success rate and the baseline
# (fractions): a lower confidence bound of +0.20 (twenty points better than baseline, at
# worst) counts as the strongest evidence search rewards.
FULL_STRENGTH_LIFT = 0.20
# A deal context ("industry:healthcare", "size:mid", "stage:negotiation") counts as one the
# technique worked in after this many successful uses there.
MIN_SUCCESSES_IN_CONTEXT = 2
MANAGER_ROLE = "manager"


def plain_text(markdown_or_html: str) -> str:
    """Markdown (or HTML) as plain words, for indexing and snippets."""
    if not markdown_or_html:
        return ""
    text = strip_tags(render_markdown(markdown_or_html))
    return " ".join(html.unescape(text).split())


def evidence_strength(page: TechniquePage) -> float:
    """In [0, 1]: the lower bound of the lift, not the raw rate (0 without a proven gain)."""
    if page.evidence in (Evidence.NO_BETTER, Evidence.WORSE) or page.lift_ci_low is None:
        return 0.0
    return max(0.0, min(1.0, page.lift_ci_low / FULL_STRENGTH_LIFT))


def technique_signal(page: TechniquePage) -> str:
    parts = [page.get_evidence_display()]
    if page.uses_count:
        parts.append(f"{page.uses_count} use{'s' if page.uses_count != 1 else ''}")
        if page.success_rate is not None:
            parts.append(f"{round(page.success_rate * 100)}% success")
    else:
        parts.append("not practised yet")
    return " · ".join(parts)


def _band_expression() -> Case:
    whens = []
    lower_bound_label = ""
    for upper, label in search_conf.get("DEAL_SIZE_BANDS"):
        if upper is None:
            lower_bound_label = label
        else:
            whens.append(When(deal__amount__lt=upper, then=Value(label)))
    if lower_bound_label:
        whens.append(When(deal__amount__isnull=False, then=Value(lower_bound_label)))
    return Case(*whens, default=Value(""), output_field=CharField())


class TechniqueSource(DocumentSource):
    doc_type = "technique"
    label = "Technique"
    label_plural = "Techniques"
    model = TechniquePage
    # A new practice can change where a technique "worked" (the deal-context boost).
    dependencies = ((Practice, lambda practice: [practice.technique_id]),)

    def get_queryset(self):
        return TechniquePage.objects.select_related("stage", "author").prefetch_related(
            "personas", "industries", "skills"
        )

    def to_documents(self, objs: Sequence[TechniquePage]) -> list[Document | None]:
        worked = self.worked_in([o.pk for o in objs])
        return [self.to_document(o, worked_in=worked.get(o.pk, ())) for o in objs]

    def worked_in(self, technique_ids: list[int]) -> dict[int, tuple[str, ...]]:
        """Deal contexts each technique succeeded in, from its practices (one query)."""
        if not technique_ids:
            return {}
        rows = (
            Practice.objects.filter(technique_id__in=technique_ids, response__in=success_responses())
            .annotate(band=_band_expression())
            .values("technique_id", "stage__slug", "deal__industry__slug", "band")
            .annotate(n=Count("id"))
        )
        counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in rows:
            contexts = counts[row["technique_id"]]
            if row["stage__slug"]:
                contexts[f"stage:{row['stage__slug']}"] += row["n"]
            if row["deal__industry__slug"]:
                contexts[f"industry:{row['deal__industry__slug']}"] += row["n"]
            if row["band"]:
                contexts[f"size:{row['band']}"] += row["n"]
        return {
            tid: tuple(sorted(k for k, n in contexts.items() if n >= MIN_SUCCESSES_IN_CONTEXT))
            for tid, contexts in counts.items()
        }

    def to_document(self, page: TechniquePage, worked_in: tuple[str, ...] = ()) -> Document | None:
        published = page.live and not page.expired
        body_parts = [page.summary]
        body_parts += [plain_text(text) for text in page.body.stream_block.get_searchable_content(page.body)]
        url = page.url if published else None
        return Document(
            type=self.doc_type,
            id=page.pk,
            title=page.title,
            url=url or (f"/techniques/{page.slug}/" if published else f"/cms/pages/{page.pk}/edit/"),
            body="\n".join(p for p in body_parts if p),
            tags=tuple(Term(s.slug, s.name) for s in page.skills.all()),
            stage=Term(page.stage.slug, page.stage.name) if page.stage_id else None,
            personas=tuple(Term(p.slug, p.name) for p in page.personas.all()),
            industries=tuple(Term(i.slug, i.name) for i in page.industries.all()),
            evidence=Term(page.evidence, page.get_evidence_display()),
            evidence_strength=round(evidence_strength(page), 4),
            published_at=page.first_published_at or page.latest_revision_created_at,
            worked_in=worked_in,
            # Drafts (never published, unpublished or expired) only for their author and managers.
            visibility=Visibility.MEMBERS if published else Visibility.RESTRICTED,
            allowed_users=() if published or not page.author_id else (page.author_id,),
            allowed_roles=() if published else (MANAGER_ROLE,),
            signal=technique_signal(page) if published else "Draft",
            author_id=page.author_id,
        )


def open_deals(user) -> list[DealContext]:
    """The user's open deals, as contexts for "for my deal" on the search page."""
    if not getattr(user, "is_authenticated", False):
        return []
    deals = Deal.objects.filter(owner=user, status=Deal.Status.OPEN).select_related("stage", "industry")[:20]
    out = []
    for deal in deals:
        details = [d for d in (deal.stage.name if deal.stage else "", _amount(deal)) if d]
        label = f"{deal.name} ({', '.join(details)})" if details else deal.name
        out.append(
            DealContext(
                key=str(deal.pk),
                label=label,
                stage=deal.stage.slug if deal.stage else "",
                industry=deal.industry.slug if deal.industry else "",
                size=search_conf.deal_size_band(deal.amount),
            )
        )
    return out


def _amount(deal: Deal) -> str:
    if deal.amount is None:
        return ""
    value = float(deal.amount)
    return f"{deal.currency} {value / 1000:,.0f}k" if value >= 1000 else f"{deal.currency} {value:,.0f}"


def register_sources() -> None:
    register(TechniqueSource())
    register_deal_provider(open_deals)
