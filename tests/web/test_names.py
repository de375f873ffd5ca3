"""Pages show people family name first ("Lý Thị Ngọc"), in Vietnamese and in English."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from tests.factories import PASSWORD, backdate_clock


def named(user, family, given):
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])
    return user


@pytest.fixture(params=["vi", "en"])
def language(request, client):
    client.cookies["django_language"] = request.param
    return request.param


def test_the_header_shows_the_signed_in_user_family_name_first(login, people, language):
    named(people["staff"], "Lý Thị", "Ngọc")
    html = login("staff").get(reverse("inbox")).content.decode()
    assert f'lang="{language}"' in html
    assert '<strong data-testid="user-name">Lý Thị Ngọc</strong>' in html
    assert "Ngọc Lý Thị" not in html


def test_the_timeline_and_the_holder_show_family_names_first(login, people, nomination_in,
                                                             language):
    named(people["staff"], "Lý Thị", "Ngọc")
    named(people["reviewer"], "Nguyễn Thị Thanh", "Hương")
    n = nomination_in(State.IN_REVIEW)
    html = login("auditor").get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert "<strong>Lý Thị Ngọc</strong>" in html  # created the draft
    assert '<dd data-testid="holder">Nguyễn Thị Thanh Hương</dd>' in html
    assert "Hương Nguyễn Thị Thanh" not in html and "Ngọc Lý Thị" not in html


def test_the_list_of_people_to_reassign_to_shows_family_names_first(login, people,
                                                                    nomination_in, language):
    other = get_user_model().objects.create_user(
        username="reviewer2", password=PASSWORD, first_name="Hương", last_name="Nguyễn Thị Thanh"
    )
    role_grant(user=other, role=Role.STANDING_REVIEWER)
    n = backdate_clock(nomination_in(State.IN_REVIEW), 21)  # overdue: the manager may reassign
    html = login("manager").get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert f'<option value="{other.pk}">Nguyễn Thị Thanh Hương</option>' in html
