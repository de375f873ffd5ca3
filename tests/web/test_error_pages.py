"""The demo (DEBUG=1) shows our own error pages, never Django's technical ones."""

import logging

import pytest
from django.urls import reverse

from approvals.views import inbox as inbox_views


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def assert_not_technical(html: str) -> None:
    assert "Using the URLconf" not in html
    assert "DEBUG = True" not in html and "Traceback" not in html


def test_a_missing_nomination_shows_our_404_page_when_debugging(login, debug):
    response = login("staff").get(reverse("nomination-detail", args=[999_999]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy" in html and "Về hộp việc" in html
    assert_not_technical(html)


def test_an_unknown_address_shows_our_404_page_in_english_too(login, debug):
    client = login("staff")
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'lang="en"' in html and "Not found" in html
    assert_not_technical(html)


def test_a_page_the_user_may_not_see_shows_our_403_page_when_debugging(login, debug):
    response = login("staff").get(reverse("audit-history"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền" in html
    assert_not_technical(html)


def test_a_server_error_shows_our_500_page_and_logs_the_traceback(
    login, debug, monkeypatch, caplog
):
    def broken(actor):
        raise RuntimeError("hộp việc hỏng")

    monkeypatch.setattr(inbox_views, "inbox_counts", broken)
    client = login("staff")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("inbox"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Lỗi hệ thống" in html and "hộp việc hỏng" not in html
    assert_not_technical(html)
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info[0] is RuntimeError and "hộp việc hỏng" in str(record.exc_info[1])


def test_without_debugging_django_renders_the_same_pages_itself(login, settings):
    settings.DEBUG = False
    response = login("staff").get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy" in response.content.decode()
