from django.urls import reverse

from approvals.views import inbox as inbox_views
from tests import factories


def test_the_list_pager_keeps_the_filters_and_changes_only_the_page(
    org, people, client, monkeypatch
):
    monkeypatch.setattr(inbox_views, "PAGE_SIZE", 2)
    for i in range(3):
        factories.new_draft(org, people, name=f"Người {i}")
    client.force_login(people["staff"])

    page = client.get(reverse("nomination-list"), {"state": "draft", "page": 1}).content.decode()

    assert 'href="?state=draft&amp;page=2"' in page
    assert "page=1&amp;page" not in page
