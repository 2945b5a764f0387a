from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .kinds import KINDS, Delivery
from .models import Notification, NotificationPreference


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    qs = Notification.objects.for_user(request.user)
    if only_unread:
        qs = qs.unread()
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "only_unread": only_unread})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    try:
        id_list = [int(i) for i in ids] if ids else None
    except ValueError:
        id_list = []
    count = services.mark_read(user=request.user, ids=id_list)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"marked": count})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("notifications:inbox")


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    n = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if n is None:
        messages.error(request, "That notification no longer exists.")
        return redirect("notifications:inbox")
    services.mark_read(user=request.user, ids=[n.pk])
    if n.url and url_has_allowed_host_and_scheme(n.url, {request.get_host()}, request.is_secure()):
        return redirect(n.url)
    return redirect("notifications:inbox")


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in KINDS.items():
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.CHOICES,
                initial=current.get(key, kind.default),
                widget=forms.Select,
            )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = dict(NotificationPreference.objects.filter(user=request.user).values_list("kind", "delivery"))
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, deliveries=form.cleaned_data)
        messages.success(request, "Your notification settings were saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form}, status=422 if form.errors else 200)
