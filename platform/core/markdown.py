"""The one place user-written text becomes HTML.

Every app stores what the user typed (Markdown, `body`) and the cleaned HTML (`body_html`)
produced here. Markdown is rendered first, then bleach removes everything outside a small
allow-list (no scripts, styles, event handlers, iframes, images or `javascript:` links), and
links get `rel="nofollow noopener"`. Raw HTML typed by the user is not trusted: tags outside
the allow-list are stripped and their text kept, escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import bleach
import markdown as md
from bleach.linkifier import Linker
from markdown.inlinepatterns import InlineProcessor

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
        "span",
    }
)


def _allowed_link_attribute(tag: str, name: str, value: str) -> bool:
    """Links keep only relative URLs or allow-listed schemes.

    bleach's own protocol check lets `javascript:1` through (a scheme followed only by
    digits parses like a host and port), so the scheme is checked here as a browser would.
    """
    if name == "href":
        scheme = urlsplit(value.strip()).scheme.lower()
        return scheme == "" or scheme in ALLOWED_PROTOCOLS
    return name in ("title", "rel", "class")


ALLOWED_ATTRIBUTES = {
    "a": _allowed_link_attribute,
    "abbr": ["title"],
    "code": ["class"],
    "span": ["class"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]

# @username: letters, digits and . _ - (Django's username characters minus @ and +).
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.\-]*[A-Za-z0-9_])")


class _MentionPattern(InlineProcessor):
    """Turns @username into a profile link, only for usernames that exist."""

    def __init__(self, pattern: str, md_instance: md.Markdown, known: Callable[[str], bool]):
        super().__init__(pattern, md_instance)
        self.known = known

    def handleMatch(self, m, data):
        import xml.etree.ElementTree as etree

        username = m.group(1)
        if not self.known(username):
            return None, None, None
        el = etree.Element("a")
        el.set("href", f"/people/{username}/")
        el.set("class", "mention")
        el.text = f"@{username}"
        return el, m.start(0), m.end(0)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href.startswith("/"):
        return attrs  # links inside the site keep no rel
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_linker = Linker(callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)


def render_markdown(source: str | None, *, known_usernames: Iterable[str] | None = None) -> str:
    """Render user Markdown to cleaned HTML safe to mark safe in templates.

    `known_usernames`, when given, turns those @mentions into profile links (callers pass the
    usernames they resolved with `find_mentions`, so rendering needs no query of its own).
    """
    if not source:
        return ""
    known = {u.lower() for u in known_usernames or ()}
    converter = md.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    if known:
        converter.inlinePatterns.register(
            _MentionPattern(MENTION_RE.pattern, converter, lambda u: u.lower() in known),
            "mention",
            175,
        )
    html = converter.convert(source)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _linker.linkify(cleaned)


def find_mentions(source: str | None) -> set[str]:
    """The @usernames a text mentions (lower-cased), outside code spans and blocks."""
    if not source:
        return set()
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", source, flags=re.DOTALL)
    return {m.group(1).lower() for m in MENTION_RE.finditer(without_code)}


def plain_text(source: str | None, limit: int | None = None) -> str:
    """Markdown reduced to plain text (for snippets, e-mail subjects and search)."""
    if not source:
        return ""
    text = bleach.clean(md.markdown(source, extensions=MARKDOWN_EXTENSIONS), tags=set(), strip=True)
    text = re.sub(r"\s+", " ", text).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text
