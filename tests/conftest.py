import pytest
from django.core.management import call_command

from tests import factories


@pytest.fixture
def org(db):
    return factories.make_org()


@pytest.fixture
def people(org):
    return factories.make_people(org)


@pytest.fixture
def draft(org, people):
    return factories.new_draft(org, people)


@pytest.fixture
def nomination_in(org, people):
    def make(state, **kwargs):
        return factories.nomination_in(org, people, state, **kwargs)

    return make


@pytest.fixture
def consistent(db):
    """Run after a scenario: the FSM state, the history and the viewflow task agree."""
    yield
    call_command("check_consistency")
    call_command("verify_audit")
