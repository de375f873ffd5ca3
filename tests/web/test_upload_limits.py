"""An upload over the limit is refused from its Content-Length, before its body is read."""

from django.conf import settings
from django.test import Client

from tests.api.conftest import API

BOUNDARY = "vinhdanh-test-boundary"
TOO_BIG = str(400 * 1024 * 1024)  # what the request says; the body sent is a few bytes


def _post_claiming(client: Client, path: str, size: str):
    # The test client's payload refuses to be read past its real length: a server that
    # reads the body it was told is 400 MB fails instead of answering.
    return client.generic(
        "POST", path, data=b"--" + BOUNDARY.encode() + b"--\r\n",
        content_type=f"multipart/form-data; boundary={BOUNDARY}", CONTENT_LENGTH=size,
    )


def test_a_web_upload_over_the_limit_is_refused_before_its_body_is_read(people, draft):
    client = Client()
    client.force_login(people["staff"])
    before = draft.documents.count()
    response = _post_claiming(client, f"/nominations/{draft.pk}/documents/", TOO_BIG)
    assert response.status_code == 413
    assert "Tệp lớn hơn giới hạn 20 MB" in response.content.decode()
    assert draft.documents.count() == before


def test_an_api_upload_over_the_limit_is_refused_the_same_way(people, draft):
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=people["staff"])
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = _post_claiming(client, f"{API}/nominations/{draft.pk}/documents/", TOO_BIG)
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_an_upload_within_the_limit_still_goes_through(people, draft):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(people["staff"])
    before = draft.documents.count()
    response = client.post(f"/nominations/{draft.pk}/documents/", {
        "kind": "to_trinh", "file": SimpleUploadedFile("a.pdf", pdf, "application/pdf"),
    })
    assert response.status_code == 302 and draft.documents.count() == before + 1
    assert settings.DOSSIER_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
