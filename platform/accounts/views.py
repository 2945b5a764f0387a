"""People pages: sign-up by invitation, profiles, the directory and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import APIToken

from core import sections

from . import policy, selectors, services
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, ProfileForm
from .models import Invitation, Role, User


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.invite")
    form = InvitationForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {issued.invitation.email}.")
            form = InvitationForm()
    return render(
        request,
        "accounts/invitations.html",
        {
            "form": form,
            "issued": issued,
            "issued_link": request.build_absolute_uri(issued.path) if issued else None,
            "invitations": selectors.invitations_recent(),
        },
        status=422 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "accounts.invite")
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation)
        messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:invitations")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except services.InvitationInvalid as exc:
            return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                target = {"password": "password1"}.get(field, field)
                form.add_error(target if target in form.fields else None, errors)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Rainmaker, {user.name}! Tell the team a little about yourself.")
            return redirect("accounts:edit_profile")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    if role and role not in Role.values:
        role = ""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.people_list(q=q, role=role), 24).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "q": q, "role": role, "roles": Role.choices})


@login_required
def profile(request: HttpRequest, username: str) -> HttpResponse:
    try:
        person = selectors.profile_get(username=username)
    except User.DoesNotExist as exc:
        raise Http404("No such person.") from exc
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "can_edit": policy.allowed(request.user, "accounts.edit_profile", person),
            "sections": sections.render("profile", request, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expertise"}
        # ModelForm already applied the values to `user`; the service validates and saves.
        services.profile_update(user=user, data=data, expertise=form.cleaned_data["expertise"])
        messages.success(request, "Your profile was saved.")
        return redirect(user.get_absolute_url())
    return render(request, "accounts/edit_profile.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "new_token": new_token, "tokens": selectors.api_tokens_for(user=request.user)},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(APIToken, pk=pk, user=request.user, revoked_at__isnull=True)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” was revoked; calls using it now answer 401.")
    return redirect("accounts:api_tokens")
