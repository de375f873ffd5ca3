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


def test_the_inbox_pages_on_with_a_cursor_through_every_row_once(
    org, people, client, monkeypatch
):
    monkeypatch.setattr(inbox_views, "PAGE_SIZE", 2)
    made = {factories.new_draft(org, people, name=f"Người {i}").pk for i in range(5)}
    client.force_login(people["staff"])
    seen, params, pages = [], {"tab": "queue"}, 0
    while True:
        response = client.get(reverse("inbox"), params)
        assert response.status_code == 200
        seen += [n.pk for n in response.context["rows"]]
        pages += 1
        if response.context["next_after"] is None:
            break
        assert 'data-testid="pager-next"' in response.content.decode()
        params = {"tab": "queue", "after": response.context["next_after"]}
    assert pages == 3 and len(seen) == 5 and set(seen) == made
    assert response.context["counts"]["queue"] == 5


def test_a_broken_inbox_cursor_is_a_clear_error_and_the_first_page(org, people, client):
    factories.new_draft(org, people)
    client.force_login(people["staff"])
    response = client.get(reverse("inbox"), {"tab": "queue", "after": "not-a-cursor"})
    assert response.status_code == 400
    assert len(response.context["rows"]) == 1
    assert "Trang không hợp lệ." in response.content.decode()
