import pytest
from rest_framework.authtoken.models import Token

from tests import factories
from tests.notifications.live_client import WebSession, usable_on_server


@pytest.fixture
def tokens(people):
    """name -> an API token of that person (committed: the server processes read it)."""
    return {name: Token.objects.create(user=user).key for name, user in people.items()}


@pytest.fixture
def web_login(people):
    """web_login(base, name) -> the cookie jar of a session signed in through the login form."""
    usable_on_server(*people.values(), password=factories.PASSWORD)

    def login(base: str, name: str):
        return WebSession(base).login(name, factories.PASSWORD).jar

    return login
