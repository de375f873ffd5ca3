"""The web sign-in form: failed attempts are limited like the API's, in Vietnamese."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("people")]

LOCKED = "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau."
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def sign_in(client, username, password, address="10.0.0.1", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(LOGIN_MAX_FAILURES=3)
def test_after_too_many_failures_even_the_right_password_is_refused_with_a_clear_message():
    client = Client()
    for _ in range(3):
        response = sign_in(client, "director", "guess")
        assert response.status_code == 200 and WRONG in response.text
    response = sign_in(client, "director", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.text and WRONG not in response.text
    assert 'value="director"' in response.text  # the input is kept
    assert not signed_in(client)


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_lock_holds_one_username_from_one_address_only():
    for _ in range(3):
        sign_in(Client(), "director", "guess")
    other_address, other_person = Client(), Client()
    assert sign_in(other_address, "director", PASSWORD, address="10.0.0.2").status_code == 302
    assert signed_in(other_address)
    assert sign_in(other_person, "liaison", PASSWORD).status_code == 302
    assert signed_in(other_person)


@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_successful_sign_in_resets_the_count():
    for _ in range(2):
        sign_in(Client(), "director", "guess")
    assert sign_in(Client(), "director", PASSWORD).status_code == 302
    for _ in range(2):
        sign_in(Client(), "director", "guess")
    client = Client()
    assert sign_in(client, "director", PASSWORD).status_code == 302 and signed_in(client)


@override_settings(LOGIN_MAX_FAILURES=3)
def test_failures_on_the_web_form_lock_the_api_login_too():
    for _ in range(3):
        sign_in(Client(), "director", "guess", address="127.0.0.1")
    api = APIClient()
    response = api.post(
        "/api/v1/auth/token/", {"username": "director", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_admin_sign_in_is_limited_too():
    for _ in range(3):
        sign_in(Client(), "admin", "guess", path="/admin/login/")
    client = Client()
    response = sign_in(client, "admin", PASSWORD, path="/admin/login/")
    assert response.status_code == 200 and not signed_in(client)
    assert LOCKED in response.text
