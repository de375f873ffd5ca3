"""The OpenAPI document: valid, served, and with a browsable docs page."""

from django.core.management import call_command
from rest_framework.test import APIClient

from tests.api.conftest import API


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/nominations/{id}/actions/approve/:" in text
    assert "/api/v1/council/sessions/{id}/ballots/:" in text
    assert "/actions/council-pass/" not in text  # only a session's close takes it
    assert "#/components/schemas/Error" in text


def test_the_schema_and_the_docs_page_are_served(db):
    schema = APIClient().get(f"{API}/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = APIClient().get(f"{API}/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_docs_page_loads_its_scripts_from_our_own_static_files_not_a_cdn(db):
    import re

    from django.contrib.staticfiles import finders

    page = APIClient().get(f"{API}/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', page)
    assert assets, "the docs page names its scripts and styles"
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in page.lower()
