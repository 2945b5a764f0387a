"""StreamField blocks for a technique's body.

Text blocks hold Markdown and render through the shared sanitizer, so a technique written in
the front-end form and one edited in the Wagtail admin are cleaned the same way.
"""

from django.utils.safestring import mark_safe
from wagtail import blocks

from core.markdown import render_markdown


class MarkdownBlock(blocks.TextBlock):
    def render_basic(self, value, context=None):
        return mark_safe(render_markdown(value))

    class Meta:
        icon = "doc-full"
        form_classname = "markdown-block"


class TalkTrackBlock(blocks.StructBlock):
    context = blocks.CharBlock(required=False, max_length=200, help_text="When to say it, e.g. 'first call'.")
    wording = MarkdownBlock(help_text="The words, as you would say them.")

    class Meta:
        icon = "openquote"
        template = "community/blocks/talk_track.html"


class ObjectionBlock(blocks.StructBlock):
    objection = blocks.CharBlock(max_length=300, help_text="What the buyer says.")
    reply = MarkdownBlock(help_text="How you answer.")

    class Meta:
        icon = "help"
        template = "community/blocks/objection.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "community/blocks/quote.html"


class TechniqueBodyBlock(blocks.StreamBlock):
    situation = MarkdownBlock(help_text="When this technique applies.", template="community/blocks/section.html")
    approach = MarkdownBlock(help_text="What to do, step by step.", template="community/blocks/section.html")
    talk_track = TalkTrackBlock()
    objection = ObjectionBlock()
    pitfalls = MarkdownBlock(help_text="Where it goes wrong.", template="community/blocks/section.html")
    rich_text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    quote = QuoteBlock()

    class Meta:
        block_counts = {"situation": {"max_num": 1}, "approach": {"max_num": 1}, "pitfalls": {"max_num": 1}}
