import datetime
import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.asgi_server import APP_ROLE, APP_ROLE_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django created and migrated the test database as its owner; the application's
    role, which the server processes connect as, gets what `grant_app_role` gives it."""
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            # Roles belong to the whole cluster: another test run may be creating it right now.
            cursor.execute(f"""DO $$ BEGIN
                CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_ROLE_PASSWORD}';
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$""")
        call_command("grant_app_role", APP_ROLE, stdout=io.StringIO())


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


@pytest.fixture
def background_worker(transactional_db: None) -> Iterator[object]:
    """A real Celery worker (a thread of this process, on the suite's Redis) for tests whose
    work goes to the background; the test's rows are committed, so the worker sees them."""
    from tests.celery_worker import thread_worker

    with thread_worker() as worker:
        yield worker


@pytest.fixture
def clock(monkeypatch):
    """clock(days=1): move "now" (and so the local date) forward; clock.at(datetime) sets it."""
    real_now = timezone.now

    class Clock:
        def __call__(self, days: int = 0) -> None:
            moved = real_now() + datetime.timedelta(days=days)
            monkeypatch.setattr(timezone, "now", lambda: moved)

        def at(self, moment: datetime.datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()
