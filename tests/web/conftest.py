import pytest
from django.http import HttpRequest

from tests import factories


@pytest.fixture
def login(client, people):
    """Sign the test client in as one of the base fixture's people (with a request: django-axes
    counts failures against one)."""

    def as_(name):
        assert client.login(request=HttpRequest(), username=name, password=factories.PASSWORD)
        return client

    return as_
