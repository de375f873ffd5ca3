import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_login_counters(db):
    """Failed-login counters live in the shared (database) cache: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login():
    """login(name) -> an APIClient holding the token that POST /auth/token/ returned."""

    def make(name: str, password: str = PASSWORD) -> APIClient:
        client = APIClient()
        response = client.post(
            f"{API}/auth/token/", {"username": name, "password": password}, format="json"
        )
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return make


@pytest.fixture
def as_user(people):
    """as_user(name) -> an APIClient authenticated with that person's token (made directly)."""
    clients = {}

    def make(name: str) -> APIClient:
        if name not in clients:
            user = people[name] if name in people else _user(name)
            token, _ = Token.objects.get_or_create(user=user)
            clients[name] = APIClient()
            clients[name].credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return clients[name]

    return make


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
