"""Forms for the HTTP fallback: post, edit and open rooms without JavaScript or WebSockets."""

from __future__ import annotations

import uuid

from django import forms

from .discussion_selectors import limit


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a message. Markdown and @mentions work."}),
        help_text="Markdown works; @username notifies that person. Enter sends, Shift+Enter adds a line.",
    )
    # A fresh id per rendered form: submitting the same form twice posts one message.
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = limit("message_chars")
        self.fields["body"].widget.attrs["maxlength"] = limit("message_chars")
        if not self.is_bound:
            self.initial.setdefault("client_id", f"form-{uuid.uuid4().hex}")


class MessageEditForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = limit("message_chars")


class RoomForm(forms.Form):
    title = forms.CharField(
        label="Room name", max_length=80, help_text="Short and lower case, e.g. #renewals or #apac-pipeline."
    )
    topic = forms.CharField(label="What it is for", max_length=300, required=False)
