"""Token and session authentication, token revocation and the failed-login limit."""

from urllib.parse import urlencode

import pytest
from django.http import HttpRequest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.api.conftest import API
from tests.factories import PASSWORD

TOKEN = f"{API}/auth/token/"


def attempt(client, username, password):
    return client.post(TOKEN, {"username": username, "password": password}, format="json")


def test_a_correct_password_returns_a_token_that_authenticates(people, login):
    client = login("reviewer")
    response = client.get(f"{API}/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "reviewer"
    assert response.json()["roles"] == [
        {
            "role": "standing_reviewer",
            "label": "Thường trực Hội đồng Thi đua - Khen thưởng (thẩm định)",
            "unit": None,
        }
    ]


def test_a_form_encoded_login_works_too(people):
    body = urlencode({"username": "staff", "password": PASSWORD})
    response = APIClient().post(TOKEN, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_a_wrong_password_is_401_with_a_code(people):
    response = attempt(APIClient(), "staff", "wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"
    assert response.json()["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_an_unauthenticated_call_is_401_and_names_the_scheme(people):
    response = APIClient().get(f"{API}/inbox/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_no_longer_authenticates(people, login):
    client = login("head")
    assert client.delete(TOKEN).status_code == 204
    assert client.get(f"{API}/me/").status_code == 401
    assert login("head").get(f"{API}/me/").status_code == 200  # a new login gets a new token


def test_revoking_needs_authentication(people):
    assert APIClient().delete(TOKEN).status_code == 401


def test_the_web_session_authenticates_the_api(people):
    client = APIClient()
    assert client.login(request=HttpRequest(), username="auditor", password=PASSWORD)
    assert client.get(f"{API}/me/").json()["username"] == "auditor"


@override_settings(LOGIN_MAX_FAILURES=3)
def test_after_too_many_failures_even_the_right_password_is_refused_for_a_while(people):
    client = APIClient()
    for _ in range(3):
        assert attempt(client, "director", "guess").status_code == 401
    locked = attempt(client, "director", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert int(locked["Retry-After"]) > 0
    # The lock is per username (and address): another person still logs in.
    assert attempt(client, "liaison", PASSWORD).status_code == 200


@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_successful_login_resets_the_failure_count(people):
    client = APIClient()
    for _ in range(2):
        attempt(client, "director", "guess")
    assert attempt(client, "director", PASSWORD).status_code == 200
    for _ in range(2):
        attempt(client, "director", "guess")
    assert attempt(client, "director", PASSWORD).status_code == 200


@pytest.mark.parametrize("body", [{}, {"username": "staff"}, {"username": "", "password": ""}])
def test_a_malformed_login_is_400_with_field_errors(people, body):
    response = APIClient().post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["fields"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_me_gives_the_full_name_family_name_first(people, login, language):
    people["reviewer"].last_name, people["reviewer"].first_name = "Nguyễn Thị Thanh", "Hương"
    people["reviewer"].save()
    me = login("reviewer").get(f"{API}/me/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert me["full_name"] == "Nguyễn Thị Thanh Hương"
