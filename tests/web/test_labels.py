import datetime

import pytest
from django.utils import timezone, translation

from approvals.templatetags.vinhdanh import action_label, state_label, waited


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (datetime.timedelta(seconds=20), "0 phút"),
        (datetime.timedelta(minutes=7), "7 phút"),
        (datetime.timedelta(hours=2, minutes=5), "2 giờ 5 phút"),
        (datetime.timedelta(days=3, hours=4, minutes=9), "3 ngày 4 giờ"),
    ],
)
def test_the_waiting_time_reads_in_vietnamese(ago, text):
    with translation.override("vi"):
        assert waited(timezone.now() - ago) == text


def test_the_waiting_time_reads_in_english_after_the_switch():
    with translation.override("en"):
        assert waited(timezone.now() - datetime.timedelta(days=1, hours=2)) == "1 day 2 hours"


def test_state_and_action_labels_follow_the_language():
    with translation.override("en"):
        assert str(state_label("awaiting_director")) == "Awaiting the Director"
        assert str(action_label("approve")) == "Approve"
    with translation.override("vi"):
        assert str(state_label("awaiting_director")) == "Chờ Thủ trưởng phê duyệt"
        assert str(action_label("create")) == "Lập dự thảo"


def test_unit_and_award_names_follow_the_language(db):
    from approvals.models import Award, Unit
    from approvals.templatetags.vinhdanh import local_name

    unit = Unit(name="Văn phòng", name_en="Office")
    award = Award(name_vi="Giấy khen", name_en="Certificate of Merit")
    with translation.override("en"):
        assert (local_name(unit), local_name(award)) == ("Office", "Certificate of Merit")
    with translation.override("vi"):
        assert (local_name(unit), local_name(award)) == ("Văn phòng", "Giấy khen")
    assert local_name(Unit(name="Đơn vị A")) == "Đơn vị A"
