"""Uploaded files where no web server stands in front of daphne (docker-compose, production).

With DEBUG on, Django's static() helper serves all of MEDIA_ROOT. In production only what may
be public is served, each from its own place:

- Wagtail's image renditions (MEDIA_ROOT/images/, the thumbnails and sizes the CMS and pages
  show) by `serve_rendition` at /media/images/. Their names carry the filter and a hash, so they
  may be cached.
- Documents never from /media/: always through Wagtail's serve view at
  /documents/<id>/<filename> (WAGTAILDOCS_SERVE_METHOD = "serve_view"), which applies the
  collection's privacy rules and hooks.
- Original images (MEDIA_ROOT/original_images/) and documents' files are not served at all.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.static import serve

RENDITIONS = "images"  # Wagtail's upload_to for renditions
RENDITION_MAX_AGE = 60 * 60 * 24


def serve_rendition(request: HttpRequest, path: str) -> HttpResponse:
    """One image rendition file (404 for anything else; the path cannot leave the folder)."""
    response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / RENDITIONS)
    response["Cache-Control"] = f"public, max-age={RENDITION_MAX_AGE}"
    # An uploaded file is never a page: no script runs in it, the browser keeps its type.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
