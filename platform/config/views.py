"""Pages that belong to the whole site rather than one app."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core import sections


def home(request: HttpRequest) -> HttpResponse:
    """What is new: each app contributes a section (see core.sections)."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    return render(request, "home.html", {"sections": sections.render("home", request)})


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API paths answer JSON too (the page tree would answer HTML)."""
    return JsonResponse({"detail": f"No API endpoint at {request.path}; see /api/v1/docs for the list."}, status=404)
