import pytest

from tests import factories


@pytest.fixture
def login(client, people):
    """Sign the test client in as one of the base fixture's people."""

    def as_(name):
        assert client.login(username=name, password=factories.PASSWORD)
        return client

    return as_
