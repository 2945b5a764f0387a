"""The shared sanitizer: Markdown in, cleaned HTML out, every XSS vector neutralised."""

import pytest

from core.markdown import find_mentions, plain_text, render_markdown

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<p onclick='alert(1)'>hi</p>",
    "![x](javascript:alert(1))",
    "[x](javascript:1)",
    '<a href="JaVaScRiPt:1">x</a>',
    "[x](java\tscript:alert(1))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_is_neutralised(payload):
    html = render_markdown(payload).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html.replace("onerror=alert(1)&gt;", "")  # escaped text is harmless
    assert "<iframe" not in html and "<img" not in html and "<svg" not in html and "<style" not in html
    assert "onclick" not in html and "onload" not in html.replace("&lt;svg onload=alert(1)&gt;", "")
    assert "data:text/html" not in html


def test_markdown_renders_the_allowed_formatting():
    html = render_markdown("**Budget** first, then _timeline_.\n\n- one\n- two\n\n`code`\n\n> quote")
    assert "<strong>Budget</strong>" in html and "<em>timeline</em>" in html
    assert "<li>one</li>" in html and "<code>code</code>" in html and "<blockquote>" in html


def test_links_are_nofollow_and_bare_urls_are_linked():
    html = render_markdown("See https://example.com/mutual-action-plan and [doc](https://example.com)")
    assert html.count('rel="nofollow noopener noreferrer"') == 2


def test_mentions_link_only_known_users_and_skip_code():
    assert find_mentions("Thanks @marcus.reyes and @Dana! not `@code` nor email a@b.com") == {"marcus.reyes", "dana"}
    html = render_markdown("Ask @marcus.reyes or @nobody", known_usernames=["marcus.reyes"])
    assert '<a class="mention" href="/people/marcus.reyes/">@marcus.reyes</a>' in html
    assert "@nobody" in html and "/people/nobody/" not in html


def test_plain_text_for_snippets():
    assert plain_text("**Hello** <b>world</b>\n\nagain", 11) == "Hello…"
    assert plain_text("**Hello** world") == "Hello world"
