"""People's names read family name first, as Vietnamese write them."""

from django.contrib.auth import get_user_model

from approvals.demo import seed_demo
from approvals.names import full_name


def person(**fields):
    return get_user_model()(**{"username": "nguoi.dung", **fields})


def test_the_full_name_puts_the_family_and_middle_names_before_the_given_name():
    user = person(first_name="Hương", last_name="Nguyễn Thị Thanh")
    assert full_name(user) == "Nguyễn Thị Thanh Hương"


def test_a_user_without_a_recorded_name_is_shown_by_their_username():
    assert full_name(person()) == "nguoi.dung"
    assert full_name(person(first_name="  ", last_name="")) == "nguoi.dung"


def test_a_name_with_only_one_part_is_that_part_without_stray_spaces():
    assert full_name(person(first_name=" Hương ")) == "Hương"
    assert full_name(person(last_name="Nguyễn ")) == "Nguyễn"


def test_no_user_has_no_name():
    assert full_name(None) == ""


def test_the_demo_stores_the_given_name_apart_from_the_family_and_middle_names(db):
    seed_demo(with_nominations=False)
    user = get_user_model().objects.get(username="cb.kv1")
    assert (user.last_name, user.first_name) == ("Lý Thị", "Ngọc")
    assert full_name(user) == "Lý Thị Ngọc"
