"""Uploaded files without DEBUG (the test settings route URLs as production does): image
renditions from /media/images/, documents only through Wagtail's serve view, nothing else."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _png() -> bytes:
    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _image():
    return get_image_model().objects.create(title="Pipeline chart", file=ImageFile(BytesIO(_png()), name="chart.png"))


def test_an_image_rendition_is_served_from_media_with_safe_headers(client):
    rendition = _image().get_rendition("fill-20x20")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff" and "max-age" in response["Cache-Control"]


def test_originals_documents_and_paths_outside_renditions_are_not_served(client, media_root):
    image = _image()
    document = get_document_model().objects.create(title="MAP template", file=ContentFile(b"a,b\n", name="map.csv"))
    assert client.get(f"/media/{image.file.name}").status_code == 404  # original_images/...
    assert client.get(f"/media/{document.file.name}").status_code == 404  # documents/...
    (media_root / "secret.txt").write_text("not public")
    for path in ("/media/images/../secret.txt", "/media/images/%2e%2e/secret.txt", "/media/secret.txt"):
        response = client.get(path)
        # Django's own refusal: 400 (logged by django.security) for a path that leaves the folder.
        assert response.status_code in (400, 404) and b"not public" not in response.content, path


def test_a_document_is_served_by_wagtails_view(client):
    document = get_document_model().objects.create(title="MAP template", file=ContentFile(b"a,b\n", name="map.csv"))
    assert document.url == f"/documents/{document.pk}/map.csv"
    response = client.get(document.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"a,b\n"
