from django.conf import settings
from django.urls import reverse


def test_the_notification_centre_speaks_vietnamese_by_default_and_english_on_request(
    client, people
):
    client.force_login(people["reviewer"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Đánh dấu tất cả đã đọc" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Mark all as read" in page and "Đánh dấu tất cả" not in page
