from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import BuyerPersona, Industry, SalesStage, SkillTag


class _TermViewSet(SnippetViewSet):
    list_display = ["name", "slug", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


class SalesStageViewSet(_TermViewSet):
    model = SalesStage
    icon = "list-ol"


class BuyerPersonaViewSet(_TermViewSet):
    model = BuyerPersona
    icon = "user"


class IndustryViewSet(_TermViewSet):
    model = Industry
    icon = "site"


class SkillTagViewSet(_TermViewSet):
    model = SkillTag
    icon = "tag"


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (SalesStageViewSet, BuyerPersonaViewSet, IndustryViewSet, SkillTagViewSet)


register_snippet(TaxonomyGroup)
